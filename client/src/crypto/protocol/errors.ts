// Worker protocol, failures: every code a worker operation can fail with, one list for all
// areas. The page translates each (client/src/ui/errors.ts); none carries key material or
// what the server said beyond its code.

/** Why an operation failed, in words the page can translate. Never carries key material. */
export const WORKER_ERRORS = [
  /** The server's Argon2id parameters are outside the floor and ceiling of format v1: nothing was derived or sent. */
  'kdf_refused',
  /** The password bundle did not open: the password is wrong. */
  'wrong_password',
  /** The bundle opened but holds other keys than the server publishes for this user: refuse. */
  'keys_mismatch',
  /** The office keys sealed to this member, or the member's own certificate, do not check out. */
  'office_keys_invalid',
  /**
   * The office's certificate for this client does not name the keys this browser holds (or does
   * not verify): the server had other keys certified in the client's place. Nothing is unlocked.
   */
  'certificate_substituted',
  /** There is nothing to unlock with: sign in again (the worker was restarted or locked). */
  'no_pending_key',
  /** The operation needs unlocked keys (or the office keys) and they are not there. */
  'locked',
  /**
   * The keys kept for the session are missing, or do not open with this session's half or match
   * the published keys: they were deleted; unlock with the password (docs/protocol.md §29).
   */
  'keep_refused',
  /** The recovery key text is not a valid recovery key (typo: its check failed). */
  'invalid_recovery_key',
  /** The recovery bundle did not open with this recovery key, or holds other keys than published. */
  'recovery_failed',
  /** A member's keys or certificate do not verify: do not certify them. */
  'invalid_member',
  /** A malformed request (a programming error on the page). */
  'bad_request',
  // ---- sending and receiving
  /** The user cancelled (or the page went away): everything started was stopped and removed. */
  'cancelled',
  /** The server could not be reached, also after retrying for minutes. */
  'network',
  /** The server kept failing (5xx), also after retrying. */
  'server',
  /** The session ended: sign in again. */
  'signed_out',
  /** The file is larger than the office allows, or the storage quota is full. */
  'quota_exceeded',
  /** The server lost parts it had confirmed, or reports another hash than this browser made: start again. */
  'upload_failed',
  /** The file could not be read (moved, changed or deleted while it was being sent). */
  'file_unreadable',
  /** The message does not fit (with the file name) in the sealed metadata. */
  'message_too_long',
  /** A recipient's keys are not certified by the office, or the office keys do not check out. */
  'keys_untrusted',
  /** A recipient's key changed since it was pinned and the user has not confirmed it. */
  'key_changed',
  /** A file of the share was never uploaded here (or was forgotten). */
  'unknown_file',
  /** The link is not well-formed (copied incompletely). */
  'bad_link',
  /** The office key, the sender's certificate or the manifest do not check out: do not trust these files. */
  'untrusted',
  /** The server answered an older manifest than this browser verified before for the share (a replay). */
  'replayed',
  /** A guest's link secret, opened from its sealed copy, does not match the signed manifest: the server may have changed it. */
  'link_changed',
  /** A contact's standing access code did not open as one the office sealed for this contact: the server may have changed it. */
  'contact_code_invalid',
  /** No device waiting for approval has the code the person typed (mistyped, expired, or its keys were changed). */
  'device_code_unknown',
  /** The file keys did not open with this access code. */
  'wrong_access_code',
  /** The access code is not 12 letters and digits. */
  'bad_access_code',
  /** The file's content failed its integrity check: it was changed or damaged. */
  'tampered',
  /** The share expired, was revoked, or all downloads were used (410). */
  'share_expired',
  'share_revoked',
  'share_used_up',
  /** The download grant expired: ask again (a guest needs a new code). */
  'grant_invalid',
  /** 404 from the server. */
  'not_found',
  /** The download could not be streamed to disk in this browser. */
  'stream_unavailable',
  /** The file could not be written where the user chose. */
  'write_failed',
  // ---- drops
  /** The drop key the server names does not have the link's fingerprint: nothing was encrypted. */
  'drop_key_mismatch',
  /** The drop's link was not checked in this worker (openDropLink) before uploading or sealing. */
  'drop_unchecked',
  /** The drop was closed, or expired, meanwhile (410). */
  'drop_closed',
  'drop_expired',
  /** The files would pass the drop's limits: one file more than allowed, or too many bytes (413). */
  'drop_too_many_files',
  'drop_too_large',
  /** The office rejected this drop upload: its files are not served. */
  'upload_rejected',
  /**
   * The drop's signed record does not match its sealed keys, D or label (or its signer is not a
   * member the office certified): the server changed them. Nothing was opened or encrypted.
   */
  'drop_record_invalid',
  /**
   * The drop's record is genuine, but signed with keys its creator had before an administrator
   * reset them (it verifies under the creator's earlier certificate, not the current one): the
   * drop was made before the reset. Nothing was opened or encrypted; a new drop link is needed.
   */
  'drop_record_stale',
  /** A client's personal drop has no signed record (made before records): nothing is encrypted until the office renews it. */
  'drop_record_missing',
  // ---- clients
  /** The office key the server names is not the one whose fingerprint the invitation link carries. */
  'office_key_mismatch',
  /** The office key the server names is not the one this client pinned: show nothing. */
  'office_key_changed',
  /**
   * An approving member: the client's key proof does not match the keys the server lists (or the
   * office's invitation statement does not check out): the server substituted the client's keys.
   * Nothing was certified.
   */
  'key_proof_invalid',
  /**
   * The pin index lists an office pin the server no longer has (or has in an older form), or the
   * index itself was rolled back or removed: the server tampered with this user's pins. Show nothing.
   */
  'pins_removed',
  'internal',
] as const;
export type WorkerErrorCode = (typeof WORKER_ERRORS)[number];
