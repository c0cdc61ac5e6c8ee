// `coffer` as its own process, as a person or a service runs it: a pull killed mid-file leaves a
// hidden partial that the next pull removes before the file arrives once, whole; `watch` saves a
// new upload within seconds and exits 2 once the device is removed, and ends with exit 0 on
// SIGTERM between rounds and on SIGINT mid-download (no partial left); under a pseudo-terminal
// (util-linux `script`) the progress line shows on stderr, and with --json there is none.
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
import { cliEnv, close, coffer, connectDevice, listen, spawnCli } from './support.js';
import { ROOT, spawnProcess, type Spawned } from '../helpers/process.js';

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

  it('watch saves a new upload within seconds, and exits 2 once the device is removed', async () => {
    const o = await withStaff(await suite.office());
    const client = await makeClient(o, o.staff, 'klant@example.nl', 'Bakkerij Jansen');
    const { server, base } = await listen(o);
    servers.push(server);
    const { home, deviceId } = await connectDevice(o, o.staff, base);
    const dir = await tempDir('coffer-cli-watch-');
    const watching = spawnCli(home, ['watch', '--to', dir, '--every', '1']);
    children.push(watching);
    await watching.waitFor(/Pulling into .* every 1 s/);

    const plaintext = randomPlaintext(200_000);
    await uploadToDrop(o.t.app, client.drop, await startPortalSession(client), [
      makeFile(plaintext, { name: 'btw-aangifte.pdf' }),
    ]);
    const uploaded = Date.now();
    const folder = join(dir, 'Bakkerij Jansen');
    let saved: string | undefined;
    while (saved === undefined && Date.now() - uploaded < 15_000) {
      saved = (await entries(folder)).find((name) => / btw-aangifte\.pdf$/.test(name));
      if (saved === undefined) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(saved, watching.stderr()).toBeDefined();
    expect(sha256(await readFile(join(folder, saved ?? '')))).toBe(sha256(plaintext));

    expect((await o.staff.tab.delete(`/api/v1/devices/${deviceId}`)).status).toBe(204);
    const ended = await watching.exited;
    expect(ended.code).toBe(2);
    expect(watching.stderr()).toContain('This device was removed from Coffer');
  }, 120_000);

  it('watch ends with exit 0 on SIGTERM between rounds, and on SIGINT mid-download without a partial', async () => {
    const o = await withStaff(await suite.office());
    const client = await makeClient(o, o.staff, 'klant@example.nl', 'Bakkerij Jansen');
    const { server, base } = await listen(o);
    servers.push(server);
    const { home } = await connectDevice(o, o.staff, base);
    const dir = await tempDir('coffer-cli-watch-');

    // Between rounds: the first round's answer is out, the next is 30 s away.
    const idle = spawnCli(home, ['watch', '--to', dir, '--every', '30', '--json']);
    children.push(idle);
    await idle.waitFor(/"pulled":\[\]/);
    const asked = Date.now();
    idle.child.kill('SIGTERM');
    expect((await idle.exited).code).toBe(0);
    expect(Date.now() - asked).toBeLessThan(10_000);
    expect(idle.stdout().trim().split('\n').at(-1)).toBe('{"status":"stopped"}');

    // Mid-download.
    await uploadToDrop(o.t.app, client.drop, await startPortalSession(client), [
      makeFile(randomPlaintext(64 * 1024 * 1024), { name: 'scans.zip' }),
    ]);
    const folder = join(dir, 'Bakkerij Jansen');
    const busy = spawnCli(home, ['watch', '--to', dir, '--every', '30']);
    children.push(busy);
    let partial: string | undefined;
    while (partial === undefined && busy.child.exitCode === null) {
      partial = (await entries(folder)).find((name) => PARTIAL.test(name));
      if (partial === undefined) await new Promise((resolve) => setTimeout(resolve, 5));
    }
    expect(partial, `the download ended before it was seen: ${busy.stderr()}`).toBeDefined();
    busy.child.kill('SIGINT');
    const ended = await busy.exited;
    expect(ended.code, busy.stderr()).toBe(0);
    expect(busy.stdout()).toContain('Stopped.');
    expect(await entries(folder)).toEqual([]);
    const state = JSON.parse(await readFile(join(dir, '.coffer-state.json'), 'utf8')) as { partials?: unknown[] };
    expect(state.partials).toEqual([]);
  }, 240_000);

  it('shows its progress line on a terminal, on stderr, and none with --json', async () => {
    const o = await withStaff(await suite.office());
    const client = await makeClient(o, o.staff, 'klant@example.nl', 'Bakkerij Jansen');
    const { server, base } = await listen(o);
    servers.push(server);
    const { home } = await connectDevice(o, o.staff, base);
    const dir = await tempDir('coffer-cli-tty-');

    /** `coffer pull` on a pseudo-terminal, its stdout into a file: what the terminal shows is stderr alone. */
    const onTerminal = async (json: boolean): Promise<{ terminal: string; stdout: string }> => {
      const out = join(dir, json ? 'out-json.txt' : 'out.txt');
      const command = `'${process.execPath}' '${join(ROOT, 'cli/coffer.mjs')}' pull --to '${join(dir, 'pulled')}'${json ? ' --json' : ''} > '${out}'`;
      const ran = spawnProcess('script', ['-qfec', command, '/dev/null'], {
        cwd: ROOT,
        env: cliEnv(home),
      });
      expect((await ran.exited).code, ran.stderr()).toBe(0);
      return { terminal: ran.stdout(), stdout: await readFile(out, 'utf8') };
    };

    await uploadToDrop(o.t.app, client.drop, await startPortalSession(client), [
      makeFile(randomPlaintext(8 * 1024 * 1024), { name: 'jaarrekening.pdf' }),
    ]);
    const shown = await onTerminal(false);
    // The line that overwrites itself: carriage return, erase-line (ESC [K), the text.
    expect(shown.terminal).toContain('\r\u001b[KDownloading jaarrekening.pdf: ');
    expect(shown.terminal).toMatch(/Downloading jaarrekening\.pdf: \d+%/);
    expect(shown.stdout).toMatch(/^Saved Bakkerij Jansen\/\d{4}-\d{2}-\d{2} jaarrekening\.pdf$/m);
    expect(shown.stdout).not.toContain('Downloading');

    await uploadToDrop(o.t.app, client.drop, await startPortalSession(client), [
      makeFile(randomPlaintext(8 * 1024 * 1024), { name: 'balans.pdf' }),
    ]);
    const quiet = await onTerminal(true);
    expect(quiet.terminal).not.toContain('Downloading');
    expect(quiet.terminal).not.toContain('%');
    expect(JSON.parse(quiet.stdout)).toMatchObject({
      pulled: [{ path: expect.stringMatching(/ balans\.pdf$/) as string }],
    });
  }, 120_000);
});
