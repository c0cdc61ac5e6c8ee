// The composition root: every repo, service and job of the server, each built exactly once from
// what it is given. createApp serves the routes from it; main.ts starts its jobs (one sweeper,
// one audit head mail, one mail deliverer, shared with the services that revoke and mail);
// the command line runs a sweep or reads the audit log over the same repos. Capabilities never
// import one another (.dependency-cruiser.cjs): where one needs another's function, it declares
// a small interface and this module passes the implementation in. Nothing here runs at import
// time: no environment, no database, no timer.
import type { Logger } from 'pino';
import { asId, type Id } from '../shared/crypto/index.js';
import { createAuditTrail } from './audit/trail.js';
import { createSecondFactor } from './auth/second-factor.js';
import { createAuthService } from './auth/service.js';
import { createClientsService } from './clients/service.js';
import { createDropLinkService } from './drops/link.js';
import { createDropsService } from './drops/service.js';
import { createHealthService } from './health/service.js';
import { createInvitationsService } from './invitations/service.js';
import { createAudit } from './kernel/audit/service.js';
import { createDiskBlobStore } from './kernel/blobs/disk.js';
import type { BlobStore } from './kernel/blobs/store.js';
import type { Clock } from './kernel/clock.js';
import type { Config } from './kernel/config.js';
import type { Db } from './kernel/db/open.js';
import { createTransact } from './kernel/db/transaction.js';
import {
  createCapabilityTokens,
  loadOrCreateCapabilityKey,
  SERVER_SECRET_BYTES,
  type CapabilityKey,
  type CapabilityTokens,
} from './kernel/keys.js';
import { createDeliver, type Deliver } from './kernel/mail/deliver.js';
import type { Mailer } from './kernel/mail/mailer.js';
import { createMailQueue, queuedDeliver, type MailQueue } from './kernel/mail/queue.js';
import { createLowSpaceAlert } from './kernel/storage/alert.js';
import { createStorage, MIB as STORAGE_MIB, type Storage } from './kernel/storage/space.js';
import { createRateLimiter } from './kernel/rate-limit/service.js';
import { createSessionsService } from './kernel/sessions/service.js';
import { createUploadsService, MIB } from './kernel/uploads/service.js';
import { createOfficeService } from './office/service.js';
import { createPinsService } from './pins/service.js';
import { createContactsService } from './contacts/service.js';
import { createDevicesService } from './devices/service.js';
import { createBearerResolver, type BearerResolver } from './kernel/bearer/service.js';
import { createPrivacyService } from './privacy/service.js';
import type { RouteServices } from './routes.js';
import { createSetupCompletion, createSetupService } from './setup/service.js';
import { createReceivingService } from './shares/receiving.js';
import { createTrustedDevices } from './kernel/trust/devices.js';
import { createSharesService, SHARE_RECIPIENT_MAIL } from './shares/service.js';
import { createUsersService } from './users/service.js';
import { createJobs, createRepos, type Jobs, type Repos } from './compose-jobs.js';

export interface AppDeps {
  readonly config: Config;
  readonly db: Db;
  readonly mailer: Mailer;
  readonly clock: Clock;
  readonly log: Logger;
  /**
   * The server secret (DATA_DIR/keys/server-secret, 32 bytes): keys auth verifiers, fake
   * salts, backup-code hashes, TOTP secrets at rest and rate-limit bucket names. main.ts
   * always passes the one from DATA_DIR; tests pass one made the same way.
   */
  readonly serverKey: Uint8Array;
  /** Folder of the built browser client: `<root>/dist/client` in production, a temp folder in tests. */
  readonly clientDir: string;
  /**
   * The key download grants are signed with (DATA_DIR/keys/capability-signing.jwk). main.ts
   * passes the one it loaded at start; without it, the app loads (or makes) the same file on
   * the first grant.
   */
  readonly capabilityKey?: CapabilityKey;
  /** Where ciphertext is kept; the local disk under DATA_DIR unless given. */
  readonly blobs?: BlobStore;
  /**
   * Free space under DATA_DIR (server/kernel/storage/space.ts): main.ts passes the one whose
   * reserve and interval it started; tests pass one with a fake `freeSpace`. Made from the config if absent.
   */
  readonly storage?: Storage;
  /**
   * Notification mails, sent in the background (server/kernel/mail/queue.ts). main.ts passes the
   * one it started (and stops at shutdown); tests pass one they can wait on. Made here if absent.
   */
  readonly mailQueue?: MailQueue;
}

/** Grant signing with the given key, or with the one in DATA_DIR, loaded on first use. */
function capabilityTokens(deps: AppDeps): CapabilityTokens {
  const options = { issuer: deps.config.publicUrl, clock: deps.clock };
  if (deps.capabilityKey !== undefined) return createCapabilityTokens(deps.capabilityKey, options);
  let loading: Promise<CapabilityTokens> | undefined;
  const tokens = () =>
    (loading ??= loadOrCreateCapabilityKey(deps.config.dataDir)
      .then((key) => createCapabilityTokens(key, options))
      .catch((error: unknown) => {
        loading = undefined;
        throw error;
      }));
  return {
    sign: async (grant) => (await tokens()).sign(grant),
    verify: async (token, audience) => (await tokens()).verify(token, audience),
  };
}

/** Everything the server runs: the routes' services, the jobs, the one mail deliverer and queue, free space. */
export interface Services extends RouteServices {
  readonly repos: Repos;
  readonly jobs: Jobs;
  readonly deliver: Deliver;
  readonly mailQueue: MailQueue;
  readonly storage: Storage;
  /** Enrolled devices' bearer tokens, resolved by the guards (server/kernel/bearer). */
  readonly bearer: BearerResolver;
}

/** The given storage state, or one over DATA_DIR with the configured margin (no reserve: main.ts owns it). */
function storageOf(deps: AppDeps): Storage {
  return (
    deps.storage ??
    createStorage({
      dataDir: deps.config.dataDir,
      minFreeBytes: deps.config.minFreeMib * STORAGE_MIB,
      reserveBytes: 0,
      log: deps.log,
    })
  );
}

/** The services behind the routes and the jobs beside them, wired from the app's dependencies. */
export function createServices(deps: AppDeps): Services {
  const { db, clock, config } = deps;
  const serverKey = deps.serverKey;
  if (serverKey.length !== SERVER_SECRET_BYTES) throw new RangeError('the server key must be 32 bytes');
  const repos = createRepos(db);
  const transact = createTransact(db);
  const audit = createAudit({ repo: repos.audit, clock });
  // Mails with a secret (codes, invitation and reset links) go out directly, with short
  // timeouts; notices without one go through the queue and never hold up an answer.
  const deliver = createDeliver(deps.mailer, deps.log);
  const mailQueue = deps.mailQueue ?? createMailQueue({ db, mailer: deps.mailer, log: deps.log });
  const notify = queuedDeliver(mailQueue);
  const publicUrl = config.publicUrl;
  const blobs = deps.blobs ?? createDiskBlobStore(config.dataDir);
  const sessionIdleMs = config.sessionIdleMinutes * 60_000;
  const jobs = createJobs({ db, repos, blobs, clock, log: deps.log, deliver, publicUrl, sessionIdleMs });
  const { sweeper } = jobs;

  const limits = createRateLimiter({ repo: repos.rateLimits, clock, serverKey });
  const sessions = createSessionsService({
    repo: repos.sessions,
    clock,
    transact,
    audit,
    lifetimes: { idleMs: sessionIdleMs, maxMs: config.sessionMaxHours * 3_600_000 },
  });
  const invitations = createInvitationsService({
    repo: repos.invitations,
    users: repos.users,
    office: repos.office,
    sessions,
    limits,
    audit,
    transact,
    clock,
    serverKey,
    deliver,
    notify,
    publicUrl,
  });

  const quotaBytes = config.quotaMib * MIB;
  const uploadLimits = { maxFileBytes: config.maxFileMib * MIB, quotaBytes };
  const tokens = capabilityTokens(deps);
  const destroyDrop = (dropId: Id) => sweeper.destroyDrop(dropId);
  // What the two kinds of link holder (a guest, a drop's uploader) are served with.
  const trust = createTrustedDevices({ repo: repos.trustedDevices, office: repos.office, clock });
  const linkDeps = {
    office: repos.office,
    tokens,
    limits,
    audit,
    transact,
    clock,
    deliver,
    serverKey,
    publicUrl,
    trust,
  };
  const dropLink = createDropLinkService({
    ...linkDeps,
    drops: repos.drops,
    sessionUploads: repos.dropSessionUploads,
    memberUploads: repos.uploads,
    users: repos.users,
    notify,
    quotaBytes,
    destroy: destroyDrop,
  });

  const dropsService = createDropsService({
    drops: repos.drops,
    office: repos.office,
    blobs,
    audit,
    transact,
    clock,
    maxTotalBytes: quotaBytes,
    destroy: destroyDrop,
  });
  const clients = createClientsService({
    repo: repos.clients,
    users: repos.users,
    office: repos.office,
    invitations,
    invitationsRepo: repos.invitations,
    drops: dropsService,
    dropsRepo: repos.drops,
    dropLink,
    audit,
    transact,
    clock,
    deliver: notify,
    publicUrl,
  });

  // Free space: the admins are mailed once each time it runs low.
  const storage = storageOf(deps);
  const mailLowSpace = createLowSpaceAlert({
    users: repos.users,
    office: repos.office,
    deliver: notify,
    publicUrl,
    log: deps.log,
  });
  storage.onLow(() => void mailLowSpace());
  // A share's account recipients are notified through the queue; its final result is what the
  // sender's page shows ("not delivered" once the retries ran out, "sending" before).
  mailQueue.onOutcome(SHARE_RECIPIENT_MAIL, (ref, delivered) => repos.shares.setDeliveryFailed(asId(ref), !delivered));

  return {
    repos,
    jobs,
    deliver,
    mailQueue,
    storage,
    health: createHealthService({
      repo: repos.health,
      dataDir: config.dataDir,
      mailTransport: deps.mailer.transport,
      storageState: () => storage.state(),
    }),
    setup: createSetupService({ repo: repos.setup, clock, publicUrl }),
    setupCompletion: createSetupCompletion({
      setup: repos.setup,
      office: repos.office,
      users: repos.users,
      sessions,
      audit,
      transact,
      clock,
      serverKey,
    }),
    office: createOfficeService({ repo: repos.office, users: repos.users, transact, audit }),
    officeRepo: repos.office,
    auth: createAuthService({
      users: repos.users,
      office: repos.office,
      repo: repos.auth,
      sessions,
      secondFactor: createSecondFactor({ users: repos.users, repo: repos.auth, clock, serverKey }),
      limits,
      audit,
      transact,
      clock,
      serverKey,
      deliver: notify,
      publicUrl,
    }),
    sessions,
    users: createUsersService({
      users: repos.users,
      office: repos.office,
      authRepo: repos.auth,
      invitationsRepo: repos.invitations,
      invitations,
      sessions,
      audit,
      transact,
      clock,
      deliver: notify,
      publicUrl,
    }),
    usersRepo: repos.users,
    invitations,
    uploads: createUploadsService({ repo: repos.uploads, blobs, clock, transact, limits: uploadLimits }),
    shares: createSharesService({
      shares: repos.shares,
      uploads: repos.uploads,
      users: repos.users,
      office: repos.office,
      blobs,
      audit,
      transact,
      clock,
      mailQueue,
      deliver,
      publicUrl,
      quotaBytes,
      destroy: async (shareId) => {
        await sweeper.destroyShare(shareId);
      },
      trust,
    }),
    trust,
    receiving: createReceivingService({ ...linkDeps, shares: repos.shares, users: repos.users, blobs, notify }),
    pins: createPinsService({ repo: repos.pins, clock, transact }),
    contacts: createContactsService({ repo: repos.contacts, audit, clock, transact }),
    devices: createDevicesService({
      repo: repos.devices,
      users: repos.users,
      office: repos.office,
      limits,
      audit,
      transact,
      clock,
    }),
    bearer: createBearerResolver({ repo: repos.bearer, clock }),
    drops: dropsService,
    dropLink,
    // A drop's uploader uploads with the same protocol; their uploads belong to their session.
    dropUploads: createUploadsService({
      repo: repos.dropSessionUploads,
      blobs,
      clock,
      transact,
      limits: uploadLimits,
      admit: dropLink.admit,
    }),
    clients,
    auditTrail: createAuditTrail({ repo: repos.audit, office: repos.office }),
    privacy: createPrivacyService({
      repo: repos.privacy,
      users: repos.users,
      blobs,
      audit,
      transact,
      clock,
      log: deps.log,
      serverKey,
    }),
    maxFileBytes: uploadLimits.maxFileBytes,
    clock,
    clientDir: deps.clientDir,
  };
}
