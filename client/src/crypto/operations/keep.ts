// The worker's kept keys (docs/protocol.md §29). `keepKeys` seals the unlocked account keys as
// a key bundle (purpose 'session') under K = sessionKeepKey(H, L, user id, session id): H is the
// live session's half from the server, L 32 random bytes made here, stored only encrypted with a
// non-extractable AES-GCM key W. `resumeKept` reverses it after a reload. A missing record,
// another user or session, a W that does not open L, an H that does not open the bundle, or a
// bundle that holds other keys than the published ones: the record is deleted and the page
// shows the unlock page.
import { encodeFields } from '../../../../shared/crypto/encoding.js';
import {
  idFromWire,
  idToWire,
  KEEP_HALF_BYTES,
  openKeyBundle,
  randomBytes,
  sealKeyBundle,
  sessionKeepKey,
  TAG,
  wipe,
  type AccountKeys,
  type Id,
} from '../../../../shared/crypto/index.js';
import type { KeepStore } from '../keep-store';
import type { KEEP_REQUESTS } from '../protocol/keep';
import { startSession } from './accounts';
import { WorkerError } from './errors';
import { key32 } from './keys';
import { lockAll, requireSession, type WorkerState } from './state';
import type { HandlersOf } from './types';

const IV_BYTES = 12;

/** AES-GCM's additional data for the local half: enc("coffer/v1/session-keep", "local-half", userId, sessionId). */
function localHalfAd(userId: Id, sessionId: Id): Uint8Array<ArrayBuffer> {
  return new Uint8Array(encodeFields([TAG.sessionKeep, 'local-half', userId, sessionId]));
}

export function keepOperations(
  state: WorkerState,
  keep: KeepStore | undefined,
): HandlersOf<keyof typeof KEEP_REQUESTS> {
  const store = (): KeepStore => {
    if (keep === undefined) throw new WorkerError('keep_refused');
    return keep;
  };

  return {
    async keepKeys({ half }) {
      const session = requireSession(state);
      const kept = store();
      const sessionId = idFromWire(half.sessionId);
      const serverHalf = key32(half.half);
      const localHalf = new Uint8Array(randomBytes(KEEP_HALF_BYTES));
      const key = sessionKeepKey(serverHalf, localHalf, session.userId, sessionId);
      const bundle = sealKeyBundle(key, session.userId, session.keys, 'session');
      wipe(key);
      wipe(serverHalf);
      try {
        const wrappingKey = await crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, [
          'encrypt',
          'decrypt',
        ]);
        const iv = new Uint8Array(randomBytes(IV_BYTES));
        const wrappedLocalHalf = new Uint8Array(
          await crypto.subtle.encrypt(
            { name: 'AES-GCM', iv, additionalData: localHalfAd(session.userId, sessionId) },
            wrappingKey,
            localHalf,
          ),
        );
        await kept.write({
          userId: idToWire(session.userId),
          sessionId: half.sessionId,
          wrappingKey,
          iv,
          wrappedLocalHalf,
          bundle,
        });
      } finally {
        wipe(localHalf);
      }
      return {};
    },

    async resumeKept({ half, keys: published, office }) {
      const kept = store();
      const refuse = async (): Promise<never> => {
        await kept.forget();
        throw new WorkerError('keep_refused');
      };
      const record = await kept.read();
      if (record === undefined || record.userId !== published.userId || record.sessionId !== half.sessionId)
        return refuse();
      const userId = idFromWire(published.userId);
      const sessionId = idFromWire(half.sessionId);
      let localHalf: Uint8Array;
      try {
        localHalf = new Uint8Array(
          await crypto.subtle.decrypt(
            { name: 'AES-GCM', iv: new Uint8Array(record.iv), additionalData: localHalfAd(userId, sessionId) },
            record.wrappingKey,
            new Uint8Array(record.wrappedLocalHalf),
          ),
        );
      } catch {
        return refuse();
      }
      const key = sessionKeepKey(key32(half.half), localHalf, userId, sessionId);
      wipe(localHalf);
      let keys: AccountKeys;
      try {
        keys = openKeyBundle(key, userId, record.bundle, 'session', {
          identityPublicKey: key32(published.identityPublicKey),
          encryptionPublicKey: key32(published.encryptionPublicKey),
        });
      } catch {
        return refuse();
      } finally {
        wipe(key);
      }
      // A resume starts from nothing, like a sign-in.
      lockAll(state);
      try {
        return startSession(state, userId, keys, published, office);
      } catch (error) {
        await kept.forget();
        throw error;
      }
    },
  };
}
