// Checkpointing the WAL without waiting on readers.
//
// Why TRUNCATE: with secure_delete on, a deleted row (a wrapped key, the server half of a guest
// key) is overwritten in the database file, but the WAL still holds copies of the pages written
// before the delete until it is checkpointed and emptied. TRUNCATE copies every frame back and
// cuts the WAL to zero bytes, so what expired is gone from the disk (docs/threat-model.md,
// promise 4).
//
// TRUNCATE must wait for every reader to leave the WAL. A reader another process keeps open (an
// operator's `sqlite3` in a transaction) would make it wait out the busy timeout on the server's
// only thread each time. So: TRUNCATE with the short busy timeout; when a reader or writer is in
// the way, PASSIVE (copies what no reader needs, waits for nothing) and report `partial`. The
// sweeper tries TRUNCATE again on every pass, so the window in which deleted keys may linger in
// the WAL lasts as long as that reader does (docs/threat-model.md, docs/operations.md).
import { isDatabaseBusyError } from '../http/errors.js';
import type { Db } from './open.js';

/** `truncated`: WAL copied back and emptied. `partial`: a reader or writer was in the way; PASSIVE ran. `busy`: not even that. */
export type CheckpointOutcome = 'truncated' | 'partial' | 'busy';

interface CheckpointRow {
  busy: number;
  log: number;
  checkpointed: number;
}

export function checkpointWal(db: Db): CheckpointOutcome {
  try {
    const [result] = db.pragma('wal_checkpoint(TRUNCATE)') as CheckpointRow[];
    if (result !== undefined && result.busy === 0) return 'truncated';
  } catch (error) {
    if (!isDatabaseBusyError(error)) throw error;
  }
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
    return 'partial';
  } catch (error) {
    if (!isDatabaseBusyError(error)) throw error;
    return 'busy';
  }
}
