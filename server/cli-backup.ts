// `npm run coffer -- backup <file>`: a consistent copy of a live data folder, without the
// `sqlite3` program and without touching the live file by hand (docs/operations.md, "Backups").
//
// The database goes through SQLite's online backup API (better-sqlite3's `db.backup`), which
// copies pages in steps and lets the server go on writing in between; the copy is a snapshot as
// of its end. The keys (DATA_DIR/keys: the server secret, without which nobody can sign in, and
// the grant-signing key) are copied to `<file>.keys/`. Blobs are not copied: they are large,
// never change once written, and `rsync -a DATA_DIR/blobs/` right after does it better.
// Everything is created owner-only, and an existing file or folder is never overwritten.
import { constants } from 'node:fs';
import { copyFile, mkdir, open, readdir, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Db } from './kernel/db/open.js';
import { dataPaths } from './kernel/paths.js';

export interface BackupResult {
  readonly database: string;
  readonly keys: string;
  readonly keyFiles: readonly string[];
}

export class BackupError extends Error {
  override readonly name = 'BackupError';
}

/** Where `backup <file>` puts the keys. */
const keysBesideBackup = (file: string): string => `${file}.keys`;

export async function backupDataDir(db: Db, dataDir: string, target: string): Promise<BackupResult> {
  const database = resolve(target);
  const keys = keysBesideBackup(database);
  // Claim both names first, owner-only: never overwrite an older backup, never leave a readable copy.
  try {
    await (await open(database, constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY, 0o600)).close();
  } catch (error) {
    if ((error as { code?: unknown }).code === 'EEXIST') throw new BackupError(`${database} already exists`);
    throw error;
  }
  try {
    await mkdir(keys, { mode: 0o700 });
  } catch (error) {
    await rm(database, { force: true });
    if ((error as { code?: unknown }).code === 'EEXIST') throw new BackupError(`${keys} already exists`);
    throw error;
  }
  try {
    await db.backup(database);
    const source = dataPaths(dataDir).keys;
    const keyFiles = (await readdir(source, { withFileTypes: true })).filter((entry) => entry.isFile());
    for (const entry of keyFiles) {
      await copyFile(join(source, entry.name), join(keys, entry.name), constants.COPYFILE_EXCL);
    }
    return { database, keys, keyFiles: keyFiles.map((entry) => entry.name) };
  } catch (error) {
    await rm(database, { force: true });
    await rm(keys, { recursive: true, force: true });
    throw error;
  }
}
