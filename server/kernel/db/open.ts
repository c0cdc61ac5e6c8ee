// Opens Coffer's SQLite database with the settings the promises of docs/threat-model.md lean on, and
// checks that SQLite really took each one (a pragma it does not know is silently ignored).
import { closeSync, openSync } from 'node:fs';
import Database from 'better-sqlite3';

/** Once checkpointed, the WAL file is cut back to this size, so a long reader cannot leave it huge for good. */
const JOURNAL_SIZE_LIMIT_BYTES = 64 * 1024 * 1024;

export type Db = Database.Database;

/** How long SQLite itself waits for a lock, blocking the event loop: short, the rest is retried on timers (busy.ts). */
const BUSY_TIMEOUT_MS = 100;

class DatabaseSetupError extends Error {
  override readonly name = 'DatabaseSetupError';
}

export function openDatabase(file: string): Db {
  // Create the file readable by its owner only; SQLite gives the -wal and -shm files the same mode.
  closeSync(openSync(file, 'a', 0o600));
  const db = new Database(file, { fileMustExist: true });
  try {
    // WAL: readers do not block the writer; the WAL is checkpointed on close and by the sweeper.
    expectPragma(db, 'journal_mode = WAL', 'journal_mode', 'wal');
    expectPragma(db, 'foreign_keys = ON', 'foreign_keys', 1);
    // Deleted rows (wrapped keys, server halves of guest keys) are overwritten, not just unlinked.
    expectPragma(db, 'secure_delete = ON', 'secure_delete', 1);
    // Short: SQLite's wait blocks Node's only thread. Longer waits happen on timers (busy.ts).
    expectPragma(db, `busy_timeout = ${BUSY_TIMEOUT_MS}`, 'busy_timeout', BUSY_TIMEOUT_MS);
    expectPragma(
      db,
      `journal_size_limit = ${JOURNAL_SIZE_LIMIT_BYTES}`,
      'journal_size_limit',
      JOURNAL_SIZE_LIMIT_BYTES,
    );
    // FULL: a committed download count or burnt code survives a power cut, even in WAL mode.
    expectPragma(db, 'synchronous = FULL', 'synchronous', 2);
  } catch (error) {
    db.close();
    throw error;
  }
  return db;
}

function expectPragma(db: Db, statement: string, name: string, expected: string | number): void {
  db.pragma(statement);
  const actual: unknown = db.pragma(name, { simple: true });
  const normalized = typeof actual === 'string' ? actual.toLowerCase() : actual;
  if (normalized !== expected) {
    throw new DatabaseSetupError(`SQLite did not accept PRAGMA ${statement} (it reports ${name} = ${String(actual)})`);
  }
}
