// Contacts, the office's address book (shared/wire/contacts.ts; docs/operations.md "Contacts";
// docs/threat-model.md "Contacts and standing access codes"). Office-wide: any approved member
// (the route guard) reads and changes any contact. A contact is a person without an account,
// so an address that belongs to an account is refused (they are reached through it).
//
// The standing access code reaches the server only sealed to the office key (docs/protocol.md
// §9); the server checks its length, stores it with the sealing member and the time, and hands
// it back to members. Creating and deleting a contact and setting, replacing or removing its
// code are audited under the contact's pseudonym, never its name or address.
import { newId, randomBytes, type Id } from '../../shared/crypto/index.js';
import type { Audit } from '../kernel/audit/service.js';
import type { Clock } from '../kernel/clock.js';
import type { Transact } from '../kernel/db/transaction.js';
import type { Caller } from '../kernel/http/caller.js';
import { AppError, alreadyExists, notFound, referenceTaken } from '../kernel/http/errors.js';
import type { AccountMatch, ContactFields, ContactRecord, ContactsRepo } from './repo.js';

/** More than an office could need; stops one account from filling the database. */
const MAX_CONTACTS = 50_000;

const addressHasAccount = () =>
  new AppError(409, 'address_has_account', 'This address belongs to an account: send to the account instead');

export type Suggestion =
  | { readonly kind: 'contact'; readonly contact: ContactRecord }
  | { readonly kind: 'account'; readonly account: AccountMatch };

export interface ContactsService {
  list(q: string, organisation: string | null): { contacts: ContactRecord[]; organisations: string[] };
  create(caller: Caller, email: string, fields: ContactFields): ContactRecord;
  update(contactId: Id, fields: ContactFields): ContactRecord;
  remove(caller: Caller, contactId: Id): void;
  /** Sets or replaces (sealed) or removes (null) the standing access code. */
  setCode(caller: Caller, contactId: Id, sealed: Uint8Array | null): ContactRecord;
  /** Contacts first, then accounts, at most `limit` in all. */
  suggest(q: string, limit: number): Suggestion[];
}

export function createContactsService(deps: {
  repo: ContactsRepo;
  audit: Audit;
  clock: Clock;
  transact: Transact;
}): ContactsService {
  const { repo, audit, clock, transact } = deps;
  const found = (contactId: Id): ContactRecord => {
    const contact = repo.get(contactId);
    if (contact === undefined) throw notFound();
    return contact;
  };
  const object = (contact: ContactRecord) => ({ type: 'contact' as const, ref: contact.auditRef });

  return {
    list: (q, organisation) => ({ contacts: repo.list(q, organisation), organisations: repo.organisations() }),

    create(caller, email, fields) {
      return transact(() => {
        if (repo.accountHas(email)) throw addressHasAccount();
        if (repo.emailTaken(email)) throw alreadyExists();
        if (repo.count() >= MAX_CONTACTS) throw new AppError(507, 'quota_exceeded', 'Too many contacts');
        const id = newId();
        if (fields.reference != null && repo.referenceTaken(fields.reference, id)) throw referenceTaken();
        repo.insert({ id, email, auditRef: randomBytes(16), createdBy: caller.userId, ...fields }, clock.now());
        const contact = found(id);
        audit.record({ actor: caller.auditRef, action: 'contact.created', object: object(contact) });
        return contact;
      });
    },

    update(contactId, fields) {
      return transact(() => {
        if (fields.reference != null && repo.referenceTaken(fields.reference, contactId)) throw referenceTaken();
        if (!repo.update(contactId, fields, clock.now())) throw notFound();
        return found(contactId);
      });
    },

    remove(caller, contactId) {
      transact(() => {
        const contact = found(contactId);
        repo.remove(contactId);
        audit.record({
          actor: caller.auditRef,
          action: 'contact.deleted',
          object: object(contact),
          details: { hadCode: contact.code !== null },
        });
      });
    },

    setCode(caller, contactId, sealed) {
      return transact(() => {
        const before = found(contactId);
        repo.setCode(contactId, sealed === null ? null : { sealed, sealedBy: caller.userId }, clock.now());
        const action = sealed === null ? 'contact.code_removed' : 'contact.code_set';
        // Removing a code that is not there changes nothing and is not audited.
        if (sealed !== null || before.code !== null)
          audit.record({
            actor: caller.auditRef,
            action,
            object: object(before),
            ...(sealed !== null ? { details: { replaced: before.code !== null } } : {}),
          });
        return found(contactId);
      });
    },

    suggest(q, limit) {
      const contacts = repo.suggest(q, limit).map((contact) => ({ kind: 'contact' as const, contact }));
      const accounts = repo
        .accounts(q, limit - contacts.length)
        .map((account) => ({ kind: 'account' as const, account }));
      return [...contacts, ...accounts];
    },
  };
}
