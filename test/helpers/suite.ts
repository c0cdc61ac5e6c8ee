// The lifecycle most HTTP test files share: one SMTP server for the whole file, a fresh app per
// test that mails through it (closed after that test), and the temporary folders removed at
// the end. Call once at the top of a test file; it registers the hooks.
import { afterAll, afterEach, beforeAll } from 'vitest';
import { ready } from '../../shared/crypto/index.js';
import type { Env } from '../../server/kernel/config.js';
import { createTestApp, type TestApp } from './app.js';
import { startMailServer, type MailServer } from './mail-server.js';
import { setUpOffice, type Office } from './office.js';
import { removeTempDirs } from './tmp.js';

export interface HttpSuite {
  /** The file's SMTP server; started in beforeAll, so read it inside tests and hooks. */
  readonly mail: MailServer;
  /** A fresh app that mails through `mail`; `env` adds to (or overrides) that setting. */
  app(env?: Env): Promise<TestApp>;
  /** A fresh app with an office set up in it by its first admin (see setUpOffice). */
  office(env?: Env): Promise<Office>;
}

export function httpSuite(): HttpSuite {
  let mail: MailServer | undefined;
  const apps: TestApp[] = [];
  beforeAll(async () => {
    await ready();
    mail = await startMailServer();
  });
  afterEach(() => {
    for (const t of apps.splice(0)) t.close();
  });
  afterAll(async () => {
    await mail?.close();
    await removeTempDirs();
  });

  const suite: HttpSuite = {
    get mail(): MailServer {
      if (mail === undefined) throw new Error('the mail server starts in beforeAll');
      return mail;
    },
    async app(env = {}) {
      const t = await createTestApp({ env: { ...suite.mail.env, ...env } });
      apps.push(t);
      return t;
    },
    async office(env = {}) {
      return setUpOffice(await suite.app(env), suite.mail);
    },
  };
  return suite;
}
