// Guest and drop links and the mail an advisor sends with one (docs/protocol.md §15). A
// guest link is `<origin>/s/<linkId>#<office fingerprint>.<sender fingerprint>.<S>` (links made
// before link ids: `<origin>/s/<recipientId>#<office fingerprint>.<S>`), a drop link
// `<origin>/d/<dropId>#<drop key fingerprint>.<D>`: the fragment is never sent to a server. The
// crypto worker makes and checks the fragment; the page only puts it together and takes it
// apart, with the same shapes and no crypto library.
import { ID_PATTERN } from '../../../../shared/wire/patterns.js';
import type { Translate } from '../../i18n';

/** A drop's `<fingerprint>.<D>`: two 32-byte values in base64url without padding. */
const DROP_FRAGMENT_PATTERN = /^[A-Za-z0-9_-]{43}\.[A-Za-z0-9_-]{43}$/;
/** A guest's `<office fingerprint>.<sender fingerprint>.<S>`, or the two values of a link made before. */
const GUEST_FRAGMENT_PATTERN = /^[A-Za-z0-9_-]{43}(\.[A-Za-z0-9_-]{43}){1,2}$/;

/** `/s/` for a guest's link, `/d/` for a drop's: the id that follows, and the fragment after '#'. */
function linkTo(kind: 's' | 'd', origin: string, id: string, fragment: string): string {
  const pattern = kind === 's' ? GUEST_FRAGMENT_PATTERN : DROP_FRAGMENT_PATTERN;
  if (!ID_PATTERN.test(id) || !pattern.test(fragment)) throw new RangeError(`not a /${kind}/ link`);
  return `${origin}/${kind}/${id}#${fragment}`;
}

function idOfPath(kind: 's' | 'd', pathname: string): string | null {
  const match = new RegExp(`^/${kind}/([A-Za-z0-9_-]{22})/?$`).exec(pathname);
  return match ? (match[1] as string) : null;
}

export function guestLink(origin: string, linkId: string, fragment: string): string {
  return linkTo('s', origin, linkId, fragment);
}

/** The link id of a `/s/<id>` page (a recipient id in a link made before link ids), or null. */
export function guestLinkId(pathname: string): string | null {
  return idOfPath('s', pathname);
}

/** The fragment of a guest link (`#…`, as location.hash gives it), or null when malformed. */
export function guestFragment(hash: string): string | null {
  const fragment = hash.startsWith('#') ? hash.slice(1) : hash;
  return GUEST_FRAGMENT_PATTERN.test(fragment) ? fragment : null;
}

/** The fragment of a drop link, or null when malformed. */
export function dropFragment(hash: string): string | null {
  const fragment = hash.startsWith('#') ? hash.slice(1) : hash;
  return DROP_FRAGMENT_PATTERN.test(fragment) ? fragment : null;
}

export function dropLink(origin: string, dropId: string, fragment: string): string {
  return linkTo('d', origin, dropId, fragment);
}

/** The drop id of a `/d/<id>` page, or null. */
export function dropIdOfPath(pathname: string): string | null {
  return idOfPath('d', pathname);
}

/**
 * A `mailto:` URL (RFC 6068). The address keeps its @ (some mail programs do not decode
 * %40); everything else is percent-encoded, with CRLF line breaks in the body.
 */
export function mailtoHref(to: string, subject: string, body: string): string {
  const at = to.lastIndexOf('@');
  const address =
    at < 0 ? encodeURIComponent(to) : `${encodeURIComponent(to.slice(0, at))}@${encodeURIComponent(to.slice(at + 1))}`;
  const crlf = body.replace(/\r?\n/g, '\r\n');
  return `mailto:${address}?subject=${encodeURIComponent(subject)}&body=${encodeURIComponent(crlf)}`;
}

export interface GuestMail {
  readonly subject: string;
  readonly body: string;
}

/** A mail that passes a link on: greeting, who asks what, the link, what follows, until when, closing. */
function linkMail(
  t: Translate,
  params: { readonly office: string; readonly sender: string; readonly link: string; readonly expires: string },
  kind: 'guest' | 'drop',
  after: readonly string[],
): GuestMail {
  const paragraphs = [
    t('mail.guest.greeting'),
    t(kind === 'guest' ? 'mail.guest.intro' : 'mail.drop.intro', { sender: params.sender, office: params.office }),
    params.link,
    ...after,
    t('mail.guest.expires', { expires: params.expires }),
    t('mail.guest.closing', { sender: params.sender }),
  ];
  return {
    subject: t(kind === 'guest' ? 'mail.guest.subject' : 'mail.drop.subject', { office: params.office }),
    body: paragraphs.join('\n\n'),
  };
}

/**
 * The ready text for "Open in my mail app", in the sender's language. It never contains the
 * access code: that goes by phone, never in the same mail as the link.
 */
export function guestMail(
  t: Translate,
  params: {
    readonly office: string;
    readonly sender: string;
    readonly link: string;
    readonly expires: string;
    readonly accessCode: boolean;
  },
): GuestMail {
  return linkMail(t, params, 'guest', [
    t('mail.guest.code'),
    ...(params.accessCode ? [t('mail.guest.accessCode')] : []),
  ]);
}

/**
 * The ready text for a drop link, in the language the advisor chose. A bound drop says a code
 * will come to the client's address; an open drop mails nothing.
 */
export function dropMail(
  t: Translate,
  params: {
    readonly office: string;
    readonly sender: string;
    readonly link: string;
    readonly expires: string;
    readonly bound: boolean;
  },
): GuestMail {
  return linkMail(t, params, 'drop', [
    ...(params.bound ? [t('mail.drop.code')] : []),
    t('mail.drop.private', { office: params.office }),
  ]);
}

// ---- expiry

export const DAY_MS = 86_400_000;
const PRESET_DAYS = [1, 3, 7, 14, 30, 60, 90, 180, 365] as const;
/** When the session does not say (an older server), the office default. */
export const DEFAULT_MAX_EXPIRY_DAYS = 30;
/** Kept off the maximum, so a browser clock a little ahead of the server's is still accepted. */
const CLOCK_MARGIN_MS = 5 * 60_000;

/** Expiry choices in days, within the office maximum (the maximum itself always offered). */
export function expiryPresets(maxDays: number): number[] {
  const presets: number[] = PRESET_DAYS.filter((days) => days <= maxDays);
  if (!presets.includes(maxDays)) presets.push(maxDays);
  return presets;
}

export function defaultExpiryDays(maxDays: number): number {
  return Math.min(7, maxDays);
}

/** The ISO time `days` from `now`, a few minutes short of it. */
export function expiryFrom(now: number, days: number): string {
  return new Date(now + days * DAY_MS - CLOCK_MARGIN_MS).toISOString();
}
