// The office's address book as a member uses it in the browser: add a contact on the Contacts
// page, and make its standing access code, read once from the dialog.
import type { Page } from 'playwright-core';
import { TRANSFER_TIMEOUT } from './sending.js';

export interface ContactToAdd {
  readonly email: string;
  readonly name: string;
  readonly lang: 'nl' | 'en';
  readonly organisation?: string;
}

/** Opens Contacts, adds the contact and waits for its row. */
export async function addContact(page: Page, contact: ContactToAdd): Promise<void> {
  await page.getByTestId('nav-contacts').click();
  await page.getByTestId('contact-email').fill(contact.email);
  await page.getByTestId('contact-name').fill(contact.name);
  await page.getByTestId('contact-lang').selectOption(contact.lang);
  if (contact.organisation !== undefined) await page.getByTestId('contact-organisation').fill(contact.organisation);
  await page.getByTestId('contact-add').click();
  await page.locator(`[data-testid="contact-row"][data-email="${contact.email}"]`).waitFor();
}

/** On Contacts: makes the contact's standing access code and returns it as shown (XXXX-XXXX-XXXX). */
export async function makeStandingCode(page: Page, email: string): Promise<string> {
  const row = page.locator(`[data-testid="contact-row"][data-email="${email}"]`);
  await row.getByTestId('contact-make-code').click();
  const value = page.getByTestId('contact-code-value');
  await value.waitFor({ timeout: TRANSFER_TIMEOUT });
  const code = (await value.getAttribute('data-value')) ?? '';
  await page.getByTestId('contact-code-done').click();
  await row.getByTestId('contact-replace-code').waitFor();
  return code;
}
