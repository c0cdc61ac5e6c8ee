// The operator's command line (`npm run coffer -- <command>`). It reads the same environment
// as the server and works on the same data folder; it may run while the server runs.
import { fromHex, ready } from '../shared/crypto/index.js';
import type { AuditRepo } from './kernel/audit/repo.js';
import {
  checkHead,
  describeBreak,
  describeHeadCheck,
  describeIntact,
  describeMissingTriggers,
  inspectChain,
  parseHead,
  type ExpectedHead,
} from './kernel/audit/verify.js';
import { systemClock } from './kernel/clock.js';
import { parseConfigOrExplain, type Env } from './kernel/config.js';
import { createDiskBlobStore } from './kernel/blobs/disk.js';
import { isEntryModule } from './entry.js';
import { createLogger } from './kernel/log.js';
import { createRepos, sweeperOver } from './compose-jobs.js';
import { AppError } from './kernel/http/errors.js';
import { setupLinkBanner } from './setup/messages.js';
import { createSetupService } from './setup/service.js';
import { openStore } from './store.js';
import { backupDataDir, BackupError } from './cli-backup.js';
import type { Db } from './kernel/db/open.js';
import { dataPaths } from './kernel/paths.js';

const USAGE = `Usage: npm run coffer -- <command>

Commands:
  setup-link   print a new first-run setup link (older unused links stop working)
  migrate      bring the database schema up to date and print its version
  sweep        run the expiry sweeper once: destroy what expired, was revoked or was used up
  audit-verify [--head <seq>:<hash>]
               check the audit log's hash chain and name the first entry that was changed,
               inserted or removed; with --head (from the daily head mail), also check that
               the log still holds that entry, so a rewritten or shortened log is caught
  backup <file>
               copy the live database to <file> with SQLite's online backup, and the keys
               to <file>.keys/ (while the server runs; no sqlite3 needed); then copy blobs/
  help         show this text

The commands read the same environment variables as the server (DATA_DIR, PUBLIC_URL, …).`;

/** Runs one command and returns the process exit code. */
export async function runCli(args: readonly string[], env: Env): Promise<number> {
  const [command, ...rest] = args;
  if (command === 'help' || command === '--help' || command === '-h') {
    console.log(USAGE);
    return 0;
  }
  const known =
    command === 'setup-link' ||
    command === 'migrate' ||
    command === 'sweep' ||
    command === 'audit-verify' ||
    command === 'backup';
  const options =
    command === 'audit-verify'
      ? auditVerifyOptions(rest)
      : command === 'backup'
        ? backupOptions(rest)
        : rest.length === 0
          ? {}
          : undefined;
  if (!known || options === undefined) {
    console.error(command === undefined ? USAGE : `Unknown command: ${args.join(' ')}\n\n${USAGE}`);
    return 2;
  }
  if ('problem' in options) {
    console.error(`${options.problem}\n\n${USAGE}`);
    return 2;
  }

  const config = parseConfigOrExplain(env);
  if (config === undefined) return 2;

  const { db, migration } = await openStore(config);
  try {
    if (command === 'migrate') {
      const applied = migration.applied.map((m) => `${String(m.version).padStart(4, '0')}_${m.name}`);
      console.log(
        applied.length === 0
          ? `The database is up to date (schema version ${migration.to}).`
          : `Applied ${applied.join(', ')}; the database is now at schema version ${migration.to}.`,
      );
      return 0;
    }

    if (command === 'backup' && 'file' in options) return await backup(db, config.dataDir, options.file);
    await ready();
    const repos = createRepos(db);
    if (command === 'audit-verify') return auditVerify(repos.audit, 'head' in options ? options.head : undefined);
    if (command === 'sweep') {
      const log = createLogger(config.logLevel);
      const sweeper = sweeperOver({
        db,
        repos,
        blobs: createDiskBlobStore(config.dataDir),
        clock: systemClock,
        log,
        sessionIdleMs: config.sessionIdleMinutes * 60_000,
      });
      const report = await sweeper.runOnce();
      console.log(
        `Swept ${report.shares} share(s), ${report.dropUploads} drop upload(s) past retention, ${report.drops} ended drop(s), ` +
          `${report.uploads} stale upload(s), ${report.orphans} orphan file(s) and ${report.housekeeping} expired row(s).`,
      );
      return 0;
    }
    const setup = createSetupService({ repo: repos.setup, clock: systemClock, publicUrl: config.publicUrl });
    try {
      console.log(setupLinkBanner(await setup.issueLink()));
      return 0;
    } catch (error) {
      if (error instanceof AppError && error.code === 'setup_finished') {
        console.error(
          'Setup is already finished, so no setup link can be issued. An admin invites everyone else from Coffer itself.',
        );
        return 1;
      }
      throw error;
    }
  } finally {
    db.close();
  }
}

/** `--head <seq>:<hash>` (also `--expect`, and `=` instead of the space); a bare hash is accepted too. */
function auditVerifyOptions(rest: readonly string[]): { head?: ExpectedHead } | { problem: string } | undefined {
  if (rest.length === 0) return {};
  const [flag, value, ...more] = rest.length === 1 ? (rest[0] ?? '').split(/=(.*)/s, 2) : rest;
  if ((flag !== '--head' && flag !== '--expect') || more.length > 0) return undefined;
  const head = value === undefined ? undefined : parseHead(value);
  if (head === undefined)
    return { problem: `${flag} takes the head from the mail: <seq>:<64 hex characters>, for example 42:3f9a…` };
  return { head };
}

// ---- backup (server/cli-backup.ts)

function backupOptions(rest: readonly string[]): { file: string } | { problem: string } {
  const [file, ...more] = rest;
  if (file === undefined || file === '' || file.startsWith('-') || more.length > 0)
    return { problem: 'backup takes one argument: the file to write the database to, for example backup/coffer.db' };
  return { file };
}

async function backup(db: Db, dataDir: string, file: string): Promise<number> {
  try {
    const result = await backupDataDir(db, dataDir, file);
    console.log(
      `Backed up the database to ${result.database} and the keys (${result.keyFiles.join(', ')}) to ${result.keys}/. ` +
        `Now copy ${dataPaths(dataDir).blobs}/ (e.g. rsync -a), and keep all three together.`,
    );
    return 0;
  } catch (error) {
    if (!(error instanceof BackupError)) throw error;
    console.error(`Backup refused: ${error.message}`);
    return 1;
  }
}

/** Exit 0 for a whole chain (matching the mailed head, if given), 1 for anything else. */
function auditVerify(repo: AuditRepo, head: ExpectedHead | undefined): number {
  const warning = describeMissingTriggers(repo.triggers());
  if (warning !== undefined) console.error(warning);
  const chain = inspectChain(repo.entries());
  if (!chain.ok) {
    console.error(describeBreak(chain.break, chain.checked));
    return 1;
  }
  console.log(describeIntact(chain, chain.head === null ? undefined : repo.bySeq(chain.head.seq)?.at));
  if (head === undefined) return 0;
  const check = checkHead(head, chain, {
    at: (seq) => repo.bySeq(seq),
    withHash: (hash) => repo.byHash(fromHex(hash)),
  });
  if (check.ok) {
    console.log(describeHeadCheck(check));
    return 0;
  }
  console.error(describeHeadCheck(check));
  return 1;
}

if (isEntryModule(import.meta.url)) {
  try {
    process.exitCode = await runCli(process.argv.slice(2), process.env);
  } catch (error) {
    console.error(`coffer: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`);
    process.exitCode = 1;
  }
}
