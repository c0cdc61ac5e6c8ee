// The page's side of pins (docs/protocol.md §14, §20): fetching the user's pins and pin index
// for the crypto worker, remembering in this browser the highest index counter the worker
// verified (so a server that serves an older index, or none, is noticed on the next check), and
// storing what the worker hands back: the pins first, then the index, by compare-and-swap.
import { getPinIndex, getPins, putPin, putPinIndex } from '../../api/sharing';
import type { PinIndexSeen, PinIndexWrite } from '../../crypto/protocol/pins';

const STORAGE_KEY = 'coffer.pin-index-seen';
/** One slot per account and key that signed in on this browser; more is never needed. */
const MAX_SLOTS = 50;

/** The counters this browser verified, by the worker's slot name. */
function seenCounters(): Record<string, number> {
  try {
    const parsed: unknown = JSON.parse(localStorage.getItem(STORAGE_KEY) ?? '{}');
    if (typeof parsed !== 'object' || parsed === null) return {};
    return Object.fromEntries(
      Object.entries(parsed).filter(
        (entry): entry is [string, number] =>
          entry[0].length <= 100 && Number.isSafeInteger(entry[1]) && (entry[1] as number) >= 1,
      ),
    );
  } catch {
    // Storage disabled or garbled: this browser then remembers nothing, like a new device.
    return {};
  }
}

function rememberSeen(seen: PinIndexSeen): void {
  const all = seenCounters();
  if ((all[seen.slot] ?? 0) >= seen.counter) return;
  all[seen.slot] = seen.counter;
  const kept = Object.entries(all).slice(-MAX_SLOTS);
  try {
    localStorage.setItem(STORAGE_KEY, JSON.stringify(Object.fromEntries(kept)));
  } catch {
    // Not remembered: a rollback is then noticed only from what the server serves.
  }
}

/** Everything the worker's `checkKeys` and `pinOffice` need about the user's pins. */
export async function loadPins() {
  const [pins, index] = await Promise.all([getPins(), getPinIndex()]);
  return { pins: pins.pins, index, seen: seenCounters() };
}

/** Stores the worker's outcome: new pins first, then the index that lists them, then remembers its counter. */
export async function storePins(
  pins: readonly { readonly subject: 'office' | 'user'; readonly subjectId: string; readonly envelope: string }[],
  outcome: { readonly index?: PinIndexWrite; readonly seen?: PinIndexSeen },
): Promise<void> {
  for (const pin of pins) await putPin(pin.subject, pin.subjectId, pin.envelope);
  if (outcome.index) await putPinIndex(outcome.index);
  if (outcome.seen) rememberSeen(outcome.seen);
}
