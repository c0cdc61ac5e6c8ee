// npm run bench:burst — a burst of uploads against one small server: does it stay responsive,
// and how much memory does it take?
//
//   1. the server program on 127.0.0.1 with a temporary data folder: the built one
//      (dist/server, as `npm start` runs it) when BENCH_BUILT=1, else from source through tsx
//      (tsx adds some memory of its own); the office is set up through the setup link it
//      printed, which signs the admin in;
//   2. BENCH_UPLOADS (default 50) uploads of BENCH_UPLOAD_MIB (default 20) MiB of container
//      each, all at once, through the real HTTP API as the browser sends them: create, the
//      parts two at a time, complete;
//   3. meanwhile, from a process of its own (this script again, as a prober), GET /healthz
//      and a request refused without a session, each every 100 ms (the next once the last
//      answered): their latency (median and max) is the server's responsiveness under the
//      burst; also how long each complete request took, and at the end the server's peak
//      resident memory (VmHWM in /proc/<pid>/status) and the CPU time it spent, its main thread
//      apart from the others (thread pool, garbage collection), per GiB received.
//
// Goals on a small office server: /healthz at most 2 s, peak RSS at most 512 MiB. A
// measurement, not a test: it fails (exit 1) only when something did not work.
import { randomFillSync } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { ciphertextLengthOf, ready } from '../shared/crypto/index.js';
import { threadCpu } from './bench/proc.js';
import { UploadCreateResponse } from '../shared/wire/uploads.js';
import { makeAccount, makeOffice, setupRequest } from '../test/helpers/browser.js';
import { ROOT, spawnCoffer, spawnProcess, type Spawned } from '../test/helpers/process.js';
import { removeTempDirs, tempDir } from '../test/helpers/tmp.js';

const UPLOADS = Number(process.env['BENCH_UPLOADS'] ?? 50);
const UPLOAD_MIB = Number(process.env['BENCH_UPLOAD_MIB'] ?? 20);
const BUILT = process.env['BENCH_BUILT'] === '1';
const PARTS_IN_FLIGHT = 2;
const HEALTH_EVERY_MS = 100;
const COOKIE = '__Host-coffer-session';
/** The first argument that makes this script the latency prober (see probeLatency). */
const PROBE_MODE = '--probe';
/** A request refused before any disk or database work (no session). */
const REFUSED = '/api/v1/uploads/AAAAAAAAAAAAAAAAAAAAAA';
const LISTENING = /Coffer is listening on http:\/\/127\.0\.0\.1:(\d+) /;
const LINK = /\/setup#([A-Za-z0-9_-]{43})/;

if (!Number.isInteger(UPLOADS) || UPLOADS < 1 || !Number.isInteger(UPLOAD_MIB) || UPLOAD_MIB < 1) {
  console.error('BENCH_UPLOADS and BENCH_UPLOAD_MIB must be whole numbers above 0');
  process.exit(2);
}

function start(dataDir: string): Spawned {
  const env = {
    HOST: '127.0.0.1',
    PORT: '0',
    DATA_DIR: dataDir,
    PUBLIC_URL: 'http://localhost:8080',
    LOG_LEVEL: 'warn',
    MAIL_OUTBOX: '1',
    SWEEP_INTERVAL_SECONDS: '0',
    QUOTA_MIB: String(UPLOADS * UPLOAD_MIB * 2),
    MAX_FILE_MIB: String(UPLOAD_MIB * 2),
    ...(process.env['UV_THREADPOOL_SIZE'] ? { UV_THREADPOOL_SIZE: process.env['UV_THREADPOOL_SIZE'] } : {}),
    // V8 flags for the server under test (BENCH_NODE_OPTIONS="--max-semi-space-size=4").
    ...(process.env['BENCH_NODE_OPTIONS'] ? { NODE_OPTIONS: process.env['BENCH_NODE_OPTIONS'] } : {}),
  };
  if (!BUILT) return spawnCoffer('main', [], env);
  return spawnProcess(process.execPath, [join(ROOT, 'dist/server/server/main.js')], {
    cwd: ROOT,
    env: { PATH: process.env['PATH'] ?? '', ...env },
  });
}

async function peakRssMib(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kib = /^VmHWM:\s+(\d+) kB$/m.exec(status)?.[1];
  if (kib === undefined) throw new Error('no VmHWM in /proc/<pid>/status');
  return Number(kib) / 1024;
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length - 1) * p))] ?? NaN;
}

async function main(): Promise<void> {
  await ready();
  const dataDir = join(await tempDir('coffer-burst-'), 'data');
  const server = start(dataDir);
  try {
    const [, port] = await server.waitFor(LISTENING, 60_000);
    const base = `http://127.0.0.1:${port as string}`;
    const origin = 'http://localhost:8080';
    const pid = server.child.pid as number;

    // The office, set up through the setup link: the answer signs the admin in.
    const [, token] = LINK.exec(server.stdout()) ?? [];
    const admin = makeAccount({
      email: 'anna@kantoor.example',
      name: 'Anna de Boer',
      password: 'kaasboer-fietspomp-regenjas',
    });
    const setup = await fetch(`${base}/api/v1/setup/complete`, {
      method: 'POST',
      headers: { Origin: origin, 'Content-Type': 'application/json' },
      body: JSON.stringify(setupRequest(token as string, makeOffice(), admin)),
    });
    if (setup.status !== 200) throw new Error(`setup answered ${setup.status}: ${await setup.text()}`);
    const session = new RegExp(`${COOKIE}=([^;]+)`).exec(setup.headers.get('set-cookie') ?? '')?.[1];
    if (session === undefined) throw new Error('setup set no session cookie');
    const headers = { Origin: origin, Cookie: `${COOKIE}=${session}` };

    // One container's worth of random bytes, sent by every upload (the server hashes what it gets).
    const size = ciphertextLengthOf(UPLOAD_MIB * 1024 * 1024 - 4096);
    const container = new Uint8Array(randomFillSync(Buffer.alloc(size)));
    const baselineRss = await peakRssMib(pid);

    // A request again when its pooled connection was closed under it (a keep-alive race of
    // the client, not the server's doing): every request here is safe to repeat.
    let resent = 0;
    const call = async (method: string, path: string, body?: BodyInit, type = 'application/json') => {
      for (let attempt = 1; ; attempt++) {
        try {
          const response = await fetch(`${base}${path}`, {
            method,
            headers: { ...headers, ...(body === undefined ? {} : { 'Content-Type': type }) },
            ...(body === undefined ? {} : { body }),
          });
          if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}: ${await response.text()}`);
          return response;
        } catch (error) {
          if (!(error instanceof TypeError) || attempt === 3) throw error;
          resent++;
        }
      }
    };
    const completions: number[] = [];
    const upload = async (): Promise<number> => {
      const begun = performance.now();
      const created = UploadCreateResponse.parse(
        await (await call('POST', '/api/v1/uploads', JSON.stringify({ size }))).json(),
      );
      let next = 0;
      const sender = async () => {
        while (next < created.partCount) {
          const index = next++;
          const part = container.subarray(index * created.partSize, (index + 1) * created.partSize);
          await call('PUT', `/api/v1/uploads/${created.uploadId}/parts/${index}`, part, 'application/octet-stream');
        }
      };
      await Promise.all(Array.from({ length: PARTS_IN_FLIGHT }, sender));
      const completing = performance.now();
      await call('POST', `/api/v1/uploads/${created.uploadId}/complete`, '{}');
      completions.push(performance.now() - completing);
      return performance.now() - begun;
    };

    // /healthz through the burst; and an answer that needs only the event loop (an unsigned
    // request refused), to tell a busy loop from a busy disk (healthz also stats the data
    // folder). Probed from a process of its own (this script in PROBE_MODE), so the 1 GiB this
    // one sends does not delay the probes.
    const prober = spawnProcess(
      process.execPath,
      ['--import', 'tsx', 'scripts/bench-uploads-burst.ts', PROBE_MODE, '/healthz', REFUSED],
      {
        cwd: ROOT,
        env: { PATH: process.env['PATH'] ?? '', PROBE_BASE: base, PROBE_EVERY_MS: String(HEALTH_EVERY_MS) },
      },
    );
    await prober.waitFor(/^probing$/m, 60_000);

    const cpuBefore = threadCpu(pid, true);
    const begun = performance.now();
    const times = await Promise.all(Array.from({ length: UPLOADS }, upload)).finally(() => {
      prober.child.kill('SIGTERM');
    });
    const seconds = (performance.now() - begun) / 1000;
    await prober.exited;
    const peak = await peakRssMib(pid);
    const cpu = [...threadCpu(pid, true)].map(
      ([name, seconds]) => [name, seconds - (cpuBefore.get(name) ?? 0)] as const,
    );

    const answers = prober.stdout().split('\n');
    const probed = (path: string) =>
      answers
        .filter((line) => line.startsWith(`${path} `) && !line.endsWith(' failed'))
        .map((line) => Number(line.slice(path.length + 1)))
        .sort((a, b) => a - b);
    const latencies = probed('/healthz');
    const loopLatencies = probed(REFUSED);
    const unanswered = answers.filter((line) => line.endsWith(' failed')).length;
    times.sort((a, b) => a - b);
    completions.sort((a, b) => a - b);
    const mib = (UPLOADS * size) / 1024 / 1024;
    console.log(
      `Upload burst: ${UPLOADS} uploads of ${(size / 1024 / 1024).toFixed(1)} MiB at once (${BUILT ? 'built' : 'tsx'} server)`,
    );
    console.log(
      `  all done in ${seconds.toFixed(1)} s (${(mib / seconds).toFixed(0)} MiB/s); one upload: median ${(percentile(times, 0.5) / 1000).toFixed(1)} s, max ${((times.at(-1) ?? NaN) / 1000).toFixed(1)} s`,
    );
    console.log(
      `  complete requests: median ${percentile(completions, 0.5).toFixed(0)} ms, max ${(completions.at(-1) ?? NaN).toFixed(0)} ms`,
    );
    console.log(
      `  /healthz during the burst (${latencies.length} probes): median ${percentile(latencies, 0.5).toFixed(0)} ms, p95 ${percentile(latencies, 0.95).toFixed(0)} ms, max ${(latencies.at(-1) ?? NaN).toFixed(0)} ms (goal ≤ 2000 ms)`,
    );
    console.log(
      `  a refused request (event loop only): median ${percentile(loopLatencies, 0.5).toFixed(0)} ms, max ${(loopLatencies.at(-1) ?? NaN).toFixed(0)} ms`,
    );
    console.log(
      `  server peak RSS (VmHWM): ${peak.toFixed(0)} MiB, ${baselineRss.toFixed(0)} MiB before the burst (goal ≤ 512 MiB)`,
    );
    const gib = mib / 1024;
    console.log(
      `  server CPU: ${cpu.map(([name, seconds]) => `${name} ${seconds.toFixed(2)} s (${(seconds / gib).toFixed(2)} s/GiB)`).join(', ')}`,
    );
    if (unanswered > 0) console.log(`  (${unanswered} probes got no answer)`);
    if (resent > 0) console.log(`  (${resent} requests met a closed pooled connection and were sent again)`);
  } finally {
    server.child.kill('SIGTERM');
    await server.exited;
    await removeTempDirs();
  }
}

/**
 * The prober: GETs each path given after PROBE_MODE in turn, every PROBE_EVERY_MS (after the
 * previous answer), until SIGTERM; prints "probing" once started, then one line per answer:
 * "<path> <ms>" or "<path> failed".
 */
async function probeLatency(paths: readonly string[]): Promise<void> {
  const base = process.env['PROBE_BASE'] ?? '';
  const every = Number(process.env['PROBE_EVERY_MS'] ?? HEALTH_EVERY_MS);
  let running = true;
  process.on('SIGTERM', () => {
    running = false;
  });
  const probe = async (path: string): Promise<void> => {
    while (running) {
      const sent = performance.now();
      try {
        await (await fetch(`${base}${path}`)).arrayBuffer();
        console.log(`${path} ${(performance.now() - sent).toFixed(1)}`);
      } catch {
        console.log(`${path} failed`);
      }
      await new Promise((resolve) => setTimeout(resolve, every));
    }
  };
  console.log('probing');
  await Promise.all(paths.map(probe));
}

if (process.argv[2] === PROBE_MODE) await probeLatency(process.argv.slice(3));
else await main();
