// The audit trail as the admin reads it: the page's API with each filter and paging, who may
// read it, what an erased person looks like, and that reading changes nothing and leaks no secret.
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { idToWire, toHex } from '../../shared/crypto/index.js';
import { AuditTrailPage, type AuditTrailEntry, InvitationLookupResponse } from '../../shared/wire/index.js';
import { verifyChain } from '../../server/kernel/audit/service.js';
import { tab } from '../helpers/client.js';
import { expectError } from '../helpers/expect.js';
import { inviteToken } from '../helpers/mail-server.js';
import { approve, inviteAndAccept, STAFF_PASSWORD, type Member, type Office } from '../helpers/office.js';
import { guestVerifies, sendShare } from '../helpers/sharing.js';
import { makeAccount } from '../helpers/browser.js';
import { guestPlan } from '../helpers/browser-shares.js';
import {
  auditTrailSuite,
  TRAIL,
  EXPORT,
  ANNA,
  BRAM,
  trail,
  allEntries,
  actions,
  exportCsv,
} from './support/audit-trail.js';

const { suite, populated } = auditTrailSuite();

const actorName = (entry: AuditTrailEntry) => (entry.actor.state === 'known' ? entry.actor.name : entry.actor.state);

describe('the audit trail page', () => {
  it('shows the log newest first, with the people behind the pseudonyms', async () => {
    const { o } = await populated();
    const entries = await allEntries(o.admin.tab);
    const seqs = entries.map((entry) => entry.seq);
    const check = verifyChain(o.t.db);
    expect(check.ok && check.entries).toBe(entries.length);
    expect(seqs).toEqual([...seqs].sort((a, b) => b - a));
    expect(seqs.at(-1)).toBe(1);

    expect(entries.at(-1)).toMatchObject({
      action: 'setup.completed',
      actor: { state: 'known', name: 'Anna de Boer', email: ANNA, kind: 'user' },
    });
    const approved = entries.find((entry) => entry.action === 'user.approved');
    expect(approved).toMatchObject({
      actor: { state: 'known', name: 'Anna de Boer' },
      object: { type: 'user', name: 'Bram Jansen' },
      details: { role: 'staff' },
    });
    expect(approved?.object?.ref).toMatch(/^[0-9a-f]{8}$/);
    const failed = entries.filter((entry) => entry.action === 'sign_in.failed');
    expect(failed.map(actorName).sort()).toEqual(['Bram Jansen', 'none']);
    expect(entries[0]?.at).toMatch(/^\d{4}-\d\d-\d\dT/);
  });

  it('filters by what: one action, or a group of actions', async () => {
    const { o } = await populated();
    const approved = await trail(o.admin.tab, { action: 'user.approved' });
    expect(actions(approved.entries)).toEqual(['user.approved']);

    const signIns = await trail(o.admin.tab, { action: 'sign_in.*' });
    expect(new Set(actions(signIns.entries))).toEqual(new Set(['sign_in.succeeded', 'sign_in.failed']));
    expect(signIns.entries.filter((entry) => entry.action === 'sign_in.failed')).toHaveLength(2);

    const invitations = await trail(o.admin.tab, { action: 'invitation.*' });
    expect(actions(invitations.entries)).toEqual(['invitation.accepted', 'invitation.created']);
    // `sign_in` holds an underscore: the group must not treat it as a wildcard.
    expect((await trail(o.admin.tab, { action: 'signxin.*' })).entries).toEqual([]);
    expect((await trail(o.admin.tab, { action: 'share.created' })).entries).toEqual([]);
    // The page knows every action for its filter, including the one the head mail writes.
    expect(approved.actions).toContain('share.created');
    expect(approved.actions).toContain('audit.head_mailed');
  });

  it('filters by who: part of a name or address, matched on the people behind the pseudonyms', async () => {
    const { o } = await populated();
    const bram = await allEntries(o.admin.tab, { who: 'bram' });
    expect(bram.length).toBeGreaterThan(0);
    expect(new Set(bram.map(actorName))).toEqual(new Set(['Bram Jansen']));
    expect(actions(bram)).toEqual(
      expect.arrayContaining(['invitation.accepted', 'sign_in.succeeded', 'sign_in.failed']),
    );
    expect(actions(bram)).not.toContain('user.approved');

    const byAddress = await allEntries(o.admin.tab, { who: 'KANTOOR.example' });
    expect(new Set(byAddress.map(actorName))).toEqual(new Set(['Anna de Boer', 'Bram Jansen']));
    expect(await allEntries(o.admin.tab, { who: 'de boer' })).toEqual(await allEntries(o.admin.tab, { who: ANNA }));
    // What the admin types is text: % and _ are not wildcards.
    expect(await allEntries(o.admin.tab, { who: '%' })).toEqual([]);
    expect(await allEntries(o.admin.tab, { who: 'bram_' })).toEqual([]);
    expect(await allEntries(o.admin.tab, { who: 'nobody@kantoor.example' })).toEqual([]);
  });

  it('filters by when, and combines filters', async () => {
    const { o, days } = await populated();
    const iso = (ms: number) => new Date(ms).toISOString();
    const day2 = await allEntries(o.admin.tab, { from: iso(days[1]), to: iso(days[2]) });
    expect(new Set(actions(day2))).toEqual(
      new Set(['sign_in.succeeded', 'invitation.created', 'invitation.accepted', 'user.approved']),
    );
    for (const entry of day2) expect(Date.parse(entry.at)).toBeGreaterThanOrEqual(days[1]);

    const since = await allEntries(o.admin.tab, { from: iso(days[2]) });
    expect(since.every((entry) => Date.parse(entry.at) >= days[2])).toBe(true);
    expect(actions(since)).toContain('sign_in.succeeded');
    const until = await allEntries(o.admin.tab, { to: iso(days[1]) });
    expect(actions(until)).toEqual(['setup.completed']);

    const annaOnDay2 = await allEntries(o.admin.tab, {
      who: 'anna',
      from: iso(days[1]),
      to: iso(days[2]),
      action: 'user.*',
    });
    expect(actions(annaOnDay2)).toEqual(['user.approved']);
  });

  it('pages newest first with `next`, so every entry is seen once', async () => {
    const { o } = await populated();
    const all = await allEntries(o.admin.tab);
    const seen: number[] = [];
    let before: number | null = null;
    let pages = 0;
    do {
      const page: AuditTrailPage = await trail(o.admin.tab, {
        limit: '3',
        ...(before === null ? {} : { before: String(before) }),
      });
      expect(page.entries.length).toBeLessThanOrEqual(3);
      seen.push(...page.entries.map((entry) => entry.seq));
      before = page.next;
      pages += 1;
    } while (before !== null);
    expect(seen).toEqual(all.map((entry) => entry.seq));
    expect(pages).toBe(Math.ceil(all.length / 3));
    // Default page size: 50.
    expect((await trail(o.admin.tab)).entries.length).toBe(Math.min(50, all.length));
  });

  it('shows an erased person as erased and a person nobody recorded as unknown, and the chain still holds', async () => {
    const { o } = await populated();
    // What privacy erasure does to the person behind a pseudonym (the other is what a removed row looks like).
    o.t.db.prepare('UPDATE audit_people SET name = NULL, email = NULL WHERE email = ?').run(BRAM);
    const entries = await allEntries(o.admin.tab);
    const accepted = entries.find((entry) => entry.action === 'invitation.accepted');
    expect(accepted?.actor).toEqual({ state: 'erased', ref: expect.stringMatching(/^[0-9a-f]{8}$/) as unknown });
    expect(entries.find((entry) => entry.action === 'user.approved')?.object).toMatchObject({
      type: 'user',
      name: null,
    });
    expect(JSON.stringify(entries)).not.toContain('Bram');
    expect(JSON.stringify(entries)).not.toContain(BRAM);
    expect(await allEntries(o.admin.tab, { who: 'bram' })).toEqual([]);

    o.t.db.prepare('DELETE FROM audit_people WHERE email IS NULL AND name IS NULL').run();
    const after = await allEntries(o.admin.tab);
    expect(after.find((entry) => entry.action === 'invitation.accepted')?.actor).toEqual({
      state: 'unknown',
      ref: accepted?.actor.state === 'erased' ? accepted.actor.ref : '',
    });
    expect(after.find((entry) => entry.action === 'sign_in.failed' && entry.actor.state === 'none')).toBeDefined();
    expect(verifyChain(o.t.db)).toMatchObject({ ok: true, entries: after.length });
  });

  it('refuses bad filters with 400, never 500', async () => {
    const { o } = await populated();
    const bad = [
      'action=share',
      'action=share.*.x',
      'action=Share.created',
      'action=%25',
      'from=yesterday',
      'to=2026-01-15',
      `from=${encodeURIComponent('2026-01-20T00:00:00.000Z')}&to=${encodeURIComponent('2026-01-19T00:00:00.000Z')}`,
      'limit=0',
      'limit=201',
      'limit=ten',
      'before=0',
      'before=-5',
      'before=1e9',
      'who=a&who=b',
      'colour=red',
      `who=${'x'.repeat(255)}`,
      'who=%00',
    ];
    for (const query of bad) expectError(await o.admin.tab.get(`${TRAIL}?${query}`), 400, 'invalid_input');
    for (const query of ['limit=5', 'before=3', 'action=share', 'colour=red'])
      expectError(await o.admin.tab.get(`${EXPORT}?${query}`), 400, 'invalid_input');
    expect(o.t.logs.text()).not.toContain('unexpected error');
  });

  it('is for approved admins only: 401 without a session, 403 for staff and for an admin not approved yet', async () => {
    const { o, bram } = await populated();
    for (const path of [TRAIL, EXPORT]) {
      expectError(await request(o.t.app).get(path), 401, 'signed_out');
      expectError(await bram.tab.get(path), 403, 'forbidden');
    }
    const carla = await inviteAndAccept(o, 'carla@kantoor.example', 'admin', STAFF_PASSWORD, 'Carla Visser');
    for (const path of [TRAIL, EXPORT]) expectError(await carla.tab.get(path), 403, 'approval_pending');
    await approve(o, carla, 'admin');
    expect((await carla.tab.get(TRAIL)).status).toBe(200);
  });

  it('changes nothing: reading and exporting add no entry', async () => {
    const { o } = await populated();
    const before = verifyChain(o.t.db);
    await allEntries(o.admin.tab, { action: 'sign_in.*' });
    await exportCsv(o.admin.tab);
    await request(o.t.app).head(EXPORT);
    expect(verifyChain(o.t.db)).toEqual(before);
  });

  it('names the people and the share an entry is about, and says the office’s time zone; the export keeps the raw values', async () => {
    const o = await suite.office();
    const bram = await inviteAndAccept(o, BRAM);
    await approve(o, bram);
    const guest = guestPlan('klant@example.nl');
    await sendShare(o, bram, { accounts: [o.admin], guests: [guest] });
    await guestVerifies(o.t.app, o.mail, guest);

    const page = await trail(o.admin.tab);
    expect(page.timeZone).toBe('Europe/Amsterdam');
    const created = page.entries.find((entry) => entry.action === 'share.created');
    expect(created?.object).toMatchObject({
      type: 'share',
      share: {
        createdAt: new Date(o.t.clock.now()).toISOString(),
        files: 1,
        recipients: ['Anna de Boer', 'klant@example.nl'],
      },
    });
    // The guest's confirmed code names the guest (by address: a guest has no name), not a pseudonym.
    const confirmed = page.entries.find((entry) => entry.action === 'share.code_confirmed');
    expect(confirmed?.details['recipient']).toMatch(/^[0-9a-f]{32}$/);
    expect(confirmed?.names).toEqual({ recipient: 'klant@example.nl' });
    expect(page.entries.find((entry) => entry.action === 'user.approved')?.names).toEqual({});

    // The export is the raw log: the pseudonym, not the name; UTC times.
    const rows = (await exportCsv(o.admin.tab)).text;
    expect(rows).toContain(String(confirmed?.details['recipient']));
    expect(rows).toContain(',share.created,');

    // After erasure the share still shows its date and file count, but no longer the guest's address.
    o.t.db.prepare("UPDATE audit_people SET name = NULL, email = NULL WHERE email = 'klant@example.nl'").run();
    const erased = await trail(o.admin.tab);
    expect(erased.entries.find((entry) => entry.action === 'share.created')?.object?.share?.recipients).toEqual([
      'Anna de Boer',
    ]);
    expect(erased.entries.find((entry) => entry.action === 'share.code_confirmed')?.names).toEqual({});
  });

  it('leaks no secret: no token, code, link id or key in the page or the export', async () => {
    const o = await suite.office();
    const invited = await o.admin.tab.post('/api/v1/admin/invitations', { email: BRAM, role: 'staff' });
    expect(invited.status).toBe(201);
    const invitationToken = inviteToken(await o.mail.latest(BRAM));
    const bram = await inviteAndAcceptWith(o, invitationToken);
    await approve(o, bram);
    const guest = guestPlan('klant@example.nl');
    await sendShare(o, bram, { guests: [guest] });
    const verified = await guestVerifies(o.t.app, o.mail, guest);
    const code = /^\s+(\d{6})\s*$/m.exec(o.mail.to(guest.email).at(-1)?.text ?? '')?.[1] ?? '';
    expect(code).toMatch(/^\d{6}$/);

    const page = JSON.stringify(await allEntries(o.admin.tab));
    const { text: csv } = await exportCsv(o.admin.tab);
    expect(page).toContain('share.code_confirmed');
    const secrets = [
      invitationToken,
      o.admin.tab.token ?? 'no admin token',
      bram.tab.token ?? 'no staff token',
      verified.grant,
      idToWire(guest.recipientId),
      toHex(guest.recipientId),
      Buffer.from(guest.linkSecret).toString('base64url'),
      toHex(guest.linkSecret),
      Buffer.from(guest.serverHalf).toString('base64url'),
      toHex(guest.serverHalf),
      toHex(o.t.serverKey),
      STAFF_PASSWORD,
    ];
    for (const secret of secrets) {
      expect(page).not.toContain(secret);
      expect(csv).not.toContain(secret);
    }
    expect(page).not.toMatch(new RegExp(`\\b${code}\\b`));
    expect(csv).not.toMatch(new RegExp(`[^0-9a-f]${code}[^0-9a-f]`));
  });
});

/** Accepts an invitation whose token the test already read from the mail. */
async function inviteAndAcceptWith(o: Office, token: string): Promise<Member> {
  const inviteeTab = tab(o.t.app);
  const lookup = await inviteeTab.post('/api/v1/invitations/lookup', { token });
  expect(lookup.status).toBe(200);
  const account = makeAccount({
    userId: InvitationLookupResponse.parse(lookup.body).userId,
    email: BRAM,
    name: 'Bram Jansen',
    password: STAFF_PASSWORD,
  });
  const accepted = await inviteeTab.post('/api/v1/invitations/accept', {
    token,
    name: 'Bram Jansen',
    keys: account.wire,
  });
  expect(accepted.status, JSON.stringify(accepted.body)).toBe(200);
  return { account, tab: inviteeTab };
}
