// The refusals particular to drops, in the one error vocabulary (server/kernel/http/errors.ts,
// shared/wire/errors.ts): fixed sentences, never built from request data.
import { AppError } from '../kernel/http/errors.js';

/** 410, only to those entitled to the drop: a holder of its link, the office. */
export const dropGone = (state: 'closed' | 'expired') =>
  state === 'closed'
    ? new AppError(410, 'drop_closed', 'This upload link was closed and takes no more files')
    : new AppError(410, 'drop_expired', 'This upload link has expired');
export const dropLocked = () =>
  new AppError(423, 'drop_locked', 'Too many wrong codes: ask the office to unlock this upload link');
export const dropTooManyFiles = () =>
  new AppError(413, 'drop_too_many_files', 'One more file would pass the number of files this link takes');
export const dropTooLarge = () =>
  new AppError(413, 'drop_too_large', 'The files would pass the total size this link takes');
/** 507: the drop owner's storage (QUOTA_MIB) is full; said without blaming the uploader. */
export const dropStorageFull = () =>
  new AppError(507, 'quota_exceeded', 'The office cannot take more files through this link right now');
export const uploadRejected = () =>
  new AppError(409, 'upload_rejected', 'This upload was rejected: its files are not served');
export const codeNotNeeded = () =>
  new AppError(409, 'wrong_state', 'This upload link is not bound to an address: no code is needed');
export const codeNeeded = () =>
  new AppError(409, 'wrong_state', 'This upload link is bound to an address: confirm it with a code first');
export const uploadIdTaken = () => new AppError(409, 'already_exists', 'A drop upload with this id already exists');
