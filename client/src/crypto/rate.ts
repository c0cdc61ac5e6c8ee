// Progress figures of a transfer (upload or download): percent, speed over a sliding window,
// and time left. Pure, so the worker uses it for its progress messages and tests check the
// arithmetic. Speed is measured over the last few seconds only, so a stall or a change of
// network shows within seconds, not averaged away over the whole transfer.

/** How far a transfer is, as the page shows it. */
export interface TransferFigures {
  /** Bytes done (sent and acknowledged, or received and verified so far). */
  readonly done: number;
  readonly total: number;
  /** 0 to 100, whole numbers; 100 only when done equals total. */
  readonly percent: number;
  /** Bytes per second over the window; null until there is enough to measure. */
  readonly bytesPerSecond: number | null;
  /** Seconds left at that speed; null while the speed is unknown or zero. */
  readonly secondsLeft: number | null;
}

const RATE_WINDOW_MS = 5_000;
/** Less than this between the oldest and newest sample tells nothing useful yet. */
const MIN_SPAN_MS = 400;

interface Sample {
  readonly at: number;
  readonly done: number;
}

/** Bytes done over time, forgetting samples older than the window. */
export class RateWindow {
  private samples: Sample[] = [];

  constructor(private readonly windowMs: number = RATE_WINDOW_MS) {}

  /** Records `done` bytes at time `at` (ms). A count that went back (a part resent) restarts the window. */
  add(at: number, done: number): void {
    const last = this.samples.at(-1);
    if (last !== undefined && (done < last.done || at < last.at)) this.samples = [];
    this.samples.push({ at, done });
    // Keep one sample at or before the window's start, so the window is always fully spanned.
    while (this.samples.length > 2 && (this.samples[1] as Sample).at <= at - this.windowMs) this.samples.shift();
  }

  /** Bytes per second over the window, or null when it spans too short a time. */
  rate(): number | null {
    const first = this.samples[0];
    const last = this.samples.at(-1);
    if (first === undefined || last === undefined) return null;
    const span = last.at - first.at;
    if (span < MIN_SPAN_MS) return null;
    return ((last.done - first.done) * 1000) / span;
  }
}

export function percentOf(done: number, total: number): number {
  if (total <= 0) return 100;
  if (done >= total) return 100;
  return Math.max(0, Math.min(99, Math.floor((done / total) * 100)));
}

export function figures(done: number, total: number, bytesPerSecond: number | null): TransferFigures {
  const clamped = Math.max(0, Math.min(done, total));
  const rate = bytesPerSecond !== null && Number.isFinite(bytesPerSecond) && bytesPerSecond > 0 ? bytesPerSecond : null;
  const secondsLeft = clamped >= total ? 0 : rate === null ? null : Math.ceil((total - clamped) / rate);
  return {
    done: clamped,
    total,
    percent: percentOf(clamped, total),
    bytesPerSecond: bytesPerSecond === null ? null : Math.max(0, bytesPerSecond),
    secondsLeft,
  };
}

/**
 * Calls `emit` with fresh figures at most every `intervalMs` (and always for the last one),
 * so a fast transfer does not flood the page with messages.
 */
export function progressReporter(
  total: number,
  emit: (figures: TransferFigures) => void,
  now: () => number,
  intervalMs = 200,
): { update(done: number, force?: boolean): void } {
  const window = new RateWindow();
  let lastEmit = -Infinity;
  return {
    update(done, force = false) {
      const at = now();
      window.add(at, done);
      if (!force && done < total && at - lastEmit < intervalMs) return;
      lastEmit = at;
      emit(figures(done, total, window.rate()));
    },
  };
}
