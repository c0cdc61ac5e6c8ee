// Typed calls for privacy rights (shared/wire/privacy.ts is the contract): look a person up by
// address, export everything about them, erase them. The address always goes in the body.
import { PrivacyEraseResponse, PrivacyExport, PrivacyPreview } from '../../../shared/wire/privacy.js';
import { postJson, schema, type Parse } from './http';

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

/** Erases the person; `confirmation` comes from the preview the admin confirmed. */
export function erasePerson(email: string, confirmation: string): Promise<PrivacyEraseResponse> {
  return postJson(`${PRIVACY}/erase`, { email, confirmation }, schema(PrivacyEraseResponse));
}
