// Recipients' addresses as a sender types or pastes them: split, normalised, checked, and
// compared with the list so far.
import { MAX_SHARE_RECIPIENTS } from '../../../../shared/wire/shares.js';
import { isEmail, normalizeEmail } from '../../ui/validate';

/** Addresses from what was typed or pasted: separated by commas, semicolons, spaces or lines; `Name <a@b.nl>` accepted. */
export function splitAddresses(text: string): string[] {
  return text
    .split(/[,;\s]+/)
    .map((part) => normalizeEmail(part.replace(/^<|>$/g, '').replace(/^mailto:/i, '')))
    .filter((part) => part !== '');
}

export type AddOutcome =
  | { readonly ok: true; readonly added: readonly string[] }
  | { readonly ok: false; readonly problem: 'empty' | 'invalid' | 'tooMany'; readonly address?: string };

/** Checks typed text against the list: the new addresses to add, or why none can be. */
export function addressesToAdd(text: string, current: readonly string[], max = MAX_SHARE_RECIPIENTS): AddOutcome {
  const addresses = splitAddresses(text);
  if (addresses.length === 0) return { ok: false, problem: 'empty' };
  const invalid = addresses.find((address) => !isEmail(address));
  if (invalid !== undefined) return { ok: false, problem: 'invalid', address: invalid };
  const known = new Set(current);
  const fresh = [...new Set(addresses)].filter((address) => !known.has(address));
  if (current.length + fresh.length > max) return { ok: false, problem: 'tooMany' };
  return { ok: true, added: fresh };
}
