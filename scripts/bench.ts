// npm run bench — what an office cares about, measured through the real pages in headless
// Chromium against the compiled server, each figure from a click to done:
//
//   1. the machine: cores and /proc/loadavg at the start; above 0.5 per core (1 minute) the
//      run warns loudly that its figures are not comparable;
//   2. the crypto ceilings in the same Chromium binary, in a module Worker (bench/ceiling.ts):
//      raw libsodium secretstream in 64 KiB chunks and Coffer's content envelope (with the
//      BLAKE2b hash of the whole container), encrypt and decrypt, MiB/s;
//   3. on an office of their own (bench/phases.ts): "click to link" (one 200 KiB file to one
//      guest, Send click → link shown, the median of BENCH_LINK_RUNS), and the bytes a phone
//      downloads before each page a client opens from a mail is usable (bench/phone.ts: what
//      the page started fetching before its first control was enabled, as the server sends it
//      for br, gzip): the guest page and a bound drop's page ("Send me a code"), the sign-in
//      page ("Sign in");
//   4. for each size, on a fresh server and Chromium (bench/office.ts: the server program as
//      `npm start` runs it, its own data folder, mail to a real SMTP server on loopback, the
//      office set up through the printed setup link, the advisor signed in on the login page):
//      a random file on disk is sent to a guest (Send page, click → "sent"), downloaded by the
//      advisor from the share's page, and by the guest in a fresh browser context (link, "Send
//      me a code", the code from the mail, click → saved and "done"); each saved file's
//      SHA-256 must equal the original's (checked after the timer stops: it is the bench's
//      own work, not the user's wait; its time is printed beside). Each throughput is also given as a share of the
//      envelope ceiling. The server's RSS idle after setup, its peak during each transfer and
//      5 s after it; Chromium's heaps, processes and CPU by thread (bench/monitor.ts).
//
// Chromium is driven over its DevTools pipe directly (bench/chromium.ts), not by Playwright:
// Playwright enables the Network domain on every page and worker, and with it on, uploads
// from the crypto worker ran at about 13 MiB/s, so the figures would be DevTools'. Page sizes
// come from the page's own Performance API for the same reason.
//
// Environment: BENCH_MIB (the large size, default 1024; the sizes are 256 and it), or
// BENCH_SIZES=8,16 (the list of sizes, MiB, instead); BENCH_CEILING_MIB (default the largest
// size, at most 256); BENCH_LINK_RUNS (default 5); BENCH_PROFILE=<folder> (V8 CPU profiles of
// each transfer, and the busiest functions printed); BENCH_JSON=<file> (the run as JSON);
// BENCH_NODE_OPTIONS="--max-semi-space-size=4" (flags for each server under test, as
// NODE_OPTIONS: for A/B runs of V8's settings; the batch figure's server takes them too).
//
// A measurement, not a test: it fails (exit 1) only when something did not work, never
// because it was slow. Requires a build (`npm run bench` builds first).
import { rm, statfs } from 'node:fs/promises';
import { join } from 'node:path';
import { removeTempDirs, tempDir } from '../test/helpers/tmp.js';
import { measureBatch } from './bench-batch.js';
import { measureCeilings } from './bench/ceiling.js';
import { readConfig, type BenchConfig } from './bench/config.js';
import { MIB, writeRandomFile } from './bench/files.js';
import { describeMachine, loadWarning, readMachine } from './bench/machine.js';
import { openOffice, type Office } from './bench/office.js';
import { OFFICE_PHASES } from './bench/phases.js';
import { phaseProfiler } from './bench/profile.js';
import { detailTable, mibps, timeReports, type SizeResult } from './bench/report.js';
import { markdownSummary, writeJson, type PhaseOutcome, type RunReport } from './bench/summary.js';
import { timeGuestDownload, timeSenderDownload, timeUpload, type Timing } from './bench/transfer.js';

let config: BenchConfig;
try {
  config = readConfig();
} catch (error) {
  console.error((error as Error).message);
  process.exit(2);
}

/**
 * Disk for the largest size's plaintext, stored container and saved download (each size's
 * office is removed before the next starts), with room to spare.
 */
async function checkDiskSpace(dir: string): Promise<void> {
  const { bavail, bsize } = await statfs(dir);
  const free = bavail * bsize;
  const needed = Math.max(...config.sizesMib) * MIB * 3.1 + 512 * MIB;
  const gib = (bytes: number): string => `${(bytes / 1024 / MIB).toFixed(1)} GiB`;
  if (free < needed) throw new Error(`not enough disk in ${dir}: ${gib(free)} free, ${gib(needed)} needed`);
}

const failures: string[] = [];
const problems: string[] = [];
const profileNotes: string[] = [];
const profile = phaseProfiler(config.profileDir, profileNotes);
const machine = readMachine();
const startedAt = new Date().toISOString();
let chromiumVersion = '';
let ceilings: RunReport['ceilings'] = null;
const phases: PhaseOutcome[] = [];
const sizes: SizeResult[] = [];
/** The office phases' own detail lines, printed with the detailed report. */
const phaseDetails: string[] = [];
let office: Office | undefined;

async function closeOffice(): Promise<void> {
  const closing = office;
  office = undefined;
  if (closing === undefined) return;
  problems.push(...closing.page.problems, ...closing.problems);
  await closing.close();
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

let interrupted = false;
process.once('SIGINT', () => {
  interrupted = true; // the run stops at its next step; nothing more is reported
  console.error('\ninterrupted: cleaning up');
  void closeOffice()
    .then(removeTempDirs)
    .finally(() => process.exit(130));
});

/** The ceilings and the once-per-run phases, on an office of their own. */
async function officePhases(work: string): Promise<void> {
  office = await openOffice(join(work, 'office'), failures);
  chromiumVersion = await office.chromium.version();
  console.log(`${chromiumVersion} headless, loopback`);
  process.stdout.write(`crypto ceilings (${config.ceilingMib} MiB in a Worker) … `);
  try {
    const measured = await measureCeilings(office.chromium, config.ceilingMib);
    ceilings = measured;
    const { encrypt, decrypt } = measured.envelope;
    console.log(`envelope ${encrypt.toFixed(1)} MiB/s encrypt, ${decrypt.toFixed(1)} MiB/s decrypt`);
  } catch (error) {
    console.log('failed');
    ceilings = { error: message(error) };
    failures.push(`crypto ceilings: ${message(error)}`);
  }
  for (const phase of OFFICE_PHASES) {
    if (interrupted) return;
    process.stdout.write(`${phase.name} … `);
    try {
      const result = await phase.run(office, { work, config });
      const figures = phase.figures(result);
      phases.push({ name: phase.name, title: phase.title, figures, result });
      phaseDetails.push(...(phase.details?.(result) ?? []));
      console.log(figures[0]?.text ?? 'done');
    } catch (error) {
      console.log('failed');
      phases.push({ name: phase.name, title: phase.title, figures: [], error: message(error) });
      failures.push(`${phase.name}: ${message(error)}`);
    }
  }
  await closeOffice();
}

/** One size on a fresh office: upload, the advisor's download, the guest's download. */
async function measureSize(work: string, mib: number): Promise<SizeResult> {
  const path = join(work, `bench-${mib}MiB.bin`);
  let result: SizeResult = { mib };
  try {
    process.stdout.write(`${mib} MiB: fresh server … `);
    office = await openOffice(join(work, `${mib}MiB`), failures);
    result = { ...result, idleRss: office.idleRss };
    const timing: Timing = { office, profile, timeoutMs: config.phaseTimeoutMs };
    process.stdout.write('writing the file … ');
    const sha256 = await writeRandomFile(path, mib * MIB);
    process.stdout.write('uploading … ');
    const upload = await timeUpload(timing, path, `${mib}MiB`);
    result = { ...result, upload };
    process.stdout.write(`${mibps(mib, upload.seconds)}; advisor downloads … `);
    const download = await timeSenderDownload(timing, sha256, `${mib}MiB`);
    result = { ...result, download };
    process.stdout.write(`${mibps(mib, download.seconds)}; guest downloads … `);
    const guestDownload = await timeGuestDownload(timing, upload.guestLink, sha256, `${mib}MiB`);
    result = { ...result, guestDownload };
    console.log(mibps(mib, guestDownload.seconds));
    const differs = [
      download.hashMatches ? [] : ["the advisor's"],
      guestDownload.hashMatches ? [] : ["the guest's"],
    ].flat();
    for (const who of differs) failures.push(`${mib} MiB: ${who} saved file's SHA-256 differs from the original's`);
  } catch (error) {
    if (!interrupted) {
      console.log('failed');
      failures.push(`${mib} MiB: ${message(error)}`);
    }
    result = { ...result, error: message(error) };
  } finally {
    await rm(path, { force: true });
    await closeOffice();
  }
  return result;
}

try {
  const work = await tempDir('coffer-bench-');
  await checkDiskSpace(work);
  console.log(`Coffer benchmark: ${config.sizesMib.map((m) => `${m} MiB`).join(', ')}; ${describeMachine(machine)}`);
  const warning = loadWarning(machine);
  if (warning !== null) console.error(warning);

  try {
    await officePhases(work);
  } catch (error) {
    failures.push(`the office phases: ${message(error)}`); // the sizes can still be measured
    await closeOffice();
  }
  for (const mib of config.sizesMib) {
    if (interrupted) break;
    sizes.push(await measureSize(work, mib));
  }
  if (interrupted) throw new Error('interrupted');
  // A month of payslips on an office of its own (scripts/bench-batch.ts).
  process.stdout.write('batch … ');
  const batchLines = await measureBatch(work, failures).catch((error: unknown) => {
    failures.push(`batch: ${message(error)}`);
    return ['failed'];
  });
  console.log(batchLines.join('\n'));

  if (phaseDetails.length > 0) console.log(`\n${phaseDetails.join('\n')}`);
  console.log(`\n${detailTable(sizes)}\n`);
  console.log('Where the time went:');
  for (const report of timeReports(sizes)) console.log(report);
  if (sizes.some((r) => r.upload && !r.upload.server.hwmSincePhaseStart))
    console.log('\n(VmHWM could not be reset per phase here: it is the peak since the server started.)');
  if (profileNotes.length > 0) console.log(`\nBusiest functions (self time):\n  ${profileNotes.join('\n  ')}`);
  if (problems.length > 0) console.log(`\nThe pages reported:\n  ${problems.join('\n  ')}`);

  const run: RunReport = { startedAt, machine, chromium: chromiumVersion, config, ceilings, phases, sizes };
  const summary = markdownSummary(run);
  console.log(`\n${summary}\n`);
  if (warning !== null) console.error(warning);
  if (config.jsonPath !== undefined) {
    await writeJson(config.jsonPath, run, summary);
    console.log(`written to ${config.jsonPath}`);
  }
} catch (error) {
  if (!interrupted) failures.push(error instanceof Error ? (error.stack ?? error.message) : String(error));
} finally {
  await closeOffice();
  await removeTempDirs();
}

if (failures.length > 0 && !interrupted) {
  console.error(`\nThe benchmark did not complete:\n- ${failures.join('\n- ')}`);
  process.exitCode = 1;
}
