import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { ready, tokenHash } from '../../shared/crypto/index.js';
import { TOKEN_PATTERN } from '../../shared/wire/index.js';
import { migrate } from '../../server/kernel/db/migrate.js';
import { openDatabase, type Db } from '../../server/kernel/db/open.js';
import { AppError } from '../../server/kernel/http/errors.js';
import { projectPaths } from '../../server/kernel/paths.js';
import { createSetupRepo } from '../../server/setup/repo.js';
import { createSetupService, SETUP_LINK_LIFETIME_MS, setupAtStart } from '../../server/setup/service.js';
import { testClock } from '../helpers/clock.js';
import { removeTempDirs, tempDir } from '../helpers/tmp.js';

const open: Db[] = [];
afterEach(() => {
  for (const db of open.splice(0)) db.close();
});
afterAll(removeTempDirs);

async function setupService() {
  const db = openDatabase(join(await tempDir(), 'coffer.db'));
  open.push(db);
  migrate(db, projectPaths().migrations);
  const clock = testClock();
  const service = createSetupService({ repo: createSetupRepo(db), clock, publicUrl: 'https://files.office.example' });
  return { db, clock, service };
}

async function appErrorCode(promise: Promise<unknown>): Promise<string> {
  const error = await promise.catch((e: unknown) => e);
  if (!(error instanceof AppError)) throw new Error('expected an AppError');
  return error.code;
}

describe('setup links', () => {
  it('stores only the tagged hash of the token', async () => {
    await ready();
    const { db, clock, service } = await setupService();
    const link = await service.issueLink();
    expect(link.token).toMatch(TOKEN_PATTERN);
    expect(link.url).toBe(`https://files.office.example/setup#${link.token}`);
    expect(link.expiresAt).toBe(clock.now() + SETUP_LINK_LIFETIME_MS);
    const rows = db.prepare('SELECT token_hash FROM setup_tokens').pluck().all() as Buffer[];
    expect(rows).toHaveLength(1);
    expect(new Uint8Array(rows[0] as Buffer)).toEqual(tokenHash('setup', link.token));
    expect(JSON.stringify(db.prepare('SELECT * FROM setup_tokens').all())).not.toContain(link.token);
  });

  it('verifies a link until it expires', async () => {
    const { clock, service } = await setupService();
    const link = await service.issueLink();
    await expect(service.verify(link.token)).resolves.toEqual({ expiresAt: link.expiresAt });
    clock.advance(SETUP_LINK_LIFETIME_MS - 1);
    await expect(service.verify(link.token)).resolves.toBeDefined();
    clock.advance(1);
    expect(await appErrorCode(service.verify(link.token))).toBe('setup_link_invalid');
  });

  it('withdraws older unused links when a new one is issued', async () => {
    const { service } = await setupService();
    const first = await service.issueLink();
    const second = await service.issueLink();
    expect(await appErrorCode(service.verify(first.token))).toBe('setup_link_invalid');
    await expect(service.verify(second.token)).resolves.toBeDefined();
  });

  it('refuses a used link, and new links once setup is finished', async () => {
    const { db, clock, service } = await setupService();
    const link = await service.issueLink();
    db.prepare('UPDATE setup_tokens SET used_at = ?').run(clock.now());
    expect(await appErrorCode(service.verify(link.token))).toBe('setup_link_invalid');
    expect(service.state()).toEqual({ state: 'finished' });
    expect(await appErrorCode(service.issueLink())).toBe('setup_finished');
    expect(db.prepare('SELECT count(*) FROM setup_tokens').pluck().get()).toBe(1);
  });

  it('at start: issues a link, then reminds while it is valid, then issues again after expiry', async () => {
    const { clock, service } = await setupService();
    const first = await setupAtStart(service);
    expect(first.action).toBe('issued');
    if (first.action !== 'issued') return;
    expect(await setupAtStart(service)).toEqual({ action: 'remind', expiresAt: first.link.expiresAt });
    clock.advance(SETUP_LINK_LIFETIME_MS);
    const third = await setupAtStart(service);
    expect(third.action).toBe('issued');
    expect(await appErrorCode(service.verify(first.link.token))).toBe('setup_link_invalid');
  });

  it('at start: does nothing once setup is finished', async () => {
    const { db, clock, service } = await setupService();
    await service.issueLink();
    db.prepare('UPDATE setup_tokens SET used_at = ?').run(clock.now());
    expect(await setupAtStart(service)).toEqual({ action: 'none' });
  });
});
