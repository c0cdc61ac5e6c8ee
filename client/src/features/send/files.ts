// The list of files chosen for a share: each file once, up to the maximum a share holds.
import { MAX_SHARE_FILES } from '../../../../shared/wire/shares.js';

/** A stable key for a chosen file (the same file chosen twice is listed once). */
export function fileKey(file: { readonly name: string; readonly size: number; readonly lastModified: number }): string {
  return `${file.name}\u0000${file.size}\u0000${file.lastModified}`;
}

/** Adds files to a list, without duplicates, up to the maximum; reports what did not fit. */
export function addFiles<T extends { readonly name: string; readonly size: number; readonly lastModified: number }>(
  current: readonly T[],
  added: readonly T[],
  max = MAX_SHARE_FILES,
): { readonly files: T[]; readonly dropped: number } {
  const seen = new Set(current.map(fileKey));
  const files = [...current];
  let dropped = 0;
  for (const file of added) {
    if (seen.has(fileKey(file))) continue;
    if (files.length >= max) {
      dropped++;
      continue;
    }
    seen.add(fileKey(file));
    files.push(file);
  }
  return { files, dropped };
}

/**
 * The chosen files that are empty (0 bytes). Coffer sends them (a placeholder can be meant), but
 * an empty file is usually a failed export or a cloud file not downloaded yet, so the person
 * confirms first.
 */
export function emptyFiles<T extends { readonly size: number }>(files: readonly T[]): T[] {
  return files.filter((file) => file.size === 0);
}
