// Which inbox rows this browser has opened, per account, kept in localStorage: the server keeps
// no "read" mark (a GET changes nothing there), so "new" means "not yet opened here". Only ids
// and times are stored — never a name, label or key.
const PREFIX = 'coffer.inbox.seen.';
/** Enough for a long inbox; the oldest marks go first. */
const MAX_MARKS = 1000;

/** Row id → the time of the newest item it had when it was opened. */
export type SeenMarks = Readonly<Record<string, string>>;

export function hasSeen(seen: SeenMarks, id: string, at: string): boolean {
  const mark = seen[id];
  return mark !== undefined && Date.parse(mark) >= Date.parse(at);
}

export function readSeen(userId: string): SeenMarks {
  try {
    const stored: unknown = JSON.parse(localStorage.getItem(PREFIX + userId) ?? '{}');
    if (typeof stored !== 'object' || stored === null || Array.isArray(stored)) return {};
    return Object.fromEntries(
      Object.entries(stored).filter((entry): entry is [string, string] => typeof entry[1] === 'string'),
    );
  } catch {
    // Storage disabled or a damaged value: everything shows as new, which is safe.
    return {};
  }
}

/** Marks a row opened as of `at`; returns the marks as they are now. */
export function markSeen(userId: string, id: string, at: string): SeenMarks {
  const current = readSeen(userId);
  if (hasSeen(current, id, at)) return current;
  const rest = Object.entries(current).filter(([key]) => key !== id);
  const next = Object.fromEntries([...rest.slice(Math.max(0, rest.length - MAX_MARKS + 1)), [id, at]]);
  try {
    localStorage.setItem(PREFIX + userId, JSON.stringify(next));
  } catch {
    // Not remembered; the row shows as new again next time.
  }
  return next;
}
