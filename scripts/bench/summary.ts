// The run's summary: every figure in markdown tables (the machine and its load, the crypto
// ceilings in Chromium, the once-per-run phases, and per size the transfers with their share of
// the envelope ceiling and the server's memory), and the whole run as JSON for BENCH_JSON.
import { writeFile } from 'node:fs/promises';
import type { CeilingReport } from './ceiling.js';
import { SETTLE_MS, type BenchConfig } from './config.js';
import { describeMachine, type Machine } from './machine.js';
import type { Figure } from './phases.js';
import { hash, mb, mibps, secs, type SizeResult } from './report.js';
import type { DownloadFigures, TransferFigures } from './transfer.js';

export interface PhaseOutcome {
  readonly name: string;
  readonly title: string;
  readonly figures: readonly Figure[];
  readonly result?: unknown;
  readonly error?: string;
}

export interface RunReport {
  readonly startedAt: string;
  readonly machine: Machine;
  readonly chromium: string;
  readonly config: BenchConfig;
  readonly ceilings: CeilingReport | { readonly error: string } | null;
  readonly phases: readonly PhaseOutcome[];
  readonly sizes: readonly SizeResult[];
}

const rate = (mibPerSecond: number): string => `${mibPerSecond.toFixed(1)} MiB/s`;

function markdown(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]): string => `| ${cells.map((c) => c.replaceAll('|', '\\|')).join(' | ')} |`;
  return [line(header), line(header.map((_, i) => (i === 0 ? '---' : '---:'))), ...rows.map(line)].join('\n');
}

function ceilingOf(run: RunReport): CeilingReport | null {
  return run.ceilings !== null && 'envelope' in run.ceilings ? run.ceilings : null;
}

/** An end-to-end throughput as a share of the envelope's ceiling in the same browser. */
function share(mib: number, seconds: number | undefined, ceiling: number | undefined): string {
  if (!seconds || !ceiling) return '–';
  return `${((mib / seconds / ceiling) * 100).toFixed(0)} %`;
}

/** The server's peak over a phase: the kernel's VmHWM when it could be reset for the phase, else the 100 ms samples. */
function serverPeak(figures: TransferFigures | undefined): number | undefined {
  if (figures === undefined) return undefined;
  return figures.server.hwmSincePhaseStart
    ? Math.max(figures.server.hwm, figures.server.peakRss)
    : figures.server.peakRss;
}

/** How far above idle the server may stay once a transfer is over (Coffer's goal). */
const BACK_TO_IDLE_MIB = 10;

/** RSS after the phase, and how far it is from idle, marked when more than BACK_TO_IDLE_MIB. */
function after(r: SizeResult, figures: TransferFigures | undefined): string {
  if (figures === undefined || r.idleRss === undefined) return '–';
  const delta = Math.round(((figures.rssAfter - r.idleRss) / (1024 * 1024)) * 10) / 10 || 0; // no "-0.0"
  return `${mb(figures.rssAfter)} (${delta >= 0 ? '+' : ''}${delta.toFixed(1)} MiB vs idle${delta > BACK_TO_IDLE_MIB ? `, more than ${BACK_TO_IDLE_MIB}` : ''})`;
}

function sizeRows(run: RunReport): string[][] {
  const ceiling = ceilingOf(run);
  type Row = [string, (r: SizeResult) => string];
  const download = (name: string, pick: (r: SizeResult) => DownloadFigures | undefined): Row[] => [
    [`${name}: time (click → saved and "done"; hash checked after)`, (r) => secs(pick(r)?.seconds)],
    [`${name}: throughput`, (r) => mibps(r.mib, pick(r)?.seconds)],
    [
      `${name}: share of the envelope decrypt ceiling`,
      (r) => share(r.mib, pick(r)?.seconds, ceiling?.envelope.decrypt),
    ],
    [`${name}: SHA-256 of the saved file`, (r) => hash(pick(r))],
  ];
  const memory = (name: string, pick: (r: SizeResult) => TransferFigures | undefined): Row[] => [
    [`server RSS peak during ${name}`, (r) => mb(serverPeak(pick(r)))],
    [`server RSS ${SETTLE_MS / 1000} s after ${name}`, (r) => after(r, pick(r))],
  ];
  const rows: Row[] = [
    ['upload: time (Send click → "sent")', (r) => secs(r.upload?.seconds)],
    ['upload: throughput', (r) => mibps(r.mib, r.upload?.seconds)],
    [
      'upload: share of the envelope encrypt ceiling',
      (r) => share(r.mib, r.upload?.seconds, ceiling?.envelope.encrypt),
    ],
    ['upload: throughput of the uploading stage alone', (r) => mibps(r.mib, r.upload?.uploadingSeconds)],
    ...download("advisor's download", (r) => r.download),
    ...download("guest's download", (r) => r.guestDownload),
    ['server RSS idle (fresh server, office set up, signed in)', (r) => mb(r.idleRss)],
    ...memory('the upload', (r) => r.upload),
    ...memory("the advisor's download", (r) => r.download),
    ...memory("the guest's download", (r) => r.guestDownload),
    ['error', (r) => r.error ?? ''],
  ];
  return rows
    .filter(([label]) => label !== 'error' || run.sizes.some((r) => r.error !== undefined))
    .map(([label, value]) => [label, ...run.sizes.map(value)]);
}

export function markdownSummary(run: RunReport): string {
  const { machine } = run;
  const sections = [
    '## Coffer benchmark summary',
    markdown(
      ['', ''],
      [
        ['started', run.startedAt],
        ['machine', describeMachine(machine)],
        [
          'load per core at the start',
          `${(machine.load[0] / machine.cores).toFixed(2)}${machine.busy ? ' — BUSY, figures not comparable' : ''}`,
        ],
        ['browser', `${run.chromium}, headless`],
      ],
    ),
  ];
  const ceiling = run.ceilings;
  if (ceiling !== null) {
    sections.push(
      `### Crypto ceilings in the same Chromium (a module Worker, ${run.config.ceilingMib} MiB, best of 3)`,
    );
    sections.push(
      'envelope' in ceiling
        ? markdown(
            ['', 'encrypt', 'decrypt'],
            [
              [
                `raw secretstream, 64 KiB chunks (libsodium ${ceiling.libsodium})`,
                rate(ceiling.raw.encrypt),
                rate(ceiling.raw.decrypt),
              ],
              [
                'Coffer envelope v1 (with the container hash)',
                rate(ceiling.envelope.encrypt),
                rate(ceiling.envelope.decrypt),
              ],
            ],
          )
        : `failed: ${ceiling.error}`,
    );
  }
  for (const phase of run.phases) {
    sections.push(`### ${phase.title}`);
    sections.push(
      phase.error !== undefined
        ? `failed: ${phase.error}`
        : markdown(
            ['', ''],
            phase.figures.map((f) => [f.label, f.text]),
          ),
    );
  }
  if (run.sizes.length > 0) {
    sections.push('### Per file size (a fresh server and Chromium for each)');
    sections.push(markdown(['', ...run.sizes.map((r) => `${r.mib} MiB`)], sizeRows(run)));
  }
  return sections.join('\n\n');
}

/** Writes the run as JSON (Maps as objects, sizes in bytes, times in seconds, throughputs in MiB/s). */
export async function writeJson(path: string, run: RunReport, summary: string): Promise<void> {
  const json = JSON.stringify(
    { ...run, summaryMarkdown: summary },
    (_key, value: unknown) => (value instanceof Map ? Object.fromEntries(value as Map<string, unknown>) : value),
    2,
  );
  await writeFile(path, `${json}\n`);
}
