// First-run setup. The setup link `<PUBLIC_URL>/setup#<token>` carries its token in the
// fragment; the page asks the server whether that token is still valid before showing a form.
import { z } from 'zod';
import { TOKEN_PATTERN } from './patterns.js';

/** POST /api/v1/setup/verify */
export const SetupVerifyRequest = z.object({
  token: z.string().regex(TOKEN_PATTERN),
});
export type SetupVerifyRequest = z.infer<typeof SetupVerifyRequest>;

export const SetupVerifyResponse = z.object({
  /** When the link stops working (ISO 8601, UTC). */
  expiresAt: z.iso.datetime(),
});
export type SetupVerifyResponse = z.infer<typeof SetupVerifyResponse>;
