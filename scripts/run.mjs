// `npm start` and `npm run coffer -- <command>`: builds what is missing or older than its
// sources (the browser client into dist/client, the server into dist/server), then runs the
// compiled server or command line. In the production image the sources are not there and
// dist/ is used as it is.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const [what, ...args] = process.argv.slice(2);
const entries = { start: 'main', cli: 'cli' };
const name = entries[what];
if (name === undefined) {
  console.error('Usage: node scripts/run.mjs start | cli <command>');
  process.exit(2);
}

const builds = [
  {
    script: 'build:client',
    output: 'dist/client/index.html',
    sources: ['client', 'shared', 'vite.config.ts', 'scripts/precompress.ts', 'package-lock.json'],
  },
  {
    script: 'build:server',
    output: `dist/server/server/${name}.js`,
    sources: ['server', 'shared', 'tsconfig.server.json', 'tsconfig.base.json', 'package-lock.json'],
  },
];

/** Newest modification time under the given paths (0 when none exists, as in the image). */
function newestSource(paths) {
  let newest = 0;
  const visit = (path) => {
    if (!existsSync(path)) return;
    const info = statSync(path);
    if (info.isDirectory()) {
      for (const entry of readdirSync(path)) visit(`${path}/${entry}`);
    } else {
      newest = Math.max(newest, info.mtimeMs);
    }
  };
  for (const path of paths) visit(`${root}${path}`);
  return newest;
}

for (const build of builds) {
  const output = `${root}${build.output}`;
  const sources = newestSource(build.sources);
  const stale = !existsSync(output) || (sources > 0 && sources > statSync(output).mtimeMs);
  if (!stale) continue;
  if (sources === 0) {
    console.error(`Coffer is not built (${build.output} is missing) and its sources are not here to build it.`);
    process.exit(1);
  }
  console.log(`Building (${build.script}) …`);
  const result = spawnSync('npm', ['run', '--silent', build.script], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) {
    console.error(`The build failed (npm run ${build.script}); Coffer was not started.`);
    process.exit(1);
  }
}

const entry = await import(new URL(`../dist/server/server/${name}.js`, import.meta.url).href);
if (name === 'main') {
  await entry.main(process.env);
} else {
  try {
    process.exitCode = await entry.runCli(args, process.env);
  } catch (error) {
    console.error(`coffer: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`);
    process.exitCode = 1;
  }
}
