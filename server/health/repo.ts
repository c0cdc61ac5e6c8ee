// SQL of the health check.
import type { Db } from '../kernel/db/open.js';

export function createHealthRepo(db: Db) {
  const ping = db.prepare('SELECT 1 AS one').pluck();
  return {
    /** True when SQLite answers a trivial query. */
    databaseAnswers(): boolean {
      return ping.get() === 1;
    },
  };
}
export type HealthRepo = ReturnType<typeof createHealthRepo>;
