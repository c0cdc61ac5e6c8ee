// `coffer pull` against the real server: a client's portal upload arrives in the client's folder
// with its original name (behind the date) and the same SHA-256; a second pull writes nothing; an
// upload the server injected (its manifest not MAC'd with the drop's D) is refused, reported on
// stderr and in --json, with exit code 3, while a genuine one beside it is still pulled; names the
// uploader chose are made safe for the disk; a removed device gets exit 2 and nothing is written;
// a server naming another office key is refused; the state folder holds no private key in the clear.
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  newDropKeys,
  newId,
  newOfficeKeys,
  newSigningKeyPair,
  signDropRecord,
  toBase64Url,
} from '../../shared/crypto/index.js';
import { makeFile, randomPlaintext } from '../helpers/browser-shares.js';
import { makeClient, startPortalSession, type ClientAccount } from '../helpers/clients.js';
import { buildSubmission, dropUploads, makeDrop, startOpenDrop, submit, uploadToDrop } from '../helpers/drops.js';
import { uploadContainer, withStaff, type SendingOffice } from '../helpers/sharing.js';
import { httpSuite } from '../helpers/suite.js';
import { tempDir } from '../helpers/tmp.js';
import { close, coffer, connectDevice, listen } from './support.js';
import type { Server } from 'node:http';
import { leftoverPath, type PullOutcome } from '../../cli/pull.js';

const suite = httpSuite();
const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await close(server);
});

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

/** Every file under `dir` (relative paths), without the state file. */
async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile() && e.name !== '.coffer-state.json')
    .map((e) => join(e.parentPath.slice(dir.length + 1), e.name))
    .sort();
}

async function officeWithClient(): Promise<{ o: SendingOffice; client: ClientAccount; base: string }> {
  const o = await withStaff(await suite.office());
  const client = await makeClient(o, o.staff, 'klant@example.nl', 'Bakkerij Jansen');
  const { server, base } = await listen(o);
  servers.push(server);
  return { o, client, base };
}

/** The local date `coffer` puts before a name, for an upload received now on the test clock. */
function dateOf(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

describe('coffer pull', () => {
  it("saves a client's portal upload in the client's folder, byte for byte, and a second pull writes nothing", async () => {
    const { o, client, base } = await officeWithClient();
    const plaintext = randomPlaintext(300_000);
    await uploadToDrop(o.t.app, client.drop, await startPortalSession(client), [
      makeFile(plaintext, { name: 'jaaropgave 2025.pdf' }),
    ]);
    const { home } = await connectDevice(o, o.staff, base);
    const dir = await tempDir('coffer-cli-pull-');

    const first = await coffer(home, ['pull', '--to', dir, '--json']);
    expect(first.code, first.stderr).toBe(0);
    const expected = join('Bakkerij Jansen', `${dateOf(o.t.clock.now())} jaaropgave 2025.pdf`);
    expect(await filesUnder(dir)).toEqual([expected]);
    expect(sha256(await readFile(join(dir, expected)))).toBe(sha256(plaintext));
    expect(first.json<PullOutcome>().pulled.map((p) => p.path)).toEqual([expected]);

    const second = await coffer(home, ['pull', '--to', dir, '--json']);
    expect(second.code, second.stderr).toBe(0);
    expect(second.json<PullOutcome>()).toEqual({ pulled: [], refused: [] });
    expect(await filesUnder(dir)).toEqual([expected]);

    // A file the user has in that name already is never replaced: the next upload of the same name gets " (2)".
    const again = randomPlaintext(1000);
    await uploadToDrop(o.t.app, client.drop, await startPortalSession(client), [
      makeFile(again, { name: 'jaaropgave 2025.pdf' }),
    ]);
    const third = await coffer(home, ['pull', '--to', dir, '--lang', 'nl']);
    expect(third.code, third.stderr).toBe(0);
    const numbered = join('Bakkerij Jansen', `${dateOf(o.t.clock.now())} jaaropgave 2025 (2).pdf`);
    expect(third.stdout).toContain(`Opgeslagen: ${numbered}`);
    expect(sha256(await readFile(join(dir, numbered)))).toBe(sha256(again));
    expect(sha256(await readFile(join(dir, expected)))).toBe(sha256(plaintext));
  });

  it('refuses an upload the server injected, reports it once and exits 3, and still pulls the genuine one', async () => {
    const { o, client, base } = await officeWithClient();
    const genuine = randomPlaintext(5000);
    await uploadToDrop(o.t.app, client.drop, await startPortalSession(client), [
      makeFile(genuine, { name: 'loonstrook.pdf' }),
    ]);
    // The server's forgery: a well-formed upload to the drop, its manifest MAC'd with another D.
    const grant = await startPortalSession(client);
    const forged = makeFile(randomPlaintext(4000), { name: 'factuur-betaal-nu.pdf' });
    const { uploadId } = await uploadContainer(client.tab, forged.container, dropUploads(client.drop.dropId, grant));
    const submission = buildSubmission(
      {
        dropId: client.drop.keys.dropId,
        publicKey: client.drop.keys.keyPair.publicKey,
        secret: newDropKeys(newId()).secret,
      },
      [{ file: forged, uploadId }],
    );
    expect((await submit(o.t.app, client.drop.dropId, grant, submission.body, client.tab)).status).toBe(201);

    const { home } = await connectDevice(o, o.staff, base);
    const dir = await tempDir('coffer-cli-pull-');
    const ran = await coffer(home, ['pull', '--to', dir, '--json']);
    expect(ran.code, ran.stderr).toBe(3);
    const outcome = ran.json<PullOutcome>();
    expect(outcome.refused.map((r) => r.dropUploadId)).toEqual([submission.body.dropUploadId]);
    expect(ran.stderr).toContain('Refused an upload to Bakkerij Jansen');
    expect(await filesUnder(dir)).toEqual([join('Bakkerij Jansen', `${dateOf(o.t.clock.now())} loonstrook.pdf`)]);
    // Reported once: the next pull has nothing new.
    const next = await coffer(home, ['pull', '--to', dir, '--json']);
    expect(next.code, next.stderr).toBe(0);
  });

  it('refuses a drop whose signed record the server swapped, and still pulls the other drops', async () => {
    const { o, base } = await officeWithClient();
    const good = await makeDrop(o, o.staff, { label: 'Goed dossier', title: 'Stukken 2025' });
    const swapped = await makeDrop(o, o.staff, { label: 'Ander dossier', title: 'Bankafschriften' });
    const plaintext = randomPlaintext(3000);
    await uploadToDrop(o.t.app, good, await startOpenDrop(o.t.app, good.dropId), [
      makeFile(plaintext, { name: 'a.pdf' }),
    ]);
    await uploadToDrop(o.t.app, swapped, await startOpenDrop(o.t.app, swapped.dropId), [
      makeFile(randomPlaintext(3000), { name: 'b.pdf' }),
    ]);
    // The server's swap: a record for the same drop signed by a key the office never certified.
    const forged = signDropRecord(
      swapped.keys,
      'Ander dossier',
      { creatorId: o.staff.account.userId, clientId: null },
      newSigningKeyPair(),
    );
    o.t.db.prepare('UPDATE drops SET signed_record = ? WHERE id = ?').run(forged, swapped.keys.dropId);

    const { home } = await connectDevice(o, o.staff, base);
    const dir = await tempDir('coffer-cli-pull-');
    const ran = await coffer(home, ['pull', '--to', dir, '--json']);
    expect(ran.code, ran.stderr).toBe(3);
    expect(ran.stderr).toContain('Refused the drop "Bankafschriften"');
    const outcome = ran.json<PullOutcome>();
    expect(outcome.refused).toEqual([{ dropId: swapped.dropId, dropUploadId: null, folder: null, receivedAt: null }]);
    expect(await filesUnder(dir)).toEqual([join('Goed dossier', `${dateOf(o.t.clock.now())} a.pdf`)]);
  });

  it('makes names the uploader chose safe for the disk', async () => {
    const { o, client, base } = await officeWithClient();
    const hostile = ['../../.bashrc', 'CON.txt', 'a\u0000b\u202egnp.exe', '..'];
    await uploadToDrop(
      o.t.app,
      client.drop,
      await startPortalSession(client),
      hostile.map((name) => makeFile(randomPlaintext(100), { name })),
    );
    const { home } = await connectDevice(o, o.staff, base);
    const dir = await tempDir('coffer-cli-pull-');
    const ran = await coffer(home, ['pull', '--to', dir]);
    expect(ran.code, ran.stderr).toBe(0);
    const day = dateOf(o.t.clock.now());
    expect(await filesUnder(dir)).toEqual(
      [`${day} .._.._.bashrc`, `${day} _CON.txt`, `${day} a_b_gnp.exe`, `${day} download`]
        .map((name) => join('Bakkerij Jansen', name))
        .sort(),
    );
  });

  it('stops with exit 2 and writes nothing once the device was removed', async () => {
    const { o, client, base } = await officeWithClient();
    await uploadToDrop(o.t.app, client.drop, await startPortalSession(client), [makeFile(randomPlaintext(100))]);
    const { home, deviceId } = await connectDevice(o, o.staff, base);
    expect((await o.staff.tab.delete(`/api/v1/devices/${deviceId}`)).status).toBe(204);
    const dir = await tempDir('coffer-cli-pull-');
    const ran = await coffer(home, ['pull', '--to', dir, '--json', '--lang', 'nl']);
    expect(ran.code).toBe(2);
    expect(ran.json()).toMatchObject({ error: { code: 'device_revoked' } });
    expect(ran.stderr).toContain('Dit apparaat is uit Coffer verwijderd');
    expect(await readdir(dir)).toEqual([]);
  });

  it('refuses a server that names another office key than the device pinned, before anything is opened', async () => {
    const { o, client, base } = await officeWithClient();
    await uploadToDrop(o.t.app, client.drop, await startPortalSession(client), [makeFile(randomPlaintext(100))]);
    const { home } = await connectDevice(o, o.staff, base);
    o.t.db.prepare('UPDATE office SET signing_public_key = ?').run(newOfficeKeys(newId()).signing.publicKey);
    const dir = await tempDir('coffer-cli-pull-');
    const ran = await coffer(home, ['pull', '--to', dir, '--json']);
    expect(ran.code).toBe(3);
    expect(ran.json()).toMatchObject({ error: { code: 'office_key_changed' } });
    expect(ran.stderr).toContain('The office key the server names is not the one this device pinned');
    expect(await readdir(dir)).toEqual([]);
  });

  it('keeps no private key in the clear in the state folder, and a wrong passphrase opens nothing', async () => {
    const { o, base } = await officeWithClient();
    const { home } = await connectDevice(o, o.staff, base);
    const stored = await readFile(join(home, 'device.json'), 'utf8');
    const keys = o.staff.account.keys;
    for (const secret of [keys.identity.seed, keys.identity.secretKey, keys.encryption.secretKey, keys.personalKey]) {
      expect(stored).not.toContain(toBase64Url(secret));
      expect(stored).not.toContain(Buffer.from(secret).toString('hex'));
      expect(stored).not.toContain(Buffer.from(secret).toString('base64'));
    }
    const ran = await coffer(home, ['sent', '--json'], { COFFER_PASSPHRASE: 'not the passphrase' });
    expect(ran.code).toBe(2);
    expect(ran.json()).toMatchObject({ error: { code: 'wrong_passphrase' } });
  });
});

describe('the partial files a pull clears up', () => {
  // The state file lists `<folder>/<partial>` entries; a hand-edited one must not reach out of DIR.
  const dir = join('/tmp', 'dossiers');
  const name = '.coffer-partial-0123456789abcdef';

  it('are only partial names directly inside one folder of DIR', () => {
    expect(leftoverPath(dir, `Bakkerij Jansen/${name}`)).toBe(join(dir, 'Bakkerij Jansen', name));
    for (const entry of [
      name,
      `../${name}`,
      `./${name}`,
      `a/b/${name}`,
      `/${name}`,
      `..\\..\\Windows/${name}`,
      `C:/${name}`,
      `C:evil/${name}`,
      `Bakkerij Jansen/notities.txt`,
      `Bakkerij Jansen/.coffer-partial-0123`,
    ])
      expect(leftoverPath(dir, entry), entry).toBeNull();
  });
});
