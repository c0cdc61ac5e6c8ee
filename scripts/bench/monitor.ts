// Watches one phase of the benchmark (an upload or a download): the server's resident memory
// every 100 ms, the JS heaps in Chromium and the resident memory of Chromium's processes
// every 250 ms, keeping the peaks; and the CPU time each process and thread used over the
// phase, which says where the time went (the crypto worker, the page, the service worker,
// Chromium's network process, or the server).
import type { ChromiumProbe, HeapUsage } from './probe.js';
import { resetPeak, resident, threadCpu } from './proc.js';

export interface HeapPeaks {
  /** Peak used JS heap, bytes. */
  readonly used: number;
  /** Peak ArrayBuffer backing storage (outside the JS heap), bytes; 0 when Chromium does not say. */
  readonly backing: number;
}

export interface PhaseFigures {
  readonly seconds: number;
  readonly server: {
    /** VmRSS when the phase started. */
    readonly startRss: number;
    /** Highest VmRSS seen in the 100 ms samples. */
    readonly peakRss: number;
    /** VmHWM at the end: the kernel's own peak, since a reset at the start when that worked. */
    readonly hwm: number;
    readonly hwmSincePhaseStart: boolean;
  };
  readonly heap: { readonly page: HeapPeaks; readonly worker: HeapPeaks; readonly serviceWorker: HeapPeaks };
  /**
   * Peak resident memory per Chromium process type (summed over processes of that type), and
   * as `page renderer` the renderer that runs the crypto worker (the page's).
   */
  readonly chromiumRss: ReadonlyMap<string, number>;
  /** CPU seconds over the phase, by "process type: thread name", the server's as "server: …". */
  readonly cpu: ReadonlyMap<string, number>;
}

interface Peaks {
  used: number;
  backing: number;
}

function note(peaks: Peaks, usage: HeapUsage | null): void {
  if (usage === null) return;
  peaks.used = Math.max(peaks.used, usage.usedSize);
  peaks.backing = Math.max(peaks.backing, usage.backingStorageSize ?? 0);
}

type CpuSnapshot = Map<string, number>;

async function cpuSnapshot(serverPid: number, probe: ChromiumProbe): Promise<CpuSnapshot> {
  const snapshot: CpuSnapshot = new Map();
  const add = (prefix: string, threads: Map<string, number>): void => {
    for (const [name, seconds] of threads)
      snapshot.set(`${prefix}: ${name}`, (snapshot.get(`${prefix}: ${name}`) ?? 0) + seconds);
  };
  add('server', threadCpu(serverPid, true));
  for (const process of await probe.processes()) add(process.type, threadCpu(process.pid));
  return snapshot;
}

export interface RunningPhase {
  /** Stops sampling and returns the figures; `seconds` is the caller's measured duration. */
  stop(seconds: number): Promise<PhaseFigures>;
}

export async function watchPhase(serverPid: number, probe: ChromiumProbe): Promise<RunningPhase> {
  const hwmSincePhaseStart = resetPeak(serverPid);
  const startRss = resident(serverPid)?.rss ?? 0;
  let serverPeak = startRss;
  const page: Peaks = { used: 0, backing: 0 };
  const worker: Peaks = { used: 0, backing: 0 };
  const serviceWorker: Peaks = { used: 0, backing: 0 };
  const chromiumRss = new Map<string, number>();
  let processes = await probe.processes();
  const cpuAtStart = await cpuSnapshot(serverPid, probe);

  const serverTimer = setInterval(() => {
    serverPeak = Math.max(serverPeak, resident(serverPid)?.rss ?? 0);
  }, 100);

  let sampling = false;
  let ticks = 0;
  const sampleChromium = async (): Promise<void> => {
    if (sampling) return; // a slow answer must not pile up requests
    sampling = true;
    try {
      // Processes come and go (a renderer for the service worker, say): list them each second.
      if (++ticks % 4 === 0) processes = await probe.processes().catch(() => processes);
      const byType = new Map<string, number>();
      for (const { type, pid } of processes) {
        const rss = resident(pid)?.rss ?? 0;
        byType.set(type, (byType.get(type) ?? 0) + rss);
        const hasWorker = [...threadCpu(pid).keys()].some((name) => name.startsWith('DedicatedWorker'));
        if (type === 'renderer' && hasWorker) byType.set('page renderer', rss);
      }
      for (const [type, rss] of byType) chromiumRss.set(type, Math.max(chromiumRss.get(type) ?? 0, rss));
      const heap = await probe.heap();
      note(page, heap.page);
      note(worker, heap.workers);
      note(serviceWorker, heap.serviceWorker);
    } finally {
      sampling = false;
    }
  };
  await sampleChromium();
  const chromiumTimer = setInterval(() => void sampleChromium(), 250);

  return {
    async stop(seconds) {
      clearInterval(serverTimer);
      clearInterval(chromiumTimer);
      while (sampling) await new Promise((resolve) => setTimeout(resolve, 10));
      await sampleChromium();
      const end = resident(serverPid);
      serverPeak = Math.max(serverPeak, end?.rss ?? 0);
      const cpuAtEnd = await cpuSnapshot(serverPid, probe);
      const cpu = new Map<string, number>();
      for (const [key, total] of cpuAtEnd) {
        const used = total - (cpuAtStart.get(key) ?? 0);
        if (used > 0) cpu.set(key, used);
      }
      return {
        seconds,
        server: { startRss, peakRss: serverPeak, hwm: end?.hwm ?? 0, hwmSincePhaseStart },
        heap: { page, worker, serviceWorker },
        chromiumRss,
        cpu,
      };
    },
  };
}
