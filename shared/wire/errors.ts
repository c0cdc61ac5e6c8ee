// The one error vocabulary of the HTTP API: every failed request answers
// `{ "error": { "code", "message" } }` with one of these stable codes. Clients branch on
// `code` (and translate it); `message` is English prose for people reading logs or curl output.
import { z } from 'zod';

const ERROR_CODES = [
  'bad_request',
  'invalid_input',
  'malformed_json',
  'cross_origin',
  'not_found',
  'method_not_allowed',
  'payload_too_large',
  'unsupported_media_type',
  'setup_link_invalid',
  'setup_finished',
  // accounts
  /** 401: no valid session (never signed in, signed out, expired, ended elsewhere, or the account was disabled). */
  'signed_out',
  /** 401: the sign-in, second-factor or recovery step failed; the same for every cause. */
  'invalid_credentials',
  /** 429: too many attempts; `Retry-After` says when to try again. */
  'rate_limited',
  /** 403: the caller's role may not do this. */
  'forbidden',
  /** 403: the account waits for an admin's approval and cannot send or open office material yet. */
  'approval_pending',
  /** 403: the office requires two-factor sign-in and this user must enrol first. */
  'two_factor_required',
  /** 409: two-factor sign-in cannot be turned off while the office requires it. */
  'two_factor_policy',
  /** 404: the invitation link is unknown, used, withdrawn or expired. */
  'invitation_invalid',
  /** 409: an account or open invitation already exists for this address. */
  'already_exists',
  /** 409: the address belongs to a member's or client's account: reach them through it, not as a contact. */
  'address_has_account',
  /** 409: the last active admin cannot be disabled or lose the admin role. */
  'last_admin',
  /** 400: a certificate that does not verify with the office key or does not match the account. */
  'invalid_certificate',
  /** 409: the request does not fit the account's current state (e.g. approving an approved user). */
  'wrong_state',
  /** 403: an API token on a route outside its scopes (send, pull), or on a route no token may use. */
  'token_scope',
  /** 401: the device or API token was revoked (or its user can no longer act): enrol the device again. */
  'device_revoked',
  /** 400: a request carried both a session cookie and a bearer token; Coffer does not guess which one is meant. */
  'ambiguous_credentials',
  /** 409: the pin index changed since the caller read it (another tab or device wrote one): read it again. */
  'pin_index_conflict',
  /** 400/415: the logo is not a PNG, JPEG or WebP image (checked by its content). */
  'invalid_image',
  // uploads and shares
  /** 409: the upload is not complete, already used, or parts are missing. */
  'upload_incomplete',
  /** 413/507: the file is larger than the office allows, or the caller's storage quota is full. */
  'quota_exceeded',
  /** 400: the manifest does not verify with the sender's key or does not match the share. */
  'invalid_manifest',
  /** 410 (only for those entitled to know: the sender, the office, a holder of the link): the share expired. */
  'share_expired',
  /** 410, as above: the sender revoked the share. */
  'share_revoked',
  /** 410, as above: every allowed download was used. */
  'share_used_up',
  /** 423: too many wrong codes; the sender must unlock the recipient. */
  'recipient_locked',
  /** 401: the newest e-mail code can no longer succeed (out of tries, expired or used): ask for a new one. */
  'code_spent',
  /** 401: no trusted-device cookie for this address, or it expired or was revoked: prove the address with a code. */
  'device_not_trusted',
  /** 401: the download grant is missing, expired, or not for this share. */
  'grant_invalid',
  /** 409: Coffer mails a guest's link only when an access code guards it; the sender passes it on. */
  'access_code_required',
  /** 409: Coffer already mailed this guest's link (it does so once). */
  'link_already_mailed',
  /** 409: a share signed before manifest format 3; Coffer does not mail its links (docs/protocol.md §11). */
  'link_mail_unsafe',
  /** 502: the mail (an e-mail code) could not be delivered; the failure is shown to the sender. */
  'delivery_failed',
  // drops
  /** 410 (only for holders of the drop's link, and the office): the drop was closed, by the office or by its one use. */
  'drop_closed',
  /** 410, as above: the drop's expiry passed. */
  'drop_expired',
  /** 423: too many wrong codes for this drop; the office must unlock it. */
  'drop_locked',
  /** 413: one more file would pass the drop's maximum number of files per submission; nothing was stored. */
  'drop_too_many_files',
  /** 413: the files would pass the drop's maximum total size per submission; nothing was stored. */
  'drop_too_large',
  /** 409: the office marked this drop upload rejected (its manifest MAC failed); its files are not served. */
  'upload_rejected',
  // the server's own resources
  /** 507: the office's server is (nearly) out of disk space; uploads are refused until the operator makes room. */
  'storage_full',
  /** 503: the database was held by another process for too long; `Retry-After` says when to try again. */
  'server_busy',
  'internal',
] as const;

export const ErrorCode = z.enum(ERROR_CODES);
export type ErrorCode = z.infer<typeof ErrorCode>;

export const ErrorBody = z.object({
  error: z.object({
    code: ErrorCode,
    message: z.string(),
    /** For `invalid_input`: the paths of the fields that failed (`token`, `files.0.size`); never their values. */
    fields: z.array(z.string()).optional(),
    /**
     * For a 410 on a guest's link (the share expired, was revoked or used up): whom to ask. The
     * office's name, and the sender's while they are still an active member (never a leaver's).
     */
    contact: z.object({ office: z.string(), sender: z.string().optional() }).optional(),
    /** For a wrong e-mail code (`invalid_credentials` on a code check): the tries that code has left. */
    triesLeft: z.number().int().min(0).optional(),
  }),
});
export type ErrorBody = z.infer<typeof ErrorBody>;
