// What the data folder holds, for tests that check that something was destroyed: files on the
// disk, the raw bytes of the database file and its WAL, and a sweeper over a test app.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createDiskBlobStore } from '../../server/kernel/blobs/disk.js';
import { sweeperOver as createSweeper } from '../../server/compose-jobs.js';
import type { Sweeper } from '../../server/jobs/sweeper.js';
import type { TestApp } from './app.js';

/** A sweeper over the app's database, data folder and test clock; files count as orphans at once unless told. */
export function sweeperOf({ t }: { t: TestApp }, orphanGraceMs = 0): Sweeper {
  return createSweeper({
    db: t.db,
    blobs: createDiskBlobStore(t.config.dataDir),
    clock: t.clock,
    log: t.logs.log,
    sessionIdleMs: t.config.sessionIdleMinutes * 60_000,
    orphanGraceMs,
  });
}

/** The names in DATA_DIR/uploads or DATA_DIR/blobs. */
export function filesIn({ t }: { t: TestApp }, folder: 'uploads' | 'blobs'): string[] {
  const dir = join(t.config.dataDir, folder);
  return existsSync(dir) ? readdirSync(dir) : [];
}

/** The database file and its WAL, as bytes. */
export function rawDatabase({ t }: { t: TestApp }): Buffer {
  const file = join(t.config.dataDir, 'coffer.db');
  return Buffer.concat([readFileSync(file), walBytes({ t })]);
}

/** The WAL's bytes (none once it was checkpointed with TRUNCATE, or never written). */
export function walBytes({ t }: { t: TestApp }): Buffer {
  const wal = join(t.config.dataDir, 'coffer.db-wal');
  return existsSync(wal) ? readFileSync(wal) : Buffer.alloc(0);
}
