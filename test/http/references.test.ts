// Personnel and client numbers (migrations/0019_batches.sql, shared/wire/contacts.ts Reference):
// optional on a contact, unique (without regard to case) among contacts and client accounts,
// shown where contacts are listed and in the recipient suggestions, and found by an exact search.
import { describe, expect, it } from 'vitest';
import { ClientList, Contact, ContactList, RecipientSuggestions } from '../../shared/wire/index.js';
import { makeClient } from '../helpers/clients.js';
import { idOf } from '../helpers/office.js';
import { expectError } from '../helpers/expect.js';
import { withStaff } from '../helpers/sharing.js';
import { httpSuite } from '../helpers/suite.js';

const suite = httpSuite();

const person = (email: string, reference?: string | null) => ({
  name: 'Anna de Vries',
  email,
  lang: 'nl',
  organisation: null,
  ...(reference !== undefined ? { reference } : {}),
});

describe('personnel and client numbers', () => {
  it('keeps a contact’s number unique, changes it only when asked, and refuses one of other characters', async () => {
    const s = await withStaff(await suite.office());
    const made = await s.staff.tab.post('/api/v1/contacts', person('anna@example.nl', ' 10234 '));
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    const anna = Contact.parse(made.body);
    expect(anna.reference).toBe('10234');
    expectError(await s.admin.tab.post('/api/v1/contacts', person('piet@example.nl', '10234')), 409, 'reference_taken');
    const piet = Contact.parse((await s.admin.tab.post('/api/v1/contacts', person('piet@example.nl'))).body);
    expect(piet.reference).toBeNull();
    for (const bad of ['10 234', 'x'.repeat(41), 'é12', '12/3', ''])
      expectError(await s.admin.tab.post('/api/v1/contacts', person('kees@example.nl', bad)), 400, 'invalid_input');

    const update = (contactId: string, reference?: string | null) =>
      s.admin.tab.put(`/api/v1/contacts/${contactId}`, {
        name: 'Piet',
        lang: 'en',
        organisation: null,
        ...(reference !== undefined ? { reference } : {}),
      });
    expect(Contact.parse((await update(piet.contactId, 'EMP-7')).body).reference).toBe('EMP-7');
    // Another contact's number, in any case, is taken; one's own is not.
    expectError(await update(anna.contactId, 'emp-7'), 409, 'reference_taken');
    expect(Contact.parse((await update(piet.contactId, 'EMP-7')).body).reference).toBe('EMP-7');
    // Left out: unchanged (a page that does not know the field keeps it); null: removed.
    expect(Contact.parse((await update(piet.contactId)).body).reference).toBe('EMP-7');
    expect(Contact.parse((await update(piet.contactId, null)).body).reference).toBeNull();
    expect(Contact.parse((await update(anna.contactId, 'EMP-7')).body).reference).toBe('EMP-7');

    // Listed with the contact, found by its exact number, and suggested with it.
    const listed = ContactList.parse((await s.staff.tab.get('/api/v1/contacts')).body);
    expect(listed.contacts.map((c) => [c.email, c.reference])).toEqual([
      ['anna@example.nl', 'EMP-7'],
      ['piet@example.nl', null],
    ]);
    const found = ContactList.parse((await s.staff.tab.get('/api/v1/contacts?q=emp-7')).body);
    expect(found.contacts.map((c) => c.email)).toEqual(['anna@example.nl']);
    const suggested = RecipientSuggestions.parse(
      (await s.staff.tab.get('/api/v1/recipients/suggestions?q=EMP-7')).body,
    );
    expect(suggested.suggestions).toMatchObject([{ kind: 'contact', email: 'anna@example.nl', reference: 'EMP-7' }]);
  });

  it('gives a client account a number any member may set, unique beside the contacts', async () => {
    const s = await withStaff(await suite.office());
    const client = await makeClient(s, s.staff, 'klant@example.nl', 'Bakkerij Smit');
    const path = `/api/v1/clients/${idOf(client)}/reference`;
    expect((await s.admin.tab.put(path, { reference: 'K-500' })).status).toBe(204);
    const listed = ClientList.parse((await s.staff.tab.get('/api/v1/clients')).body);
    expect(listed.clients.find((c) => c.email === 'klant@example.nl')?.reference).toBe('K-500');
    const suggested = RecipientSuggestions.parse(
      (await s.staff.tab.get('/api/v1/recipients/suggestions?q=k-500')).body,
    );
    expect(suggested.suggestions).toMatchObject([{ kind: 'client', email: 'klant@example.nl', reference: 'K-500' }]);
    // A contact cannot take it, nor the other way round; a colleague's account has no number.
    expectError(await s.admin.tab.post('/api/v1/contacts', person('anna@example.nl', 'k-500')), 409, 'reference_taken');
    await s.admin.tab.post('/api/v1/contacts', person('anna@example.nl', 'A-1'));
    expectError(await s.staff.tab.put(path, { reference: 'a-1' }), 409, 'reference_taken');
    expectError(
      await s.staff.tab.put(`/api/v1/clients/${idOf(s.staff)}/reference`, { reference: 'S-1' }),
      404,
      'not_found',
    );
    expectError(await s.staff.tab.put(path, { reference: 'K 500' }), 400, 'invalid_input');
    // A client never reaches the route.
    expectError(await client.tab.put(path, { reference: null }), 403, 'forbidden');
    expect((await s.staff.tab.put(path, { reference: null })).status).toBe(204);
    expect(ClientList.parse((await s.staff.tab.get('/api/v1/clients')).body).clients[0]?.reference).toBeNull();
  });
});
