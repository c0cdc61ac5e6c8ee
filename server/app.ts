// createApp(deps): the HTTP application, built from what it is given and nothing else, so a
// test builds one in a line. Every request passes the same pipeline, in this order:
//   security headers → request log → origin check (state-changing methods) → route match
//   (from the route table) → content-type check → guard → body parsing with limits →
//   handler → one error middleware.
import express, { type RequestHandler } from 'express';
import type { Logger } from 'pino';
import { ready, type Id } from '../shared/crypto/index.js';
import { createAuditRepo } from './audit/repo.js';
import { createAudit } from './audit/service.js';
import { createAuditTrail } from './audit/trail.js';
import { createAuthRepo } from './auth/repo.js';
import { createSecondFactor } from './auth/second-factor.js';
import { createAuthService } from './auth/service.js';
import type { Clock } from './clock.js';
import type { Config } from './config.js';
import type { Db } from './db/open.js';
import { retryMiddlewareOnBusy, retryOnBusy } from './db/busy.js';
import { createTransact } from './db/transaction.js';
import { createHealthRepo } from './health/repo.js';
import { createHealthService } from './health/service.js';
import { bodyParser, contentTypeCheck } from './http/content.js';
import { errorHandler, methodNotAllowed, notFound } from './http/errors.js';
import { createGuards, type Guards } from './http/guards.js';
import { securityHeaders } from './http/headers.js';
import { originCheck } from './http/origin.js';
import { requestLog } from './http/request-log.js';
import type { RouteSpec } from './http/route.js';
import { createInvitationsRepo } from './invitations/repo.js';
import { createInvitationsService } from './invitations/service.js';
import { createDiskBlobStore } from './blobs/disk.js';
import { createDropLinkService } from './drops/link.js';
import { createDropsRepo } from './drops/repo.js';
import { createDropsService } from './drops/service.js';
import { createClientsRepo } from './clients/repo.js';
import { createClientsService } from './clients/service.js';
import type { BlobStore } from './blobs/store.js';
import { createSweeper } from './jobs/sweeper.js';
import {
  createCapabilityTokens,
  loadOrCreateCapabilityKey,
  SERVER_SECRET_BYTES,
  type CapabilityKey,
  type CapabilityTokens,
} from './keys.js';
import { createPinsRepo } from './pins/repo.js';
import { createPinsService } from './pins/service.js';
import { createPrivacyRepo } from './privacy/repo.js';
import { createPrivacyService } from './privacy/service.js';
import { createReceivingService } from './shares/receiving.js';
import { createSharesRepo } from './shares/repo.js';
import { createSharesService, SHARE_RECIPIENT_MAIL } from './shares/service.js';
import { createUploadsRepo } from './uploads/repo.js';
import { createUploadsService, MIB } from './uploads/service.js';
import { createDeliver } from './mail/deliver.js';
import { createMailQueue, queuedDeliver, type MailQueue } from './mail/queue.js';
import type { Mailer } from './mail/mailer.js';
import { createOfficeRepo } from './office/repo.js';
import { createOfficeService } from './office/service.js';
import { createRateLimitRepo } from './rate-limit/repo.js';
import { createRateLimiter } from './rate-limit/service.js';
import { routeTable, type RouteServices } from './routes.js';
import { createSessionsRepo } from './sessions/repo.js';
import { createSessionsService } from './sessions/service.js';
import { createSetupRepo } from './setup/repo.js';
import { createSetupCompletion, createSetupService } from './setup/service.js';
import { createUsersRepo } from './users/repo.js';
import { createUsersService } from './users/service.js';
import { createLowSpaceAlert } from './storage/alert.js';
import { spaceGate } from './storage/gate.js';
import { createStorage, MIB as STORAGE_MIB, type Storage } from './storage/space.js';

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
   * Free space under DATA_DIR (server/storage/space.ts): main.ts passes the one whose reserve
   * and interval it started; tests pass one with a fake `freeSpace`. Made from the config if absent.
   */
  readonly storage?: Storage;
  /**
   * Notification mails, sent in the background (server/mail/queue.ts). main.ts passes the one it
   * started (and stops at shutdown); tests pass one they can wait on. Made here if absent.
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

/** The services behind the routes, wired from the app's dependencies. */
export function createServices(deps: AppDeps): RouteServices & { readonly storage: Storage } {
  const { db, clock, config } = deps;
  const serverKey = deps.serverKey;
  if (serverKey.length !== SERVER_SECRET_BYTES) throw new RangeError('the server key must be 32 bytes');
  const transact = createTransact(db);
  const auditRepo = createAuditRepo(db);
  const audit = createAudit({ repo: auditRepo, clock });
  // Mails with a secret (codes, invitation and reset links) go out directly, with short
  // timeouts; notices without one go through the queue and never hold up an answer.
  const deliver = createDeliver(deps.mailer, deps.log);
  const mailQueue = deps.mailQueue ?? createMailQueue({ db, mailer: deps.mailer, log: deps.log });
  const notify = queuedDeliver(mailQueue);
  const publicUrl = config.publicUrl;

  const usersRepo = createUsersRepo(db);
  const officeRepo = createOfficeRepo(db);
  const setupRepo = createSetupRepo(db);
  const authRepo = createAuthRepo(db);
  const invitationsRepo = createInvitationsRepo(db);
  const limits = createRateLimiter({ repo: createRateLimitRepo(db), clock, serverKey });
  const sessions = createSessionsService({
    repo: createSessionsRepo(db),
    clock,
    transact,
    audit,
    lifetimes: { idleMs: config.sessionIdleMinutes * 60_000, maxMs: config.sessionMaxHours * 3_600_000 },
  });
  const invitations = createInvitationsService({
    repo: invitationsRepo,
    users: usersRepo,
    office: officeRepo,
    sessions,
    limits,
    audit,
    transact,
    clock,
    serverKey,
    deliver,
    publicUrl,
  });

  const blobs = deps.blobs ?? createDiskBlobStore(config.dataDir);
  const sweeper = createSweeper({ db, blobs, clock, log: deps.log, sessionIdleMs: config.sessionIdleMinutes * 60_000 });
  const uploadsRepo = createUploadsRepo(db);
  const sharesRepo = createSharesRepo(db);
  const quotaBytes = config.quotaMib * MIB;
  const uploadLimits = { maxFileBytes: config.maxFileMib * MIB, quotaBytes };
  const tokens = capabilityTokens(deps);
  const dropsRepo = createDropsRepo(db);
  const dropSessionUploads = createUploadsRepo(db, 'drop-session');
  const destroyDrop = (dropId: Id) => sweeper.destroyDrop(dropId);
  // What the two kinds of link holder (a guest, a drop's uploader) are served with.
  const linkDeps = { office: officeRepo, tokens, limits, audit, transact, clock, deliver, serverKey, publicUrl };
  const dropLink = createDropLinkService({
    ...linkDeps,
    drops: dropsRepo,
    sessionUploads: dropSessionUploads,
    memberUploads: uploadsRepo,
    quotaBytes,
    destroy: destroyDrop,
  });

  const dropsService = createDropsService({
    drops: dropsRepo,
    office: officeRepo,
    blobs,
    audit,
    transact,
    clock,
    maxTotalBytes: quotaBytes,
    destroy: destroyDrop,
  });
  const clients = createClientsService({
    repo: createClientsRepo(db),
    users: usersRepo,
    office: officeRepo,
    invitations,
    invitationsRepo,
    drops: dropsService,
    dropsRepo,
    dropLink,
    audit,
    transact,
    clock,
    deliver: notify,
    publicUrl,
  });

  // Free space (server/storage): the admins are mailed once each time it runs low.
  const storage = storageOf(deps);
  const mailLowSpace = createLowSpaceAlert({
    users: usersRepo,
    office: officeRepo,
    deliver: notify,
    publicUrl,
    log: deps.log,
  });
  // A share's account recipients are notified through the queue; its final result is what the
  // sender's page shows ("not delivered" once the retries ran out, "sending" before).
  mailQueue.onOutcome(SHARE_RECIPIENT_MAIL, (ref, delivered) => sharesRepo.setDeliveryFailed(ref as Id, !delivered));
  storage.onLow(() => void mailLowSpace());

  return {
    storage,
    health: createHealthService({
      repo: createHealthRepo(db),
      dataDir: config.dataDir,
      mailTransport: deps.mailer.transport,
      storageState: () => storage.state(),
    }),
    setup: createSetupService({ repo: setupRepo, clock, publicUrl }),
    setupCompletion: createSetupCompletion({
      setup: setupRepo,
      office: officeRepo,
      users: usersRepo,
      sessions,
      audit,
      transact,
      clock,
      serverKey,
    }),
    office: createOfficeService({ repo: officeRepo, users: usersRepo, transact, audit }),
    officeRepo,
    auth: createAuthService({
      users: usersRepo,
      office: officeRepo,
      repo: authRepo,
      sessions,
      secondFactor: createSecondFactor({ users: usersRepo, repo: authRepo, clock, serverKey }),
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
      users: usersRepo,
      office: officeRepo,
      authRepo,
      invitationsRepo,
      invitations,
      sessions,
      audit,
      transact,
      clock,
      deliver: notify,
      publicUrl,
    }),
    usersRepo,
    invitations,
    uploads: createUploadsService({ repo: uploadsRepo, blobs, clock, transact, limits: uploadLimits }),
    shares: createSharesService({
      shares: sharesRepo,
      uploads: uploadsRepo,
      users: usersRepo,
      office: officeRepo,
      blobs,
      audit,
      transact,
      clock,
      mailQueue,
      publicUrl,
      quotaBytes,
      destroy: async (shareId) => {
        await sweeper.destroyShare(shareId);
      },
    }),
    receiving: createReceivingService({ ...linkDeps, shares: sharesRepo, users: usersRepo, blobs }),
    pins: createPinsService({ repo: createPinsRepo(db), clock, transact }),
    drops: dropsService,
    dropLink,
    // A drop's uploader uploads with the same protocol; their uploads belong to their session.
    dropUploads: createUploadsService({
      repo: dropSessionUploads,
      blobs,
      clock,
      transact,
      limits: uploadLimits,
      admit: dropLink.admit,
    }),
    clients,
    auditTrail: createAuditTrail({ repo: auditRepo }),
    privacy: createPrivacyService({
      repo: createPrivacyRepo(db),
      users: usersRepo,
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

export function createApp(deps: AppDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.disable('etag'); // API answers are no-store; static files get their own validators
  app.enable('case sensitive routing');
  app.set('trust proxy', deps.config.trustProxy);

  app.use(securityHeaders({ publicUrlIsHttps: deps.config.publicUrlIsHttps }));
  app.use(requestLog(deps.log));
  app.use(originCheck(deps.config.publicUrl));
  // Handlers use libsodium (decoding, hashes, signatures). main.ts loads it before listening;
  // this makes any other host of the app (a test harness) safe too. Instant after the first time.
  app.use((async (_req, _res, next) => {
    await ready();
    next();
  }) satisfies RequestHandler);
  const services = createServices(deps);
  mountRoutes(app, routeTable(services), createGuards(services.sessions), services.storage);
  app.use(((_req, _res, next) => next(notFound())) satisfies RequestHandler);
  app.use(errorHandler(deps.log, { onStorageFull: () => services.storage.writeFailed() }));
  return app;
}

function mountRoutes(app: express.Express, table: readonly RouteSpec[], guards: Guards, storage: Storage): void {
  const byPath = new Map<string, RouteSpec[]>();
  for (const spec of table) byPath.set(spec.path, [...(byPath.get(spec.path) ?? []), spec]);

  for (const [path, specs] of byPath) {
    const route = app.route(path);
    for (const spec of specs) {
      route[methodKey(spec.method)](
        matched(spec),
        contentTypeCheck(spec.body),
        // The guard runs before any body is read: an anonymous caller cannot make the server
        // parse a 2 MiB share body or stream a part only to be refused.
        retryMiddlewareOnBusy(guards.handler(spec.guard, { passive: spec.passive === true })),
        bodyParser(spec.body, spec.jsonLimit),
        // Uploads only: refused with 507 while free space is below the margin (server/storage/gate.ts).
        spaceGate(storage, spec),
        // Run again after a timer when another process held the database (server/db/busy.ts).
        retryOnBusy(spec.handler, { replayable: spec.body === 'json' || spec.body === 'none' }),
      );
    }
    // The path exists but not with this method.
    const allow = allowHeader(specs);
    route.all(((_req, res, next) => {
      res.locals.route = path;
      res.setHeader('Allow', allow);
      next(methodNotAllowed());
    }) satisfies RequestHandler);
  }
}

function methodKey(method: RouteSpec['method']) {
  return method.toLowerCase() as 'get' | 'post' | 'put' | 'patch' | 'delete';
}

function allowHeader(specs: readonly RouteSpec[]): string {
  const methods = new Set(specs.map((spec) => spec.method as string));
  if (methods.has('GET')) methods.add('HEAD'); // Express answers HEAD with the GET handler
  return [...methods].join(', ');
}

/** Records which table entry answered (for the log) and the caching rule of its kind. */
function matched(spec: RouteSpec): RequestHandler {
  return (_req, res, next) => {
    res.locals.route = spec.path;
    if (spec.kind !== 'static') res.setHeader('Cache-Control', 'no-store');
    next();
  };
}
