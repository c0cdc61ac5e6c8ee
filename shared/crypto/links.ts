// Link fragments (docs/protocol.md §15). Secrets live only after '#', which browsers never
// send to the server. A guest link's fragment is <office fingerprint>.<sender identity
// fingerprint>.<S> (v2; links made before it have <office fingerprint>.<S>); a drop link's is
// <drop key fingerprint>.<D>; every value is 32 bytes in base64url.
import { fromBase64Url, toBase64Url } from './bytes.js';
import { FormatError } from './errors.js';
import { HASH_BYTES } from './primitives.js';
import type { DropSecret, LinkSecret } from './types.js';

function joinFragment(...values: Uint8Array[]): string {
  for (const value of values) if (value.length !== HASH_BYTES) throw new FormatError('a link value is 32 bytes');
  return values.map(toBase64Url).join('.');
}

/** Splits a fragment into its 32-byte values; `counts` says how many it may have. */
function splitFragment(fragment: string, counts: readonly number[]): Uint8Array[] {
  const parts = fragment.replace(/^#/, '').split('.');
  if (!counts.includes(parts.length)) throw new FormatError('malformed link fragment');
  // Fingerprints (HASH_BYTES) and secrets (KEY_BYTES) are both 32 bytes.
  return parts.map((part) => fromBase64Url(part, HASH_BYTES));
}

/** A guest link's fragment: v2 names the sender's identity key; v1 (links made before it) does not. */
export type GuestLinkFragment =
  | { readonly version: 1; readonly officeFingerprint: Uint8Array; readonly linkSecret: LinkSecret }
  | {
      readonly version: 2;
      readonly officeFingerprint: Uint8Array;
      readonly senderFingerprint: Uint8Array;
      readonly linkSecret: LinkSecret;
    };

/** `<office fingerprint>.<sender identity fingerprint>.<S>`: what every new guest link carries. */
export function guestLinkFragment(
  officeFingerprint: Uint8Array,
  senderFingerprint: Uint8Array,
  linkSecret: LinkSecret,
): string {
  return joinFragment(officeFingerprint, senderFingerprint, linkSecret);
}

/** `<office fingerprint>.<S>`: a link of a share made before guest links v2, shown again as it was. */
export function guestLinkFragmentV1(officeFingerprint: Uint8Array, linkSecret: LinkSecret): string {
  return joinFragment(officeFingerprint, linkSecret);
}

export function parseGuestLinkFragment(fragment: string): GuestLinkFragment {
  const values = splitFragment(fragment, [2, 3]);
  if (values.length === 2) {
    const [officeFingerprint, secret] = values as [Uint8Array, Uint8Array];
    return { version: 1, officeFingerprint, linkSecret: secret as LinkSecret };
  }
  const [officeFingerprint, senderFingerprint, secret] = values as [Uint8Array, Uint8Array, Uint8Array];
  return { version: 2, officeFingerprint, senderFingerprint, linkSecret: secret as LinkSecret };
}

export function dropLinkFragment(dropFingerprint: Uint8Array, dropSecret: DropSecret): string {
  return joinFragment(dropFingerprint, dropSecret);
}

export function parseDropLinkFragment(fragment: string): { dropFingerprint: Uint8Array; dropSecret: DropSecret } {
  const [dropFingerprint, secret] = splitFragment(fragment, [2]) as [Uint8Array, Uint8Array];
  return { dropFingerprint, dropSecret: secret as DropSecret };
}
