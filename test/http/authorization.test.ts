// The authorization matrix, run: every route of the app's own route table × eleven kinds of
// caller × an object that belongs to someone else, named in the path (and, where a route takes
// them, in the body), against the answers written in authorization-matrix.ts. A route the
// table lacks, or a row for a route the app does not serve, fails the first test, so no
// endpoint can be added without a row here. The world it runs in is built in
// support/authorization-world.ts, each route's request in support/authorization-requests.ts,
// and a row is checked by support/authorization-check.ts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PAGES } from '../../server/routes.js';
import { ACTORS, parseMatrix } from './authorization-matrix.js';
import { t, callers, table, rows, buildWorld, closeWorld } from './support/authorization-world.js';
import { fixed, RANDOM, BUILDERS, specOf, send } from './support/authorization-requests.js';
import { requestsLogged, check } from './support/authorization-check.js';

beforeAll(buildWorld, 120_000);

afterAll(closeWorld);

describe('the authorization matrix', () => {
  it('has one row for every route the app serves, and no row for a route it does not', () => {
    const served = new Set(
      table
        .filter((spec) => spec.kind !== 'page' || spec.path === '/sw.js')
        .map((spec) => `${spec.method} ${spec.path}`),
    );
    const pages = table.filter((spec) => spec.kind === 'page' && spec.path !== '/sw.js').map((spec) => spec.path);
    expect(pages).toEqual([...PAGES]);
    const listed = new Set(rows.filter((row) => row.key !== 'PAGES').map((row) => row.route));
    expect(
      [...served].filter((route) => !listed.has(route)),
      'routes without a row',
    ).toEqual([]);
    expect(
      [...listed].filter((route) => !served.has(route)),
      'rows for routes the app does not serve',
    ).toEqual([]);
    expect(rows.some((row) => row.key === 'PAGES')).toBe(true);
    expect(Object.keys(BUILDERS).sort()).toEqual(
      rows
        .filter((row) => row.key !== 'PAGES')
        .map((row) => row.key)
        .sort(),
    );
    expect(new Set(rows.map((row) => row.key)).size).toBe(rows.length);
  });

  it('answers a path the route table does not know with 404, whoever asks', async () => {
    for (const actor of ACTORS) {
      const caller = callers[actor];
      for (const path of [
        '/api/v1/shares/x/y/z',
        '/api/v1/everything/clients',
        '/api/v1/users',
        '/api/v1/admin/dump',
        '/api/v2/shares',
      ]) {
        const mark = t.logs.count();
        const res = await send(
          caller,
          { method: 'GET', path, kind: 'api', body: 'none', guard: 'public', handler: () => {} },
          { path },
        );
        expect(res.status, `${actor} GET ${path}`).toBe(404);
        expect((res.body as { error: { code: string } }).error.code, `${actor} GET ${path}`).toBe('not_found');
        expect(
          (await requestsLogged(mark)).map((line) => line.route),
          `${actor} GET ${path}`,
        ).toEqual(['unmatched']);
      }
    }
  });

  it('answers every page to everyone (what a page shows comes from the API)', async () => {
    const row = rows.find((candidate) => candidate.key === 'PAGES')!;
    for (const page of PAGES) {
      const path = page.replace(/:[A-Za-z]+/g, () => RANDOM());
      const spec = specOf(`GET ${page}`);
      expect(await check(row, spec, fixed(path)), page).toEqual([]);
    }
  });

  // Signing out ends the callers' sessions: that row runs last.
  const order = (key: string) => (key === 'POST /api/v1/auth/logout' ? 1 : 0);
  for (const key of parseMatrix()
    .map((row) => row.key)
    .filter((key) => key !== 'PAGES')
    .sort((a, b) => order(a) - order(b))) {
    it(key, async () => {
      const row = rows.find((candidate) => candidate.key === key)!;
      expect(await check(row, specOf(row.route))).toEqual([]);
    });
  }
});
