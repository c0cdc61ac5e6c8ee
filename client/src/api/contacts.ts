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
  noContent,
  postJson,
  putJson,
  schema,
  segment,
  unlessLanded,
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
export function createContact(body: ContactCreateRequest): Promise<Contact> {
  return unlessLanded(
    () => postJson(`${API}/contacts`, body, schema(Contact)),
    async () => {
      const asked = ContactCreateRequest.safeParse(body);
      if (!asked.success) return null;
      const { email, name, lang, organisation, reference } = asked.data;
      const { contacts } = await listContacts({ q: email, organisation: null });
      return (
        contacts.find(
          (c) =>
            c.email === email &&
            c.name === name &&
            c.lang === lang &&
            c.organisation === organisation &&
            c.reference === (reference ?? null),
        ) ?? null
      );
    },
  );
}

export function updateContact(contactId: string, body: ContactUpdateRequest): Promise<Contact> {
  return putJson(`${API}/contacts/${segment(contactId)}`, body, schema(Contact));
}

/**
 * Deletes a contact. When the answer is lost, the contacts at its address are listed again:
 * that contact no longer among them means done. Without this, trying again would answer that
 * there is no such contact.
 */
export function deleteContact(contact: Pick<Contact, 'contactId' | 'email'>): Promise<void> {
  return unlessLanded(
    () => deleteJson(`${API}/contacts/${segment(contact.contactId)}`, noContent),
    async () => {
      const { contacts } = await listContacts({ q: contact.email, organisation: null });
      return contacts.some((one) => one.contactId === contact.contactId) ? null : undefined;
    },
  );
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
