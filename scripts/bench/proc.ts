// What Linux says about a process, read from /proc: its resident memory now and at its peak,
// and the CPU time each of its threads has used, by thread name. The benchmark reads these
// for the server it started and for Chromium's processes, never signals anything.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';

export interface Resident {
  /** VmRSS, bytes. */
  readonly rss: number;
  /** VmHWM (the peak of VmRSS since start or the last reset), bytes. */
  readonly hwm: number;
}

/** VmRSS and VmHWM of `pid`, or null once the process is gone. */
export function resident(pid: number): Resident | null {
  let status: string;
  try {
    status = readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return null;
  }
  const kib = (field: string): number =>
    Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0) * 1024;
  return { rss: kib('VmRSS'), hwm: kib('VmHWM') };
}

/**
 * Resets VmHWM to the current RSS (writing 5 to clear_refs, Linux ≥ 4.0), so the next reading
 * is the peak of one phase alone. False where the kernel or permissions do not allow it.
 */
export function resetPeak(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

const TICKS_PER_SECOND = 100; // USER_HZ on every Linux this runs on

/**
 * CPU seconds (user + system) per thread name of `pid`. Chromium names its threads
 * (CrRendererMain, DedicatedWorker thread, ServiceWorker thread, ThreadPoolForegroundWorker,
 * …), which is how the time of a phase splits between the page, the crypto worker, the
 * service worker and the network stack; each dedicated worker is listed with its thread id,
 * as the crypto worker and the hash worker share a name. Node names every thread "node"; with `splitMain`, the
 * main thread (JavaScript, and here the upload hash) is told from the others (the thread pool's
 * file writes and fsyncs, V8's concurrent garbage collection) by a suffix.
 */
export function threadCpu(pid: number, splitMain = false): Map<string, number> {
  const byName = new Map<string, number>();
  let tasks: string[];
  try {
    tasks = readdirSync(`/proc/${pid}/task`);
  } catch {
    return byName;
  }
  for (const task of tasks) {
    let stat: string;
    try {
      stat = readFileSync(`/proc/${pid}/task/${task}/stat`, 'utf8');
    } catch {
      continue; // the thread ended between the listing and the read
    }
    // "tid (comm) state ppid …": comm may hold spaces and parentheses, so split at the last ")".
    const open = stat.indexOf('(');
    const close = stat.lastIndexOf(')');
    const comm = stat
      .slice(open + 1, close)
      .replace(/\d+$/, '')
      .trim();
    // Workers are told apart (the crypto worker from the hash worker), pools are not.
    const name = splitMain
      ? `${comm} (${task === String(pid) ? 'main thread' : 'other threads'})`
      : comm.startsWith('DedicatedWorker')
        ? `${comm} ${task}`
        : comm;
    const fields = stat.slice(close + 2).split(' ');
    const seconds = (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND; // utime, stime
    byName.set(name, (byName.get(name) ?? 0) + seconds);
  }
  return byName;
}
