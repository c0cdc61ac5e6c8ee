// Where this browser keeps an unlocked session's keys between reloads (docs/protocol.md §29):
// one record in IndexedDB (database `coffer-keep`), written and opened only by the crypto
// worker (operations/keep.ts). The page uses it only to see whose keys are kept and to delete
// them (sign-out, lock, a session that ended, another user); it never reads the sealed parts.
// Nothing goes to localStorage or sessionStorage. The record holds no key that opens anything
// on its own: the wrapping key is a non-extractable CryptoKey, and the bundle also needs the
// half that only the live session gets from the server.
const DB_NAME = 'coffer-keep';
const STORE = 'kept';
const RECORD = 'session';

export interface KeptKeys {
  readonly userId: string;
  readonly sessionId: string;
  /** AES-GCM, 256 bits, made with extractable = false: it can be used here, never read out. */
  readonly wrappingKey: CryptoKey;
  /** 12 bytes, for the one AES-GCM encryption of the local half. */
  readonly iv: Uint8Array;
  /** The local half (32 bytes) under the wrapping key, with its 16-byte tag. */
  readonly wrappedLocalHalf: Uint8Array;
  /** The account keys: a key bundle with purpose 'session' (docs/protocol.md §8, §29). */
  readonly bundle: Uint8Array;
}

export interface KeepStore {
  /** The kept record, or undefined when there is none (or it is not one Coffer wrote). */
  read(): Promise<KeptKeys | undefined>;
  write(kept: KeptKeys): Promise<void>;
  /** Deletes the whole database; resolves (never rejects) once it is gone or cannot be reached. */
  forget(): Promise<void>;
}

const isBytes = (value: unknown, length?: number): value is Uint8Array =>
  value instanceof Uint8Array && (length === undefined || value.length === length);

function isKeptKeys(value: unknown): value is KeptKeys {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v['userId'] === 'string' &&
    typeof v['sessionId'] === 'string' &&
    v['wrappingKey'] instanceof CryptoKey &&
    isBytes(v['iv'], 12) &&
    isBytes(v['wrappedLocalHalf'], 48) &&
    isBytes(v['bundle'])
  );
}

function settle<T>(request: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error ?? new Error('IndexedDB request failed'));
  });
}

async function withStore<T>(mode: IDBTransactionMode, use: (store: IDBObjectStore) => IDBRequest<T>): Promise<T> {
  const opening = indexedDB.open(DB_NAME, 1);
  opening.onupgradeneeded = () => opening.result.createObjectStore(STORE);
  const db = await settle(opening);
  try {
    const transaction = db.transaction(STORE, mode);
    const done = new Promise<void>((resolve, reject) => {
      transaction.oncomplete = () => resolve();
      transaction.onerror = () => reject(transaction.error ?? new Error('IndexedDB transaction failed'));
      transaction.onabort = () => reject(transaction.error ?? new Error('IndexedDB transaction aborted'));
    });
    const result = await settle(use(transaction.objectStore(STORE)));
    await done;
    return result;
  } finally {
    // Closed after every use, so deleting the database is never held up by an open connection.
    db.close();
  }
}

export const indexedDbKeepStore: KeepStore = {
  async read() {
    try {
      const value: unknown = await withStore('readonly', (store) => store.get(RECORD));
      return isKeptKeys(value) ? value : undefined;
    } catch {
      return undefined;
    }
  },
  async write(kept) {
    await withStore('readwrite', (store) => store.put(kept, RECORD));
  },
  forget() {
    return new Promise<void>((resolve) => {
      try {
        const deleting = indexedDB.deleteDatabase(DB_NAME);
        deleting.onsuccess = () => resolve();
        deleting.onerror = () => resolve();
        deleting.onblocked = () => resolve();
      } catch {
        resolve();
      }
    });
  },
};
