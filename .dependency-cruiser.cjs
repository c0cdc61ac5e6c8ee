// The layering of Coffer's code, checked by `npm run lint` (depcruise server client shared scripts).
// docs/architecture.md describes the layers; in short:
//
//   shared/          wire schemas and cryptography, used by server and client; no Node, no DOM
//   server/kernel/   what several capabilities stand on: http, db, audit, mail, rate limits, blobs,
//                    resumable uploads, accounts and sessions, download streaming, e-mail codes
//   server/<name>/   one capability each (auth, users, shares, drops, …): imports the kernel,
//                    shared/ and its own files, never another capability
//   server/*.ts      the composition: config → services (compose.ts) → routes → app, main, cli;
//   server/jobs/     with the jobs, which sweep across capabilities through what compose.ts passes in
//   client/          the browser; talks to the server over HTTP only
//   cli/             the command-line client: HTTP only, shared/ and the browser's crypto operations
// eslint-disable-next-line @typescript-eslint/no-require-imports -- a CommonJS config reads package.json this way
const { devDependencies } = require('./package.json');

/** The development-only packages, as a path pattern: installed (`…node_modules/<name>/…`) or, if unresolved, as imported. */
const DEV_NAMES = Object.keys(devDependencies)
  .map((name) => name.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&'))
  .join('|');
const DEV_PACKAGES = `(^|/)node_modules/(${DEV_NAMES})/|^(${DEV_NAMES})(/|$)`;

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'capability-to-capability',
      comment:
        'A capability folder under server/ imports the kernel, shared/ and its own files. What two ' +
        'capabilities need goes down into server/kernel/, or the one that needs it declares a small ' +
        'interface and server/compose.ts passes the implementation in.',
      severity: 'error',
      from: { path: '^server/([^/]+)/', pathNot: '^server/(kernel|jobs)/' },
      to: { path: '^server/[^/]+/', pathNot: ['^server/$1/', '^server/kernel/'] },
    },
    {
      name: 'capability-to-composition',
      comment:
        'Capabilities and the kernel are given their dependencies; they never reach up into the composition (server/*.ts).',
      severity: 'error',
      from: { path: '^server/[^/]+/' },
      to: { path: '^server/[^/]+\\.ts$' },
    },
    {
      name: 'kernel-to-capability',
      comment: 'The kernel is the bottom layer of the server: it imports only itself and shared/.',
      severity: 'error',
      from: { path: '^server/kernel/' },
      to: { path: '^server/', pathNot: '^server/kernel/' },
    },
    {
      name: 'jobs-are-leaves',
      comment: 'Only the composition (server/*.ts) starts jobs; no capability or kernel module imports them.',
      severity: 'error',
      from: { path: '^server/', pathNot: ['^server/[^/]+\\.ts$', '^server/jobs/'] },
      to: { path: '^server/jobs/' },
    },
    {
      name: 'shared-stands-alone',
      comment: 'shared/ runs in the browser and in Node: it imports neither the server nor the client.',
      severity: 'error',
      from: { path: '^shared/' },
      to: { path: '^(server|client|scripts|test)/' },
    },
    {
      name: 'shared-has-no-node',
      comment: 'shared/ is also bundled for the browser: no Node built-ins (node:crypto, node:fs, …).',
      severity: 'error',
      from: { path: '^shared/' },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'client-not-to-server',
      comment: 'The browser client reaches the server over HTTP only; shared/wire holds what both sides agree on.',
      severity: 'error',
      from: { path: '^client/' },
      to: { path: '^(server|scripts)/' },
    },
    {
      name: 'server-not-to-client',
      comment: 'The server never imports browser code.',
      severity: 'error',
      from: { path: '^(server|shared)/' },
      to: { path: '^client/' },
    },
    {
      name: 'cli-stands-on-shared-and-the-crypto-worker',
      comment:
        'The command-line client (cli/) talks to the server over HTTP only, and reuses shared/ and the ' +
        "browser's pure crypto operations, worker protocol and transfer engines; never the server, " +
        'the pages, or the worker glue that needs a browser (worker.ts, engine.ts, keep-store.ts, browser-transport.ts).',
      severity: 'error',
      from: { path: '^cli/' },
      to: {
        path: '^(server|scripts|test|client)/',
        pathNot: [
          '^client/src/crypto/(operations|protocol)/',
          '^client/src/crypto/(protocol|transport|upload|download|rate)\\.ts$',
        ],
      },
    },
    {
      name: 'cli-runs-without-dev-dependencies',
      comment:
        '`coffer` must work after `npm install --omit=dev` (docs/integration.md): nothing the command-line ' +
        'client reaches, directly or through shared/ and the crypto operations, may be a devDependency.',
      severity: 'error',
      from: { path: '^cli/' },
      to: { path: DEV_PACKAGES, reachable: true },
    },
    {
      name: 'not-to-test',
      comment: 'Product code does not import test helpers (the benchmark scripts may: they drive a test server).',
      severity: 'error',
      from: { path: '^(server|client|shared|cli)/' },
      to: { path: '^test/' },
    },
    {
      name: 'no-circular',
      comment: 'A cycle makes import order matter and layers meaningless.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'not-to-unresolvable',
      comment: 'Every import resolves to a file or an installed package.',
      severity: 'error',
      from: {},
      // vite 8's package and tsx's register API are the ones dependency-cruiser's resolver does not
      // find, though Node and tsc do (scripts/bench/ceiling.ts builds a page with vite; cli/coffer.mjs
      // runs the command-line client through tsx); everything else must resolve.
      to: { couldNotResolve: true, pathNot: '^(vite|tsx/esm/api)$' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // Installed packages stay in the graph as leaves (doNotFollow), so a rule can name them; a
    // package's own dist/ folder is not the build output.
    exclude: { path: '^dist/' },
    // NodeNext specifiers say `./x.js` for `./x.ts`: the tsconfigs teach the resolver that.
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: {
      extensions: ['.ts', '.tsx', '.js', '.mjs', '.json'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
    },
  },
};
