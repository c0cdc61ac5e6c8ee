// One transaction around a change that spans capabilities (a user row, its sessions and the
// audit entry that describes them). Each repo keeps its own SQL; the service that owns the
// change runs the repo calls inside `transact`, so they commit together or not at all.
// better-sqlite3 is synchronous: nothing else runs on this connection in between, and
// BEGIN IMMEDIATE takes the write lock at once, so a check made inside holds at the commit.
import { noteCommit } from './busy.js';
import type { Db } from './open.js';

export type Transact = <T>(work: () => T) => T;

export function createTransact(db: Db): Transact {
  return <T>(work: () => T): T => {
    // Nested calls become savepoints inside the outer transaction.
    if (db.inTransaction) return db.transaction(work)();
    const result = db.transaction(work).immediate();
    // A request that committed is not run again after a later SQLITE_BUSY (server/kernel/db/busy.ts).
    noteCommit();
    return result;
  };
}
