// The one error vocabulary of the HTTP API: every failed request answers
// `{ "error": { "code", "message" } }` with one of these stable codes. Clients branch on
// `code` (and translate it); `message` is English prose for people reading logs or curl output.
import { z } from 'zod';

export const ERROR_CODES = [
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
  }),
});
export type ErrorBody = z.infer<typeof ErrorBody>;
