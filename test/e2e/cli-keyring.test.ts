// `coffer` with its keys at rest in a real OS keyring: a D-Bus session (dbus-run-session) with
// GNOME Keyring's Secret Service, unlocked with a test password fed on stdin, and libsecret's
// `secret-tool` — the tools Debian's libsecret-tools, gnome-keyring and dbus packages bring (the
// e2e prerequisites, README.md). Without them this file fails; it never skips.
//
// `coffer login --keyring` stores a random key in the keyring and seals the account keys under
// it: device.json then holds no passphrase salt and neither the keys nor that key in the clear;
// send and pull work with no passphrase at all; logout removes the keyring item; and an item that
// is gone or holds another key stops the device with exit 2 and "not in the keyring", nothing
// written.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { officeFingerprint, randomBytes, toBase64Url } from '../../shared/crypto/index.js';
import type { PullOutcome } from '../../cli/pull.js';
import type { SendOutcome } from '../../cli/send.js';
import { makeFile, randomPlaintext } from '../helpers/browser-shares.js';
import { makeClient, startPortalSession } from '../helpers/clients.js';
import { uploadToDrop } from '../helpers/drops.js';
import { setUpOffice } from '../helpers/office.js';
import { withStaff, type SendingOffice } from '../helpers/sharing.js';
import { httpSuite } from '../helpers/suite.js';
import { tempDir } from '../helpers/tmp.js';
import { close, coffer, listen, loginApproved } from '../cli/support.js';

const suite = httpSuite();
const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await close(server);
});

let keyringSession: ChildProcess | undefined;
/** What `coffer` runs with: the session bus of the keyring, and no passphrase anywhere. */
let keyringEnv: Record<string, string> = {};

beforeAll(async () => {
  const keyringHome = await tempDir('coffer-e2e-keyring-');
  // One D-Bus session for the file; gnome-keyring-daemon reads the keyring password from stdin.
  const session = spawn(
    'dbus-run-session',
    [
      '--',
      'sh',
      '-c',
      'gnome-keyring-daemon --unlock --components=secrets >/dev/null && echo "BUS=$DBUS_SESSION_BUS_ADDRESS" && exec sleep 3600',
    ],
    {
      detached: true,
      stdio: ['pipe', 'pipe', 'pipe'],
      env: {
        PATH: process.env['PATH'] ?? '/usr/bin:/bin',
        HOME: keyringHome,
        XDG_DATA_HOME: join(keyringHome, 'data'),
        XDG_RUNTIME_DIR: keyringHome,
      },
    },
  );
  keyringSession = session;
  session.stdin.end('keyring test password');
  const bus = await new Promise<string>((resolve, reject) => {
    let out = '';
    let err = '';
    session.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const found = /^BUS=(.+)$/m.exec(out)?.[1];
      if (found) resolve(found);
    });
    session.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    session.on('error', reject);
    session.on('exit', (code) => reject(new Error(`the keyring session ended (${code}): ${err}`)));
  });
  keyringEnv = { DBUS_SESSION_BUS_ADDRESS: bus, PATH: process.env['PATH'] ?? '/usr/bin:/bin', COFFER_PASSPHRASE: '' };
});

afterAll(() => {
  // The whole process group this file started: dbus-run-session, its bus, the keyring daemon.
  if (keyringSession?.pid !== undefined) process.kill(-keyringSession.pid, 'SIGTERM');
});

/** `secret-tool` against the test's keyring: the secret on stdin for `store`. */
function secretTool(args: readonly string[], input = ''): Promise<{ code: number; stdout: string }> {
  return new Promise((resolve) => {
    const child = execFile('secret-tool', [...args], { env: keyringEnv, encoding: 'utf8' }, (error, stdout) =>
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout }),
    );
    child.stdin?.end(input);
  });
}

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

async function office(): Promise<{ o: SendingOffice; address: string }> {
  const t = await suite.app();
  t.clock.set(Date.now());
  const o = await withStaff(await setUpOffice(t, suite.mail));
  const { server, base } = await listen(o);
  servers.push(server);
  return { o, address: `${base}/#${toBase64Url(officeFingerprint(o.office.keys.signing.publicKey))}` };
}

interface StoredDevice {
  keys: { keyring?: { version: number; kind: string; account: string }; kdf?: unknown; bundle: string };
}

async function storedDevice(home: string): Promise<{ text: string; device: StoredDevice }> {
  const text = await readFile(join(home, 'device.json'), 'utf8');
  return { text, device: JSON.parse(text) as StoredDevice };
}

describe('coffer with the OS keyring (Secret Service)', () => {
  it('keeps the key in the keyring, works without a passphrase, and logout removes the item', async () => {
    const { o, address } = await office();
    const home = await tempDir('coffer-e2e-keyring-home-');
    const { ran } = await loginApproved(o, home, address, undefined, { args: ['--keyring'], env: keyringEnv });
    expect(ran.code, ran.stderr).toBe(0);
    expect(ran.stdout).toContain('sealed under a key kept in the system keyring');

    const { text, device } = await storedDevice(home);
    expect(device.keys.kdf).toBeUndefined();
    expect(text).not.toContain('salt');
    const item = device.keys.keyring;
    expect(item).toMatchObject({ version: 1, kind: 'secret-service' });
    const stored = await secretTool(['lookup', 'service', 'coffer', 'account', item?.account ?? '']);
    expect(stored.code).toBe(0);
    expect(stored.stdout).toMatch(/^[A-Za-z0-9_-]{43}$/);
    // Neither the account keys nor the key that seals them are in the file.
    const keys = o.staff.account.keys;
    for (const secret of [keys.identity.seed, keys.encryption.secretKey, keys.personalKey])
      expect(text).not.toContain(toBase64Url(secret));
    expect(text).not.toContain(stored.stdout);

    const file = join(await tempDir('coffer-e2e-keyring-send-'), 'loonstrook.pdf');
    await writeFile(file, randomPlaintext(50_000));
    const sent = await coffer(home, ['send', file, '--to', 'gast@example.nl', '--json'], keyringEnv);
    expect(sent.code, sent.stderr).toBe(0);
    expect(sent.json<SendOutcome>().guests).toHaveLength(1);

    const client = await makeClient(o, o.staff, 'klant@example.nl', 'Bakkerij Jansen');
    const plaintext = randomPlaintext(120_000);
    await uploadToDrop(o.t.app, client.drop, await startPortalSession(client), [
      makeFile(plaintext, { name: 'jaaropgave.pdf' }),
    ]);
    const dir = await tempDir('coffer-e2e-keyring-pull-');
    const pulled = await coffer(home, ['pull', '--to', dir, '--json'], keyringEnv);
    expect(pulled.code, pulled.stderr).toBe(0);
    const [saved] = pulled.json<PullOutcome>().pulled;
    expect(sha256(await readFile(join(dir, saved?.path ?? '')))).toBe(sha256(plaintext));

    const out = await coffer(home, ['logout'], keyringEnv);
    expect(out.code, out.stderr).toBe(0);
    expect(await readdir(home)).toEqual([]);
    const gone = await secretTool(['lookup', 'service', 'coffer', 'account', item?.account ?? '']);
    expect(gone.code).not.toBe(0);
    expect(gone.stdout).toBe('');
  });

  it('stops with exit 2 when the keyring item is gone or holds another key, writing nothing', async () => {
    const { o, address } = await office();
    const home = await tempDir('coffer-e2e-keyring-home-');
    const { ran } = await loginApproved(o, home, address, undefined, { args: ['--keyring'], env: keyringEnv });
    expect(ran.code, ran.stderr).toBe(0);
    const account = (await storedDevice(home)).device.keys.keyring?.account ?? '';
    const client = await makeClient(o, o.staff, 'klant@example.nl', 'Bakkerij Jansen');
    await uploadToDrop(o.t.app, client.drop, await startPortalSession(client), [makeFile(randomPlaintext(1000))]);
    const dir = await tempDir('coffer-e2e-keyring-pull-');

    // Another key in the item: the bundle does not open.
    const other = toBase64Url(randomBytes(32));
    expect((await secretTool(['store', '--label=other', 'service', 'coffer', 'account', account], other)).code).toBe(0);
    const wrong = await coffer(home, ['pull', '--to', dir, '--json'], keyringEnv);
    expect(wrong.code).toBe(2);
    expect(wrong.json()).toMatchObject({ error: { code: 'keyring_missing' } });
    expect(wrong.stderr).toContain('The key of this device is not in the keyring. Connect it again with coffer login.');

    // No item at all.
    expect((await secretTool(['clear', 'service', 'coffer', 'account', account])).code).toBe(0);
    const missing = await coffer(home, ['pull', '--to', dir, '--lang', 'nl'], keyringEnv);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('De sleutel van dit apparaat staat niet in de sleutelbos');
    expect(await readdir(dir)).toEqual([]);
  });
});
