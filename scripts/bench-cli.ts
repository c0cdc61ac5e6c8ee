// npm run bench, the command-line client's part: a random file of BENCH_CLI_MIB MiB (default
// 1024) on disk is sent by `coffer send` to a guest, and an upload of the same size to an open
// drop of the member is pulled by `coffer pull`. Each `coffer` runs as its own process, as an
// office machine runs it (node cli/coffer.mjs, through tsx); the figures are MiB/s of plaintext
// from start to exit (Argon2id of the passphrase, about a second, included) and that process's
// peak resident memory (VmHWM, read from /proc while it runs). The server runs in this process
// on 127.0.0.1 with a real SQLite file and SMTP on loopback. The pulled file's SHA-256 must be
// the original's. Then `coffer batch` sends BENCH_CLI_BATCH_FILES (default 200) files of 150 KiB,
// each to its own guest, from a list, with the links written to a file: the figure is the
// whole run (preview, plan, every share, the links file, the report). A measurement, not a test:
// it fails only when something did not work.
import { spawn } from 'node:child_process';
import { openAsBlob } from 'node:fs';
import { mkdir, readFile, readdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadavg, cpus } from 'node:os';
import {
  fetchTransport,
  partPath,
  sendRequest,
  systemClock,
  type Fetcher,
  type UploadTarget,
} from '../client/src/crypto/transport.js';
import { createOperations, type CallContext } from '../client/src/crypto/operations/index.js';
import { DropPublicInfo } from '../shared/wire/drops.js';
import { ready } from '../shared/crypto/index.js';
import { close, connectDevice, listen, PASSPHRASE } from '../test/cli/support.js';
import { createTestApp, TEST_ORIGIN } from '../test/helpers/app.js';
import { makeDrop, startOpenDrop } from '../test/helpers/drops.js';
import { startMailServer } from '../test/helpers/mail-server.js';
import { setUpOffice } from '../test/helpers/office.js';
import { withStaff } from '../test/helpers/sharing.js';
import { removeTempDirs, tempDir } from '../test/helpers/tmp.js';
import { MIB, sha256File, writeRandomFile } from './bench/files.js';

const SIZE_MIB = Number(process.env['BENCH_CLI_MIB'] ?? 1024);
const BATCH_FILES = Number(process.env['BENCH_CLI_BATCH_FILES'] ?? 200);
const BATCH_FILE_BYTES = 150 * 1024;
const COFFER = new URL('../cli/coffer.mjs', import.meta.url).pathname;

interface Run {
  readonly seconds: number;
  readonly peakRssMib: number;
  readonly code: number | null;
  readonly stderr: string;
}

/** Runs `coffer` as its own process; polls its peak resident memory until it exits. */
function runCoffer(home: string, args: readonly string[]): Promise<Run> {
  const started = performance.now();
  const child = spawn(process.execPath, [COFFER, ...args], {
    env: { ...process.env, COFFER_HOME: home, COFFER_PASSPHRASE: PASSPHRASE, LANG: 'C' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let peakKib = 0;
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const poll = setInterval(() => {
    void readFile(`/proc/${child.pid}/status`, 'utf8').then(
      (status) => (peakKib = Math.max(peakKib, Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0))),
      () => undefined,
    );
  }, 100);
  return new Promise((resolve) =>
    child.on('exit', (code) => {
      clearInterval(poll);
      resolve({ seconds: (performance.now() - started) / 1000, peakRssMib: peakKib / 1024, code, stderr });
    }),
  );
}

/** An open drop's uploader (the drop page's worker operations), uploading a file from disk. */
async function uploadToOpenDrop(
  base: string,
  dropId: string,
  link: string,
  grant: string,
  path: string,
): Promise<void> {
  const fetcher: Fetcher = (url, request) =>
    fetch(new URL(url, base), {
      method: request.method,
      headers: { ...request.headers, ...(request.method === 'GET' ? {} : { Origin: TEST_ORIGIN }) },
      body: request.body,
      ...(request.signal ? { signal: request.signal } : {}),
    });
  const transportFor = (target: UploadTarget) =>
    fetchTransport(
      fetcher,
      async (uploadId, index, bytes, onSent, signal) => {
        await sendRequest(fetcher, partPath(uploadId, index, target), {
          method: 'PUT',
          headers: { ...target.headers, 'Content-Type': 'application/octet-stream' },
          body: bytes as Uint8Array<ArrayBuffer>,
          signal,
        });
        onSent(bytes.length);
      },
      target,
    );
  const uploader = createOperations({
    transport: transportFor({ base: '/api/v1/uploads', headers: {} }),
    transportFor,
    clock: systemClock,
  });
  const context: CallContext = { signal: new AbortController().signal, transfer: () => undefined };
  const info = DropPublicInfo.parse(await (await fetch(new URL(`/api/v1/d/${dropId}`, base))).json());
  await uploader.openDropLink(
    { dropId, fragment: link.split('#')[1] ?? '', publicKey: info.publicKey },
    () => undefined,
    context,
  );
  const file = await uploader.uploadDropFile({ dropId, grant, file: await openAsBlob(path) }, () => undefined, context);
  const sealed = await uploader.sealDropUpload(
    { dropId, files: [{ fileId: file.fileId, name: 'bench.bin', type: '', lastModified: 0 }], receiptMail: false },
    () => undefined,
    context,
  );
  await sendRequest(fetcher, `/api/v1/d/${dropId}/submit`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${grant}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(sealed.request),
    signal: AbortSignal.timeout(60_000),
  });
}

/** `coffer batch`: BATCH_FILES files of 150 KiB, each to its own guest, links into a file. */
async function benchBatch(home: string, work: string): Promise<void> {
  const dir = join(work, 'batch');
  await mkdir(dir);
  const rows: string[] = [];
  for (let n = 1; n <= BATCH_FILES; n++) {
    const name = `loonstrook-${String(n).padStart(3, '0')}.pdf`;
    await writeRandomFile(join(dir, name), BATCH_FILE_BYTES);
    rows.push(`${name};gast-${n}@example.nl`);
  }
  const csv = join(dir, 'lijst.csv');
  await writeFile(csv, `bestand;e-mailadres\r\n${rows.join('\r\n')}\r\n`);
  const links = join(work, 'links.csv');
  const ran = await runCoffer(home, ['batch', '--csv', csv, '--links', links, '--yes', '--json']);
  if (ran.code !== 0) throw new Error(`coffer batch failed (${ran.code}): ${ran.stderr}`);
  const written = (await readFile(links, 'utf8')).split('\r\n').filter((line) => line.includes('/s/')).length;
  if (written !== BATCH_FILES) throw new Error(`the links file holds ${written} links, not ${BATCH_FILES}`);
  console.log(
    `batch ${BATCH_FILES} files × 150 KiB to ${BATCH_FILES} guests: ${ran.seconds.toFixed(1)} s (${((BATCH_FILES * BATCH_FILE_BYTES) / MIB / ran.seconds).toFixed(2)} MiB/s), coffer peak RSS ${ran.peakRssMib.toFixed(1)} MiB, load ${(loadavg()[0] ?? 0).toFixed(2)}`,
  );
}

async function main(): Promise<void> {
  await ready();
  const load = loadavg()[0] ?? 0;
  console.log(
    `coffer CLI bench: ${SIZE_MIB} MiB, ${cpus().length} cores, load ${load.toFixed(2)}${load / cpus().length > 0.5 ? ' (BUSY: figures not comparable)' : ''}`,
  );
  const mail = await startMailServer();
  const t = await createTestApp({ env: { ...mail.env } });
  t.clock.set(Date.now());
  const o = await withStaff(await setUpOffice(t, mail));
  const { server, base } = await listen(o);
  try {
    const { home } = await connectDevice(o, o.staff, base);
    const work = await tempDir('coffer-bench-cli-');
    const original = join(work, 'bench.bin');
    const hash = await writeRandomFile(original, SIZE_MIB * MIB);

    const sent = await runCoffer(home, ['send', original, '--to', 'gast@example.nl', '--json']);
    if (sent.code !== 0) throw new Error(`coffer send failed (${sent.code}): ${sent.stderr}`);
    console.log(
      `send ${SIZE_MIB} MiB: ${(SIZE_MIB / sent.seconds).toFixed(1)} MiB/s (${sent.seconds.toFixed(1)} s), coffer peak RSS ${sent.peakRssMib.toFixed(1)} MiB`,
    );

    const drop = await makeDrop(o, o.staff, { label: 'Bench', maxTotalBytes: (SIZE_MIB + 16) * MIB, maxFiles: 1 });
    await uploadToOpenDrop(base, drop.dropId, drop.link, await startOpenDrop(o.t.app, drop.dropId), original);
    const dir = join(work, 'pulled');
    const pulled = await runCoffer(home, ['pull', '--to', dir, '--json']);
    if (pulled.code !== 0) throw new Error(`coffer pull failed (${pulled.code}): ${pulled.stderr}`);
    const [saved] = (await readdir(join(dir, 'Bench'))).map((name) => join(dir, 'Bench', name));
    if (saved === undefined || (await stat(saved)).size !== SIZE_MIB * MIB || (await sha256File(saved)) !== hash)
      throw new Error('the pulled file is not the original');
    console.log(
      `pull ${SIZE_MIB} MiB: ${(SIZE_MIB / pulled.seconds).toFixed(1)} MiB/s (${pulled.seconds.toFixed(1)} s), coffer peak RSS ${pulled.peakRssMib.toFixed(1)} MiB`,
    );
    await benchBatch(home, work);
  } finally {
    await close(server);
    t.close();
    await mail.close();
    await removeTempDirs();
  }
}

await main();
