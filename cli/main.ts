// `coffer`, the command-line client of Coffer (docs/integration.md): send files, pull drop and
// portal uploads into folders, watch a folder's pull on an interval, list and revoke shares. It
// uses the browser's own crypto operations and transfer engines (client/src/crypto, shared/), so
// it checks exactly what the browser checks. `runCoffer` is the whole program, given its
// arguments and streams (bin/coffer.mjs passes the process's; tests pass their own) and
// answering the exit code (errors.ts).
import { parseArgs } from 'node:util';
import { setTimeout as sleep } from 'node:timers/promises';
import { stateHome } from './device.js';
import { batch } from './batch.js';
import { readBatchList } from './batch-list.js';
import { asCliError, CliError, EXIT, type ExitCode } from './errors.js';
import { createIo, type Io, type Streams } from './io.js';
import { login, logout } from './login.js';
import { separateArgs } from './args.js';
import { messagesFor, pickLang } from './messages.js';
import { pull, pullExit } from './pull.js';
import { send } from './send.js';
import { openSession, type Session } from './session.js';
import { listReceived, listSent, revoke } from './shares.js';

const COMMANDS = ['login', 'logout', 'send', 'batch', 'pull', 'watch', 'sent', 'received', 'revoke'] as const;
type Command = (typeof COMMANDS)[number];

const OPTIONS = {
  to: { type: 'string', multiple: true },
  expires: { type: 'string' },
  limit: { type: 'string' },
  code: { type: 'boolean' },
  message: { type: 'string' },
  csv: { type: 'string' },
  dir: { type: 'string' },
  remind: { type: 'string' },
  links: { type: 'string' },
  resume: { type: 'string' },
  yes: { type: 'boolean', short: 'y' },
  every: { type: 'string' },
  json: { type: 'boolean' },
  lang: { type: 'string' },
  name: { type: 'string' },
  keyring: { type: 'boolean' },
  passphrase: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>['values'];

function wholeNumber(io: Io, value: string | undefined, option: string, fallback: number, max: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n < 1 || n > max)
    throw new CliError(EXIT.usage, 'usage', io.m.badOptions(io.m.badNumber(option)));
  return n;
}

async function withSession<T>(io: Io, work: (session: Session) => Promise<T>): Promise<T> {
  const session = await openSession(io, stateHome(io.env));
  try {
    return await work(session);
  } finally {
    session.close();
  }
}

async function runCommand(io: Io, command: Command, args: readonly string[], values: Values): Promise<ExitCode> {
  const { m } = io;
  switch (command) {
    case 'login': {
      const address = args[0];
      if (address === undefined || args.length !== 1)
        throw new CliError(EXIT.usage, 'usage', m.badOptions(m.loginAddress));
      if (values.keyring === true && values.passphrase === true)
        throw new CliError(EXIT.usage, 'usage', m.badOptions(m.keyringOrPassphrase));
      const connected = await login(io, stateHome(io.env), {
        address,
        keysAt: values.keyring === true ? 'keyring' : values.passphrase === true ? 'passphrase' : 'auto',
        ...(values.name !== undefined ? { name: values.name } : {}),
      });
      io.result({ status: 'connected', ...connected });
      return EXIT.ok;
    }
    case 'logout':
      await logout(io, stateHome(io.env));
      io.result({ status: 'forgotten' });
      return EXIT.ok;
    case 'send': {
      if (args.length === 0) throw new CliError(EXIT.usage, 'usage', m.badOptions(m.needsFiles));
      const to = (values.to ?? [])
        .flatMap((t) => t.split(','))
        .map((t) => t.trim())
        .filter((t) => t !== '');
      if (to.length === 0) throw new CliError(EXIT.usage, 'usage', m.badOptions(m.needsRecipients));
      const options = {
        files: args,
        to,
        expiresDays: wholeNumber(io, values.expires, 'expires', 7, 365),
        limit: values.limit === undefined ? null : wholeNumber(io, values.limit, 'limit', 1, 1000),
        code: values.code === true,
        message: values.message ?? '',
      };
      const outcome = await withSession(io, (session) => send(session, io, options));
      io.result(outcome);
      return EXIT.ok;
    }
    case 'batch': {
      if (values.csv === undefined || args.length > 0)
        throw new CliError(EXIT.usage, 'usage', m.badOptions(m.needsCsv));
      const resume = values.resume ?? null;
      if (resume !== null && (values.expires ?? values.message ?? values.remind) !== undefined)
        throw new CliError(EXIT.usage, 'usage', m.badOptions(m.resumeKeepsPlan));
      const links = values.links ?? null;
      const list = await readBatchList(io, { csv: values.csv, dir: values.dir ?? null, links });
      const options = {
        resume,
        expiresDays: wholeNumber(io, values.expires, 'expires', 7, 365),
        message: values.message ?? '',
        remindDays: values.remind === undefined ? null : wholeNumber(io, values.remind, 'remind', 1, 60),
        links,
        yes: values.yes === true,
      };
      const { outcome, exit } = await withSession(io, (session) => batch(session, io, list, options));
      io.result(outcome);
      return exit;
    }
    case 'pull':
    case 'watch': {
      const dir = values.to?.[0];
      if (dir === undefined || values.to?.length !== 1)
        throw new CliError(EXIT.usage, 'usage', m.badOptions(m.needsDir));
      if (command === 'pull') {
        const outcome = await withSession(io, (session) => pull(session, io, dir));
        if (outcome.pulled.length === 0 && outcome.refused.length === 0) io.say(m.pulledNone);
        else if (outcome.pulled.length > 0) io.say(m.pulledCount(outcome.pulled.length));
        io.result(outcome);
        return pullExit(outcome);
      }
      const seconds = wholeNumber(io, values.every, 'every', 60, 24 * 60 * 60);
      return watch(io, dir, seconds);
    }
    case 'sent':
      io.result({ shares: await withSession(io, (session) => listSent(session, io)) });
      return EXIT.ok;
    case 'received':
      io.result({ shares: await withSession(io, (session) => listReceived(session, io)) });
      return EXIT.ok;
    case 'revoke': {
      const shareId = args[0];
      if (shareId === undefined || args.length !== 1)
        throw new CliError(EXIT.usage, 'usage', m.badOptions(m.needsShare));
      await withSession(io, (session) => revoke(session, io, shareId));
      io.result({ revoked: shareId });
      return EXIT.ok;
    }
  }
}

/**
 * Pulls every `seconds` until stopped. A round that fails is reported and the next one tries
 * again, except when the device is no longer accepted (exit 2): nothing would change by waiting.
 * SIGINT or SIGTERM ends it with exit 0: between rounds at once, during a round by cancelling the
 * download in progress (its partial file is removed) and saving nothing more.
 */
async function watch(io: Io, dir: string, seconds: number): Promise<ExitCode> {
  const { m } = io;
  const stop = io.stopSignal?.();
  const stopped = (): boolean => stop?.aborted === true;
  io.say(m.watching(dir, seconds));
  while (!stopped()) {
    try {
      const outcome = await withSession(io, async (session) => {
        const cancel = (): void => session.close();
        stop?.addEventListener('abort', cancel);
        try {
          return await pull(session, io, dir);
        } finally {
          stop?.removeEventListener('abort', cancel);
        }
      });
      io.result(outcome);
    } catch (error) {
      if (stopped()) break;
      const failure = asCliError(error, m);
      if (failure.exit === EXIT.auth) throw failure;
      io.warn(failure.text);
    }
    await sleep(seconds * 1000, undefined, stop ? { signal: stop } : {}).catch(() => undefined);
  }
  io.say(m.watchStopped);
  io.result({ status: 'stopped' });
  return EXIT.ok;
}

export async function runCoffer(argv: readonly string[], streams: Streams): Promise<ExitCode> {
  let values: Values;
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: separateArgs(argv, OPTIONS),
      options: OPTIONS,
      allowPositionals: true,
      strict: true,
    }));
  } catch (error) {
    const m = messagesFor(pickLang(undefined, streams.env));
    streams.stderr.write(`${m.badOptions(error instanceof Error ? error.message : String(error))}\n`);
    return EXIT.usage;
  }
  const lang = pickLang(values.lang, streams.env);
  const io = createIo(streams, messagesFor(lang), lang, values.json === true);
  const [command, ...args] = positionals;
  if (values.help === true || command === undefined || command === 'help') {
    streams.stdout.write(`${io.m.usage}\n`);
    return command === undefined && values.help !== true ? EXIT.usage : EXIT.ok;
  }
  if (!(COMMANDS as readonly string[]).includes(command)) {
    io.warn(io.m.unknownCommand(command));
    return EXIT.usage;
  }
  try {
    return await runCommand(io, command as Command, args, values);
  } catch (error) {
    const failure = asCliError(error, io.m);
    io.warn(failure.text);
    io.result({ ...failure.details, error: { code: failure.code, message: failure.text } });
    return failure.exit;
  }
}
