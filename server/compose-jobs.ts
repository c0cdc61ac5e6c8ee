// The repos and the jobs of the composition root (server/compose.ts): every repo once, and the
// sweeper and the audit-head mail over them. The command line's `sweep` and `audit-verify` use
// these over its own connection; tests build a sweeper over a bare database with sweeperOver.
import { createTrustedDevicesRepo } from './kernel/trust/repo.js';
import type { Logger } from 'pino';
import { createAuthRepo } from './auth/repo.js';
import { createClientsRepo } from './clients/repo.js';
import { createContactsRepo } from './contacts/repo.js';
import { createDevicesRepo } from './devices/repo.js';
import { createBearerRepo } from './kernel/bearer/repo.js';
import { createDropsRepo } from './drops/repo.js';
import { createHealthRepo } from './health/repo.js';
import { createInvitationsRepo } from './invitations/repo.js';
import { createAuditHeadJob, type AuditHeadJob } from './jobs/audit-head.js';
import { createHousekeepingRepo } from './jobs/repo.js';
import { createSweeper, type Sweeper } from './jobs/sweeper.js';
import { createOfficeRepo } from './kernel/accounts/office-repo.js';
import { createUsersRepo } from './kernel/accounts/users-repo.js';
import { createAuditRepo } from './kernel/audit/repo.js';
import { createAudit } from './kernel/audit/service.js';
import type { BlobStore } from './kernel/blobs/store.js';
import type { Clock } from './kernel/clock.js';
import type { Db } from './kernel/db/open.js';
import { createTransact } from './kernel/db/transaction.js';
import { type Deliver } from './kernel/mail/deliver.js';
import { createRateLimitRepo } from './kernel/rate-limit/repo.js';
import { createSessionsRepo } from './kernel/sessions/repo.js';
import { createUploadsRepo } from './kernel/uploads/repo.js';
import { createPinsRepo } from './pins/repo.js';
import { createPrivacyRepo } from './privacy/repo.js';
import { createSetupRepo } from './setup/repo.js';
import { createSharesRepo } from './shares/repo.js';

/** Every repo, once: each capability's SQL, and the kernel's. */
export function createRepos(db: Db) {
  return {
    audit: createAuditRepo(db),
    users: createUsersRepo(db),
    office: createOfficeRepo(db),
    setup: createSetupRepo(db),
    auth: createAuthRepo(db),
    invitations: createInvitationsRepo(db),
    sessions: createSessionsRepo(db),
    rateLimits: createRateLimitRepo(db),
    trustedDevices: createTrustedDevicesRepo(db),
    uploads: createUploadsRepo(db),
    /** Uploads owned by drop upload sessions rather than members. */
    dropSessionUploads: createUploadsRepo(db, 'drop-session'),
    shares: createSharesRepo(db),
    drops: createDropsRepo(db),
    clients: createClientsRepo(db),
    pins: createPinsRepo(db),
    contacts: createContactsRepo(db),
    devices: createDevicesRepo(db),
    bearer: createBearerRepo(db),
    privacy: createPrivacyRepo(db),
    health: createHealthRepo(db),
    housekeeping: createHousekeepingRepo(db),
  };
}

export type Repos = ReturnType<typeof createRepos>;

export interface Jobs {
  readonly sweeper: Sweeper;
  readonly auditHead: AuditHeadJob;
}

/** What the jobs run on: the connection, its repos, and the outside world. */
export interface JobDeps {
  readonly db: Db;
  readonly repos: Repos;
  readonly blobs: BlobStore;
  readonly clock: Clock;
  readonly log: Logger;
  readonly deliver: Deliver;
  readonly publicUrl: string;
  /** Sessions idle this long are removed (SESSION_IDLE_MINUTES). */
  readonly sessionIdleMs: number;
  /** How old a file must be to count as an orphan; tests pass 0. */
  readonly orphanGraceMs?: number;
  readonly fileClock?: Clock;
}

/** The sweeper and the audit head mail, over the given repos. */
export function createJobs(deps: JobDeps): Jobs {
  return { sweeper: sweeperOf(deps), auditHead: auditHeadOf(deps) };
}

function sweeperOf(deps: Omit<JobDeps, 'deliver' | 'publicUrl'>): Sweeper {
  const { db, repos, clock } = deps;
  return createSweeper({
    db,
    shares: repos.shares,
    drops: repos.drops,
    uploads: repos.uploads,
    office: repos.office,
    housekeeping: repos.housekeeping,
    audit: createAudit({ repo: repos.audit, clock }),
    transact: createTransact(db),
    blobs: deps.blobs,
    clock,
    log: deps.log,
    sessionIdleMs: deps.sessionIdleMs,
    ...(deps.orphanGraceMs !== undefined ? { orphanGraceMs: deps.orphanGraceMs } : {}),
    ...(deps.fileClock !== undefined ? { fileClock: deps.fileClock } : {}),
  });
}

function auditHeadOf(deps: Pick<JobDeps, 'db' | 'repos' | 'clock' | 'log' | 'deliver' | 'publicUrl'>): AuditHeadJob {
  const { repos, clock } = deps;
  return createAuditHeadJob({
    auditRepo: repos.audit,
    audit: createAudit({ repo: repos.audit, clock }),
    transact: createTransact(deps.db),
    office: repos.office,
    users: repos.users,
    clock,
    log: deps.log,
    deliver: deps.deliver,
    publicUrl: deps.publicUrl,
  });
}

/** The sweeper without the app: the command line's `sweep` (over its repos), and tests (over a database). */
export function sweeperOver(
  deps: Omit<JobDeps, 'repos' | 'deliver' | 'publicUrl'> & { readonly repos?: Repos },
): Sweeper {
  return sweeperOf({ ...deps, repos: deps.repos ?? createRepos(deps.db) });
}

/** The audit head job over a database alone, for tests (main.ts starts the one createServices built). */
export function auditHeadJobOver(deps: Pick<JobDeps, 'db' | 'clock' | 'log' | 'deliver' | 'publicUrl'>): AuditHeadJob {
  return auditHeadOf({ ...deps, repos: createRepos(deps.db) });
}
