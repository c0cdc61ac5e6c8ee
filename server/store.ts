// Opening Coffer's data folder, shared by the server (main.ts) and the command line (cli.ts):
// create the folder (owner only), open the database, bring its schema up to date.
import { mkdir, stat } from 'node:fs/promises';
import type { Config } from './kernel/config.js';
import { migrate, type MigrationResult } from './kernel/db/migrate.js';
import { openDatabase, type Db } from './kernel/db/open.js';
import { dataPaths, projectPaths } from './kernel/paths.js';

class DataDirError extends Error {
  override readonly name = 'DataDirError';
}

/** Creates DATA_DIR with mode 0700 if it is missing; an existing folder is left as it is. */
async function prepareDataDir(dataDir: string): Promise<void> {
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  if (!(await stat(dataDir)).isDirectory()) throw new DataDirError(`DATA_DIR (${dataDir}) is not a folder`);
}

export async function openStore(
  config: Pick<Config, 'dataDir'>,
  migrationsDir: string = projectPaths().migrations,
): Promise<{ db: Db; migration: MigrationResult }> {
  await prepareDataDir(config.dataDir);
  const db = openDatabase(dataPaths(config.dataDir).database);
  try {
    return { db, migration: migrate(db, migrationsDir) };
  } catch (error) {
    db.close();
    throw error;
  }
}
