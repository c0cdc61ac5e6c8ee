// The crypto worker's operations: one handler per protocol operation, grouped by area around
// one explicit `WorkerState` (state.ts) that holds everything kept between calls. They run
// only inside the worker (dispatcher.ts hands them its messages); tests call them directly.
//
//   accounts.ts   sign-up, sign-in and unlock, password change, recovery, lock
//   keep.ts       the keys kept in this browser for the session, and opening them after a reload
//   office.ts     the office keys, approving and certifying members and clients
//   pins.ts       fingerprints, key checks against certificates and pins
//   sending.ts    uploading files, sealing a share, showing a guest's link again
//   receiving.ts  opening shares (account, guest, sent) and downloading their files
//   drops.ts      drop links: making, opening, uploading to, checking uploads
//   batches.ts    sealing and opening a batch plan
import { systemClock } from '../transport';
import { accountOperations } from './accounts';
import { batchOperations } from './batches';
import { dropOperations } from './drops';
import { keepOperations } from './keep';
import { WorkerError } from './errors';
import { officeOperations } from './office';
import { pinOperations } from './pins';
import { receivingOperations } from './receiving';
import { sendingOperations } from './sending';
import { createWorkerState } from './state';
import type { Handlers, WorkerDeps } from './types';

export { errorCode } from './errors';
export type { CallContext, Handlers } from './types';

/**
 * A worker's operations over a new, empty state. A factory rather than module state, so each
 * worker (and each test) has its own. `deps` is needed only for file transfers; worker.ts
 * passes the browser's.
 */
export function createOperations(deps: WorkerDeps = { transport: missingTransport(), clock: systemClock }): Handlers {
  const state = createWorkerState();
  return {
    ...accountOperations(state),
    ...keepOperations(state, deps.keep),
    ...officeOperations(state),
    ...pinOperations(state),
    ...sendingOperations(state, deps),
    ...receivingOperations(state, deps),
    ...dropOperations(state, deps),
    ...batchOperations(state),
  };
}

/** For tests of the account operations, which transfer nothing. */
function missingTransport(): WorkerDeps['transport'] {
  const refuse = (): never => {
    throw new WorkerError('internal');
  };
  return {
    createUpload: refuse,
    putPart: refuse,
    uploadStatus: refuse,
    completeUpload: refuse,
    deleteUpload: refuse,
    fetchContainer: refuse,
  };
}
