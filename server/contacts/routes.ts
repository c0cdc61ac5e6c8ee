// Contacts, the office's address book, and the recipient field's suggestions
// (shared/wire/contacts.ts). Thin: parse, call the service, answer.
import { idToWire, toBase64Url } from '../../shared/crypto/index.js';
import {
  type Contact,
  ContactCodeRequest,
  ContactCreateRequest,
  type ContactList,
  ContactListQuery,
  ContactUpdateRequest,
  MAX_RECIPIENT_SUGGESTIONS,
  type RecipientSuggestion,
  type RecipientSuggestions,
  RecipientSuggestionsQuery,
} from '../../shared/wire/index.js';
import { callerOf } from '../kernel/http/caller.js';
import type { RouteHandler } from '../kernel/http/route.js';
import { bytesIn, idParam, parseInput } from '../kernel/http/validation.js';
import { iso } from '../kernel/wire.js';
import type { ContactCodeRecord, ContactRecord } from './repo.js';
import type { ContactsService, Suggestion } from './service.js';

function codeOut(code: ContactCodeRecord | null): Contact['code'] {
  return code === null
    ? null
    : {
        sealed: toBase64Url(code.sealed),
        sealedBy: idToWire(code.sealedBy),
        sealedByName: code.sealedByName,
        sealedAt: iso(code.sealedAt),
      };
}

function contactOut(contact: ContactRecord): Contact {
  return {
    contactId: idToWire(contact.id),
    name: contact.name,
    email: contact.email,
    lang: contact.lang,
    organisation: contact.organisation,
    reference: contact.reference,
    code: codeOut(contact.code),
    createdAt: iso(contact.createdAt),
    updatedAt: iso(contact.updatedAt),
  };
}

function suggestionOut(suggestion: Suggestion): RecipientSuggestion {
  if (suggestion.kind === 'contact') {
    const { contact } = suggestion;
    return {
      kind: 'contact',
      name: contact.name,
      email: contact.email,
      organisation: contact.organisation,
      reference: contact.reference,
      contactId: idToWire(contact.id),
      lang: contact.lang,
      code: codeOut(contact.code),
    };
  }
  const { account } = suggestion;
  return {
    kind: account.role === 'client' ? 'client' : 'colleague',
    name: account.name,
    email: account.email,
    organisation: null,
    reference: account.role === 'client' ? account.reference : null,
    contactId: null,
    lang: null,
    code: null,
  };
}

export function listContacts(contacts: ContactsService): RouteHandler {
  return (req, res) => {
    const { q, organisation } = parseInput(ContactListQuery, req.query);
    const found = contacts.list(q ?? '', organisation ?? null);
    const answer: ContactList = { contacts: found.contacts.map(contactOut), organisations: found.organisations };
    res.json(answer);
  };
}

export function createContact(contacts: ContactsService): RouteHandler {
  return (req, res) => {
    const { email, ...fields } = parseInput(ContactCreateRequest, req.body);
    res.status(201).json(contactOut(contacts.create(callerOf(res), email, fields)));
  };
}

export function updateContact(contacts: ContactsService): RouteHandler {
  return (req, res) => {
    const contactId = idParam(req, 'contactId');
    const fields = parseInput(ContactUpdateRequest, req.body);
    res.json(contactOut(contacts.update(contactId, fields)));
  };
}

export function deleteContact(contacts: ContactsService): RouteHandler {
  return (req, res) => {
    contacts.remove(callerOf(res), idParam(req, 'contactId'));
    res.status(204).end();
  };
}

export function setContactCode(contacts: ContactsService): RouteHandler {
  return (req, res) => {
    const contactId = idParam(req, 'contactId');
    const { sealed } = parseInput(ContactCodeRequest, req.body);
    res.json(contactOut(contacts.setCode(callerOf(res), contactId, bytesIn(sealed, 'sealed'))));
  };
}

export function removeContactCode(contacts: ContactsService): RouteHandler {
  return (req, res) => {
    res.json(contactOut(contacts.setCode(callerOf(res), idParam(req, 'contactId'), null)));
  };
}

export function suggestRecipients(contacts: ContactsService): RouteHandler {
  return (req, res) => {
    const { q } = parseInput(RecipientSuggestionsQuery, req.query);
    const answer: RecipientSuggestions = {
      suggestions: contacts.suggest(q, MAX_RECIPIENT_SUGGESTIONS).map(suggestionOut),
    };
    res.json(answer);
  };
}
