// The signed-in state of this tab. The server's session lives in an HttpOnly cookie the page
// cannot see; this store asks the server (GET /api/v1/session) and pairs the answer with
// what the crypto worker holds:
//
//   checking → signed-out            no session (or it ended: `ended` says so, for the notice)
//            → locked                a live session, but the keys are not in the worker
//            → unlocked              keys opened in the worker; fingerprints known
//
// After an unlock the worker keeps the keys in this browser for the life of the session
// (docs/protocol.md §29): on a reload, or a link into the app in a new tab, the first check
// opens them again with the session's half from the server and goes straight to `unlocked`.
// What was kept is deleted on sign-out, on `lock`, when the session has ended (any 401), when
// another account signs in, and whenever it fails to open; then the password unlocks again.
//
// While signed in it asks again every 10 seconds and when the tab regains focus; a 401
// `signed_out` from that or any other call locks the worker at once and shows the notice.
//
// Public pages (home, setup, invitation, recovery, sign-in) never ask: for a visitor without
// a session the answer is a 401, which browsers log as an error on every page load. The
// signed-in pages ask (`check`), and the sign-in steps report their session (`adopt`).
import { ApiError, onSignedOut } from '../api/http';
import {
  getKeepHalf,
  getMyKeys,
  getSession,
  logout,
  makeKeepHalf,
  type SessionInfo,
  type SignedIn,
} from '../api/accounts';
import { getOfficeKeys } from '../api/sharing';
import type { CallOptions, CryptoEngine } from '../crypto/engine';
import { indexedDbKeepStore, type KeepStore } from '../crypto/keep-store';
import type { RequestOf, WorkerErrorCode } from '../crypto/protocol';

type OfficeRefRequest = RequestOf<'unlock'>['office'];

const POLL_INTERVAL_MS = 10_000;

export interface UnlockedKeys {
  readonly fingerprint: string;
  readonly officeFingerprint: string;
  /** The office keys opened: the member is approved. */
  readonly officeKeys: boolean;
}

export type SessionState =
  | { readonly kind: 'checking' }
  | { readonly kind: 'signed-out'; readonly ended: boolean }
  | { readonly kind: 'locked'; readonly info: SessionInfo; readonly problem?: WorkerErrorCode | 'engine_failed' }
  | { readonly kind: 'unlocked'; readonly info: SessionInfo; readonly keys: UnlockedKeys };

export interface SessionStore {
  readonly state: SessionState;
  subscribe(listener: (state: SessionState) => void): () => void;
  /** Starts polling (while signed in) and listening for sign-outs; returns the function that stops it. */
  start(): () => void;
  /** Asks the server once, if nobody has yet (state `checking`). */
  check(): void;
  /** Asks the server whether the session is still there (and refreshes the user's details). */
  refresh(): Promise<void>;
  /**
   * After a step that signed in while the worker holds the new key-encryption key (sign-in,
   * setup, invitation, recovery): unlock the keys it released. Rejects with EngineError if
   * they do not open or check out; the state is then `locked` with the problem.
   */
  adopt(signedIn: SignedIn): Promise<void>;
  /** After a reload: the password, the keys from GET /api/v1/me/keys, and unlock. */
  unlock(password: string, options?: CallOptions): Promise<void>;
  /** Forgets the keys (in the worker and what this browser kept) but keeps the session: the unlock page shows. */
  lock(): Promise<void>;
  /**
   * After a password change, which destroys this session's half on the server: keeps the keys
   * again under a new half, so the next reload still opens them. Never rejects.
   */
  keepAgain(): Promise<void>;
  signOut(): Promise<void>;
}

export function createSessionStore(engine: CryptoEngine, kept: KeepStore = indexedDbKeepStore): SessionStore {
  let state: SessionState = { kind: 'checking' };
  const listeners = new Set<(state: SessionState) => void>();
  let refreshing: Promise<void> | null = null;

  const set = (next: SessionState): void => {
    state = next;
    for (const listener of listeners) listener(state);
  };

  const signedIn = (): boolean => state.kind === 'locked' || state.kind === 'unlocked';

  /** The session ended elsewhere (or expired, or the account was disabled). */
  const ended = (): void => {
    void kept.forget();
    if (!signedIn()) return;
    void engine.lock();
    set({ kind: 'signed-out', ended: true });
  };

  const withInfo = (info: SessionInfo): void => {
    if (state.kind === 'unlocked' && state.info.me.userId === info.me.userId) {
      set({ kind: 'unlocked', info, keys: state.keys });
      // An admin approved this member while they were signed in: pick up the office keys.
      // (A client is certified but never holds the office keys: nothing to pick up.)
      if (!state.keys.officeKeys && info.me.approval === 'approved' && info.me.role !== 'client') void openOffice(info);
    } else if (state.kind === 'unlocked') {
      // Another account signed in in another tab: these keys are not that account's.
      void forgetKeptOfOthers(info.me.userId);
      void engine.lock();
      set({ kind: 'locked', info });
    } else {
      set({ kind: 'locked', info });
    }
  };

  /**
   * The office as the worker needs it: with sealed office keys, also the office encryption key
   * and the signing key's statement about it, which the worker requires the sealed keys to match.
   */
  const officeFor = async (info: SessionInfo, keys: SignedIn['keys']): Promise<OfficeRefRequest> => {
    if (keys.sealedOfficeKeys === undefined) return info.office;
    const { encryptionPublicKey, encryptionKeyStatement } = await getOfficeKeys();
    return { ...info.office, encryptionPublicKey, encryptionKeyStatement };
  };

  const openOffice = async (info: SessionInfo): Promise<void> => {
    try {
      const keys = await getMyKeys();
      const opened = await engine.call('openOffice', { keys, office: await officeFor(info, keys) });
      if (state.kind === 'unlocked' && state.info.me.userId === info.me.userId)
        set({ kind: 'unlocked', info: state.info, keys: opened });
    } catch {
      // Tried again at the next poll.
    }
  };

  /** Deletes what this browser kept, unless it is `userId`'s (another tab may have just kept its own). */
  const forgetKeptOfOthers = async (userId: string): Promise<void> => {
    const record = await kept.read();
    if (record !== undefined && record.userId !== userId) await kept.forget();
  };

  /** After an unlock: keeps the keys for this session. If that fails, the next reload asks for the password. */
  const keepKeys = async (): Promise<void> => {
    try {
      await engine.call('keepKeys', { half: await makeKeepHalf() });
    } catch {
      await kept.forget();
    }
  };

  /** The first check of a page: opens what this browser kept for the session, if anything. */
  const resume = async (info: SessionInfo): Promise<boolean> => {
    const record = await kept.read();
    if (record === undefined) return false;
    if (record.userId !== info.me.userId) {
      await kept.forget();
      return false;
    }
    try {
      const [half, keys] = await Promise.all([getKeepHalf(), getMyKeys()]);
      const opened = await engine.call('resumeKept', { half, keys, office: await officeFor(info, keys) });
      set({ kind: 'unlocked', info, keys: opened });
      return true;
    } catch {
      // The half is gone (another session, a password change), or what was kept did not open:
      // nothing is kept any more, and the unlock page asks for the password.
      await kept.forget();
      return false;
    }
  };

  const refresh = (): Promise<void> => {
    refreshing ??= getSession()
      .then(
        async (info) => {
          if (state.kind === 'checking' && (await resume(info))) return;
          withInfo(info);
        },
        (error: unknown) => {
          if (error instanceof ApiError && error.status === 401) {
            // The session ended (signed out elsewhere, expired, revoked): what was kept opens nothing now.
            void kept.forget();
            if (signedIn()) ended();
            else set({ kind: 'signed-out', ended: state.kind === 'signed-out' && state.ended });
          } else if (state.kind === 'checking') {
            // Offline or a server error on the first check: nothing is known. Treat as signed
            // out for now; the sign-in page will say what is wrong when it is used.
            set({ kind: 'signed-out', ended: false });
          }
        },
      )
      .finally(() => {
        refreshing = null;
      });
    return refreshing;
  };

  const adopt = async (answer: SignedIn): Promise<void> => {
    const info = answer.session;
    set({ kind: 'locked', info });
    // Whatever this browser kept belongs to an earlier session (perhaps another account's).
    await kept.forget();
    try {
      const office = await officeFor(info, answer.keys);
      const keys = await engine.call('unlock', { keys: answer.keys, office });
      await keepKeys();
      set({ kind: 'unlocked', info, keys });
    } catch (error) {
      const code = (error as { code?: WorkerErrorCode | 'engine_failed' }).code ?? 'engine_failed';
      set({ kind: 'locked', info, problem: code });
      throw error;
    }
  };

  return {
    get state() {
      return state;
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    start() {
      const stopListening = onSignedOut(ended);
      const timer = setInterval(() => {
        if (signedIn() && document.visibilityState === 'visible') void refresh();
      }, POLL_INTERVAL_MS);
      const onFocus = (): void => {
        if (signedIn()) void refresh();
      };
      const onVisible = (): void => {
        if (document.visibilityState === 'visible') onFocus();
      };
      addEventListener('focus', onFocus);
      document.addEventListener('visibilitychange', onVisible);
      return () => {
        stopListening();
        clearInterval(timer);
        removeEventListener('focus', onFocus);
        document.removeEventListener('visibilitychange', onVisible);
      };
    },
    check() {
      if (state.kind === 'checking') void refresh();
    },
    refresh,
    adopt,
    async unlock(password, options) {
      if (state.kind !== 'locked') return;
      const info = state.info;
      const keys = await getMyKeys();
      await engine.call('deriveSignIn', { password, kdf: keys.kdf }, options);
      await adopt({ status: 'signed-in', session: info, keys });
    },
    async lock() {
      if (state.kind !== 'unlocked') return;
      const info = state.info;
      await kept.forget();
      await engine.lock();
      set({ kind: 'locked', info });
    },
    async keepAgain() {
      if (state.kind !== 'unlocked') return;
      await kept.forget();
      await keepKeys();
    },
    async signOut() {
      await kept.forget();
      try {
        await logout();
      } catch {
        // Signed out locally either way; an unreachable server ends the session by its idle limit.
      }
      await engine.lock();
      set({ kind: 'signed-out', ended: false });
    },
  };
}
