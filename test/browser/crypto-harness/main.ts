// The browser side of the crypto suite: served by createApp with the production headers
// (CSP with Trusted Types), it runs every case on the page, then in a Worker started through
// Coffer's own Trusted Types policy, and leaves both reports on `window.__cofferCrypto`.
import { trustedScriptURL } from '../../../client/src/security/trusted-types.js';
import { runSuite, type SuiteReport } from './run.js';
import workerUrl from './worker.ts?worker&url';

interface Outcome {
  page?: SuiteReport;
  worker?: SuiteReport;
  crashed?: string;
  done: boolean;
}

const outcome: Outcome = { done: false };
(window as unknown as { __cofferCrypto: Outcome }).__cofferCrypto = outcome;
const status = document.getElementById('status') as HTMLElement;

function inWorker(): Promise<SuiteReport> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(trustedScriptURL(workerUrl) as string, { type: 'module' });
    worker.addEventListener(
      'message',
      (event: MessageEvent<{ type: string; report?: SuiteReport; error?: string }>) => {
        worker.terminate();
        if (event.data.type === 'report' && event.data.report) resolve(event.data.report);
        else reject(new Error(event.data.error ?? 'worker crashed'));
      },
    );
    worker.addEventListener('error', () => reject(new Error('worker failed to start')));
  });
}

async function main(): Promise<void> {
  try {
    status.textContent = 'running on the page';
    outcome.page = await runSuite();
    status.textContent = 'running in a worker';
    outcome.worker = await inWorker();
  } catch (error) {
    outcome.crashed = String(error);
  }
  const all = [...(outcome.page?.results ?? []), ...(outcome.worker?.results ?? [])];
  status.textContent = outcome.crashed ?? `${all.filter((r) => r.ok).length} of ${all.length} passed`;
  outcome.done = true;
}

void main();
