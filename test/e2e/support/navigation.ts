// Moving around the signed-in app the way a person does: through the navigation, which on a
// narrow screen sits behind the "Menu" button (and the administration behind its own entry).
import type { Page } from 'playwright-core';

/** Opens a section of /app by its navigation item (`nav-<section>`), on any screen width. */
export async function openSection(page: Page, section: string): Promise<void> {
  const link = page.getByTestId(`nav-${section}`);
  const toggle = page.getByTestId('nav-toggle');
  if ((await toggle.isVisible()) && (await toggle.getAttribute('aria-expanded')) !== 'true') await toggle.click();
  const admin = page.getByTestId('nav-admin-toggle');
  if (!(await link.isVisible()) && (await admin.isVisible()) && (await admin.getAttribute('aria-expanded')) !== 'true')
    await admin.click();
  await link.click();
}
