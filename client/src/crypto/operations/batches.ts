// The worker's batch operations (docs/protocol.md §14a): sealing a batch plan under the user's
// personal key and opening it again on resume. The plan holds file names and messages, so it
// is made and read only here; the server stores the envelope and cannot make or change one.
import {
  fromBase64Url,
  idFromWire,
  openBatchPlan,
  sealBatchPlan,
  toBase64Url,
} from '../../../../shared/crypto/index.js';
import type { BATCH_REQUESTS } from '../protocol/batches';
import { checked } from './errors';
import { requireSession, type WorkerState } from './state';
import type { HandlersOf } from './types';

export function batchOperations(state: WorkerState): HandlersOf<keyof typeof BATCH_REQUESTS> {
  return {
    sealBatchPlan(request) {
      const session = requireSession(state);
      const envelope = sealBatchPlan(
        { batchId: idFromWire(request.batchId), userId: session.userId, items: request.items },
        session.keys.personalKey,
      );
      return { sealedPlan: toBase64Url(envelope) };
    },
    openBatchPlan(request) {
      const session = requireSession(state);
      const plan = checked('plan_invalid', () =>
        openBatchPlan(fromBase64Url(request.sealedPlan), session.keys.personalKey, {
          batchId: idFromWire(request.batchId),
          userId: session.userId,
        }),
      );
      return { items: plan.items };
    },
  };
}
