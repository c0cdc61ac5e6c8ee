// The server's one error vocabulary. Services and middleware throw an AppError (made by the
// factories below) with a stable code from shared/wire; `errorHandler` is the only place that
// turns an error into a response. Anything that is not an AppError is a bug: the client sees a
// generic 500 and the log gets the error's name and stack frames, never its message (messages
// can carry values: SQL, addresses, tokens).
import type { ErrorRequestHandler } from 'express';
import type { Logger } from 'pino';
import type { ErrorBody, ErrorCode } from '../../../shared/wire/index.js';

/** Whom a guest may ask about a share that ended: the office, and the sender while a member. */
export interface ShareContact {
  readonly office: string;
  readonly sender?: string;
}

export class AppError extends Error {
  override readonly name = 'AppError';
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    /** Shown to the client: a fixed sentence, never built from request data. */
    message: string,
    readonly fields?: readonly string[],
    /** For 429: seconds until another attempt may succeed, sent as Retry-After. */
    readonly retryAfterSeconds?: number,
    /** For 410 on a guest's link: whom the holder may ask (ErrorBody `contact`). */
    readonly contact?: ShareContact,
    /** For a wrong e-mail code: the tries that code has left (ErrorBody `triesLeft`). */
    readonly triesLeft?: number,
  ) {
    super(message);
  }
}

export const badRequest = () => new AppError(400, 'bad_request', 'The request could not be read');
export const malformedJson = () => new AppError(400, 'malformed_json', 'The request body is not valid JSON');
export const invalidInput = (fields: readonly string[]) =>
  new AppError(400, 'invalid_input', `Invalid input: ${fields.join(', ')}`, fields);
export const crossOrigin = () => new AppError(403, 'cross_origin', 'Requests from another site are refused');
export const notFound = () => new AppError(404, 'not_found', 'Not found');
export const methodNotAllowed = () => new AppError(405, 'method_not_allowed', 'This method is not allowed here');
export const payloadTooLarge = () => new AppError(413, 'payload_too_large', 'The request body is too large');
export const unsupportedMediaType = () =>
  new AppError(415, 'unsupported_media_type', 'This endpoint does not accept that content type');
export const setupLinkInvalid = () =>
  new AppError(404, 'setup_link_invalid', 'This setup link is not valid: it was used, has expired or was replaced');
export const setupFinished = () => new AppError(409, 'setup_finished', 'Setup is already finished');
export const signedOut = () => new AppError(401, 'signed_out', 'You are not signed in, or your session has ended');
/** The same answer for every failed sign-in, second-factor or recovery step, whatever the cause. */
export const invalidCredentials = () =>
  new AppError(401, 'invalid_credentials', 'The details you entered are not correct');
export const rateLimited = (retryAfterSeconds: number) =>
  new AppError(
    429,
    'rate_limited',
    'Too many attempts; wait a moment and try again',
    undefined,
    Math.max(1, Math.ceil(retryAfterSeconds)),
  );
export const tokenScope = () => new AppError(403, 'token_scope', "This API token's scopes do not include this request");
export const deviceRevoked = () =>
  new AppError(401, 'device_revoked', 'This device or API token was removed: enrol the device again');
export const ambiguousCredentials = () =>
  new AppError(400, 'ambiguous_credentials', 'Send either a session cookie or a bearer token, not both');
export const forbidden = () => new AppError(403, 'forbidden', 'Your role does not allow this');
export const approvalPending = () =>
  new AppError(403, 'approval_pending', 'Your account waits for an admin to approve it');
export const twoFactorRequired = () =>
  new AppError(403, 'two_factor_required', 'The office requires two-factor sign-in: set it up first');
export const twoFactorPolicy = () =>
  new AppError(409, 'two_factor_policy', 'Two-factor sign-in cannot be turned off while the office requires it');
export const invitationInvalid = () =>
  new AppError(404, 'invitation_invalid', 'This link is not valid: it was used, has expired or was withdrawn');
export const alreadyExists = () =>
  new AppError(409, 'already_exists', 'An account or an open invitation already exists for this address');
export const lastAdmin = () =>
  new AppError(409, 'last_admin', 'The last active admin cannot be disabled, reset or lose the admin role');
export const invalidCertificate = () =>
  new AppError(
    400,
    'invalid_certificate',
    'The certificate does not verify with the office key or does not match the account',
  );
export const wrongState = () => new AppError(409, 'wrong_state', 'This does not fit the current state of the account');
export const invalidImage = (status: 400 | 415 = 415) =>
  new AppError(status, 'invalid_image', 'The logo must be one PNG, JPEG or WebP image in the field "logo"');
// uploads and shares
/** 409: parts are missing (or, with its own sentence, the upload is already complete or busy). */
export const uploadIncomplete = (message = 'The upload is not complete: parts are missing') =>
  new AppError(409, 'upload_incomplete', message);
export const partTooLong = () => new AppError(413, 'payload_too_large', 'The part is longer than expected');
export const partTooShort = () => new AppError(400, 'bad_request', 'The part is shorter than expected');
export const fileTooLarge = () => new AppError(413, 'quota_exceeded', 'The file is larger than this office allows');
export const quotaFull = () =>
  new AppError(507, 'quota_exceeded', 'Your storage is full: wait for shares to expire, or revoke some');
export const invalidManifest = () =>
  new AppError(400, 'invalid_manifest', 'The manifest does not verify with your key or does not match the share');
export const idTaken = () => new AppError(409, 'already_exists', 'A share or recipient with this id already exists');
/** 410, only to those entitled to the share: the sender, a colleague, a holder of its link, an account recipient. */
export const shareGone = (state: 'expired' | 'revoked' | 'used-up', contact?: ShareContact) =>
  state === 'revoked'
    ? new AppError(410, 'share_revoked', 'The sender revoked this share', undefined, undefined, contact)
    : state === 'used-up'
      ? new AppError(
          410,
          'share_used_up',
          'Every allowed download of this share was used',
          undefined,
          undefined,
          contact,
        )
      : new AppError(410, 'share_expired', 'This share has expired', undefined, undefined, contact);
export const recipientLocked = () =>
  new AppError(423, 'recipient_locked', 'Too many wrong codes: ask the sender to unlock this link');
/** A wrong e-mail code: the same code as a failed sign-in, with the tries this code has left. */
export const wrongEmailCode = (triesLeft: number) =>
  new AppError(401, 'invalid_credentials', 'The code is not correct', undefined, undefined, undefined, triesLeft);
export const codeSpent = () =>
  new AppError(
    401,
    'code_spent',
    'This code can no longer be used (too many tries, expired or used): ask for a new code',
  );
export const deviceNotTrusted = () =>
  new AppError(401, 'device_not_trusted', 'This browser is not (or no longer) trusted for this address: use a code');
export const grantInvalid = () =>
  new AppError(401, 'grant_invalid', 'The download permission is missing, has expired or is for something else');
/** Coffer mails a guest's link only when an access code guards it (docs/threat-model.md, "Who delivers a link"). */
export const accessCodeRequired = () =>
  new AppError(
    409,
    'access_code_required',
    'Coffer mails a link only to a recipient with an access code; pass this link on yourself',
  );
/** A share signed before manifest format 3 commits to its access codes at hash speed (docs/protocol.md §11): its links are not mailed. */
export const linkMailUnsafe = () =>
  new AppError(
    409,
    'link_mail_unsafe',
    'This share was made before Coffer could mail links safely; pass this link on yourself',
  );
export const linkAlreadyMailed = () => new AppError(409, 'link_already_mailed', 'Coffer already mailed this link');
export const deliveryFailed = () =>
  new AppError(502, 'delivery_failed', 'The mail could not be delivered; the sender can see this. Try again later');
const internal = () => new AppError(500, 'internal', 'Something went wrong on the server');

// ---- the server's own resources (server/kernel/storage, server/kernel/db/busy.ts; docs/operations.md)
/** 507: the server's disk is (nearly) full; uploads wait until the operator makes room. */
export const storageFull = () =>
  new AppError(507, 'storage_full', "The office's server is full; uploads are refused until there is room again");
/** 503: the database stayed locked by another process; Retry-After says when to try again. */
export const serverBusy = (retryAfterSeconds = 2) =>
  new AppError(503, 'server_busy', 'The server is busy; try again in a moment', undefined, retryAfterSeconds);

/** The code of an error or of one of its causes (a part stream wraps the file system's error). */
function systemCode(error: unknown): string | undefined {
  for (let e = error, depth = 0; typeof e === 'object' && e !== null && depth < 5; depth += 1) {
    const { code, cause } = e as { code?: unknown; cause?: unknown };
    if (typeof code === 'string') return code;
    e = cause;
  }
  return undefined;
}

/** A full disk (ENOSPC from a file, SQLITE_FULL from the database) is a state with an answer, not a bug. */
function isStorageFullError(error: unknown): boolean {
  const code = systemCode(error);
  return code === 'ENOSPC' || code === 'SQLITE_FULL' || code === 'EDQUOT';
}

/** Another connection held the database lock longer than the busy timeout. */
export function isDatabaseBusyError(error: unknown): boolean {
  const code = systemCode(error);
  return code === 'SQLITE_BUSY' || code === 'SQLITE_BUSY_SNAPSHOT' || code === 'SQLITE_LOCKED';
}

/** What may be logged about an unexpected error: its class, a stable code if it has one, and where it was thrown. */
export function describeForLog(error: unknown): { name: string; code?: string; frames: string[] } {
  if (!(error instanceof Error)) return { name: typeof error, frames: [] };
  // Keep only "    at …" lines: the first line of a stack (and any line break inside the
  // message) repeats the message.
  const frames = (error.stack ?? '')
    .split('\n')
    .filter((line) => /^\s+at /.test(line))
    .map((line) => line.trim());
  const code = (error as { code?: unknown }).code;
  return {
    name: error.name,
    ...(typeof code === 'string' && /^[A-Z][A-Z0-9_]*$/.test(code) ? { code } : {}),
    frames,
  };
}

/**
 * Errors from Express's own layers that blame the request (a path parameter that is not valid
 * percent-encoding, an aborted body) carry a 4xx `status`; they answer a generic 400.
 */
function isClientError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { status } = error as { status?: unknown };
  return typeof status === 'number' && status >= 400 && status < 500;
}

function renderError(error: AppError): ErrorBody {
  return {
    error: {
      code: error.code,
      message: error.message,
      ...(error.fields !== undefined ? { fields: [...error.fields] } : {}),
      ...(error.contact !== undefined ? { contact: error.contact } : {}),
      ...(error.triesLeft !== undefined ? { triesLeft: error.triesLeft } : {}),
    },
  };
}

export function errorHandler(
  log: Logger,
  hooks: {
    /** A write failed for want of space (server/storage: the reserve is given back). */
    onStorageFull?: () => void;
  } = {},
): ErrorRequestHandler {
  return (error: unknown, _req, res, _next) => {
    let appError: AppError;
    if (error instanceof AppError) {
      appError = error;
    } else if (isStorageFullError(error)) {
      appError = storageFull();
      log.warn({ error: describeForLog(error), route: res.locals.route ?? 'unmatched' }, 'out of disk space');
      hooks.onStorageFull?.();
    } else if (isDatabaseBusyError(error)) {
      appError = serverBusy();
      log.warn({ error: describeForLog(error), route: res.locals.route ?? 'unmatched' }, 'database busy');
    } else if (isClientError(error)) {
      appError = badRequest();
    } else {
      appError = internal();
      log.error({ error: describeForLog(error), route: res.locals.route ?? 'unmatched' }, 'unexpected error');
    }
    if (res.headersSent) {
      // Too late for an error body (a stream broke halfway): cut the connection so the client
      // sees a failure rather than a response that looks complete.
      res.destroy();
      return;
    }
    res.status(appError.status);
    res.setHeader('Cache-Control', 'no-store');
    if (appError.retryAfterSeconds !== undefined) res.setHeader('Retry-After', String(appError.retryAfterSeconds));
    res.removeHeader('Content-Disposition');
    res.removeHeader('ETag');
    res.removeHeader('Last-Modified');
    res.json(renderError(appError));
  };
}
