// The command-line client against a real server in this process: the test app (real SQLite
// file, real SMTP on loopback) listening on 127.0.0.1, and a member's machine enrolled and
// approved, its state written the way `coffer` keeps it (device.json, the device token and the
// account keys sealed under a passphrase). `coffer` runs in this process with its own streams,
// so a test reads what it printed and its exit code. (test/cli/login.test.ts runs `coffer login`
// itself.)
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PassThrough } from 'node:stream';
import { idToWire, toBase64Url } from '../../shared/crypto/index.js';
import { saveDevice, sealKeysAtRest } from '../../cli/device.js';
import { runCoffer } from '../../cli/main.js';
import { TEST_ORIGIN } from '../helpers/app.js';
import { enrolDevice } from '../helpers/devices.js';
import type { Member, Office } from '../helpers/office.js';
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
