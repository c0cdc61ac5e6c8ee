// Browser contexts for the flow tests, one per person, each watched for console problems and
// with every request recorded (test/e2e/support/traces.ts searches them); the office set up
// through the pages (an admin, then colleagues invited and approved); and the search of all
// that Coffer's server side could have seen for secrets.
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { expect } from 'vitest';
import { ready } from '../../../shared/crypto/index.js';
import type { Db } from '../../../server/kernel/db/open.js';
import { removeTempDirs } from '../../helpers/tmp.js';
import { approveColleague, completeSetup, inviteColleague, signIn, type Person } from './accounts.js';
import { launchChromium, settlePage, watchConsole, type ConsoleProblems } from './browser.js';
import { startCoffer, type Coffer } from './coffer.js';
import {
  fileHaystacks,
  findNeedles,
  forms,
  mailHaystacks,
  recordRequests,
  requestHaystacks,
  type Haystack,
  type Needle,
  type RecordedRequest,
} from './traces.js';

export interface Session {
  readonly who: string;
  readonly context: BrowserContext;
  readonly page: Page;
  readonly problems: ConsoleProblems;
  readonly requests: RecordedRequest[];
}

export interface Sessions {
  /** Every session opened, for the search of their requests. */
  readonly all: readonly Session[];
  open(who: string): Promise<Session>;
  signedIn(person: Person): Promise<Session>;
  /** Closes the sessions, each of which must have had no console errors, failed requests or page errors. */
  finish(...done: Session[]): Promise<void>;
}

/** `allow`: console lines that are expected (see watchConsole). */
function browserSessions(browser: Browser, coffer: Coffer, allow: readonly RegExp[] = []): Sessions {
  const all: Session[] = [];
  const open = async (who: string): Promise<Session> => {
    const context = await browser.newContext({
      locale: 'en-US',
      viewport: { width: 1280, height: 900 },
      acceptDownloads: true,
    });
    const requests = recordRequests(context);
    const page = await context.newPage();
    const session = { who, context, page, problems: watchConsole(page, allow), requests };
    all.push(session);
    return session;
  };
  return {
    all,
    open,
    async signedIn(person) {
      const session = await open(person.name);
      await signIn(session.page, coffer.origin, person);
      return session;
    },
    async finish(...done) {
      for (const session of done) {
        expect(session.problems.messages, session.who).toEqual([]);
        await session.context.close();
      }
    },
  };
}

/** The office set up from the setup link the server printed: the admin, then each colleague invited and approved. */
async function setUpOffice(
  sessions: Sessions,
  coffer: Coffer,
  office: string,
  admin: Person,
  colleagues: readonly Person[],
): Promise<void> {
  const adminSession = await sessions.open(admin.name);
  await adminSession.page.goto(coffer.setupLink);
  await adminSession.page.locator('[data-testid="setup-status"][data-state="valid"]').waitFor();
  await completeSetup(adminSession.page, office, admin);
  for (const person of colleagues) {
    const colleague = await sessions.open(person.name);
    const { fingerprint } = await inviteColleague(adminSession.page, colleague.page, coffer, person);
    await approveColleague(adminSession.page, colleague.page, person.email, fingerprint);
    await sessions.finish(colleague);
  }
  await sessions.finish(adminSession);
}

/** Everything the server side and the network saw: requests, the server's log, mail, DATA_DIR (with the database and its WAL). */
/**
 * Waits until what a session's page had started has gone out (settlePage), and is in the
 * session's record: the context records requests in the order the browser issues them, so once
 * the test's own request is recorded, every request the page (or a window or worker of it)
 * issued before it is too; a test can then assert that nothing else was sent.
 */
export async function settle(session: Session): Promise<void> {
  const marker = await settlePage(session.page);
  await expect.poll(() => session.requests.some((request) => request.url.endsWith(marker))).toBe(true);
}

export async function everything(sessions: Sessions, coffer: Coffer): Promise<Haystack[]> {
  const haystacks = [
    ...sessions.all.flatMap((session) => requestHaystacks(session.who, session.requests)),
    { where: 'server stdout', bytes: Buffer.from(coffer.server.stdout()) },
    { where: 'server stderr', bytes: Buffer.from(coffer.server.stderr()) },
    ...mailHaystacks(coffer.mail),
    ...(await fileHaystacks(coffer.dataDir)),
  ];
  const names = haystacks.map((h) => h.where);
  expect(names).toContain('coffer.db');
  expect(names).toContain('coffer.db-wal');
  return haystacks;
}

/** None of `needles` anywhere; and, so the search is known to work, `control` in the database. */
export async function expectNoTrace(
  sessions: Sessions,
  coffer: Coffer,
  needles: readonly Needle[],
  control: { readonly what: string; readonly value: string },
): Promise<void> {
  const haystacks = await everything(sessions, coffer);
  expect(findNeedles(haystacks, needles)).toEqual([]);
  const seen = findNeedles(haystacks, forms(control.what, control.value));
  expect(
    seen.some((hit) => / in coffer\.db(-wal)?$/.test(hit)),
    seen.join('\n'),
  ).toBe(true);
}

/**
 * One browser test file's world: the built server with mail (logging at `trace`, so whatever it
 * would ever log is searched too), Chromium, the sessions, and the office set up through the
 * pages; the database opened beside the server for checks and for playing a hostile server.
 * `stop` ends what `start` got to, also after a failed start.
 */
export class FlowTest {
  #coffer: Coffer | undefined;
  #browser: Browser | undefined;
  #db: Db | undefined;
  #sessions: Sessions | undefined;

  async start(
    prefix: string,
    allow: readonly RegExp[],
    office: { readonly name: string; readonly admin: Person; readonly colleagues: readonly Person[] },
  ): Promise<void> {
    await ready();
    this.#coffer = await startCoffer(prefix, { LOG_LEVEL: 'trace' });
    this.#browser = await launchChromium();
    this.#sessions = browserSessions(this.#browser, this.#coffer, allow);
    await setUpOffice(this.#sessions, this.#coffer, office.name, office.admin, office.colleagues);
    this.#db = new Database(join(this.#coffer.dataDir, 'coffer.db'), { fileMustExist: true });
    this.#db.pragma('busy_timeout = 10000');
  }

  async stop(): Promise<void> {
    this.#db?.close();
    await this.#browser?.close();
    if (this.#coffer !== undefined) expect(await this.#coffer.stop()).toBe(0);
    await removeTempDirs();
  }

  get coffer(): Coffer {
    return started(this.#coffer);
  }
  get browser(): Browser {
    return started(this.#browser);
  }
  get db(): Db {
    return started(this.#db);
  }
  get sessions(): Sessions {
    return started(this.#sessions);
  }
}

function started<T>(value: T | undefined): T {
  if (value === undefined) throw new Error('the flow test has not started');
  return value;
}
