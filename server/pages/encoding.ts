// Which precompressed copy of a built file to send (scripts/precompress.ts writes them at build
// time): brotli or gzip when the request's Accept-Encoding allows it, else the file itself.

export type AssetEncoding = 'br' | 'gzip';

/** The file suffix of each copy, as scripts/precompress.ts names them. */
export const ENCODED_SUFFIX: Readonly<Record<AssetEncoding, string>> = { br: '.br', gzip: '.gz' };

/** Preferred first when the browser weighs them the same: brotli is smaller. */
const PREFERENCE: readonly AssetEncoding[] = ['br', 'gzip'];

/** A q-value as RFC 9110 §12.4.2 writes it: 0 to 1, at most three decimals. */
const QVALUE = /^q=(0(?:\.\d{0,3})?|1(?:\.0{0,3})?)$/;

/**
 * The encoding to send for an Accept-Encoding header: the accepted one (q > 0, by name or by
 * `*`) with the highest weight, brotli on a tie; null for the file as it is (no header, neither
 * accepted, or `identity` weighed above both). A malformed weight counts as not accepted.
 */
export function preferredEncoding(header: string | undefined): AssetEncoding | null {
  if (header === undefined) return null;
  const weights = new Map<string, number>();
  for (const part of header.split(',')) {
    const [name = '', ...params] = part.split(';').map((piece) => piece.trim().toLowerCase());
    if (name === '') continue;
    let weight = 1;
    for (const param of params) {
      if (!param.startsWith('q=')) continue;
      const match = QVALUE.exec(param);
      weight = match ? Number(match[1]) : 0;
    }
    weights.set(name, weight);
  }
  const weightOf = (coding: string): number => weights.get(coding) ?? weights.get('*') ?? 0;
  let best: AssetEncoding | null = null;
  let bestWeight = 0;
  for (const coding of PREFERENCE) {
    const weight = weightOf(coding);
    if (weight > bestWeight) {
      best = coding;
      bestWeight = weight;
    }
  }
  const identity = weights.get('identity');
  return identity !== undefined && identity > bestWeight ? null : best;
}

/** A name that is itself a compressed copy: served only in place of its file, never by its own name. */
export function isEncodedCopy(name: string): boolean {
  return Object.values(ENCODED_SUFFIX).some((suffix) => name.endsWith(suffix));
}
