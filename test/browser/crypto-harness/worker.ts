// The suite inside a module Worker, where Coffer's real encryption runs.
import { runSuite } from './run.js';

const scope = self as unknown as { postMessage(message: unknown): void };
runSuite().then(
  (report) => scope.postMessage({ type: 'report', report }),
  (error: unknown) => scope.postMessage({ type: 'crashed', error: String(error) }),
);
