// The benchmark's report (scripts/bench.ts): one column per file size with time, throughput and
// memory of each phase, and where a phase's time went.
import { MIB } from './files.js';
import type { HeapPeaks, PhaseFigures } from './monitor.js';

/** The server's own request log lines of a phase, summed per route: how long its side took. */
export type RouteTimes = Map<string, { count: number; totalMs: number; maxMs: number }>;

export interface SizeResult {
  readonly mib: number;
  readonly upload?: PhaseFigures & { readonly uploadingSeconds: number | null; readonly routes: RouteTimes };
  readonly download?: PhaseFigures & { readonly routes: RouteTimes };
  readonly hashMatches?: boolean;
  readonly error?: string;
}

export function mibps(mib: number, seconds: number | null | undefined): string {
  return seconds ? `${(mib / seconds).toFixed(1)} MiB/s` : '–';
}
function mb(bytes: number | undefined): string {
  return bytes === undefined ? '–' : `${(bytes / MIB).toFixed(1)} MiB`;
}
function secs(seconds: number | null | undefined): string {
  return seconds ? `${seconds.toFixed(2)} s` : '–';
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

export function table(results: readonly SizeResult[]): string {
  const section = (title: string): Row => [title, () => ''];
  const rows: Row[] = [
    section('Encrypt + upload (Send page, click → "sent")'),
    ['  time', (r) => secs(r.upload?.seconds)],
    ['  throughput (plaintext)', (r) => mibps(r.mib, r.upload?.seconds)],
    ['  throughput, uploading phase only', (r) => mibps(r.mib, r.upload?.uploadingSeconds)],
    ...memoryRows((r) => r.upload, false),
    section('Download + decrypt (sent page, click → saved and "done")'),
    ['  time', (r) => secs(r.download?.seconds)],
    ['  throughput (plaintext)', (r) => mibps(r.mib, r.download?.seconds)],
    ['  SHA-256 of the saved file', (r) => (r.hashMatches === undefined ? '–' : r.hashMatches ? 'matches' : 'DIFFERS')],
    ...memoryRows((r) => r.download, true),
  ];
  const header = ['', ...results.map((r) => `${r.mib} MiB`)];
  const body = rows.map(([label, value]) => [label, ...results.map(value)]);
  const widths = header.map((_, i) => Math.max(...[header, ...body].map((row) => (row[i] ?? '').length)));
  const line = (row: readonly string[]): string =>
    row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0))).join('   ');
  return [line(header), ...body.map(line)].join('\n');
}

/** Where a phase's time went: CPU seconds by process and thread (the busiest first), and the server's time per route. */
export function timeReport(label: string, figures: PhaseFigures & { readonly routes: RouteTimes }): string {
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
