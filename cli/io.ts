// What a command may do with the terminal: print for people (stdout), report problems and
// progress (stderr; progress only on a terminal and never with --json), print one JSON document
// (--json), get the passphrase (COFFER_PASSPHRASE, else typed at the terminal unechoed), and ask
// a yes/no question (only at a terminal).
import { createInterface } from 'node:readline';
import type { Writable } from 'node:stream';
import type { ReadStream } from 'node:tty';
import type { Lang, Messages } from './messages.js';

export interface Streams {
  readonly stdout: Writable;
  readonly stderr: Writable & { readonly isTTY?: boolean };
  readonly stdin: NodeJS.ReadableStream & Partial<Pick<ReadStream, 'isTTY' | 'setRawMode'>>;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** A signal that aborts when the person asks the program to stop (SIGINT, SIGTERM); asked for only by `watch`. */
  readonly stopSignal?: () => AbortSignal;
}

export interface Io {
  readonly m: Messages;
  readonly lang: Lang;
  readonly json: boolean;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly stopSignal: (() => AbortSignal) | undefined;
  /** A line for people (not with --json). */
  say(text: string): void;
  /** A warning or problem for people, on stderr (also with --json, where `report` carries it too). */
  warn(text: string): void;
  /** A progress line that the next one overwrites (a terminal only, never with --json). */
  progress(text: string): void;
  /** The command's answer with --json: one JSON document per line (`watch` and `login` write more than one). */
  result(value: unknown): void;
  passphrase(): Promise<string>;
  /** Asks a yes/no question at the terminal (y, or j in Dutch); rejects when stdin is not a terminal. */
  confirm(question: string): Promise<boolean>;
}

export function createIo(streams: Streams, m: Messages, lang: Lang, json: boolean): Io {
  const tty = streams.stderr.isTTY === true && !json;
  let progressShown = false;
  const clearProgress = (): void => {
    if (progressShown) streams.stderr.write('\r\x1b[K');
    progressShown = false;
  };
  return {
    m,
    lang,
    json,
    env: streams.env,
    stopSignal: streams.stopSignal,
    say(text) {
      if (json) return;
      clearProgress();
      streams.stdout.write(`${text}\n`);
    },
    warn(text) {
      clearProgress();
      streams.stderr.write(`${text}\n`);
    },
    progress(text) {
      if (!tty) return;
      streams.stderr.write(`\r\x1b[K${text}`);
      progressShown = true;
    },
    result(value) {
      if (json) streams.stdout.write(`${JSON.stringify(value)}\n`);
    },
    passphrase() {
      const given = streams.env['COFFER_PASSPHRASE'];
      if (given !== undefined && given !== '') return Promise.resolve(given);
      return readHidden(streams, m.passphrasePrompt);
    },
    confirm(question) {
      if (streams.stdin.isTTY !== true) return Promise.reject(new Error('no terminal'));
      clearProgress();
      const prompt = createInterface({ input: streams.stdin, output: streams.stderr, terminal: false });
      return new Promise((resolve) => {
        prompt.question(question, (answer) => {
          prompt.close();
          resolve(/^\s*[yj]/i.test(answer));
        });
      });
    },
  };
}

/** Reads one line from the terminal without echoing it; refuses when stdin is not a terminal. */
function readHidden(streams: Streams, prompt: string): Promise<string> {
  const { stdin } = streams;
  if (stdin.isTTY !== true || stdin.setRawMode === undefined) return Promise.reject(new Error('no terminal'));
  streams.stderr.write(prompt);
  stdin.setRawMode(true);
  stdin.resume();
  return new Promise((resolve, reject) => {
    let typed = '';
    const done = (error?: Error): void => {
      stdin.setRawMode?.(false);
      stdin.pause();
      stdin.removeListener('data', onData);
      streams.stderr.write('\n');
      if (error) reject(error);
      else resolve(typed);
    };
    const onData = (chunk: Buffer | string): void => {
      for (const char of chunk.toString()) {
        if (char === '\r' || char === '\n') return done();
        if (char === '\u0003') return done(new Error('cancelled'));
        if (char === '\u007f' || char === '\b') typed = typed.slice(0, -1);
        else typed += char;
      }
    };
    stdin.on('data', onData);
  });
}
