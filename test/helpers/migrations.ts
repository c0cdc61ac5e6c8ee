// What the migration tests (test/unit/migrate-*.test.ts) share: the project's migrations and
// fresh databases in temporary folders (each file's afterEach closes the ones in `open`).
import { join } from 'node:path';
import { openDatabase, type Db } from '../../server/kernel/db/open.js';
import { projectPaths } from '../../server/kernel/paths.js';
import { tempDir } from './tmp.js';

export const MIGRATIONS = projectPaths().migrations;

export const open: Db[] = [];

export async function freshDb(): Promise<Db> {
  const db = openDatabase(join(await tempDir(), 'coffer.db'));
  open.push(db);
  return db;
}

export function tables(db: Db): string[] {
  return db.prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name").pluck().all() as string[];
}
