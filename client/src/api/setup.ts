// First-run setup endpoints. Checking a setup link changes nothing on the server: it only
// says whether the token is (still) valid and until when.
import { TOKEN_PATTERN } from '../../../shared/wire/patterns.js';
import { postJson, type RequestOptions } from './http';

/** The server's answer when a setup link is unknown, used or expired (HTTP 404). */
export const SETUP_LINK_INVALID = 'setup_link_invalid';

export interface SetupLinkStatus {
  readonly expiresAt: Date;
}

/**
 * The token from `#<token>` (setup and invitation links), or null if the fragment is missing
 * or not a well-formed token.
 */
export function tokenFromHash(hash: string): string | null {
  const token = hash.startsWith('#') ? hash.slice(1) : hash;
  return TOKEN_PATTERN.test(token) ? token : null;
}

export function verifySetupLink(token: string, options?: RequestOptions): Promise<SetupLinkStatus> {
  // The token travels only in the request body, never in a URL.
  return postJson('/api/v1/setup/verify', { token }, parseSetupLinkStatus, options);
}

function parseSetupLinkStatus(data: unknown): SetupLinkStatus | null {
  if (typeof data !== 'object' || data === null) return null;
  const expiresAt = (data as Record<string, unknown>)['expiresAt'];
  if (typeof expiresAt !== 'string') return null;
  const date = new Date(expiresAt);
  return Number.isNaN(date.getTime()) ? null : { expiresAt: date };
}
