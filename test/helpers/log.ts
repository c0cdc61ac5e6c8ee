// A pino logger that writes to memory, so tests can read exactly what would have been logged.
import { pino, type Logger } from 'pino';

export interface MemoryLog {
  readonly log: Logger;
  /** Everything written, as the raw text. */
  text(): string;
  /** Every line, parsed. */
  lines(): Record<string, unknown>[];
}

export function memoryLog(level: pino.LevelWithSilent = 'info'): MemoryLog {
  const chunks: string[] = [];
  const log = pino({ level }, { write: (chunk: string) => void chunks.push(chunk) });
  return {
    log,
    text: () => chunks.join(''),
    lines: () =>
      chunks
        .join('')
        .split('\n')
        .filter((line) => line !== '')
        .map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}
