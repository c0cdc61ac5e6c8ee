// Contacts, the office's address book (docs/operations.md "Contacts"; migrations/0013_contacts.sql).
// Guard 'office' on every route: approved staff and admins, who hold the office key; clients
// and guests never reach it.
// - GET /api/v1/contacts?q=&organisation= → ContactList: every contact, or those whose name,
//   address or organisation contains `q` (case-insensitive), or those of one organisation.
// - POST /api/v1/contacts (ContactCreateRequest) → 201 Contact. 409 `already_exists` when the
//   office has a contact with this address; 409 `address_has_account` when a member or client
//   account has it (they are reached through their account).
// - PUT /api/v1/contacts/:contactId (ContactUpdateRequest) → Contact: name, language,
//   organisation (the address is what identifies a contact: to change it, make a new one).
// - DELETE /api/v1/contacts/:contactId → 204, with its standing access code.
// - PUT /api/v1/contacts/:contactId/code (ContactCodeRequest) → Contact: sets or replaces the
//   standing access code, sealed in the member's browser (docs/protocol.md §9, 213 bytes); the
//   server records who sealed it and when, and cannot read it.
// - DELETE /api/v1/contacts/:contactId/code → Contact without a code.
// - GET /api/v1/recipients/suggestions?q= → RecipientSuggestions: contacts, client accounts
//   and colleagues whose name or address contains `q` (or whose number is `q`), for the
//   recipient field's typeahead.
// A contact's optional number (`reference`) is unique among contacts and client accounts:
// 409 `reference_taken` otherwise.
// Unknown ids answer 404.
import { z } from 'zod';
import { hasControlCharacter } from './patterns.js';
import { bytes, DisplayName, Email, Language, Time, WireId } from './common.js';

/** The sealed standing access code: header, crypto_box_seal overhead and six fields (protocol §9). */
const SEALED_CONTACT_CODE_BYTES = 213;

/** An organisation label ("Bakkerij Smit"): a group of contacts, to find and later address together. */
const Organisation = z
  .string()
  .trim()
  .min(1)
  .max(100)
  .refine((text) => !hasControlCharacter(text), 'no control characters');

/**
 * A personnel or client number ("10234"), optional on contacts and client accounts, unique
 * among each when set, so a batch's file-name rule can match "payslip-10234.pdf".
 */
export const Reference = z
  .string()
  .trim()
  .min(1)
  .max(40)
  .regex(/^[A-Za-z0-9._-]+$/);

/** A search: part of a name, address or organisation. */
const SearchText = z.string().trim().max(100);

export const ContactListQuery = z.object({
  q: SearchText.optional(),
  organisation: Organisation.optional(),
});
export type ContactListQuery = z.infer<typeof ContactListQuery>;

/** A contact's standing access code as the server holds it: sealed, by whom, when. */
const ContactCode = z.object({
  sealed: bytes(SEALED_CONTACT_CODE_BYTES),
  sealedBy: WireId,
  /** The sealing member's name, while they have an account. */
  sealedByName: z.string().nullable(),
  sealedAt: Time,
});

export const Contact = z.object({
  contactId: WireId,
  name: z.string(),
  email: z.string(),
  lang: Language,
  organisation: z.string().nullable(),
  /** The personnel or client number; null without one. */
  reference: z.string().nullable(),
  /** Null when the contact has no standing access code. */
  code: ContactCode.nullable(),
  createdAt: Time,
  updatedAt: Time,
});
export type Contact = z.infer<typeof Contact>;

export const ContactList = z.object({
  contacts: z.array(Contact),
  /** Every organisation label in use, for the filter. */
  organisations: z.array(z.string()),
});
export type ContactList = z.infer<typeof ContactList>;

export const ContactCreateRequest = z
  .object({
    name: DisplayName,
    email: Email,
    lang: Language,
    organisation: Organisation.nullable(),
    /** Absent: none. 409 `reference_taken` when another contact has it. */
    reference: Reference.nullable().optional(),
  })
  .strict();
export type ContactCreateRequest = z.infer<typeof ContactCreateRequest>;

export const ContactUpdateRequest = z
  .object({
    name: DisplayName,
    lang: Language,
    organisation: Organisation.nullable(),
    /** Absent: unchanged; null: removed. 409 `reference_taken` when another contact has it. */
    reference: Reference.nullable().optional(),
  })
  .strict();
export type ContactUpdateRequest = z.infer<typeof ContactUpdateRequest>;

export const ContactCodeRequest = z.object({ sealed: bytes(SEALED_CONTACT_CODE_BYTES) }).strict();
export type ContactCodeRequest = z.infer<typeof ContactCodeRequest>;

export const RecipientSuggestionsQuery = z.object({ q: SearchText.min(1) });

/** At most this many suggestions in one answer. */
export const MAX_RECIPIENT_SUGGESTIONS = 8;

export const RecipientSuggestion = z.object({
  kind: z.enum(['contact', 'client', 'colleague']),
  name: z.string(),
  email: z.string(),
  organisation: z.string().nullable(),
  /** A contact's or client's personnel or client number; null without one (and for colleagues). */
  reference: z.string().nullable(),
  /** Set for a contact. */
  contactId: WireId.nullable(),
  /** The contact's language; null for an account (it has its own). */
  lang: Language.nullable(),
  /** A contact's standing access code, sealed to the office; null otherwise. */
  code: ContactCode.nullable(),
});
export type RecipientSuggestion = z.infer<typeof RecipientSuggestion>;

export const RecipientSuggestions = z.object({ suggestions: z.array(RecipientSuggestion) });
export type RecipientSuggestions = z.infer<typeof RecipientSuggestions>;
