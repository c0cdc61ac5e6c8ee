// The detailed report of the transfers, per size: time, throughput and every memory peak of
// each phase (the server, each JS heap in Chromium, Chromium's processes), then where each
// phase's time went (CPU seconds by process and thread, and the server's time per route).
// The summary that follows it (summary.ts) repeats the figures an office cares about.
import { MIB } from './files.js';
import type { HeapPeaks, PhaseFigures } from './monitor.js';
import type { DownloadFigures, TransferFigures, UploadFigures } from './transfer.js';

export interface SizeResult {
  readonly mib: number;
  /** The server's VmRSS once its office was set up and the advisor signed in, idle. */
  readonly idleRss?: number;
  readonly upload?: UploadFigures;
  readonly download?: DownloadFigures;
  readonly guestDownload?: DownloadFigures;
  readonly error?: string;
}

export function mibps(mib: number, seconds: number | null | undefined): string {
  return seconds ? `${(mib / seconds).toFixed(1)} MiB/s` : '–';
}
export function mb(bytes: number | undefined): string {
  return bytes === undefined ? '–' : `${(bytes / MIB).toFixed(1)} MiB`;
}
export function secs(seconds: number | null | undefined): string {
  return seconds ? `${seconds.toFixed(2)} s` : '–';
}
export function hash(figures: DownloadFigures | undefined): string {
  return figures === undefined ? '–' : figures.hashMatches ? 'matches' : 'DIFFERS';
}

type Row = readonly [string, (r: SizeResult) => string];

/** The memory rows of a phase; the service worker only takes part in downloads. */
function memoryRows(phase: (r: SizeResult) => PhaseFigures | undefined, serviceWorker: boolean): Row[] {
  const heaps: [string, (f: PhaseFigures) => HeapPeaks][] = [
    ['page', (f) => f.heap.page],
    ['crypto worker', (f) => f.heap.worker],
    ...(serviceWorker
      ? [['service worker', (f: PhaseFigures) => f.heap.serviceWorker] as [string, (f: PhaseFigures) => HeapPeaks]]
      : []),
  ];
  const processes: [string, string][] = [
    ['page renderer', 'page renderer'],
    ['renderer (all renderers)', 'renderer'],
    ['network service', 'network.mojom.NetworkService'],
    ['browser process', 'browser'],
  ];
  const of = (r: SizeResult, pick: (f: PhaseFigures) => number): number | undefined => {
    const figures = phase(r);
    return figures === undefined ? undefined : pick(figures);
  };
  return [
    ['  server RSS at the start', (r) => mb(of(r, (f) => f.server.startRss))],
    ['  server RSS peak (100 ms samples)', (r) => mb(of(r, (f) => f.server.peakRss))],
    ['  server VmHWM', (r) => mb(of(r, (f) => f.server.hwm))],
    ...heaps.flatMap(([name, heap]): Row[] => [
      [`  ${name} JS heap peak (used)`, (r) => mb(of(r, (f) => heap(f).used))],
      [`  ${name} ArrayBuffers peak`, (r) => mb(of(r, (f) => heap(f).backing))],
    ]),
    ...processes.map(([name, type]): Row => [
      `  ${name} RSS peak`,
      (r) => mb(of(r, (f) => f.chromiumRss.get(type) ?? 0)),
    ]),
  ];
}

function downloadRows(title: string, phase: (r: SizeResult) => DownloadFigures | undefined): Row[] {
  return [
    [title, () => ''],
    ['  time', (r) => secs(phase(r)?.seconds)],
    ['  throughput (plaintext)', (r) => mibps(r.mib, phase(r)?.seconds)],
    ['  SHA-256 of the saved file', (r) => hash(phase(r))],
    ["  the bench's own SHA-256 check, after the timer", (r) => secs(phase(r)?.checkSeconds)],
    ...memoryRows(phase, true),
  ];
}

/** The per-size table, aligned for a terminal. */
export function detailTable(results: readonly SizeResult[]): string {
  const rows: Row[] = [
    ['Encrypt + upload (Send page, click → "sent")', () => ''],
    ['  time', (r) => secs(r.upload?.seconds)],
    ['  throughput (plaintext)', (r) => mibps(r.mib, r.upload?.seconds)],
    ['  throughput, uploading phase only', (r) => mibps(r.mib, r.upload?.uploadingSeconds)],
    ...memoryRows((r) => r.upload, false),
    ...downloadRows('Advisor\'s download + decrypt (sent page, click → saved and "done")', (r) => r.download),
    ...downloadRows(
      'Guest download + decrypt (guest link, fresh context, click → saved and "done")',
      (r) => r.guestDownload,
    ),
  ];
  const header = ['', ...results.map((r) => `${r.mib} MiB`)];
  const body = rows.map(([label, value]) => [label, ...results.map(value)]);
  const widths = header.map((_, i) => Math.max(...[header, ...body].map((row) => (row[i] ?? '').length)));
  const line = (row: readonly string[]): string =>
    row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0))).join('   ');
  return [line(header), ...body.map(line)].join('\n');
}

/** Where a phase's time went: CPU seconds by process and thread (the busiest first), and the server's time per route. */
function timeReport(label: string, figures: TransferFigures): string {
  const top = [...figures.cpu.entries()].sort((a, b) => b[1] - a[1]).slice(0, 10);
  const threads = top.map(
    ([thread, seconds]) =>
      `    ${thread.padEnd(58)} ${seconds.toFixed(2).padStart(7)} s  ${((seconds / figures.seconds) * 100).toFixed(0).padStart(4)} %`,
  );
  const routes = [...figures.routes.entries()]
    .sort((a, b) => b[1].totalMs - a[1].totalMs)
    .map(
      ([route, t]) =>
        `    ${`${route} ×${t.count}`.padEnd(58)} ${(t.totalMs / t.count).toFixed(0).padStart(7)} ms avg, ${t.maxMs.toFixed(0)} ms max`,
    );
  return [
    `  ${label} (${figures.seconds.toFixed(2)} s wall), CPU by thread (% of one core):`,
    ...threads,
    "   the server's time per request (from its log):",
    ...routes,
  ].join('\n');
}

/** Every phase of every size, for the "where the time went" section. */
export function timeReports(results: readonly SizeResult[]): string[] {
  return results.flatMap((r) => [
    ...(r.upload ? [timeReport(`${r.mib} MiB upload`, r.upload)] : []),
    ...(r.download ? [timeReport(`${r.mib} MiB advisor's download`, r.download)] : []),
    ...(r.guestDownload ? [timeReport(`${r.mib} MiB guest's download`, r.guestDownload)] : []),
  ]);
}
