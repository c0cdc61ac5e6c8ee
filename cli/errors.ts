// The exit codes of `coffer` (docs/integration.md, "Exit codes") and the one error type a
// command throws to end with one of them. A script reads the code; a person reads the message,
// which comes from messages.ts; --json adds the stable `code` word.
import { HttpFailure, NetworkFailure } from '../client/src/crypto/transport.js';
import { WorkerError } from '../client/src/crypto/operations/errors.js';
import type { Messages } from './messages.js';

export const EXIT = {
  ok: 0,
  /** Wrong arguments. */
  usage: 1,
  /** No device state, a wrong passphrase, the server no longer accepts the device. */
  auth: 2,
  /** A check failed: a changed or uncertified key, a forged upload, a manifest that does not verify. */
  refused: 3,
  /** No answer, or the server failed. */
  network: 4,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

export class CliError extends Error {
  override readonly name = 'CliError';
  constructor(
    readonly exit: ExitCode,
    /** Stable, for --json and scripts. */
    readonly code: string,
    /** For the person at the terminal, already in their language. */
    readonly text: string,
    /** More for --json, beside `error` (a blocked batch's preview). */
    readonly details: Readonly<Record<string, unknown>> = {},
  ) {
    super(code);
  }
}

/** Worker error codes that mean "what the server returned does not check out". */
const REFUSALS: ReadonlySet<string> = new Set([
  'keys_mismatch',
  'office_keys_invalid',
  'certificate_substituted',
  'keys_untrusted',
  'key_changed',
  'untrusted',
  'replayed',
  'tampered',
  'drop_key_mismatch',
  'drop_record_invalid',
  'drop_record_stale',
  'drop_record_missing',
  'office_key_mismatch',
  'office_key_changed',
  'pins_removed',
  'plan_invalid',
]);

/** Any failure of a command, as the CliError it ends with. */
export function asCliError(error: unknown, m: Messages): CliError {
  if (error instanceof CliError) return error;
  if (error instanceof NetworkFailure) return new CliError(EXIT.network, 'network', m.network);
  if (error instanceof HttpFailure) {
    if (error.status === 401 && error.code === 'device_revoked')
      return new CliError(EXIT.auth, 'device_revoked', m.deviceRemoved);
    if (error.status === 401) return new CliError(EXIT.auth, 'signed_out', m.signedOut);
    if (error.status === 403 && error.code === 'token_scope')
      return new CliError(EXIT.auth, 'token_scope', m.tokenScope);
    const code = error.code ?? `http_${error.status}`;
    return new CliError(EXIT.network, code, m.server(code));
  }
  if (error instanceof WorkerError) {
    if (REFUSALS.has(error.code)) return new CliError(EXIT.refused, error.code, m.verifyFailed);
    if (error.code === 'network') return new CliError(EXIT.network, 'network', m.network);
    if (error.code === 'signed_out') return new CliError(EXIT.auth, 'signed_out', m.signedOut);
    return new CliError(EXIT.network, error.code, m.server(error.code));
  }
  return new CliError(EXIT.network, 'internal', m.server('internal'));
}
