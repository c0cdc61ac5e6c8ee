// `coffer` as its own process, as a person or a service runs it: a pull killed mid-file leaves a
// hidden partial that the next pull removes before the file arrives once, whole.
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { PullOutcome } from '../../cli/pull.js';
import { makeFile, randomPlaintext } from '../helpers/browser-shares.js';
import { makeClient, startPortalSession } from '../helpers/clients.js';
import { uploadToDrop } from '../helpers/drops.js';
import { withStaff } from '../helpers/sharing.js';
import { httpSuite } from '../helpers/suite.js';
import { tempDir } from '../helpers/tmp.js';
import { close, coffer, connectDevice, listen, spawnCli } from './support.js';
import type { Spawned } from '../helpers/process.js';

const suite = httpSuite();
const servers: Server[] = [];
const children: Spawned[] = [];
afterEach(async () => {
  for (const child of children.splice(0)) if (child.child.exitCode === null) child.child.kill('SIGKILL');
  for (const server of servers.splice(0)) await close(server);
});

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');
const PARTIAL = /^\.coffer-partial-[0-9a-f]{16}$/;

async function entries(folder: string): Promise<string[]> {
  return readdir(folder).catch(() => []);
}

describe('coffer as a process', () => {
  it('removes the partial a killed pull left, then saves the file once with the right SHA-256', async () => {
    const o = await withStaff(await suite.office());
    const client = await makeClient(o, o.staff, 'klant@example.nl', 'Bakkerij Jansen');
    const { server, base } = await listen(o);
    servers.push(server);
    const plaintext = randomPlaintext(64 * 1024 * 1024);
    await uploadToDrop(o.t.app, client.drop, await startPortalSession(client), [
      makeFile(plaintext, { name: 'scans.zip' }),
    ]);
    const { home } = await connectDevice(o, o.staff, base);
    const dir = await tempDir('coffer-cli-kill-');
    // Files of the person's own in the client's folder, one even named like a partial: a pull
    // removes only the partials its state file lists.
    const folder = join(dir, 'Bakkerij Jansen');
    await mkdir(folder);
    const own = ['.coffer-partial-0123456789abcdef', 'notities.txt'];
    for (const name of own) await writeFile(join(folder, name), 'van mij');

    const pulling = spawnCli(home, ['pull', '--to', dir]);
    children.push(pulling);
    let partial: string | undefined;
    while (partial === undefined && pulling.child.exitCode === null) {
      partial = (await entries(folder)).find((name) => PARTIAL.test(name) && name !== own[0]);
      if (partial === undefined) await new Promise((resolve) => setTimeout(resolve, 5));
    }
    expect(partial, `the pull ended before its download began: ${pulling.stderr()}`).toBeDefined();
    pulling.child.kill('SIGKILL');
    expect((await pulling.exited).signal).toBe('SIGKILL');
    expect((await entries(folder)).filter((name) => PARTIAL.test(name)).sort()).toEqual([partial, own[0]].sort());

    const again = await coffer(home, ['pull', '--to', dir, '--json']);
    expect(again.code, again.stderr).toBe(0);
    const [saved] = again.json<PullOutcome>().pulled;
    expect(saved?.path).toMatch(/^Bakkerij Jansen\/\d{4}-\d{2}-\d{2} scans\.zip$/);
    expect((await entries(folder)).sort()).toEqual([...own, saved?.path.split('/')[1]].sort());
    for (const name of own) expect(await readFile(join(folder, name), 'utf8')).toBe('van mij');
    expect(sha256(await readFile(join(dir, saved?.path ?? '')))).toBe(sha256(plaintext));
    const state = JSON.parse(await readFile(join(dir, '.coffer-state.json'), 'utf8')) as { partials?: unknown[] };
    expect(state.partials).toEqual([]);
  }, 240_000);
});
