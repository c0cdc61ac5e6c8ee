#!/usr/bin/env node
// The `coffer` command (package.json "bin"): runs cli/main.ts through tsx, an optional dependency
// (installed by `npm install`, also with --omit=dev; the server's image omits it with
// --omit=optional; .dependency-cruiser.cjs fails the lint if anything the client reaches is a
// devDependency), so a fresh clone needs no build step. The operator's server tool stays `npm run coffer`.
import { register } from 'tsx/esm/api';

register();
const { runCoffer } = await import('./main.ts');
process.exitCode = await runCoffer(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
  env: process.env,
  // Only `watch` asks: it then ends cleanly on Ctrl+C or a service manager's stop; every other
  // command keeps the default (ended at once; a pull's partial file is removed by the next pull).
  stopSignal: () => {
    const stop = new AbortController();
    for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => stop.abort());
    return stop.signal;
  },
});
