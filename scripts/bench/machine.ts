// The machine the figures come from: its cores and how busy it was when the run started. On a
// machine that is already busy, every figure is lower than it would be, and two runs cannot
// be compared; the benchmark says so loudly rather than print figures that look normal.
import { readFileSync } from 'node:fs';
import { availableParallelism, cpus, totalmem } from 'node:os';

export interface Machine {
  readonly cores: number;
  readonly cpuModel: string;
  readonly memoryBytes: number;
  /** /proc/loadavg: 1, 5 and 15 minutes. */
  readonly load: readonly [number, number, number];
  /** The 1-minute load per core was above BUSY_LOAD_PER_CORE. */
  readonly busy: boolean;
}

/** Above this 1-minute load per core, other work competes with the benchmark for the CPU. */
const BUSY_LOAD_PER_CORE = 0.5;

export function readMachine(): Machine {
  const [one = 0, five = 0, fifteen = 0] = readFileSync('/proc/loadavg', 'utf8').split(' ').map(Number);
  const cores = availableParallelism();
  return {
    cores,
    cpuModel: cpus()[0]?.model.trim() ?? 'unknown CPU',
    memoryBytes: totalmem(),
    load: [one, five, fifteen],
    busy: one / cores > BUSY_LOAD_PER_CORE,
  };
}

export function describeMachine(machine: Machine): string {
  const [one, five, fifteen] = machine.load.map((l) => l.toFixed(2));
  return `${machine.cores} cores (${machine.cpuModel}), ${(machine.memoryBytes / 2 ** 30).toFixed(1)} GiB, load ${one} / ${five} / ${fifteen} (1 / 5 / 15 min)`;
}

/** The warning for a busy machine, or null. */
export function loadWarning(machine: Machine): string | null {
  if (!machine.busy) return null;
  const perCore = (machine.load[0] / machine.cores).toFixed(2);
  const bar = '!'.repeat(78);
  return [
    bar,
    `!! THE MACHINE IS BUSY: 1-minute load ${machine.load[0].toFixed(2)} on ${machine.cores} cores = ${perCore} per core`,
    `!! (above ${BUSY_LOAD_PER_CORE}). Other work competes for the CPU: these figures are low and NOT comparable`,
    '!! with other runs. Run again on an idle machine for figures to quote.',
    bar,
  ].join('\n');
}
