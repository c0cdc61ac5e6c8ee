// The guards, walked over the whole route table: every route that is not public refuses an
// anonymous caller, admin routes refuse staff, routes for approved members refuse a member
// waiting for approval, and the office's two-factor policy stops members who did not enrol.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ready } from '../../shared/crypto/index.js';
import { createServices } from '../../server/compose.js';
import { routeTable, type RouteSpec } from '../../server/routes.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { tab, type Tab } from '../helpers/client.js';
import { errorCodeOf, expectError } from '../helpers/expect.js';
import { startMailServer, type MailServer } from '../helpers/mail-server.js';
import { approve, inviteAndAccept, setUpOffice, type Member, type Office } from '../helpers/office.js';
import { makeClient } from '../helpers/clients.js';
import { removeTempDirs } from '../helpers/tmp.js';

let mail: MailServer;
let t: TestApp;
let o: Office;
let approvedStaff: Member;
let pendingStaff: Member;
let table: readonly RouteSpec[];

beforeAll(async () => {
  await ready();
  mail = await startMailServer();
  t = await createTestApp({ env: mail.env });
  o = await setUpOffice(t, mail);
  approvedStaff = await inviteAndAccept(o, 'approved@kantoor.example');
  await approve(o, approvedStaff);
  pendingStaff = await inviteAndAccept(o, 'pending@kantoor.example');
  table = routeTable(
    createServices({
      config: t.config,
      db: t.db,
      mailer: t.mailer,
      clock: t.clock,
      log: t.logs.log,
      serverKey: t.serverKey,
      clientDir: t.clientDir,
    }),
  );
});
afterAll(async () => {
  t.close();
  await mail.close();
  await removeTempDirs();
});

const SOME_ID = 'AAAAAAAAAAAAAAAAAAAAAA';

function call(who: Tab, spec: RouteSpec) {
  const path = spec.path.replace(/:[A-Za-z]+/g, SOME_ID);
  const method = spec.method.toLowerCase() as 'get' | 'post' | 'put' | 'delete';
  const req = who.raw(method, path);
  if (spec.body === 'json') return req.set('Content-Type', 'application/json').send('{}');
  if (spec.body === 'multipart') return req.attach('logo', Buffer.from('not an image'), { filename: 'logo.png' });
  if (spec.body === 'octet-stream') return req.set('Content-Type', 'application/octet-stream').send(Buffer.alloc(0));
  return req;
}

const guarded = (guards: readonly string[]) => () => table.filter((spec) => guards.includes(spec.guard));

describe('guards over the route table', () => {
  it('every non-public route refuses an anonymous caller with 401 signed_out', async () => {
    const routes = guarded(['session', 'member', 'staff', 'approved', 'office', 'admin', 'client'])();
    expect(routes.length).toBeGreaterThan(25);
    for (const spec of routes) expectError(await call(tab(t.app), spec), 401, 'signed_out');
  });

  it('a stale or forged session cookie is refused and cleared', async () => {
    const forged = tab(t.app);
    forged.token = 'A'.repeat(43);
    const res = await forged.get('/api/v1/session');
    expectError(res, 401, 'signed_out');
    expect(forged.token).toBeUndefined();
  });

  it('every admin route refuses approved staff with 403 forbidden', async () => {
    for (const spec of guarded(['admin'])()) expectError(await call(approvedStaff.tab, spec), 403, 'forbidden');
  });

  it('routes for approved members refuse a member waiting for approval', async () => {
    for (const spec of guarded(['approved', 'office'])())
      expectError(await call(pendingStaff.tab, spec), 403, 'approval_pending');
    for (const spec of guarded(['admin'])()) expectError(await call(pendingStaff.tab, spec), 403, 'forbidden');
  });

  it("the office's routes (sending, shares, takeover) refuse anyone but approved staff and admins", async () => {
    const routes = guarded(['office'])();
    expect(routes.length).toBeGreaterThan(5);
    const refused = ['signed_out', 'forbidden', 'approval_pending', 'two_factor_required'];
    const passed = async (spec: RouteSpec) =>
      expect(refused, `${spec.method} ${spec.path}`).not.toContain(errorCodeOf(await call(approvedStaff.tab, spec)));
    for (const spec of routes) await passed(spec);
    // A client account never reaches them; the routes for any approved account (shares
    // received) let it through, and the client's own routes refuse everyone else.
    const client = await makeClient(o, approvedStaff, 'klant@example.nl', 'Klant Jansen');
    for (const spec of routes) expectError(await call(client.tab, spec), 403, 'forbidden');
    for (const spec of guarded(['approved'])())
      expect(refused, `${spec.method} ${spec.path}`).not.toContain(errorCodeOf(await call(client.tab, spec)));
    const clientRoutes = guarded(['client'])();
    expect(clientRoutes.length).toBeGreaterThan(2);
    for (const spec of clientRoutes) {
      expect(refused, `${spec.method} ${spec.path}`).not.toContain(errorCodeOf(await call(client.tab, spec)));
      expectError(await call(approvedStaff.tab, spec), 403, 'forbidden');
      expectError(await call(o.admin.tab, spec), 403, 'forbidden');
    }
  });

  it('the two-factor policy stops member, staff, approved and admin routes until enrolment', async () => {
    expect(
      (
        await o.admin.tab.put('/api/v1/admin/settings', {
          name: 'Kantoor',
          requireTwoFactor: true,
          maxExpiryDays: 30,
          retentionDays: 90,
        })
      ).status,
    ).toBe(200);
    try {
      for (const spec of guarded(['member', 'staff', 'approved', 'office', 'admin'])()) {
        expectError(await call(approvedStaff.tab, spec), 403, 'two_factor_required');
        expectError(await call(o.admin.tab, spec), 403, 'two_factor_required');
      }
      // Session routes stay open, so the member can enrol.
      expect((await approvedStaff.tab.get('/api/v1/session')).status).toBe(200);
    } finally {
      // Put the policy back directly: the admin cannot reach the settings any more.
      t.db.prepare('UPDATE office SET require_two_factor = 0').run();
    }
  });
});
