// Coffer's configuration: the environment, parsed once at start into a typed, frozen object.
// Only main.ts and cli.ts read `process.env`; they hand it to `parseConfig`, and everything
// else receives the `Config` it returns.
//
// Error messages name the variable and say what is wrong, but never repeat the value: SMTP_URL
// may hold a password, and the messages end up on consoles and in container logs.
import { isIP } from 'node:net';
import { resolve } from 'node:path';
import { inspect } from 'node:util';
import { z } from 'zod';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Express's names for address ranges, accepted in TRUST_PROXY beside addresses and CIDRs. */
const PROXY_NAMES = ['loopback', 'linklocal', 'uniquelocal'] as const;

const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

export const DEFAULT_MAIL_FROM = 'Coffer <coffer@localhost>';

/** A value that must not be printed: `String()`, JSON and `console.log` show `[redacted]`. */
class Secret {
  readonly #value: string;
  constructor(value: string) {
    this.#value = value;
  }
  reveal(): string {
    return this.#value;
  }
  toString(): string {
    return '[redacted]';
  }
  toJSON(): string {
    return '[redacted]';
  }
  [inspect.custom](): string {
    return '[redacted]';
  }
}

type MailConfig =
  | { readonly transport: 'smtp'; readonly url: Secret; readonly from: string }
  | {
      readonly transport: 'outbox';
      readonly from: string;
      /** True when MAIL_OUTBOX asked for it; false when chosen because PUBLIC_URL is localhost. */
      readonly forced: boolean;
    };

/** `false`, a number of hops, or addresses/CIDRs/range names, exactly as Express's `trust proxy` takes them. */
type TrustProxy = false | number | readonly string[];

export interface Config {
  readonly port: number;
  readonly host: string;
  /** Absolute path of the data folder. */
  readonly dataDir: string;
  /** The origin browsers use to reach Coffer (scheme, host, port; no trailing slash). */
  readonly publicUrl: string;
  readonly publicUrlIsHttps: boolean;
  readonly publicUrlIsLocal: boolean;
  readonly trustProxy: TrustProxy;
  readonly mail: MailConfig;
  readonly logLevel: LogLevel;
  /** A session ends after this many minutes without activity (SESSION_IDLE_MINUTES, 5–1440, default 60). */
  readonly sessionIdleMinutes: number;
  /** A session ends this many hours after sign-in whatever happens (SESSION_MAX_HOURS, 1–720, default 12). */
  readonly sessionMaxHours: number;
  /** The largest file anyone may send, in MiB of plaintext (MAX_FILE_MIB, 1–1048576, default 10240 = 10 GiB). */
  readonly maxFileMib: number;
  /**
   * Each user's storage, in MiB of ciphertext: files in their active shares plus their uploads
   * not yet used in a share (QUOTA_MIB, 1–104857600, default 102400 = 100 GiB).
   */
  readonly quotaMib: number;
  /** Seconds between two runs of the expiry sweeper (SWEEP_INTERVAL_SECONDS, 0–86400, default 60; 0 turns it off). */
  readonly sweepIntervalSeconds: number;
  /**
   * Uploads are refused while less than this many MiB would stay free under DATA_DIR, so sign-in,
   * cancelling and deleting keep working (MIN_FREE_MIB, 0–1048576, default 1024; docs/operations.md).
   */
  readonly minFreeMib: number;
  /**
   * How long one step of talking to the mail server may take (connecting, its greeting, any
   * answer), in seconds (MAIL_TIMEOUT_SECONDS, 1–300, default 10). A hanging mail server then
   * fails a delivery instead of holding it for nodemailer's minutes-long defaults.
   */
  readonly mailTimeoutSeconds: number;
  /** Size of DATA_DIR/reserve, given back when the disk fills anyway (RESERVE_MIB, 0–4096, default 64; 0: none). */
  readonly reserveMib: number;
}

/** A configuration problem the operator must fix. The message names the variable, never its value. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

export type Env = Readonly<Record<string, string | undefined>>;

// Empty strings count as unset: compose files and service managers often pass `VAR=`.
const optional = z
  .string()
  .optional()
  .transform((value) => (value === undefined || value.trim() === '' ? undefined : value.trim()));

const EnvSchema = z.object({
  PORT: optional,
  HOST: optional,
  DATA_DIR: optional,
  PUBLIC_URL: optional,
  TRUST_PROXY: optional,
  SMTP_URL: optional,
  MAIL_FROM: optional,
  MAIL_OUTBOX: optional,
  LOG_LEVEL: optional,
  SESSION_IDLE_MINUTES: optional,
  SESSION_MAX_HOURS: optional,
  MAX_FILE_MIB: optional,
  QUOTA_MIB: optional,
  SWEEP_INTERVAL_SECONDS: optional,
  MIN_FREE_MIB: optional,
  RESERVE_MIB: optional,
  MAIL_TIMEOUT_SECONDS: optional,
});

export function parseConfig(env: Env): Config {
  const raw = EnvSchema.safeParse(env);
  if (!raw.success) {
    // Only reachable when a variable is not a string at all; name it, never echo it.
    const names = [...new Set(raw.error.issues.map((issue) => String(issue.path[0] ?? 'environment')))];
    throw new ConfigError(names.map((name) => `${name} is not valid`).join('; '));
  }
  const vars = raw.data;
  const problems: string[] = [];
  const fail = <T>(message: string, fallback: T): T => {
    problems.push(message);
    return fallback;
  };

  const port = parsePort(vars.PORT, fail);
  const host = vars.HOST ?? '127.0.0.1';
  const dataDir = resolve(vars.DATA_DIR ?? './data');
  const publicUrl = parsePublicUrl(vars.PUBLIC_URL, port, fail);
  const trustProxy = parseTrustProxy(vars.TRUST_PROXY, fail);
  const logLevel = parseLogLevel(vars.LOG_LEVEL, fail);
  const mail = publicUrl === undefined ? undefined : parseMail(vars, publicUrl.isLocal, fail);
  const sessionIdleMinutes = parseWholeNumber(
    'SESSION_IDLE_MINUTES',
    vars.SESSION_IDLE_MINUTES,
    { min: 5, max: 1440, fallback: 60 },
    fail,
  );
  const sessionMaxHours = parseWholeNumber(
    'SESSION_MAX_HOURS',
    vars.SESSION_MAX_HOURS,
    { min: 1, max: 720, fallback: 12 },
    fail,
  );
  const maxFileMib = parseWholeNumber(
    'MAX_FILE_MIB',
    vars.MAX_FILE_MIB,
    { min: 1, max: 1_048_576, fallback: 10_240 },
    fail,
  );
  const quotaMib = parseWholeNumber('QUOTA_MIB', vars.QUOTA_MIB, { min: 1, max: 104_857_600, fallback: 102_400 }, fail);
  const sweepIntervalSeconds = parseWholeNumber(
    'SWEEP_INTERVAL_SECONDS',
    vars.SWEEP_INTERVAL_SECONDS,
    { min: 0, max: 86_400, fallback: 60 },
    fail,
  );

  const minFreeMib = parseWholeNumber(
    'MIN_FREE_MIB',
    vars.MIN_FREE_MIB,
    { min: 0, max: 1_048_576, fallback: 1024 },
    fail,
  );
  const reserveMib = parseWholeNumber('RESERVE_MIB', vars.RESERVE_MIB, { min: 0, max: 4096, fallback: 64 }, fail);
  const mailTimeoutSeconds = parseWholeNumber(
    'MAIL_TIMEOUT_SECONDS',
    vars.MAIL_TIMEOUT_SECONDS,
    { min: 1, max: 300, fallback: 10 },
    fail,
  );

  if (problems.length > 0 || publicUrl === undefined || mail === undefined) {
    throw new ConfigError(problems.join('; '));
  }
  return deepFreeze({
    port,
    host,
    dataDir,
    publicUrl: publicUrl.origin,
    publicUrlIsHttps: publicUrl.isHttps,
    publicUrlIsLocal: publicUrl.isLocal,
    trustProxy,
    mail,
    logLevel,
    sessionIdleMinutes,
    sessionMaxHours,
    maxFileMib,
    quotaMib,
    sweepIntervalSeconds,
    minFreeMib,
    reserveMib,
    mailTimeoutSeconds,
  });
}

/**
 * For the programs (server and command line): the config, or undefined after printing the
 * problem on stderr, so the caller can exit with code 2.
 */
export function parseConfigOrExplain(env: Env): Config | undefined {
  try {
    return parseConfig(env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(`Configuration error: ${error.message}`);
    return undefined;
  }
}

type Fail = <T>(message: string, fallback: T) => T;

function parsePort(value: string | undefined, fail: Fail): number {
  if (value === undefined) return 8080;
  if (!/^\d{1,5}$/.test(value) || Number(value) > 65535) {
    return fail('PORT must be a whole number from 0 to 65535', 8080);
  }
  return Number(value);
}

function parsePublicUrl(
  value: string | undefined,
  port: number,
  fail: Fail,
): { origin: string; isHttps: boolean; isLocal: boolean } | undefined {
  if (value === undefined) {
    // Port 0 means "any free port", chosen only when the server starts: a link built from it
    // would point nowhere.
    if (port === 0) return fail('PUBLIC_URL must be set when PORT is 0', undefined);
    value = `http://localhost:${port}`;
  }
  if (!URL.canParse(value)) return fail('PUBLIC_URL must be an absolute http:// or https:// URL', undefined);
  const url = new URL(value);
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    return fail('PUBLIC_URL must be an absolute http:// or https:// URL', undefined);
  }
  if (url.username !== '' || url.password !== '') {
    return fail('PUBLIC_URL must not contain a user name or password', undefined);
  }
  // `new URL` drops an empty query or fragment marker, so look at the text as well.
  if (url.pathname !== '/' || url.search !== '' || url.hash !== '' || /[?#]/.test(value)) {
    return fail(
      'PUBLIC_URL must be an origin only (scheme, host and port), without a path, query or fragment',
      undefined,
    );
  }
  const isLocal = LOCAL_HOSTS.has(url.hostname);
  const isHttps = url.protocol === 'https:';
  // The __Host- session cookie is only accepted over https; browsers make an exception for localhost.
  if (!isHttps && !isLocal) return fail('PUBLIC_URL must be https unless it is localhost', undefined);
  return { origin: url.origin, isHttps, isLocal };
}

function parseTrustProxy(value: string | undefined, fail: Fail): TrustProxy {
  if (value === undefined || value.toLowerCase() === 'false') return false;
  if (value.toLowerCase() === 'true') {
    return fail(
      'TRUST_PROXY=true is refused: trusting every hop lets any client forge its address. ' +
        "Set TRUST_PROXY to the number of proxies in front of Coffer (e.g. 1) or to the proxy's address or CIDR",
      false,
    );
  }
  if (/^\d+$/.test(value)) {
    const hops = Number(value);
    if (hops > 32) return fail('TRUST_PROXY must be a small number of proxy hops (at most 32)', false);
    return hops === 0 ? false : hops;
  }
  const entries = value.split(',').map((entry) => entry.trim());
  if (entries.some((entry) => !isProxyEntry(entry))) {
    return fail(
      'TRUST_PROXY must be false, a number of hops, or a comma-separated list of addresses, CIDRs, loopback, linklocal or uniquelocal',
      false,
    );
  }
  return entries;
}

function isProxyEntry(entry: string): boolean {
  if ((PROXY_NAMES as readonly string[]).includes(entry)) return true;
  const [address, prefix, ...rest] = entry.split('/');
  if (address === undefined || rest.length > 0) return false;
  const family = isIP(address);
  if (family === 0) return false;
  if (prefix === undefined) return true;
  if (!/^\d{1,3}$/.test(prefix)) return false;
  return Number(prefix) <= (family === 4 ? 32 : 128);
}

function parseWholeNumber(
  name: string,
  value: string | undefined,
  range: { min: number; max: number; fallback: number },
  fail: Fail,
): number {
  if (value === undefined) return range.fallback;
  if (!/^\d{1,9}$/.test(value) || Number(value) < range.min || Number(value) > range.max) {
    return fail(`${name} must be a whole number from ${range.min} to ${range.max}`, range.fallback);
  }
  return Number(value);
}

function parseLogLevel(value: string | undefined, fail: Fail): LogLevel {
  if (value === undefined) return 'info';
  const level = LOG_LEVELS.find((candidate) => candidate === value.toLowerCase());
  return level ?? fail(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}`, 'info');
}

function parseMail(
  vars: { SMTP_URL?: string | undefined; MAIL_FROM?: string | undefined; MAIL_OUTBOX?: string | undefined },
  publicUrlIsLocal: boolean,
  fail: Fail,
): MailConfig | undefined {
  let forceOutbox = false;
  if (vars.MAIL_OUTBOX !== undefined) {
    const flag = vars.MAIL_OUTBOX.toLowerCase();
    if (flag === '1' || flag === 'true') forceOutbox = true;
    else if (flag !== '0' && flag !== 'false') return fail('MAIL_OUTBOX must be 1, true, 0 or false', undefined);
  }

  let smtpUrl: Secret | undefined;
  if (vars.SMTP_URL !== undefined) {
    const ok = URL.canParse(vars.SMTP_URL) && ['smtp:', 'smtps:'].includes(new URL(vars.SMTP_URL).protocol);
    if (!ok) return fail('SMTP_URL must be an smtp:// or smtps:// URL', undefined);
    smtpUrl = new Secret(vars.SMTP_URL);
  }

  if (vars.MAIL_FROM !== undefined && !isMailbox(vars.MAIL_FROM)) {
    return fail('MAIL_FROM must be an address like coffer@office.example or Office <coffer@office.example>', undefined);
  }

  if (forceOutbox || (smtpUrl === undefined && publicUrlIsLocal)) {
    return { transport: 'outbox', from: vars.MAIL_FROM ?? DEFAULT_MAIL_FROM, forced: forceOutbox };
  }
  if (smtpUrl === undefined) {
    return fail(
      'SMTP_URL must be set: PUBLIC_URL is not localhost, and the development outbox is used only on localhost or with MAIL_OUTBOX=1',
      undefined,
    );
  }
  if (vars.MAIL_FROM === undefined) return fail('MAIL_FROM must be set when mail goes through SMTP_URL', undefined);
  return { transport: 'smtp', url: smtpUrl, from: vars.MAIL_FROM };
}

/** `local@domain` or `Display Name <local@domain>`, on one line (a line break would inject headers). */
function isMailbox(value: string): boolean {
  if (/[\r\n]/.test(value)) return false;
  const address = /^[^<>]*<([^<>]+)>$/.exec(value)?.[1] ?? value;
  return /^[^\s@<>]+@[^\s@<>]+$/.test(address);
}

function deepFreeze<T extends object>(value: T): T {
  for (const child of Object.values(value)) {
    if (typeof child === 'object' && child !== null && !(child instanceof Secret)) deepFreeze(child);
  }
  return Object.freeze(value);
}
