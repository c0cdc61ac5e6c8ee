// A pino logger that writes to memory, so tests can read exactly what would have been logged.
import { pino, type Logger } from 'pino';

export interface MemoryLog {
  readonly log: Logger;
  /** Everything written, as the raw text. */
  text(): string;
  /** Every line, parsed. */
  lines(): Record<string, unknown>[];
  /** How many lines were written so far: a mark to pass to `linesSince`. */
  count(): number;
  /** The lines written after `mark` (a value of `count()`), parsed. */
  linesSince(mark: number): Record<string, unknown>[];
}

export function memoryLog(level: pino.LevelWithSilent = 'info'): MemoryLog {
  // pino hands its destination one whole line per write.
  const chunks: string[] = [];
  const log = pino({ level }, { write: (chunk: string) => void chunks.push(chunk) });
  const parse = (from: number) =>
    chunks
      .slice(from)
      .join('')
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  return {
    log,
    text: () => chunks.join(''),
    lines: () => parse(0),
    count: () => chunks.length,
    linesSince: parse,
  };
}
