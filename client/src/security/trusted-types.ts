// Coffer's one Trusted Types policy. The production CSP says
// `require-trusted-types-for 'script'; trusted-types coffer`: script URLs (the crypto
// worker's, and the download service worker's) must pass through this policy, and no other
// policy may exist. There is
// deliberately no createHTML: the app never writes HTML strings into the DOM.
//
// TypeScript's DOM library has no Trusted Types declarations yet, so the few shapes used
// here are declared locally.

/** An opaque script URL that the browser accepts at Trusted Types sinks such as `new Worker`. */
export interface TrustedScriptURL {
  readonly __trustedScriptURL: never;
}

interface CofferPolicy {
  createScriptURL(input: string): TrustedScriptURL;
}

interface TrustedTypePolicyFactory {
  createPolicy(name: string, rules: { createScriptURL: (input: string) => string }): CofferPolicy;
}

const POLICY_NAME = 'coffer';

/** Built files live under /assets/ (vite.config.ts); nothing else may be loaded as script. */
const SCRIPT_PATH_PREFIX = '/assets/';
/** The one script outside /assets/: the download service worker, at a fixed path (client/src/sw/). */
const SERVICE_WORKER_PATH = '/sw.js';

let policy: CofferPolicy | null | undefined;

function cofferPolicy(): CofferPolicy | null {
  if (policy !== undefined) return policy;
  const factory = (globalThis as { trustedTypes?: TrustedTypePolicyFactory }).trustedTypes;
  policy = factory ? factory.createPolicy(POLICY_NAME, { createScriptURL: checkScriptURL }) : null;
  return policy;
}

/**
 * The policy's rule: a same-origin URL under /assets/, or exactly /sw.js (no query, no
 * fragment), returned in its resolved form. Throws for anything else. The dev server serves
 * modules from /src/, so there (and only there: `import.meta.env.DEV` is false in every
 * build) any same-origin path is accepted.
 */
function checkScriptURL(input: string): string {
  const url = new URL(input, location.href);
  const underAssets = url.pathname.startsWith(SCRIPT_PATH_PREFIX);
  const serviceWorker = url.pathname === SERVICE_WORKER_PATH && url.search === '' && url.hash === '';
  if (url.origin !== location.origin || !(underAssets || serviceWorker || import.meta.env.DEV)) {
    throw new TypeError('Coffer refuses to load a script from outside its own assets');
  }
  return url.href;
}

/**
 * A script URL for `new Worker(…)` or `navigator.serviceWorker.register(…)`: a
 * TrustedScriptURL where the browser has Trusted Types, otherwise the checked URL string.
 */
export function trustedScriptURL(input: string): TrustedScriptURL | string {
  const cofferPolicyOrNull = cofferPolicy();
  return cofferPolicyOrNull ? cofferPolicyOrNull.createScriptURL(input) : checkScriptURL(input);
}
