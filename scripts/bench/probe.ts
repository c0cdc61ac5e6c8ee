// Memory and CPU probes in Chromium, read-only, over the benchmark's own DevTools connection
// (chromium.ts): the JS heap of the page, of its dedicated workers (the crypto worker) and of
// the download service worker, Chromium's process list (type and PID of each process), and
// V8 CPU profiles of those three on request.
import type { Chromium, PageDriver } from './chromium.js';

/** Runtime.getHeapUsage: the JS heap, and the ArrayBuffer backing stores outside it. */
export interface HeapUsage {
  readonly usedSize: number;
  readonly totalSize: number;
  readonly backingStorageSize?: number;
}

interface HeapReading {
  readonly page: HeapUsage | null;
  /** Summed over the page's dedicated workers (Coffer has one: the crypto worker). */
  readonly workers: HeapUsage | null;
  readonly serviceWorker: HeapUsage | null;
}

interface ChromiumProcess {
  readonly type: string;
  readonly pid: number;
}

export interface ChromiumProbe {
  heap(): Promise<HeapReading>;
  processes(): Promise<ChromiumProcess[]>;
  /** Starts V8's sampling profiler in the page and its workers; the result stops it and returns each profile by target. */
  profile(): Promise<() => Promise<Map<string, unknown>>>;
}

function sum(readings: readonly (HeapUsage | null)[]): HeapUsage | null {
  const present = readings.filter((r): r is HeapUsage => r !== null);
  if (present.length === 0) return null;
  return {
    usedSize: present.reduce((total, r) => total + r.usedSize, 0),
    totalSize: present.reduce((total, r) => total + r.totalSize, 0),
    backingStorageSize: present.reduce((total, r) => total + (r.backingStorageSize ?? 0), 0),
  };
}

/** Starts watching `chromium`'s service workers; the result makes a probe for one of its pages. */
export async function chromiumProbes(chromium: Chromium): Promise<(page: PageDriver) => ChromiumProbe> {
  const { cdp } = chromium;
  // Service workers belong to the browser, not the page: found through target discovery.
  const serviceWorkers = new Set<string>();
  const attaching = new Set<string>();
  cdp.on('Target.targetCreated', (params) => {
    const { targetId, type } = params['targetInfo'] as { targetId: string; type: string };
    if (type !== 'service_worker' || attaching.has(targetId)) return;
    attaching.add(targetId);
    cdp.send<{ sessionId: string }>('Target.attachToTarget', { targetId, flatten: true }).then(
      ({ sessionId }) => serviceWorkers.add(sessionId),
      () => attaching.delete(targetId),
    );
  });
  cdp.on('Target.detachedFromTarget', (params) => serviceWorkers.delete(params['sessionId'] as string));
  await cdp.send('Target.setDiscoverTargets', { discover: true });
  return (page) => probePage(cdp, page, serviceWorkers);
}

function probePage(cdp: Chromium['cdp'], page: PageDriver, serviceWorkers: ReadonlySet<string>): ChromiumProbe {
  const heapOf = (sessionId: string): Promise<HeapUsage | null> =>
    cdp.send<HeapUsage>('Runtime.getHeapUsage', {}, sessionId).catch(() => null);
  const targets = (): [string, string][] => [
    ['page', page.sessionId],
    ...[...page.workers.keys()].map((id, i): [string, string] => [`worker-${i}`, id]),
    ...[...serviceWorkers].map((id, i): [string, string] => [`service-worker-${i}`, id]),
  ];

  return {
    async heap() {
      const [pageHeap, workerHeaps, serviceWorkerHeaps] = await Promise.all([
        heapOf(page.sessionId),
        Promise.all([...page.workers.keys()].map(heapOf)),
        Promise.all([...serviceWorkers].map(heapOf)),
      ]);
      return { page: pageHeap, workers: sum(workerHeaps), serviceWorker: sum(serviceWorkerHeaps) };
    },
    async processes() {
      const { processInfo } = await cdp.send<{ processInfo: { type: string; id: number }[] }>(
        'SystemInfo.getProcessInfo',
      );
      return processInfo.map((p) => ({ type: p.type, pid: p.id }));
    },
    async profile() {
      const profiled = targets();
      for (const [, sessionId] of profiled) {
        await cdp.send('Profiler.enable', {}, sessionId);
        await cdp.send('Profiler.setSamplingInterval', { interval: 200 }, sessionId);
        await cdp.send('Profiler.start', {}, sessionId);
      }
      return async () => {
        const profiles = new Map<string, unknown>();
        for (const [name, sessionId] of profiled) {
          const stopped = await cdp.send<{ profile: unknown }>('Profiler.stop', {}, sessionId).catch(() => null);
          if (stopped) profiles.set(name, stopped.profile);
        }
        return profiles;
      };
    },
  };
}
