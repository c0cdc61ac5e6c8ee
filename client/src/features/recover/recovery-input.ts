// A recovery key as people type or paste it: any case, with or without the hyphens, with
// spaces or line breaks from a printout, and the letters Crockford base32 reads as digits
// (O as 0, I and L as 1). Checked here only for shape, so a typo is pointed out while the
// user types; whether its check bytes hold is decided in the crypto worker
// (shared/crypto parseRecoveryKey, docs/protocol.md §7), before anything is sent.

/** 32 key bytes and 3 check bytes, five bits per character. */
export const RECOVERY_KEY_CHARACTERS = 56;
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

export type RecoveryKeyInput =
  | { readonly kind: 'empty' }
  /** A character that is in no recovery key (e.g. U, or punctuation other than a hyphen). */
  | { readonly kind: 'bad_character'; readonly character: string }
  /** Not 56 characters once spaces and hyphens are gone. */
  | { readonly kind: 'wrong_length'; readonly length: number }
  /** The key in its canonical form: 14 groups of 4, joined by hyphens. */
  | { readonly kind: 'complete'; readonly key: string };

export function normalizeRecoveryKeyInput(text: string): RecoveryKeyInput {
  // Spaces of any kind, line breaks, hyphens and dashes a word processor may have made of them.
  const cleaned = text
    .normalize('NFKC')
    .toUpperCase()
    .replace(/[\s\u00ad\u2010-\u2015\u2212-]/g, '')
    .replace(/O/g, '0')
    .replace(/[IL]/g, '1');
  if (cleaned === '') return { kind: 'empty' };
  for (const character of cleaned) {
    if (!ALPHABET.includes(character)) return { kind: 'bad_character', character };
  }
  if (cleaned.length !== RECOVERY_KEY_CHARACTERS) return { kind: 'wrong_length', length: cleaned.length };
  return { kind: 'complete', key: groups(cleaned, 4).join('-') };
}

/** "ABCDEFGH" → ["ABCD", "EFGH"]. */
export function groups(text: string, size: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out;
}
