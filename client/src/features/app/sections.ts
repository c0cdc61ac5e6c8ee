// The sections under /app: their paths, their names in the navigation, which ones a user may
// open, and which page a path under /app is (app.tsx and AppGate.tsx route with it).
import type { SessionInfo } from '../../api/accounts';
import type { MessageKey } from '../../i18n';

const APP_SECTIONS = {
  '/app': 'dashboard',
  '/app/send': 'send',
  '/app/sent': 'sent',
  '/app/received': 'received',
  '/app/drops': 'drops',
  '/app/security': 'security',
  '/app/colleagues': 'colleagues',
  '/app/clients': 'clients',
  '/app/contacts': 'contacts',
  '/app/admin': 'users',
  '/app/admin/invitations': 'invitations',
  '/app/admin/office': 'office',
  '/app/admin/audit': 'audit',
  '/app/admin/privacy': 'privacy',
} as const;
export type AppSection = (typeof APP_SECTIONS)[keyof typeof APP_SECTIONS];

/**
 * A page under /app: its section, and the share it shows (/app/sent/<id>, /app/received/<id>),
 * the drop (/app/drops/<id>), the form for a new drop (/app/drops/new), or a batch
 * (/app/send/batch, /app/batches/<id>).
 */
export interface AppRoute {
  readonly section: AppSection;
  readonly shareId?: string;
  readonly dropId?: string;
  readonly newDrop?: boolean;
  /** /app/send/batch: a new batch (many files, each to its own recipient); /app/batches/<id>: one batch. */
  readonly newBatch?: boolean;
  readonly batchId?: string;
}

export function appRoute(path: string): AppRoute | null {
  const section = APP_SECTIONS[path as keyof typeof APP_SECTIONS] as AppSection | undefined;
  if (section) return { section };
  const share = /^\/app\/(sent|received)\/([A-Za-z0-9_-]{22})$/.exec(path);
  if (share) return { section: share[1] as 'sent' | 'received', shareId: share[2] as string };
  if (path === '/app/drops/new') return { section: 'drops', newDrop: true };
  if (path === '/app/send/batch') return { section: 'send', newBatch: true };
  const batch = /^\/app\/batches\/([A-Za-z0-9_-]{22})$/.exec(path);
  if (batch) return { section: 'sent', batchId: batch[1] as string };
  const drop = /^\/app\/drops\/([A-Za-z0-9_-]{22})$/.exec(path);
  if (drop) return { section: 'drops', dropId: drop[1] as string };
  return null;
}

export const SECTION_PATHS: Record<AppSection, string> = {
  dashboard: '/app',
  send: '/app/send',
  sent: '/app/sent',
  received: '/app/received',
  drops: '/app/drops',
  security: '/app/security',
  colleagues: '/app/colleagues',
  clients: '/app/clients',
  contacts: '/app/contacts',
  users: '/app/admin',
  invitations: '/app/admin/invitations',
  office: '/app/admin/office',
  audit: '/app/admin/audit',
  privacy: '/app/admin/privacy',
};

export const SECTION_LABELS: Record<AppSection, MessageKey> = {
  dashboard: 'nav.dashboard',
  send: 'nav.send',
  sent: 'nav.sent',
  received: 'nav.received',
  drops: 'nav.drops',
  security: 'nav.security',
  colleagues: 'nav.colleagues',
  clients: 'nav.clients',
  contacts: 'nav.contacts',
  users: 'nav.users',
  invitations: 'nav.invitations',
  office: 'nav.office',
  audit: 'nav.audit',
  privacy: 'nav.privacy',
};

/**
 * Sections this user may open. Sending, the office's shares and drops need approved staff or
 * an approved admin; receiving, any approved account; admin pages, an approved admin (the server
 * checks the same).
 */
export function allowedSections(info: SessionInfo): AppSection[] {
  const { role, approval } = info.me;
  const approved = approval === 'approved';
  const office = role === 'staff' || role === 'admin';
  const sections: AppSection[] = ['dashboard'];
  // A client: the portal (their dashboard), what was shared with them, their own security. Nothing of anyone else's.
  if (role === 'client') return approved ? ['dashboard', 'received', 'security'] : ['dashboard', 'security'];
  if (approved && office) sections.push('send');
  if (approved) sections.push('received');
  if (approved && office) sections.push('sent', 'drops', 'clients', 'contacts');
  if (office) sections.push('colleagues');
  sections.push('security');
  if (role === 'admin' && approval === 'approved') sections.push('users', 'invitations', 'office', 'audit', 'privacy');
  return sections;
}

/** The administration: behind one entry of the navigation. */
export const ADMIN_SECTIONS: readonly AppSection[] = ['users', 'invitations', 'office', 'audit', 'privacy'];

/** The user's own account, last in the navigation. */
const ACCOUNT_SECTIONS: readonly AppSection[] = ['security'];

/**
 * The allowed sections as the navigation groups them: the daily work (in the order of
 * allowedSections: overview, send, received, sent, drop links, clients, contacts, colleagues), the
 * administration, the user's own account. Every allowed section is in exactly one group.
 */
export function navGroups(sections: readonly AppSection[]): {
  readonly work: AppSection[];
  readonly admin: AppSection[];
  readonly account: AppSection[];
} {
  return {
    work: sections.filter((section) => !ADMIN_SECTIONS.includes(section) && !ACCOUNT_SECTIONS.includes(section)),
    admin: sections.filter((section) => ADMIN_SECTIONS.includes(section)),
    account: sections.filter((section) => ACCOUNT_SECTIONS.includes(section)),
  };
}
