// Typed calls for privacy rights (shared/wire/privacy.ts is the contract): look a person up by
// address, export everything about them, erase them. The address always goes in the body.
import { PrivacyEraseResponse, PrivacyExport, PrivacyPreview } from '../../../shared/wire/privacy.js';
import { isGone, postJson, schema, unlessLanded, type Parse } from './http';

export type { PrivacyCounts, PrivacyEraseResponse, PrivacyPreview } from '../../../shared/wire/privacy.js';

const PRIVACY = '/api/v1/admin/privacy';

/** What Coffer holds about `email` and what erasing would destroy; 404 when it holds nothing. */
export function previewPerson(email: string): Promise<PrivacyPreview> {
  return postJson(`${PRIVACY}/preview`, { email }, schema(PrivacyPreview));
}

/**
 * The export document exactly as the server sent it (checked against the schema, but not
 * reshaped by it), as JSON text to save.
 */
export async function exportPerson(email: string): Promise<string> {
  const asSent: Parse<unknown> = (data) => (PrivacyExport.safeParse(data).success ? data : null);
  const document = await postJson(`${PRIVACY}/export`, { email }, asSent);
  return `${JSON.stringify(document, null, 2)}\n`;
}

/**
 * Erases the person the admin confirmed in `preview` (its confirmation names exactly what goes).
 * When the answer is lost (no answer, or a 5xx), the address is looked up again: Coffer holding
 * nothing about it any more means the erasure was done, and the counts are the preview's.
 * Without this, trying again would find nobody to erase and say so.
 */
export function erasePerson(preview: PrivacyPreview): Promise<PrivacyEraseResponse> {
  const { email, confirmation, counts } = preview;
  return unlessLanded(
    () => postJson(`${PRIVACY}/erase`, { email, confirmation }, schema(PrivacyEraseResponse)),
    async () => ((await isGone(() => previewPerson(email))) ? { erasedAt: new Date().toISOString(), counts } : null),
  );
}
