// `coffer login` against the real server with device enrolment: the machine shows its code, the
// member's browser (test/helpers/devices.ts) picks the enrolment whose keys give that code and
// approves it, and the machine ends up connected with a bearer token and its keys sealed under
// the passphrase; it then pulls a portal upload. Removing the device on the Security page stops
// it: exit 2, "This device was removed", nothing written. And the two trust decisions of login:
// an address whose fingerprint is not the office key's, and a handover the server swapped for
// keys of its own, are refused with exit 3 and leave nothing behind.
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rmdir, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  idFromWire,
  newAccountKeys,
  officeFingerprint,
  sealDeviceKeys,
  toBase64Url,
} from '../../shared/crypto/index.js';
import { makeFile, randomPlaintext } from '../helpers/browser-shares.js';
import { makeClient, startPortalSession } from '../helpers/clients.js';
import { uploadToDrop } from '../helpers/drops.js';
import { setUpOffice } from '../helpers/office.js';
import { PendingEnrolments } from '../../shared/wire/devices.js';
import { withStaff, type SendingOffice } from '../helpers/sharing.js';
import { httpSuite } from '../helpers/suite.js';
import { tempDir } from '../helpers/tmp.js';
import { close, coffer, connectDevice, loginApproved } from './support.js';

const suite = httpSuite();
const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await close(server);
});

async function office(): Promise<{ o: SendingOffice; base: string; address: string; bearers: Set<string> }> {
  // A claim carries this machine's time; the server accepts one close to its own clock.
  const t = await suite.app();
  t.clock.set(Date.now());
  const o = await withStaff(await setUpOffice(t, suite.mail));
  // Every bearer token a request carried, to look for in the state file.
  const bearers = new Set<string>();
  const server = createServer((req, res) => {
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    if (bearer !== undefined) bearers.add(bearer);
    o.t.app(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push(server);
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    o,
    base,
    address: `${base}/#${toBase64Url(officeFingerprint(o.office.keys.signing.publicKey))}`,
    bearers,
  };
}

/** device.json as `coffer` keeps it. */
async function stateFile(home: string): Promise<{ text: string; json: Record<string, unknown> }> {
  const text = await readFile(join(home, 'device.json'), 'utf8');
  return { text, json: JSON.parse(text) as Record<string, unknown> };
}

describe('coffer login', () => {
  it('connects after the member approves the shown code, pulls with the device token, and stops once the device is removed', async () => {
    const { o, address, bearers } = await office();
    const home = await tempDir('coffer-cli-home-');
    const { ran, deviceId } = await loginApproved(o, home, address);
    expect(ran.code, ran.stderr).toBe(0);
    expect(ran.stdout).toContain('This computer is connected to Coffer.');
    // No Secret Service is reachable from this test's environment: the passphrase seals the keys.
    expect(ran.stdout).toContain('sealed under your passphrase');
    const stored = await stateFile(home);
    expect(stored.json).toMatchObject({
      version: 2,
      credential: { kind: 'bearer', sealed: expect.any(String) as unknown },
    });
    expect(stored.json['credential']).not.toHaveProperty('value');
    const keys = o.staff.account.keys;
    for (const secret of [keys.identity.seed, keys.encryption.secretKey, keys.personalKey])
      expect(stored.text).not.toContain(toBase64Url(secret));

    const client = await makeClient(o, o.staff, 'klant@example.nl', 'Bakkerij Jansen');
    const plaintext = randomPlaintext(40_000);
    await uploadToDrop(o.t.app, client.drop, await startPortalSession(client), [
      makeFile(plaintext, { name: 'btw-aangifte.pdf' }),
    ]);
    const dir = await tempDir('coffer-cli-pull-');
    const pulled = await coffer(home, ['pull', '--to', dir]);
    expect(pulled.code, pulled.stderr).toBe(0);
    const [saved] = await readdir(join(dir, 'Bakkerij Jansen'));
    expect(saved).toMatch(/^\d{4}-\d{2}-\d{2} btw-aangifte\.pdf$/);
    expect(
      createHash('sha256')
        .update(await readFile(join(dir, 'Bakkerij Jansen', saved ?? '')))
        .digest('hex'),
    ).toBe(createHash('sha256').update(plaintext).digest('hex'));
    // The pull carried the device's token, and the state file does not hold it in the clear.
    expect(bearers.size).toBe(1);
    for (const bearer of bearers) expect((await stateFile(home)).text).not.toContain(bearer);

    expect((await o.staff.tab.delete(`/api/v1/devices/${deviceId}`)).status).toBe(204);
    await uploadToDrop(o.t.app, client.drop, await startPortalSession(client), [makeFile(randomPlaintext(100))]);
    const removed = await coffer(home, ['pull', '--to', dir, '--json']);
    expect(removed.code).toBe(2);
    expect(removed.json()).toMatchObject({ error: { code: 'device_revoked' } });
    expect(removed.stderr).toContain('This device was removed from Coffer');
    expect(await readdir(join(dir, 'Bakkerij Jansen'))).toEqual([saved]);
  });

  it('seals the token of a state file written with it in the clear at the first command that can write it, and not under a wrong passphrase', async () => {
    const { o, base } = await office();
    const { home, token } = await connectDevice(o, o.staff, base);
    // A first command records the office key's pin as verified (`seen`), so the next ones have
    // nothing new to write but the sealed token.
    expect((await coffer(home, ['sent', '--json'])).code).toBe(0);
    // device.json as versions before this one wrote it: the token in the clear beside the sealed keys.
    const sealed = (await stateFile(home)).json;
    expect(sealed['seen']).not.toEqual({});
    const clear = { ...sealed, version: 1, credential: { kind: 'bearer', value: token } };
    await writeFile(join(home, 'device.json'), JSON.stringify(clear));

    const wrong = await coffer(home, ['sent', '--json'], { COFFER_PASSPHRASE: 'not the passphrase' });
    expect(wrong.code).toBe(2);
    expect(wrong.json()).toMatchObject({ error: { code: 'wrong_passphrase' } });
    expect((await stateFile(home)).json).toEqual(clear);

    // A folder where the file cannot be written: the command still works, says so, and the file
    // stays as it was. (The temporary file device.json is written under is in the way.)
    const inTheWay = join(home, `device.json.${process.pid}.tmp`);
    await mkdir(inTheWay);
    const unwritable = await coffer(home, ['sent', '--json']);
    expect(unwritable.code, unwritable.stderr).toBe(0);
    expect(unwritable.stderr).toContain('device.json could not be written, so its token stays in the clear');
    expect((await stateFile(home)).json).toEqual(clear);
    await rmdir(inTheWay);

    const listed = await coffer(home, ['sent', '--json']);
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stderr).toBe('');
    expect(listed.json()).toEqual({ shares: [] });
    const now = await stateFile(home);
    expect(now.text).not.toContain(token);
    expect(now.json).toEqual({
      ...clear,
      version: 2,
      credential: { kind: 'bearer', sealed: expect.stringMatching(/^[A-Za-z0-9_-]+$/) as unknown },
    });
    // Written as version 2, it keeps working.
    expect((await coffer(home, ['sent', '--json'])).code).toBe(0);
  });

  it('with --keyring and no working keyring, stops before enrolling and keeps nothing (exit 1)', async () => {
    const { o, address } = await office();
    const home = await tempDir('coffer-cli-home-');
    const ran = await coffer(home, ['login', address, '--keyring']);
    expect(ran.code).toBe(1);
    expect(ran.stderr).toContain('No system keyring works here');
    expect(await readdir(home)).toEqual([]);
    expect(PendingEnrolments.parse((await o.staff.tab.get('/api/v1/devices/enrolments')).body).enrolments).toEqual([]);
    const both = await coffer(home, ['login', address, '--keyring', '--passphrase']);
    expect(both.code).toBe(1);
    expect(both.stderr).toContain('either --keyring or --passphrase');
  });

  it('refuses an address whose fingerprint is not the office key, keeping nothing', async () => {
    const { o, base } = await office();
    const home = await tempDir('coffer-cli-home-');
    const other = `${base}/#${toBase64Url(new Uint8Array(32).fill(7))}`;
    const { ran } = await loginApproved(o, home, other);
    expect(ran.code).toBe(3);
    expect(ran.stderr).toContain('does not have the fingerprint in the address');
    expect(await readdir(home)).toEqual([]);
  });

  it('refuses a handover the server swapped for keys of its own, keeping nothing', async () => {
    const { o, address } = await office();
    const home = await tempDir('coffer-cli-home-');
    const { ran } = await loginApproved(o, home, address, (enrolmentId) => {
      const row = o.t.db
        .prepare('SELECT encryption_public_key AS e, signing_public_key AS s FROM devices WHERE id = ?')
        .get(idFromWire(enrolmentId)) as { e: Uint8Array; s: Uint8Array };
      // What the server could seal itself: other account keys, bound to this very enrolment and machine.
      const forged = sealDeviceKeys(newAccountKeys(), {
        enrolmentId: idFromWire(enrolmentId),
        userId: o.staff.account.userId,
        officeId: o.office.keys.officeId,
        device: { encryptionPublicKey: row.e, signingPublicKey: row.s },
      });
      o.t.db.prepare('UPDATE devices SET sealed_keys = ? WHERE id = ?').run(forged, idFromWire(enrolmentId));
    });
    expect(ran.code).toBe(3);
    expect(ran.stderr).toContain('A check failed');
    expect(await readdir(home)).toEqual([]);
  });

  it('forgets the connection on logout', async () => {
    const { o, address } = await office();
    const home = await tempDir('coffer-cli-home-');
    expect((await loginApproved(o, home, address)).ran.code).toBe(0);
    const out = await coffer(home, ['logout', '--lang', 'nl']);
    expect(out.code).toBe(0);
    expect(out.stdout).toContain('Verwijder het apparaat ook op de pagina Beveiliging');
    expect(await readdir(home)).toEqual([]);
    expect((await coffer(home, ['sent'])).code).toBe(2);
  });
});
