// The leak search (test/e2e/support/traces.ts) over what the command-line client leaves: after a
// `coffer send` (a guest with an access code, whose link Coffer mails, and one without) and a
// `coffer pull` of a client's portal upload, neither the CLI's state folder nor the server's
// data folder (database, WAL, blobs) nor its log holds the user's private keys or the
// passphrase; the server's side and the mails hold no file content and no file name; and no
// access code reaches the server, its log or any mail. (The link Coffer mails carries S by
// design: docs/threat-model.md, "Who delivers a link"; S is searched for everywhere else.)
// After a `coffer batch` the same holds for the list's file names and messages (they travel only
// in the sealed plan and the shares' sealed metadata), and the link secrets of the links it
// wrote to the links file reach neither the server, nor its log, nor any mail.
import { readFile, writeFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { fromBase64Url } from '../../shared/crypto/index.js';
import type { PullOutcome } from '../../cli/pull.js';
import type { BatchOutcome } from '../../cli/batch.js';
import type { SendOutcome } from '../../cli/send.js';
import { makeFile, randomPlaintext } from '../helpers/browser-shares.js';
import { makeClient, startPortalSession } from '../helpers/clients.js';
import { uploadToDrop } from '../helpers/drops.js';
import { setUpOffice } from '../helpers/office.js';
import { withStaff } from '../helpers/sharing.js';
import { httpSuite } from '../helpers/suite.js';
import { tempDir } from '../helpers/tmp.js';
import { fileHaystacks, findNeedles, forms, mailHaystacks, type Haystack } from '../e2e/support/traces.js';
import { close, coffer, connectDevice, contactWithStandingCode, listen, PASSPHRASE } from './support.js';

const suite = httpSuite();
const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await close(server);
});

/** An office on 127.0.0.1 with a staff member's machine connected. */
async function connectedOffice() {
  const t = await suite.app();
  t.clock.set(Date.now());
  const o = await withStaff(await setUpOffice(t, suite.mail));
  const { server, base } = await listen(o);
  servers.push(server);
  return { o, home: (await connectDevice(o, o.staff, base)).home };
}

describe('coffer leaves no secret behind', () => {
  it('keeps keys, passphrase, contents, names and access codes out of its state, the server and the mails', async () => {
    const { o, home } = await connectedOffice();

    const sentPlaintext = randomPlaintext(200_000);
    const sentName = 'salarisstrook-geheim-8821.pdf';
    const sentPath = join(await tempDir('coffer-cli-leak-'), sentName);
    await writeFile(sentPath, sentPlaintext);
    const sent = await coffer(home, [
      'send',
      sentPath,
      '--to',
      'piet@example.nl',
      '--to',
      'marie@example.nl',
      '--code',
      '--message',
      'persoonlijk bericht 5521',
      '--json',
    ]);
    expect(sent.code, sent.stderr).toBe(0);
    const guests = sent.json<SendOutcome>().guests;
    expect(guests).toHaveLength(2);

    const client = await makeClient(o, o.staff, 'klant@example.nl', 'Bakkerij Jansen');
    const uploadedPlaintext = randomPlaintext(150_000);
    const uploadedName = 'paspoort-kopie-4417.jpg';
    await uploadToDrop(o.t.app, client.drop, await startPortalSession(client), [
      makeFile(uploadedPlaintext, { name: uploadedName }),
    ]);
    const dir = await tempDir('coffer-cli-leak-pull-');
    const pulled = await coffer(home, ['pull', '--to', dir, '--json']);
    expect(pulled.code, pulled.stderr).toBe(0);
    expect(pulled.json<PullOutcome>().pulled).toHaveLength(1);
    await o.t.mailSettled();

    const keys = o.staff.account.keys;
    const keyNeedles = [
      ...forms('identity seed', keys.identity.seed),
      ...forms('identity secret key', keys.identity.secretKey),
      ...forms('encryption secret key', keys.encryption.secretKey),
      ...forms('personal key', keys.personalKey),
      ...forms('passphrase', PASSPHRASE),
    ];
    const contentNeedles = [
      ...forms('sent content', sentPlaintext.subarray(0, 64)),
      ...forms('uploaded content', uploadedPlaintext.subarray(0, 64)),
      ...forms('sent name', sentName),
      ...forms('uploaded name', uploadedName),
      ...forms('message', 'persoonlijk bericht 5521'),
    ];
    const codeNeedles = guests.flatMap((g) => [
      ...forms(`access code of ${g.email}`, g.accessCode ?? ''),
      ...forms(`access code of ${g.email} without dashes`, (g.accessCode ?? '').replaceAll('-', '')),
    ]);
    const linkSecretNeedles = guests.flatMap((g) =>
      forms(`S of ${g.email}`, fromBase64Url(g.link.split('#')[1]?.split('.').at(-1) ?? '')),
    );

    const stateFolder = await fileHaystacks(home);
    const pullState: Haystack[] = [
      { where: '.coffer-state.json', bytes: await readFile(join(dir, '.coffer-state.json')) },
    ];
    const serverSide: Haystack[] = [
      ...(await fileHaystacks(o.t.config.dataDir)),
      { where: 'server log', bytes: Buffer.from(o.t.logs.text()) },
    ];
    const mails = mailHaystacks(o.mail);

    expect(findNeedles([...stateFolder, ...pullState, ...serverSide, ...mails], keyNeedles)).toEqual([]);
    expect(findNeedles([...stateFolder, ...serverSide, ...mails], contentNeedles)).toEqual([]);
    expect(findNeedles([...stateFolder, ...pullState, ...serverSide, ...mails], codeNeedles)).toEqual([]);
    expect(findNeedles([...stateFolder, ...pullState, ...serverSide], linkSecretNeedles)).toEqual([]);
    // The search would find them: the pulled file holds its content, under its name.
    expect(
      findNeedles(
        [{ where: 'pulled', bytes: Buffer.from(uploadedPlaintext) }, ...pullState],
        [...forms('uploaded content', uploadedPlaintext.subarray(0, 64)), ...forms('uploaded name', uploadedName)],
      ),
    ).toEqual(['uploaded content (raw) in pulled', 'uploaded name (raw) in .coffer-state.json']);
  });

  it('keeps a batch list’s file names, messages and link secrets out of the server, its log and the mails', async () => {
    const { o, home } = await connectedOffice();
    await contactWithStandingCode(o, 'lisa@devries-advies.example', 'Lisa de Vries', 'nl');

    const dir = await tempDir('coffer-cli-leak-batch-');
    const names = ['loonstrook-geheim-7713.pdf', 'jaaropgave-geheim-3390.pdf'];
    const contents = [randomPlaintext(60_000), randomPlaintext(80_000)];
    for (const [index, name] of names.entries()) await writeFile(join(dir, name), contents[index] ?? new Uint8Array());
    const csv = join(dir, 'lijst.csv');
    await writeFile(
      csv,
      `Bestand;E-mailadres;Naam;Bericht\r\n${names[0]};lisa@devries-advies.example;Lisa;batchbericht 6604\r\n${names[1]};piet@example.nl;Piet;batchbericht 6605\r\n`,
    );
    const links = join(await tempDir('coffer-cli-leak-links-'), 'links.csv');
    const ran = await coffer(home, ['batch', '--csv', csv, '--links', links, '--yes', '--json']);
    expect(ran.code, ran.stderr).toBe(0);
    expect(ran.json<BatchOutcome>().items.map((i) => i.state)).toEqual(['delivered', 'delivered']);
    await o.t.mailSettled();

    const written = /#([A-Za-z0-9_.-]+)"/.exec(await readFile(links, 'utf8'))?.[1] ?? '';
    const linkSecretNeedles = forms('S of the exported link', fromBase64Url(written.split('.').at(-1) ?? ''));
    const contentNeedles = [
      ...names.flatMap((name) => forms(`name ${name}`, name)),
      ...contents.flatMap((bytes, index) => forms(`content ${index}`, bytes.subarray(0, 64))),
      ...forms('message', 'batchbericht 6604'),
      ...forms('message', 'batchbericht 6605'),
    ];
    const serverSide: Haystack[] = [
      ...(await fileHaystacks(o.t.config.dataDir)),
      { where: 'server log', bytes: Buffer.from(o.t.logs.text()) },
    ];
    const mails = mailHaystacks(o.mail);
    expect(findNeedles([...(await fileHaystacks(home)), ...serverSide, ...mails], contentNeedles)).toEqual([]);
    expect(findNeedles([...(await fileHaystacks(home)), ...serverSide, ...mails], linkSecretNeedles)).toEqual([]);
    // The search would find them: the links file holds the link, the batch folder the names.
    // (A secret whose base64url has no '-' or '_' reads the same in plain base64, so that
    // needle may be found too.)
    expect(findNeedles([{ where: 'links file', bytes: await readFile(links) }], linkSecretNeedles)).toContain(
      'S of the exported link (base64url, from byte 0) in links file',
    );
  });
});
