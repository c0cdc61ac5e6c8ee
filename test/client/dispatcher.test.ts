// The crypto worker's dispatcher (client/src/crypto/operations/dispatcher.ts): what the page
// hears for each call — a refused request, an answer, progress, a failure's code — and that
// `cancel` stops one call while `lock` stops every running one.
import { describe, expect, it } from 'vitest';
import type { Handlers } from '../../client/src/crypto/operations';
import { createDispatcher } from '../../client/src/crypto/operations/dispatcher';
import { WorkerError } from '../../client/src/crypto/operations/errors';
import type { WorkerMessage } from '../../client/src/crypto/protocol';

/** A handler that runs until its call's signal fires, then fails as a cancelled transfer would. */
const untilAborted = (_request: unknown, _report: unknown, context: { signal: AbortSignal }) =>
  new Promise((_resolve, reject) => {
    context.signal.addEventListener('abort', () => reject(new WorkerError('cancelled')), { once: true });
  });

function dispatcherWith(handlers: Partial<Record<keyof Handlers, unknown>>) {
  const posted: WorkerMessage[] = [];
  const dispatcher = createDispatcher(handlers as unknown as Handlers, (message) => posted.push(message));
  return { dispatcher, posted };
}

describe('the worker dispatcher', () => {
  it('refuses a request its schema does not accept, without running the handler', async () => {
    let ran = false;
    const { dispatcher, posted } = dispatcherWith({ fingerprint: () => (ran = true) });
    await dispatcher.call({ type: 'call', id: 7, op: 'fingerprint', request: { kind: 'identity' } });
    expect(ran).toBe(false);
    expect(posted).toEqual([{ type: 'error', id: 7, code: 'bad_request' }]);
  });

  it('posts progress, then the answer, under the call’s id; a failure by its code only', async () => {
    const { dispatcher, posted } = dispatcherWith({
      deriveAuthKey: (_request: unknown, report: (stage: string) => void) => {
        report('password');
        return { authKey: 'key' };
      },
      lock: () => {
        throw new Error('an internal detail that must not reach the page');
      },
    });
    const kdf = { algorithm: 'argon2id13', salt: 'A'.repeat(22), opsLimit: 3, memLimit: 65536 };
    await dispatcher.call({ type: 'call', id: 1, op: 'deriveAuthKey', request: { password: 'p', kdf } });
    await dispatcher.call({ type: 'call', id: 2, op: 'lock', request: {} });
    expect(posted).toEqual([
      { type: 'progress', id: 1, stage: 'password' },
      { type: 'done', id: 1, answer: { authKey: 'key' } },
      { type: 'error', id: 2, code: 'internal' },
    ]);
  });

  it('cancels one call by its id, and lock stops every running call', async () => {
    const { dispatcher, posted } = dispatcherWith({ forgetShare: untilAborted, lock: () => ({}) });
    const shareId = 'A'.repeat(22);
    const first = dispatcher.call({ type: 'call', id: 1, op: 'forgetShare', request: { shareId } });
    const second = dispatcher.call({ type: 'call', id: 2, op: 'forgetShare', request: { shareId } });
    const third = dispatcher.call({ type: 'call', id: 3, op: 'forgetShare', request: { shareId } });
    dispatcher.cancel(2);
    await second;
    expect(posted).toEqual([{ type: 'error', id: 2, code: 'cancelled' }]);
    await dispatcher.call({ type: 'call', id: 4, op: 'lock', request: {} });
    await Promise.all([first, third]);
    expect(posted.slice(1)).toEqual(
      expect.arrayContaining([
        { type: 'done', id: 4, answer: {} },
        { type: 'error', id: 1, code: 'cancelled' },
        { type: 'error', id: 3, code: 'cancelled' },
      ]),
    );
    expect(posted).toHaveLength(4);
  });
});
