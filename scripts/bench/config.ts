// The benchmark's settings, read once from the environment (see scripts/bench.ts's header for
// what each one does), and the people it plays: the advisor who sends and the guest who
// receives.
export interface BenchConfig {
  /** The file sizes measured end to end, MiB, smallest first. */
  readonly sizesMib: readonly number[];
  /** How much the in-browser crypto ceilings encrypt and decrypt, MiB. */
  readonly ceilingMib: number;
  /** How many times "click to link" is measured (the median is reported). */
  readonly linkRuns: number;
  /** A folder for V8 CPU profiles of each phase, or undefined. */
  readonly profileDir: string | undefined;
  /** Where to write the summary as JSON, or undefined. */
  readonly jsonPath: string | undefined;
  /** A phase that takes longer than this at any plausible speed has hung. */
  readonly phaseTimeoutMs: number;
}

export const ADVISOR = { name: 'Els Jansen', email: 'els@kantoor-jansen.nl', password: 'kaasboer-fietspomp-regenjas' };
export const GUEST = 'klant@example.com';
/** The small file of "click to link": a typical scanned letter. */
export const LETTER_BYTES = 200 * 1024;
/** How long after a transfer the server's memory is read again, to see what it gave back. */
export const SETTLE_MS = 5_000;

function wholeNumber(name: string, fallback: number): number {
  const raw = process.env[name];
  const value = raw === undefined || raw === '' ? fallback : Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a whole number ≥ 1 (got ${raw})`);
  return value;
}

/** Reads the BENCH_* variables; throws with a message for a person when one is wrong. */
export function readConfig(): BenchConfig {
  const largest = wholeNumber('BENCH_MIB', 1024);
  const listed = process.env['BENCH_SIZES'];
  const sizes =
    listed === undefined || listed === ''
      ? [256, largest]
      : listed.split(',').map((size) => {
          const mib = Number(size.trim());
          if (!Number.isInteger(mib) || mib < 1)
            throw new Error(`BENCH_SIZES must list whole MiB, e.g. 8,16 (got ${listed})`);
          return mib;
        });
  const sizesMib = [...new Set(sizes)].sort((a, b) => a - b);
  const biggest = Math.max(...sizesMib);
  return {
    sizesMib,
    ceilingMib: wholeNumber('BENCH_CEILING_MIB', Math.min(256, biggest)),
    linkRuns: wholeNumber('BENCH_LINK_RUNS', 5),
    profileDir: process.env['BENCH_PROFILE'] || undefined,
    jsonPath: process.env['BENCH_JSON'] || undefined,
    phaseTimeoutMs: Math.max(120_000, biggest * 1_000),
  };
}
