// The command-line client against a real server in this process: the test app (real SQLite
// file, real SMTP on loopback) listening on 127.0.0.1, and a member's machine enrolled and
// approved, its state written the way `coffer` keeps it (device.json, the device token and the
// account keys sealed under a passphrase). `coffer` runs in this process with its own streams,
// so a test reads what it printed and its exit code. (test/cli/login.test.ts runs `coffer login`
// itself.)
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { expect } from 'vitest';
import {
  deviceCode,
  fromBase64Url,
  idFromWire,
  idToWire,
  newAccessCode,
  newAccountKeys,
  officeFingerprint,
  sealContactCode,
  signEncryptionKey,
  toBase64Url,
} from '../../shared/crypto/index.js';
import { Contact } from '../../shared/wire/contacts.js';
import { PendingEnrolments } from '../../shared/wire/devices.js';
import { CodeVerifyResponse } from '../../shared/wire/shares.js';
import { createOperations, type CallContext } from '../../client/src/crypto/operations/index.js';
import { systemClock } from '../../client/src/crypto/transport.js';
import { saveDevice, sealAtRest } from '../../cli/device.js';
import { runCoffer } from '../../cli/main.js';
import { TEST_ORIGIN } from '../helpers/app.js';
import { certify } from '../helpers/browser.js';
import { tab } from '../helpers/client.js';
import { approvalBody, enrolDevice } from '../helpers/devices.js';
import { nodeTransport } from '../helpers/node-transport.js';
import { codeFromMail } from '../helpers/sharing.js';
import type { Member, Office } from '../helpers/office.js';
import type { SendingOffice } from '../helpers/sharing.js';
import { ROOT, spawnProcess, type Spawned } from '../helpers/process.js';
import { tempDir } from '../helpers/tmp.js';
import type { DeviceScope } from '../../shared/wire/devices.js';

export const PASSPHRASE = 'een wachtzin voor de kantoorcomputer';

/** The office's app on 127.0.0.1 (`port` 0: any free one). */
export async function listen(o: Pick<Office, 't'>, port = 0): Promise<{ server: Server; base: string }> {
  const server = createServer(o.t.app);
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

export function close(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

/**
 * `member`'s machine connected as `coffer login` connects it (device enrolment approved by the
 * member's browser, test/helpers/devices.ts), its state folder written the way `coffer` keeps it.
 */
export async function connectDevice(
  o: Office,
  member: Member,
  base: string,
  /** The public origin links are made with (PUBLIC_URL). */
  origin = TEST_ORIGIN,
  scopes: DeviceScope[] = ['send', 'pull'],
): Promise<{ home: string; deviceId: string; token: string }> {
  const home = await tempDir('coffer-cli-home-');
  const { claimed } = await enrolDevice(o.t.app, member, o.office.keys.officeId, o.t.clock.now(), { scopes });
  await saveDevice(home, {
    version: 2,
    server: base,
    origin,
    userId: claimed.userId,
    office: {
      officeId: idToWire(o.office.keys.officeId),
      signingPublicKey: toBase64Url(o.office.keys.signing.publicKey),
    },
    ...sealAtRest(PASSPHRASE, claimed.userId, member.account.keys, claimed.token),
    seen: {},
  });
  return { home, deviceId: claimed.deviceId, token: claimed.token };
}

export interface Ran {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  /** stdout parsed, for --json runs. */
  json<T = Record<string, unknown>>(): T;
}

function collect(onText?: (text: string) => void): { stream: PassThrough; text(): string } {
  const stream = new PassThrough();
  const chunks: Buffer[] = [];
  stream.on('data', (chunk: Buffer) => {
    chunks.push(chunk);
    onText?.(chunk.toString('utf8'));
  });
  return { stream, text: () => Buffer.concat(chunks).toString('utf8') };
}

export async function coffer(
  home: string,
  args: readonly string[],
  env: Readonly<Record<string, string>> = {},
  /** Hears stdout as it is written (a running `coffer login` shows its code there). */
  onStdout?: (text: string) => void,
  /** What the person types (a terminal, stdin and stderr, when it says isTTY); none otherwise. */
  stdin: PassThrough & { isTTY?: boolean } = new PassThrough(),
): Promise<Ran> {
  const stdout = collect(onStdout);
  const stderr = collect();
  // A terminal to type at is also a terminal that shows progress.
  if (stdin.isTTY === true) Object.assign(stderr.stream, { isTTY: true });
  const code = await runCoffer(args, {
    stdout: stdout.stream,
    stderr: stderr.stream,
    stdin,
    env: { COFFER_HOME: home, COFFER_PASSPHRASE: PASSPHRASE, LANG: 'C', ...env },
  });
  return {
    code,
    stdout: stdout.text(),
    stderr: stderr.text(),
    json: <T>() => JSON.parse(stdout.text()) as T,
  };
}

export const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

/** A contact of the office with a standing access code, sealed to the office key as the contacts page does. */
export async function contactWithStandingCode(
  o: Office & { readonly staff: Member },
  email: string,
  name: string,
  lang: 'en' | 'nl',
): Promise<string> {
  const created = await o.staff.tab.post('/api/v1/contacts', { name, email, lang, organisation: null });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const { contactId } = Contact.parse(created.body);
  const standing = newAccessCode();
  const sealed = sealContactCode(
    standing,
    {
      contactId: idFromWire(contactId),
      officeFingerprint: officeFingerprint(o.office.keys.signing.publicKey),
      sealerId: o.staff.account.userId,
    },
    o.office.keys.encryption,
  );
  expect((await o.staff.tab.put(`/api/v1/contacts/${contactId}/code`, { sealed: toBase64Url(sealed) })).status).toBe(
    200,
  );
  return standing;
}

/**
 * The guest's side of a link, with the browser's own operations: the e-mail code from their
 * mailbox, the access code given by phone (if the link needs one), then the download.
 */
export async function guestOpens(
  o: Office,
  base: string,
  guest: string,
  link: string,
  accessCode?: string,
): Promise<{ names: string[]; bytes: Uint8Array }> {
  const [, linkId = '', fragment = ''] = /\/s\/([A-Za-z0-9_-]{22})#([A-Za-z0-9_.-]+)$/.exec(link) ?? [];
  const browser = tab(o.t.app);
  const before = o.mail.to(guest).length;
  expect((await browser.post(`/api/v1/links/${linkId}/code`, {})).status).toBe(200);
  const code = await codeFromMail(o.mail, guest, before + 1);
  const verified = CodeVerifyResponse.parse((await browser.post(`/api/v1/links/${linkId}/verify`, { code })).body);

  const context: CallContext = { signal: new AbortController().signal, transfer: () => undefined };
  const guestWorker = createOperations({
    transport: nodeTransport({ base, origin: TEST_ORIGIN, cookie: '' }),
    clock: systemClock,
  });
  const opened = await guestWorker.openGuest(
    {
      linkId,
      fragment,
      ...(accessCode !== undefined ? { accessCode } : {}),
      serverHalf: verified.serverHalf,
      share: verified.share,
    },
    () => undefined,
    context,
  );
  const file = opened.files[0];
  if (file === undefined) throw new Error('no file');
  const downloaded = await guestWorker.downloadFile(
    {
      shareId: opened.shareId,
      fileId: file.fileId,
      url: `/api/v1/links/${linkId}/files/${file.fileId}`,
      grant: verified.grant,
      containerSize: file.containerSize,
      sink: { kind: 'blob' },
    },
    () => undefined,
    context,
  );
  return {
    names: opened.files.map((f) => f.name),
    bytes: new Uint8Array(await (downloaded.blob as Blob).arrayBuffer()),
  };
}

/** The admin's keys are replaced by others the office certified (a reset): a machine that pinned the old ones refuses them. */
export function adminGetsNewKeys(o: Office): void {
  const admin = o.admin.account;
  const keys = newAccountKeys();
  o.t.db
    .prepare(
      'UPDATE users SET identity_public_key = ?, encryption_public_key = ?, encryption_key_signature = ?, certificate = ? WHERE id = ?',
    )
    .run(
      keys.identity.publicKey,
      keys.encryption.publicKey,
      signEncryptionKey(admin.userId, keys),
      fromBase64Url(certify(o.office, { userId: admin.userId, email: admin.email, keys }, 'admin', 2)),
      admin.userId,
    );
}

/** The member's browser on the Security page: the enrolment whose keys give the code the machine shows, approved. */
async function approveShownCode(
  o: SendingOffice,
  shown: () => string,
  edit: (enrolmentId: string) => void = () => undefined,
): Promise<string> {
  for (;;) {
    const code = /type this code: ([A-Z0-9]{5}-[A-Z0-9]{5})/.exec(shown())?.[1];
    const listed = PendingEnrolments.parse((await o.staff.tab.get('/api/v1/devices/enrolments')).body).enrolments;
    const keys = (e: (typeof listed)[number]) => ({
      encryptionPublicKey: Buffer.from(e.encryptionPublicKey, 'base64url'),
      signingPublicKey: Buffer.from(e.signingPublicKey, 'base64url'),
    });
    const mine = code === undefined ? undefined : listed.find((e) => deviceCode(keys(e)) === code);
    if (mine !== undefined) {
      const device = {
        keys: {
          encryption: { publicKey: keys(mine).encryptionPublicKey, secretKey: new Uint8Array(32) },
          signing: { publicKey: keys(mine).signingPublicKey, secretKey: new Uint8Array(64), seed: new Uint8Array(32) },
        },
        enrolmentId: mine.enrolmentId,
        name: mine.name,
        expiresAt: mine.expiresAt,
      };
      const res = await o.staff.tab.post(
        `/api/v1/devices/enrolments/${mine.enrolmentId}/approve`,
        approvalBody(o.staff.account, o.office.keys.officeId, device, ['send', 'pull'], o.t.clock.now()),
      );
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      edit(mine.enrolmentId);
      return mine.enrolmentId;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Runs `coffer login` and approves it from the member's browser while it waits. */
export async function loginApproved(
  o: SendingOffice,
  home: string,
  address: string,
  edit?: (enrolmentId: string) => void,
  /** More arguments for `coffer login`, and more environment. */
  more: { readonly args?: readonly string[]; readonly env?: Readonly<Record<string, string>> } = {},
): Promise<{ ran: Ran; deviceId: string }> {
  let stdout = '';
  const running = coffer(
    home,
    ['login', address, '--name', 'Scanner PC', ...(more.args ?? [])],
    more.env ?? {},
    (text) => (stdout += text),
  );
  const deviceId = await approveShownCode(o, () => stdout, edit);
  return { ran: await running, deviceId };
}

/** The environment a `coffer` process gets in the tests: the test's state folder and passphrase, English messages. */
export function cliEnv(home: string, env: Readonly<Record<string, string>> = {}): Record<string, string> {
  return {
    PATH: process.env['PATH'] ?? '/usr/bin:/bin',
    COFFER_HOME: home,
    COFFER_PASSPHRASE: PASSPHRASE,
    LANG: 'C',
    ...env,
  };
}

/** `coffer` as its own process (`node cli/coffer.mjs`, as installed), with the test's state folder and passphrase. */
export function spawnCli(home: string, args: readonly string[], env: Readonly<Record<string, string>> = {}): Spawned {
  return spawnProcess(process.execPath, [join(ROOT, 'cli/coffer.mjs'), ...args], { cwd: ROOT, env: cliEnv(home, env) });
}

/**
 * A proxy in front of the server at `base`: the first request `which` names reaches the server,
 * and its connection drops before the answer gets back (a proxy restarting, a server killed just
 * after it committed); later ones pass. `seen` logs "<name> dropped <status>" and "<name> passed".
 */
export async function dropFirstAnswer(
  o: Pick<Office, 't'>,
  base: string,
  /** The proxy is added here, for the test to close. */
  servers: Server[],
  which: (method: string, url: string) => string | null,
  /** Requests the proxy itself answers with a 400, while this says so. */
  refuse: (method: string, url: string) => boolean = () => false,
): Promise<{ proxy: string; seen: string[] }> {
  const seen: string[] = [];
  const proxy = createServer((req, res) => {
    const url = req.url ?? '';
    if (refuse(req.method ?? '', url)) {
      res.writeHead(400, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ error: { code: 'bad_request', message: 'refused by the test' } }));
      return;
    }
    const name = which(req.method ?? '', url);
    if (name !== null && !seen.some((line) => line.startsWith(`${name} `))) {
      seen.push(`${name} sent`);
      const body: Buffer[] = [];
      req.on('data', (chunk: Buffer) => body.push(chunk));
      req.on('end', () => {
        const headers = Object.fromEntries(
          Object.entries(req.headers).flatMap(([header, value]) =>
            ['host', 'connection', 'content-length'].includes(header) || typeof value !== 'string'
              ? []
              : [[header, value]],
          ),
        );
        void fetch(`${base}${url}`, { method: req.method, headers, body: Buffer.concat(body) }).then((real) => {
          seen.splice(seen.indexOf(`${name} sent`), 1, `${name} dropped ${real.status}`);
          req.socket.destroy();
        });
      });
      return;
    }
    if (name !== null) seen.push(`${name} passed`);
    o.t.app(req, res);
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  servers.push(proxy);
  return { proxy: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`, seen };
}
