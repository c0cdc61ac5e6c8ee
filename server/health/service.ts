// Whether this instance can do its work: the database answers and the data folder is a
// writable directory. A GET writes nothing: writability is checked with access(W_OK).
import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { LOW_SPACE_WARNING, OUTBOX_WARNING, type CheckState, type HealthResponse } from '../../shared/wire/index.js';
import type { HealthRepo } from './repo.js';

export interface HealthService {
  check(): Promise<HealthResponse>;
}

export function createHealthService(deps: {
  repo: HealthRepo;
  dataDir: string;
  mailTransport: 'smtp' | 'outbox';
  /** Free space against the margin (server/kernel/storage/space.ts). */
  storageState: () => Promise<'ok' | 'low'>;
}): HealthService {
  const storage = async (): Promise<HealthResponse['storage']> => {
    try {
      return (await deps.storageState()) === 'low' ? { state: 'low', warning: LOW_SPACE_WARNING } : { state: 'ok' };
    } catch {
      return { state: 'unknown' };
    }
  };
  const database = (): CheckState => {
    try {
      return deps.repo.databaseAnswers() ? 'ok' : 'failing';
    } catch {
      return 'failing';
    }
  };
  const dataDir = async (): Promise<CheckState> => {
    try {
      if (!(await stat(deps.dataDir)).isDirectory()) return 'failing';
      await access(deps.dataDir, constants.W_OK | constants.X_OK);
      return 'ok';
    } catch {
      return 'failing';
    }
  };
  return {
    async check() {
      const checks = { database: database(), dataDir: await dataDir() };
      const failing = Object.values(checks).includes('failing');
      const space = await storage();
      return {
        status: failing ? 'failing' : space.state === 'low' ? 'degraded' : 'ok',
        checks,
        mail:
          deps.mailTransport === 'outbox' ? { transport: 'outbox', warning: OUTBOX_WARNING } : { transport: 'smtp' },
        storage: space,
      };
    },
  };
}
