// An office with realistic content, made through the real pages (the built server, real SMTP on
// loopback, real Chromium), for the tests and the screenshots that look at every page: an admin,
// a staff member and a client, each signed in in their own browser context; shares sent to an
// account and to a guest; a share an admin sent to the staff member; an open drop link with an
// upload; an upload through the client's portal; a client invitation nobody accepted yet; and the
// audit entries all that wrote. It also lists every page to visit, per role and signed out.
import { randomBytes } from 'node:crypto';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { approveColleague, completeSetup, inviteColleague, type Person } from './accounts.js';
import { activateClient, approveClient, inviteClient, uploadThroughPortal } from './clients.js';
import { addContact, makeStandingCode } from './contacts.js';
import { startCoffer, type Coffer } from './coffer.js';
import { makeDropLink, openDropLink, uploadFiles } from './drops.js';
import { randomFile, send } from './sending.js';

const ADMIN: Person = {
  name: 'Marieke de Vries',
  email: 'marieke@devries-administratie.nl',
  password: 'koffie-met-een-stroopwafel-graag',
};
const STAFF: Person = {
  name: 'Jeroen Bakker',
  email: 'jeroen@devries-administratie.nl',
  password: 'fiets-door-de-regen-naar-kantoor',
};
const CLIENT: Person = {
  name: 'Bloemenhandel Van den Berg B.V.',
  email: 'info@bloemenhandel-vandenberg.nl',
  password: 'tulpen-in-de-lente-en-rozen-in-juni',
};
const OFFICE = 'Administratiekantoor De Vries';
const GUEST = 'p.jansen@example.nl';

interface Signed {
  readonly person: Person;
  readonly context: BrowserContext;
  /** Signed in with the keys unlocked: move inside the app without reloading (see goInApp). */
  readonly page: Page;
}

export interface Showcase {
  readonly coffer: Coffer;
  readonly admin: Signed;
  readonly staff: Signed;
  readonly client: Signed;
  /** A guest's link of a share (/s/<id>#…), a drop link nobody used (/d/<id>#…), a client's invitation (/invite#…). */
  readonly guestLink: string;
  readonly dropLink: string;
  readonly inviteLink: string;
  /** The setup link the server printed, used by the setup. */
  readonly usedSetupLink: string;
  readonly sentShareId: string;
  /** A share the admin sent to the staff member. */
  readonly staffReceivedShareId: string;
  /** The staff member's share to the client, as the client receives it. */
  readonly clientReceivedShareId: string;
  readonly dropId: string;
  /** Stops the contexts, the server and the mail server. */
  close(): Promise<void>;
}

/** Contexts for people: `bypassCSP` only so axe's script can run in them (the other tests run under the real policy). */
async function newContext(browser: Browser, locale: string, bypassCSP: boolean): Promise<BrowserContext> {
  return browser.newContext({ locale, viewport: { width: 1280, height: 900 }, bypassCSP, acceptDownloads: true });
}

/** Builds the office; `bypassCSP` as for newContext. Takes a few minutes on a busy machine. */
export async function buildShowcase(browser: Browser, options: { readonly bypassCSP: boolean }): Promise<Showcase> {
  const coffer = await startCoffer('coffer-showcase-');
  const contexts: BrowserContext[] = [];
  try {
    const open = async (locale = 'nl-NL'): Promise<Page> => {
      const context = await newContext(browser, locale, options.bypassCSP);
      contexts.push(context);
      return context.newPage();
    };
    const admin = await open();
    await admin.goto(coffer.setupLink);
    await admin.locator('[data-testid="setup-status"][data-state="valid"]').waitFor();
    await completeSetup(admin, OFFICE, ADMIN);

    const staff = await open();
    const { fingerprint } = await inviteColleague(admin, staff, coffer, STAFF);
    await approveColleague(admin, staff, STAFF.email, fingerprint);

    const client = await open();
    const clientLink = await inviteClient(staff, coffer.mail, CLIENT);
    await approveClient(staff, client, CLIENT.email, await activateClient(client, clientLink, CLIENT));

    const sent = await send(
      staff,
      [randomFile('Jaarrekening 2025 - concept.pdf', 48_000), randomFile('Aangifte omzetbelasting Q3.pdf', 12_000)],
      [
        { email: CLIENT.email, kind: 'account' },
        { email: GUEST, kind: 'guest' },
      ],
    );
    const toStaff = await send(
      admin,
      [randomFile('Werkinstructie loonaangifte.pdf', 20_000)],
      [{ email: STAFF.email, kind: 'account' }],
    );

    const drop = await makeDropLink(staff, {
      label: 'Loonstroken januari',
      title: 'Uw loonstroken van januari',
      instructions: 'Zet hier de loonstroken van januari neer, één bestand per medewerker.',
    });
    const uploader = await open();
    await openDropLink(uploader, drop.link, 'files');
    await uploadFiles(uploader, [randomFile('Loonstrook januari - A. de Groot.pdf', 9_000)], {
      message: 'Hierbij de loonstroken, met vriendelijke groet.',
    });
    const unused = await makeDropLink(staff, { label: 'Bankafschriften', title: 'Uw bankafschriften van 2025' });

    await uploadThroughPortal(client, [randomFile('Bankafschrift december.pdf', 15_000)]);

    const pending: Person = {
      name: 'Kapsalon Knip',
      email: `kapsalon-${randomBytes(3).toString('hex')}@example.nl`,
      password: 'schaar-kam-en-fohn-erbij-graag',
    };
    const inviteLink = await inviteClient(staff, coffer.mail, pending);

    await addContact(staff, {
      email: 'pieter@bakkerij-smit.example',
      name: 'Pieter Smit',
      lang: 'nl',
      organisation: 'Bakkerij Smit',
    });
    await makeStandingCode(staff, 'pieter@bakkerij-smit.example');
    await addContact(staff, { email: 'j.devries@example.nl', name: 'Johanna de Vries', lang: 'en' });

    const signed = (person: Person, page: Page): Signed => ({ person, context: page.context(), page });
    return {
      coffer,
      admin: signed(ADMIN, admin),
      staff: signed(STAFF, staff),
      client: signed(CLIENT, client),
      guestLink: sent.guests[0]?.link ?? '',
      dropLink: unused.link,
      inviteLink,
      usedSetupLink: coffer.setupLink,
      sentShareId: sent.shareId,
      staffReceivedShareId: toStaff.shareId,
      clientReceivedShareId: sent.shareId,
      dropId: drop.dropId,
      async close() {
        for (const context of contexts) await context.close();
        await coffer.stop();
      },
    };
  } catch (error) {
    for (const context of contexts) await context.close();
    await coffer.stop();
    throw error;
  }
}

export interface PageToVisit {
  /** A short name for reports and file names. */
  readonly name: string;
  readonly path: string;
}

/** Every page of the signed-in app `role` may open (with one of each kind of detail page). */
export function appPages(showcase: Showcase, role: 'admin' | 'staff' | 'client'): PageToVisit[] {
  if (role === 'client')
    return [
      { name: 'portal', path: '/app' },
      { name: 'received', path: '/app/received' },
      { name: 'received-share', path: `/app/received/${showcase.clientReceivedShareId}` },
      { name: 'security', path: '/app/security' },
    ];
  const office: PageToVisit[] = [
    { name: 'overview', path: '/app' },
    { name: 'send', path: '/app/send' },
    { name: 'send-batch', path: '/app/send/batch' },
    { name: 'received', path: '/app/received' },
    { name: 'received-share', path: `/app/received/${showcase.staffReceivedShareId}` },
    { name: 'sent', path: '/app/sent' },
    { name: 'sent-share', path: `/app/sent/${showcase.sentShareId}` },
    { name: 'drops', path: '/app/drops' },
    { name: 'drop-new', path: '/app/drops/new' },
    { name: 'drop', path: `/app/drops/${showcase.dropId}` },
    { name: 'clients', path: '/app/clients' },
    { name: 'contacts', path: '/app/contacts' },
    { name: 'colleagues', path: '/app/colleagues' },
    { name: 'security', path: '/app/security' },
  ];
  if (role === 'staff') return office;
  return [
    ...office,
    { name: 'users', path: '/app/admin' },
    { name: 'invitations', path: '/app/admin/invitations' },
    { name: 'office', path: '/app/admin/office' },
    { name: 'audit', path: '/app/admin/audit' },
    { name: 'privacy', path: '/app/admin/privacy' },
  ];
}

/** The pages someone sees without signing in (the links are whole URLs of this server). */
export function publicPages(showcase: Showcase): PageToVisit[] {
  const local = (url: string): string => url.replace(showcase.coffer.origin, '');
  return [
    { name: 'home', path: '/' },
    { name: 'login', path: '/login' },
    { name: 'recover', path: '/recover' },
    { name: 'setup-used', path: local(showcase.usedSetupLink) },
    { name: 'guest-link', path: local(showcase.guestLink) },
    { name: 'drop-link', path: local(showcase.dropLink) },
    { name: 'invite', path: local(showcase.inviteLink) },
    { name: 'not-found', path: '/dit-bestaat-niet' },
    { name: 'not-found-app', path: '/app/bestaat-niet' },
  ];
}

/**
 * Moves a signed-in page to `path` the way the app's own links do (history API and the router's
 * event, client/src/router.tsx), without a reload: a reload would lock the keys, which live in
 * the page's worker.
 */
export async function goInApp(page: Page, path: string): Promise<void> {
  await page.evaluate((to) => {
    history.pushState(null, '', to);
    dispatchEvent(new Event('coffer:navigate'));
  }, path);
}

/**
 * Waits until the page shows its heading and nothing on it is still loading (no spinner, no busy
 * status), twice in a row a quarter second apart.
 */
export async function pageSettled(page: Page): Promise<void> {
  await page.waitForFunction(
    () => {
      const w = window as unknown as { settledSince?: number };
      const busy =
        document.querySelector('h1') === null ||
        document.querySelector('.progress, .status-text--busy, [aria-busy="true"]') !== null;
      if (busy) {
        w.settledSince = undefined;
        return false;
      }
      w.settledSince ??= performance.now();
      return performance.now() - w.settledSince > 250;
    },
    undefined,
    { timeout: 60_000, polling: 100 },
  );
}

/**
 * What sticks out of the viewport sideways: the page's own scroll width, and each element whose
 * box leaves the viewport without an ancestor that scrolls or clips it (a wide table inside a
 * scrolling wrapper is fine). Empty when the page fits.
 */
export async function horizontalOverflow(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const root = document.documentElement;
    const width = root.clientWidth;
    const found: string[] = [];
    if (root.scrollWidth > width) found.push(`the page is ${root.scrollWidth}px wide in a ${width}px viewport`);
    const clipped = (element: Element): boolean => {
      for (let parent = element.parentElement; parent && parent !== document.body; parent = parent.parentElement) {
        const { overflowX } = getComputedStyle(parent);
        if (overflowX !== 'visible') return true;
      }
      return false;
    };
    const describe = (element: Element): string => {
      const testid = element.getAttribute('data-testid');
      const classes = typeof element.className === 'string' ? element.className.trim().split(/\s+/).join('.') : '';
      return `${element.tagName.toLowerCase()}${classes ? `.${classes}` : ''}${testid ? `[data-testid=${testid}]` : ''}`;
    };
    for (const element of document.body.querySelectorAll('*')) {
      const box = element.getBoundingClientRect();
      if (box.width === 0 || box.height === 0) continue;
      if (box.right <= width + 1 && box.left >= -1) continue;
      if (element.closest('.skip-link, .visually-hidden') || clipped(element)) continue;
      found.push(`${describe(element)}: ${Math.round(box.left)}…${Math.round(box.right)}px`);
    }
    return found.slice(0, 10);
  });
}
