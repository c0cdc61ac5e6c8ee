// A latency prober for scripts/bench-uploads-burst.ts, run as a process of its own so the
// load it measures does not delay it: GETs each path given on the command line in turn,
// every PROBE_EVERY_MS (after the previous answer), until SIGTERM; prints "probing" once
// started, then one line per answer: "<path> <ms>" or "<path> failed".
import { performance } from 'node:perf_hooks';

const base = process.env['PROBE_BASE'] ?? '';
const every = Number(process.env['PROBE_EVERY_MS'] ?? 100);
let running = true;
process.on('SIGTERM', () => {
  running = false;
});

async function probe(path: string): Promise<void> {
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
}

console.log('probing');
await Promise.all(process.argv.slice(2).map(probe));
