// `npm run coffer -- backup <file>` (server/cli-backup.ts): a copy of a live, populated data
// folder made through SQLite's online backup while the app keeps writing, restored into a new
// DATA_DIR as docs/operations.md says, opens with the same accounts: members sign in.
import { cp, mkdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../server/cli.js';
import { createTestApp } from '../helpers/app.js';
import { makeFile, randomPlaintext } from '../helpers/browser-shares.js';
import { signIn } from '../helpers/office.js';
import { sendShare, withStaff } from '../helpers/sharing.js';
import { httpSuite } from '../helpers/suite.js';
import { tempDir } from '../helpers/tmp.js';

const suite = httpSuite();

async function cli(args: string[], env: Record<string, string>): Promise<{ code: number; out: string }> {
  const lines: string[] = [];
  const log = console.log;
  const error = console.error;
  console.log = (line: string) => void lines.push(line);
  console.error = (line: string) => void lines.push(line);
  try {
    return { code: await runCli(args, env), out: lines.join('\n') };
  } finally {
    console.log = log;
    console.error = error;
  }
}

describe('coffer backup', () => {
  it('copies a live database and its keys; restored into a new data folder, members sign in', async () => {
    const s = await withStaff(await suite.office());
    await sendShare(s, s.staff);
    const env = {
      DATA_DIR: s.t.config.dataDir,
      PUBLIC_URL: s.t.config.publicUrl,
      MAIL_OUTBOX: '1',
      LOG_LEVEL: 'silent',
    };
    const target = join(await tempDir(), 'nightly', 'coffer.db');
    await mkdir(join(target, '..'), { mode: 0o700 });

    // The app goes on writing while the backup runs.
    const file = makeFile(randomPlaintext(1000));
    const writes = Promise.all(
      Array.from({ length: 5 }, () => s.admin.tab.post('/api/v1/uploads', { size: file.container.length })),
    );
    const { code, out } = await cli(['backup', target], env);
    expect(code, out).toBe(0);
    for (const res of await writes) expect(res.status).toBe(201);
    expect(out).toContain(`${target}.keys/`);
    expect((await stat(target)).mode & 0o777).toBe(0o600);
    expect((await stat(`${target}.keys`)).mode & 0o777).toBe(0o700);
    expect((await stat(join(`${target}.keys`, 'server-secret'))).mode & 0o777).toBe(0o600);

    // Never over an older backup.
    const again = await cli(['backup', target], env);
    expect(again.code).toBe(1);
    expect(again.out).toMatch(/^Backup refused: .* already exists/);

    // Restore as docs/operations.md says: the file as coffer.db, the keys as keys/.
    const restoredDir = join(await tempDir(), 'data');
    await mkdir(restoredDir, { mode: 0o700 });
    await cp(target, join(restoredDir, 'coffer.db'));
    await cp(`${target}.keys`, join(restoredDir, 'keys'), { recursive: true });
    const restored = await createTestApp({ env: { ...suite.mail.env, DATA_DIR: restoredDir } });
    try {
      const o = { ...s, t: restored };
      expect((await signIn(o, s.admin)).signedIn.status).toBe('signed-in');
      const staff = await signIn(o, s.staff);
      const shares = await staff.tab.get('/api/v1/shares');
      expect(shares.status).toBe(200);
      expect(JSON.stringify(shares.body)).toContain(
        (s.t.db.prepare('SELECT id FROM shares').pluck().get() as Buffer).toString('base64url'),
      );
    } finally {
      restored.close();
    }
  });

  it('asks for exactly one file', async () => {
    const env = { DATA_DIR: await tempDir(), PUBLIC_URL: 'http://localhost:8080', MAIL_OUTBOX: '1' };
    expect((await cli(['backup'], env)).code).toBe(2);
    expect((await cli(['backup', 'a.db', 'b.db'], env)).code).toBe(2);
    expect((await cli(['help'], env)).out).toContain('backup <file>');
  });
});
