// The command-line client against a real server in this process: the test app (real SQLite
// file, real SMTP on loopback) listening on 127.0.0.1, and a member's machine enrolled and
// approved, its state written the way `coffer` keeps it (device.json, the device token and the
// account keys sealed under a passphrase). `coffer` runs in this process with its own streams,
// so a test reads what it printed and its exit code. (test/cli/login.test.ts runs `coffer login`
// itself.)
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { expect } from 'vitest';
import { deviceCode, idToWire, toBase64Url } from '../../shared/crypto/index.js';
import { PendingEnrolments } from '../../shared/wire/devices.js';
import { saveDevice, sealKeysAtRest } from '../../cli/device.js';
import { runCoffer } from '../../cli/main.js';
import { TEST_ORIGIN } from '../helpers/app.js';
import { approvalBody, enrolDevice } from '../helpers/devices.js';
import type { Member, Office } from '../helpers/office.js';
import type { SendingOffice } from '../helpers/sharing.js';
import { ROOT, spawnProcess, type Spawned } from '../helpers/process.js';
import { tempDir } from '../helpers/tmp.js';

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
): Promise<{ home: string; deviceId: string }> {
  const home = await tempDir('coffer-cli-home-');
  const { claimed } = await enrolDevice(o.t.app, member, o.office.keys.officeId, o.t.clock.now());
  await saveDevice(home, {
    version: 1,
    server: base,
    origin,
    userId: claimed.userId,
    credential: { kind: 'bearer', value: claimed.token },
    office: {
      officeId: idToWire(o.office.keys.officeId),
      signingPublicKey: toBase64Url(o.office.keys.signing.publicKey),
    },
    keys: sealKeysAtRest(PASSPHRASE, claimed.userId, member.account.keys),
    seen: {},
  });
  return { home, deviceId: claimed.deviceId };
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
): Promise<Ran> {
  const stdout = collect(onStdout);
  const stderr = collect();
  const code = await runCoffer(args, {
    stdout: stdout.stream,
    stderr: stderr.stream,
    stdin: new PassThrough(),
    env: { COFFER_HOME: home, COFFER_PASSPHRASE: PASSPHRASE, LANG: 'C', ...env },
  });
  return {
    code,
    stdout: stdout.text(),
    stderr: stderr.text(),
    json: <T>() => JSON.parse(stdout.text()) as T,
  };
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

/** `coffer` as its own process (`node cli/coffer.mjs`, as installed), with the test's state folder and passphrase. */
export function spawnCli(home: string, args: readonly string[], env: Readonly<Record<string, string>> = {}): Spawned {
  return spawnProcess(process.execPath, [join(ROOT, 'cli/coffer.mjs'), ...args], {
    cwd: ROOT,
    env: {
      PATH: process.env['PATH'] ?? '/usr/bin:/bin',
      COFFER_HOME: home,
      COFFER_PASSPHRASE: PASSPHRASE,
      LANG: 'C',
      ...env,
    },
  });
}
