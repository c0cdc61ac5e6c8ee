// Link fragments (docs/protocol.md §15). Secrets live only after '#', which browsers never
// send to the server. A guest link's fragment is <office fingerprint>.<S>; a drop link's is
// <drop key fingerprint>.<D>; both values are 32 bytes in base64url.
import { fromBase64Url, toBase64Url } from './bytes.js';
import { FormatError } from './errors.js';
import { HASH_BYTES, KEY_BYTES } from './primitives.js';
import type { DropSecret, LinkSecret } from './types.js';

function joinFragment(fingerprint: Uint8Array, secret: Uint8Array): string {
  return `${toBase64Url(fingerprint)}.${toBase64Url(secret)}`;
}

function splitFragment(fragment: string): [Uint8Array, Uint8Array] {
  const parts = fragment.replace(/^#/, '').split('.');
  if (parts.length !== 2) throw new FormatError('malformed link fragment');
  return [fromBase64Url(parts[0] as string, HASH_BYTES), fromBase64Url(parts[1] as string, KEY_BYTES)];
}

export function guestLinkFragment(officeFingerprint: Uint8Array, linkSecret: LinkSecret): string {
  return joinFragment(officeFingerprint, linkSecret);
}

export function parseGuestLinkFragment(fragment: string): { officeFingerprint: Uint8Array; linkSecret: LinkSecret } {
  const [officeFingerprint, secret] = splitFragment(fragment);
  return { officeFingerprint, linkSecret: secret as LinkSecret };
}

export function dropLinkFragment(dropFingerprint: Uint8Array, dropSecret: DropSecret): string {
  return joinFragment(dropFingerprint, dropSecret);
}

export function parseDropLinkFragment(fragment: string): { dropFingerprint: Uint8Array; dropSecret: DropSecret } {
  const [dropFingerprint, secret] = splitFragment(fragment);
  return { dropFingerprint, dropSecret: secret as DropSecret };
}
