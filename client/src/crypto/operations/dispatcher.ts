// The crypto worker's dispatcher: takes the page's messages (protocol.ts), checks each call's
// request with its schema, runs its handler with a progress reporter and a cancellable signal,
// and posts the answer or the failure's code. Calls run concurrently (transfers take minutes);
// `cancel` stops one by its id, and `lock` stops them all before the keys are wiped.
import { REQUESTS, type PageMessage, type WorkerMessage } from '../protocol';
import { errorCode } from './errors';
import type { CallContext, Handlers, Report } from './types';

type Call = Extract<PageMessage, { type: 'call' }>;

export interface Dispatcher {
  /** Runs one call to its end; never rejects (a failure is posted as `error`). */
  call(message: Call): Promise<void>;
  /** Stops the call with this id, if it is still running. */
  cancel(id: number): void;
}

export function createDispatcher(operations: Handlers, post: (message: WorkerMessage) => void): Dispatcher {
  /** Calls still running, by id, so `cancel` and `lock` can stop them. */
  const running = new Map<number, AbortController>();

  return {
    async call({ id, op, request }) {
      const parsed = REQUESTS[op].safeParse(request);
      if (!parsed.success) {
        post({ type: 'error', id, code: 'bad_request' });
        return;
      }
      if (op === 'lock') for (const controller of running.values()) controller.abort();
      const controller = new AbortController();
      running.set(id, controller);
      const report: Report = (stage) => post({ type: 'progress', id, stage });
      const context: CallContext = {
        signal: controller.signal,
        transfer: (progress) => post({ type: 'transfer', id, progress }),
      };
      try {
        // The schema of `op` checked the request, so it is that handler's request.
        const handler = operations[op] as (request: unknown, report: Report, context: CallContext) => unknown;
        const answer = await handler(parsed.data, report, context);
        post({ type: 'done', id, answer });
      } catch (error) {
        post({ type: 'error', id, code: errorCode(error) });
      } finally {
        running.delete(id);
      }
    },

    cancel(id) {
      running.get(id)?.abort();
    },
  };
}
