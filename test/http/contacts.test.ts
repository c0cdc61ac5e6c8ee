// Contacts, the office's address book (shared/wire/contacts.ts): any approved member keeps it,
// one contact per address, never an account's address; the standing access code is stored
// exactly as sealed in the browser and opens only with the office key; what is audited names
// the contact by pseudonym; clients never see the book.
import { describe, expect, it } from 'vitest';
import {
  idFromWire,
  newAccessCode,
  normalizeAccessCode,
  officeFingerprint,
  openContactCode,
  sealContactCode,
  toBase64Url,
  fromBase64Url,
} from '../../shared/crypto/index.js';
import { Contact, ContactList, PrivacyExport, PrivacyPreview, RecipientSuggestions } from '../../shared/wire/index.js';
import { makeClient } from '../helpers/clients.js';
import { expectError } from '../helpers/expect.js';
import { idOf, type Member } from '../helpers/office.js';
import type { SendingOffice } from '../helpers/sharing.js';
import { staffSuite } from './support/staff-suite.js';

const { office } = staffSuite();

const ANNA = { name: 'Anna de Vries', email: 'Anna@Bakkerij-Smit.example', lang: 'en', organisation: 'Bakkerij Smit' };

async function create(member: Member, body: object = ANNA): Promise<Contact> {
  const res = await member.tab.post('/api/v1/contacts', body);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return Contact.parse(res.body);
}

function sealFor(s: SendingOffice, contactId: string, sealer: Member, code = newAccessCode()) {
  const binding = {
    contactId: idFromWire(contactId),
    officeFingerprint: officeFingerprint(s.office.keys.signing.publicKey),
    sealerId: sealer.account.userId,
  };
  return { code, binding, sealed: toBase64Url(sealContactCode(code, binding, s.office.keys.encryption)) };
}

function auditActions(s: SendingOffice): { action: string; object_type: string | null; details: string }[] {
  return s.t.db
    .prepare("SELECT action, object_type, details FROM audit_log WHERE action LIKE 'contact.%' ORDER BY seq")
    .all() as { action: string; object_type: string | null; details: string }[];
}

describe('contacts', () => {
  it('a member adds a contact that every colleague finds, by name, address or organisation', async () => {
    const s = await office();
    const anna = await create(s.staff);
    expect(anna).toMatchObject({
      name: 'Anna de Vries',
      email: 'anna@bakkerij-smit.example',
      lang: 'en',
      organisation: 'Bakkerij Smit',
      code: null,
    });
    await create(s.admin, { name: 'Piet Jansen', email: 'piet@elders.example', lang: 'nl', organisation: null });

    const all = ContactList.parse((await s.admin.tab.get('/api/v1/contacts')).body);
    expect(all.contacts.map((c) => c.name)).toEqual(['Anna de Vries', 'Piet Jansen']);
    expect(all.organisations).toEqual(['Bakkerij Smit']);
    const search = async (query: string) =>
      ContactList.parse((await s.staff.tab.get(`/api/v1/contacts?${query}`)).body).contacts.map((c) => c.name);
    expect(await search('q=ANNA')).toEqual(['Anna de Vries']);
    expect(await search('q=elders')).toEqual(['Piet Jansen']);
    expect(await search('q=smit')).toEqual(['Anna de Vries']);
    expect(await search('q=%25')).toEqual([]);
    expect(await search(`organisation=${encodeURIComponent('Bakkerij Smit')}`)).toEqual(['Anna de Vries']);
    expect(await search('organisation=Elders')).toEqual([]);
  });

  it('changes name, language and organisation, and deletes; an unknown id answers 404', async () => {
    const s = await office();
    const anna = await create(s.staff);
    const changed = await s.admin.tab.put(`/api/v1/contacts/${anna.contactId}`, {
      name: 'Anna Smit',
      lang: 'nl',
      organisation: null,
    });
    expect(changed.status).toBe(200);
    expect(Contact.parse(changed.body)).toMatchObject({ name: 'Anna Smit', lang: 'nl', organisation: null });
    const unknown = 'AAAAAAAAAAAAAAAAAAAAAA';
    expectError(
      await s.staff.tab.put(`/api/v1/contacts/${unknown}`, { name: 'X', lang: 'nl', organisation: null }),
      404,
      'not_found',
    );
    expectError(await s.staff.tab.delete(`/api/v1/contacts/not-an-id`), 404, 'not_found');
    expect((await s.staff.tab.delete(`/api/v1/contacts/${anna.contactId}`)).status).toBe(204);
    expectError(await s.staff.tab.delete(`/api/v1/contacts/${anna.contactId}`), 404, 'not_found');
    expect(ContactList.parse((await s.staff.tab.get('/api/v1/contacts')).body).contacts).toEqual([]);
  });

  it('refuses a second contact with the same address (any case) and an address that has an account', async () => {
    const s = await office();
    await create(s.staff);
    expectError(
      await s.admin.tab.post('/api/v1/contacts', { ...ANNA, email: 'ANNA@bakkerij-smit.example' }),
      409,
      'already_exists',
    );
    expectError(
      await s.admin.tab.post('/api/v1/contacts', { ...ANNA, email: s.staff.account.email.toUpperCase() }),
      409,
      'address_has_account',
    );
    await makeClient(s, s.staff, 'klant@example.nl', 'Klant BV');
    expectError(
      await s.admin.tab.post('/api/v1/contacts', { ...ANNA, email: 'klant@example.nl' }),
      409,
      'address_has_account',
    );
  });

  it('refuses malformed input with 400 invalid_input, naming the fields', async () => {
    const s = await office();
    const anna = await create(s.staff);
    for (const [body, field] of [
      [{ ...ANNA, email: 'geen-adres' }, 'email'],
      [{ ...ANNA, name: '' }, 'name'],
      [{ ...ANNA, lang: 'de' }, 'lang'],
      [{ ...ANNA, organisation: 'x'.repeat(101) }, 'organisation'],
      [{ ...ANNA, extra: true }, '(body)'],
    ] as const) {
      const res = await s.staff.tab.post('/api/v1/contacts', body);
      expectError(res, 400, 'invalid_input');
      expect((res.body as { error: { fields: string[] } }).error.fields).toEqual([field]);
    }
    expectError(
      await s.staff.tab.put(`/api/v1/contacts/${anna.contactId}`, {
        name: 'A',
        lang: 'nl',
        organisation: null,
        email: 'x@y.nl',
      }),
      400,
      'invalid_input',
    );
    expectError(
      await s.staff.tab.put(`/api/v1/contacts/${anna.contactId}/code`, { sealed: 'A'.repeat(100) }),
      400,
      'invalid_input',
    );
    expectError(await s.staff.tab.get('/api/v1/contacts?q=a&q=b'), 400, 'invalid_input');
    expectError(await s.staff.tab.get('/api/v1/recipients/suggestions'), 400, 'invalid_input');
  });

  it('stores the standing access code exactly as sealed, with who sealed it; colleagues open it with the office key', async () => {
    const s = await office();
    const anna = await create(s.staff);
    const first = sealFor(s, anna.contactId, s.staff);
    const set = await s.staff.tab.put(`/api/v1/contacts/${anna.contactId}/code`, { sealed: first.sealed });
    expect(set.status, JSON.stringify(set.body)).toBe(200);
    const stored = Contact.parse(set.body).code!;
    expect(stored).toMatchObject({ sealed: first.sealed, sealedBy: idOf(s.staff) });
    expect(stored.sealedByName).toBe(
      s.t.db.prepare('SELECT name FROM users WHERE id = ?').pluck().get(s.staff.account.userId),
    );
    // A colleague (the admin here) reads the book and opens the code with the office key.
    const listed = ContactList.parse((await s.admin.tab.get('/api/v1/contacts')).body).contacts[0]!;
    const binding = { ...first.binding, sealerId: idFromWire(listed.code!.sealedBy) };
    expect(openContactCode(fromBase64Url(listed.code!.sealed), binding, s.office.keys.encryption)).toBe(
      normalizeAccessCode(first.code),
    );

    // Replace, then remove.
    const second = sealFor(s, anna.contactId, s.admin);
    const replaced = await s.admin.tab.put(`/api/v1/contacts/${anna.contactId}/code`, { sealed: second.sealed });
    expect(Contact.parse(replaced.body).code).toMatchObject({ sealed: second.sealed, sealedBy: idOf(s.admin) });
    const removed = await s.staff.tab.delete(`/api/v1/contacts/${anna.contactId}/code`);
    expect(removed.status).toBe(200);
    expect(Contact.parse(removed.body).code).toBeNull();
    expect(s.t.db.prepare('SELECT sealed_code, code_sealed_by, code_sealed_at FROM contacts').get()).toEqual({
      sealed_code: null,
      code_sealed_by: null,
      code_sealed_at: null,
    });
  });

  it('audits create, code changes and delete under the contact pseudonym, never its name or address', async () => {
    const s = await office();
    const anna = await create(s.staff);
    await s.staff.tab.put(`/api/v1/contacts/${anna.contactId}/code`, {
      sealed: sealFor(s, anna.contactId, s.staff).sealed,
    });
    await s.staff.tab.put(`/api/v1/contacts/${anna.contactId}/code`, {
      sealed: sealFor(s, anna.contactId, s.staff).sealed,
    });
    await s.staff.tab.delete(`/api/v1/contacts/${anna.contactId}/code`);
    await s.staff.tab.delete(`/api/v1/contacts/${anna.contactId}/code`);
    await s.staff.tab.delete(`/api/v1/contacts/${anna.contactId}`);
    expect(auditActions(s)).toEqual([
      { action: 'contact.created', object_type: 'contact', details: '{}' },
      { action: 'contact.code_set', object_type: 'contact', details: '{"replaced":false}' },
      { action: 'contact.code_set', object_type: 'contact', details: '{"replaced":true}' },
      { action: 'contact.code_removed', object_type: 'contact', details: '{}' },
      { action: 'contact.deleted', object_type: 'contact', details: '{"hadCode":false}' },
    ]);
    const log = JSON.stringify(s.t.db.prepare('SELECT * FROM audit_log').all());
    const people = JSON.stringify(s.t.db.prepare('SELECT * FROM audit_people').all());
    for (const secret of ['Anna de Vries', 'anna@bakkerij-smit.example', 'Bakkerij Smit']) {
      expect(log).not.toContain(secret);
      expect(people).not.toContain(secret);
    }
  });

  it('suggests contacts, clients and colleagues for the recipient field; a client is refused the book and the suggestions', async () => {
    const s = await office();
    const anna = await create(s.staff);
    await s.staff.tab.put(`/api/v1/contacts/${anna.contactId}/code`, {
      sealed: sealFor(s, anna.contactId, s.staff).sealed,
    });
    const client = await makeClient(s, s.staff, 'annabel@klant.example', 'Annabel Klant');
    const answer = RecipientSuggestions.parse((await s.staff.tab.get('/api/v1/recipients/suggestions?q=ann')).body);
    // Contacts first, then accounts (the admin, anna@kantoor.example, is a colleague).
    expect(answer.suggestions[0]).toMatchObject({ kind: 'contact', email: 'anna@bakkerij-smit.example', lang: 'en' });
    expect(answer.suggestions[0]!.code?.sealedBy).toBe(idOf(s.staff));
    expect(
      answer.suggestions
        .slice(1)
        .map((x) => [x.kind, x.email, x.lang, x.code])
        .sort(),
    ).toEqual([
      ['client', 'annabel@klant.example', null, null],
      ['colleague', s.admin.account.email, null, null],
    ]);
    const colleague = RecipientSuggestions.parse(
      (await s.staff.tab.get(`/api/v1/recipients/suggestions?q=${encodeURIComponent(s.admin.account.email)}`)).body,
    );
    expect(colleague.suggestions.map((x) => x.kind)).toEqual(['colleague']);

    for (const path of ['/api/v1/contacts', '/api/v1/recipients/suggestions?q=ann']) {
      const res = await client.tab.get(path);
      expectError(res, 403, 'forbidden');
      expect(JSON.stringify(res.body)).not.toContain('anna@');
    }
    expectError(await client.tab.post('/api/v1/contacts', { ...ANNA, email: 'x@y.example' }), 403, 'forbidden');
  });

  it('privacy: an admin previews, exports and erases a person who is only a contact; the code goes with the row', async () => {
    const s = await office();
    const anna = await create(s.staff);
    await s.staff.tab.put(`/api/v1/contacts/${anna.contactId}/code`, {
      sealed: sealFor(s, anna.contactId, s.staff).sealed,
    });
    const email = 'anna@bakkerij-smit.example';
    const previewed = await s.admin.tab.post('/api/v1/admin/privacy/preview', { email });
    expect(previewed.status, JSON.stringify(previewed.body)).toBe(200);
    const preview = PrivacyPreview.parse(previewed.body);
    expect(preview.account).toBeNull();
    expect(preview.counts).toMatchObject({ accounts: 0, contacts: 1 });
    // The contact's audit entries (created, code set) are found by its pseudonym.
    expect(preview.counts.auditEntries).toBe(2);

    const exported = await s.admin.tab.post('/api/v1/admin/privacy/export', { email });
    expect(exported.status).toBe(200);
    const document = PrivacyExport.parse(exported.body);
    expect(document.contacts).toEqual([
      {
        contactId: anna.contactId,
        name: 'Anna de Vries',
        lang: 'en',
        organisation: 'Bakkerij Smit',
        standingCode: true,
        createdAt: anna.createdAt,
      },
    ]);
    expect(JSON.stringify(document)).not.toContain(
      Contact.parse(ContactList.parse((await s.staff.tab.get('/api/v1/contacts')).body).contacts[0]).code!.sealed,
    );

    const erased = await s.admin.tab.post('/api/v1/admin/privacy/erase', { email, confirmation: preview.confirmation });
    expect(erased.status, JSON.stringify(erased.body)).toBe(200);
    expect(ContactList.parse((await s.staff.tab.get('/api/v1/contacts')).body).contacts).toEqual([]);
    expect(s.t.db.prepare('SELECT count(*) FROM contacts').pluck().get()).toBe(0);
    // Nothing links the address to anything any more (the audit entries keep only a pseudonym nobody can resolve).
    expectError(await s.admin.tab.post('/api/v1/admin/privacy/preview', { email }), 404, 'not_found');
  });
});
