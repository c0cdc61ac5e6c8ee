// Where Coffer's own files are: the project root is the nearest folder above this module
// that holds package.json, so the same code finds it when run from source (server/*.ts under
// tsx or vitest) and when compiled (dist/server/server/*.js).
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function findProjectRoot(from: string = import.meta.url): string {
  let dir = dirname(from.startsWith('file:') ? fileURLToPath(from) : from);
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    const parent = dirname(dir);
    if (parent === dir)
      throw new Error('Coffer cannot find its project folder (no package.json above the server code)');
    dir = parent;
  }
}

export interface ProjectPaths {
  readonly root: string;
  readonly migrations: string;
  /** The built browser client (`npm run build:client`). */
  readonly client: string;
}

export function projectPaths(root: string = findProjectRoot()): ProjectPaths {
  return { root, migrations: join(root, 'migrations'), client: join(root, 'dist', 'client') };
}

/** Files Coffer keeps under DATA_DIR. */
export function dataPaths(dataDir: string) {
  return {
    database: join(dataDir, 'coffer.db'),
    keys: join(dataDir, 'keys'),
    capabilityKey: join(dataDir, 'keys', 'capability-signing.jwk'),
    serverSecret: join(dataDir, 'keys', 'server-secret'),
    outbox: join(dataDir, 'outbox'),
    /** Finished containers, one file per blob id (server/kernel/blobs). */
    blobs: join(dataDir, 'blobs'),
    /** Unfinished uploads, one preallocated file per upload id (server/kernel/blobs). */
    uploads: join(dataDir, 'uploads'),
  } as const;
}
