// The one error of the crypto worker's operations and transfers: a failure the page is told
// about by its stable code (protocol/errors.ts lists them). It never carries key material or
// the server's words; anything else that escapes an operation is told as `internal`.
import { CryptoError, ParameterError } from '../../../../shared/crypto/index.js';
import type { WorkerErrorCode } from '../protocol.js';

export class WorkerError extends Error {
  override readonly name = 'WorkerError';
  constructor(readonly code: WorkerErrorCode) {
    super(code);
  }
}

/** The code the page is told for a failure: typed errors by their kind, anything else `internal`. */
export function errorCode(error: unknown): WorkerErrorCode {
  if (error instanceof WorkerError) return error.code;
  if (error instanceof ParameterError) return 'kdf_refused';
  // A malformed key or envelope from the page: its base64url or lengths were wrong.
  if (error instanceof CryptoError) return 'bad_request';
  return 'internal';
}

/** Runs a verification; any crypto failure (or a programming slip) becomes `code`. */
export function checked<T>(code: WorkerErrorCode, work: () => T): T {
  try {
    return work();
  } catch (error) {
    if (error instanceof WorkerError) throw error;
    throw new WorkerError(code);
  }
}
