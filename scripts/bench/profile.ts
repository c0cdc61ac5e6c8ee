// Summaries of V8 CPU profiles (the Profiler domain's format, as Chrome's DevTools saves a
// .cpuprofile): self time per function, the busiest first, and the share spent idle or in
// garbage collection. For BENCH_PROFILE, to see where a slow phase's time goes.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ChromiumProbe } from './probe.js';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
  readonly hitCount?: number;
}

interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly samples?: readonly number[];
  readonly timeDeltas?: readonly number[];
  readonly startTime: number;
  readonly endTime: number;
}

/** The `top` functions by self time, as lines "ms  %  name (file:line)". */
function selfTimes(profile: CpuProfile, top = 12): string[] {
  const byNode = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfMicros = new Map<string, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  for (let i = 0; i < samples.length; i++) {
    const node = byNode.get(samples[i] as number);
    if (!node) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    const file = url.slice(url.lastIndexOf('/') + 1);
    const key = `${functionName || '(anonymous)'}${file ? ` (${file}:${lineNumber + 1})` : ''}`;
    // A sample's time is the gap to the next one.
    selfMicros.set(key, (selfMicros.get(key) ?? 0) + (deltas[i + 1] ?? 0));
  }
  const total = profile.endTime - profile.startTime;
  return [...selfMicros.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(
      ([name, micros]) =>
        `${(micros / 1000).toFixed(0).padStart(7)} ms ${((micros / total) * 100).toFixed(1).padStart(5)} %  ${name}`,
    );
}

/** Starts profiling a phase; the result stops it. */
export type PhaseProfiler = (probe: ChromiumProbe, label: string) => Promise<() => Promise<void>>;

/**
 * Profiles phases when `dir` is set (BENCH_PROFILE): saves each target's .cpuprofile there
 * and adds its busiest functions to `notes`. Without a folder it does nothing.
 */
export function phaseProfiler(dir: string | undefined, notes: string[]): PhaseProfiler {
  return async (probe, label) => {
    if (dir === undefined) return async () => {};
    const stop = await probe.profile();
    return async () => {
      await mkdir(dir, { recursive: true });
      for (const [target, profile] of await stop()) {
        const file = join(dir, `${label}-${target}.cpuprofile`);
        await writeFile(file, JSON.stringify(profile));
        notes.push(`${label}, ${target} (${file}):\n    ${selfTimes(profile as CpuProfile).join('\n    ')}`);
      }
    };
  };
}
