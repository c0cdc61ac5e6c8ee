// The guest's replay memory (docs/protocol.md §21 step 8): the highest manifest version this
// browser verified per share id, kept in localStorage (no secret: a share id and a number). A
// server that answers an older version (with its wraps) is refused. Another browser or device
// has no memory and cannot tell (docs/threat-model.md promise 5).
const PREFIX = 'coffer.manifest.';

/** The highest version seen for `shareId`, or undefined (none, or storage unavailable). */
export function seenManifestVersion(shareId: string): number | undefined {
  try {
    const stored = Number(localStorage.getItem(PREFIX + shareId));
    return Number.isSafeInteger(stored) && stored >= 1 ? stored : undefined;
  } catch {
    return undefined;
  }
}

/** Remembers `version` for `shareId` unless a higher one is remembered already. */
export function rememberManifestVersion(shareId: string, version: number): void {
  const seen = seenManifestVersion(shareId);
  if (seen !== undefined && seen >= version) return;
  try {
    localStorage.setItem(PREFIX + shareId, String(version));
  } catch {
    // Private browsing or a full storage: the check simply has no memory here.
  }
}
