// Typed calls for contacts, the office's address book, and the recipient field's suggestions
// (shared/wire/contacts.ts is the contract). A standing access code travels only sealed to the
// office key (the crypto worker makes and opens it).
import {
  Contact,
  ContactList,
  ContactCreateRequest,
  RecipientSuggestions,
  type ContactUpdateRequest,
} from '../../../shared/wire/contacts.js';
import {
  deleteJson,
  getJson,
  mayHaveLanded,
  noContent,
  postJson,
  putJson,
  schema,
  segment,
  type RequestOptions,
} from './http';

export type { RecipientSuggestion } from '../../../shared/wire/contacts.js';
export type { Contact };

const API = '/api/v1';

export function listContacts(
  filter: { readonly q: string; readonly organisation: string | null },
  options?: RequestOptions,
): Promise<ContactList> {
  const query = new URLSearchParams();
  if (filter.q.trim() !== '') query.set('q', filter.q.trim());
  if (filter.organisation !== null) query.set('organisation', filter.organisation);
  const text = query.toString();
  return getJson(`${API}/contacts${text === '' ? '' : `?${text}`}`, schema(ContactList), options);
}

/**
 * Adds a contact. When the answer is lost (no answer, or a 5xx), the list is asked for a contact
 * that is exactly what was asked (the same address, name, language, organisation and number):
 * if there is one, that is the answer; if not, the failure stands and the person may try again.
 * Without this, trying again would be refused as a duplicate of the contact just made.
 */
export async function createContact(body: ContactCreateRequest): Promise<Contact> {
  try {
    return await postJson(`${API}/contacts`, body, schema(Contact));
  } catch (failure) {
    const parsed = ContactCreateRequest.safeParse(body);
    if (!mayHaveLanded(failure) || !parsed.success) throw failure;
    const asked = parsed.data;
    const made = await listContacts({ q: asked.email, organisation: null }).then(
      ({ contacts }) =>
        contacts.find(
          (c) =>
            c.email.toLowerCase() === asked.email.toLowerCase() &&
            c.name === asked.name &&
            c.lang === asked.lang &&
            c.organisation === asked.organisation &&
            c.reference === (asked.reference ?? null),
        ),
      () => undefined,
    );
    if (made === undefined) throw failure;
    return made;
  }
}

export function updateContact(contactId: string, body: ContactUpdateRequest): Promise<Contact> {
  return putJson(`${API}/contacts/${segment(contactId)}`, body, schema(Contact));
}

export function deleteContact(contactId: string): Promise<void> {
  return deleteJson(`${API}/contacts/${segment(contactId)}`, noContent);
}

/** Stores a standing access code sealed to the office key in this browser's worker. */
export function setContactCode(contactId: string, sealed: string): Promise<Contact> {
  return putJson(`${API}/contacts/${segment(contactId)}/code`, { sealed }, schema(Contact));
}

export function removeContactCode(contactId: string): Promise<Contact> {
  return deleteJson(`${API}/contacts/${segment(contactId)}/code`, schema(Contact));
}

export function suggestRecipients(q: string, options?: RequestOptions): Promise<RecipientSuggestions> {
  return getJson(
    `${API}/recipients/suggestions?${new URLSearchParams({ q }).toString()}`,
    schema(RecipientSuggestions),
    options,
  );
}
