import { readdir, readFile, stat } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import PostalMime from 'postal-mime';
import { SMTPServer } from 'smtp-server';
import { afterAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../server/kernel/config.js';
import { createMailer, MailDeliveryError, maskAddress } from '../../server/kernel/mail/mailer.js';
import { testClock } from '../helpers/clock.js';
import { memoryLog } from '../helpers/log.js';
import { removeTempDirs, tempDir } from '../helpers/tmp.js';

afterAll(removeTempDirs);

interface Received {
  raw: string;
  user: string | undefined;
}

async function startSmtpServer(): Promise<{ port: number; received: Received[]; close(): Promise<void> }> {
  const received: Received[] = [];
  const server = new SMTPServer({
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    authOptional: true,
    logger: false,
    onAuth(auth, _session, callback) {
      if (auth.username === 'coffer' && auth.password === 'smtp-secret') callback(null, { user: auth.username });
      else callback(new Error('Invalid username or password'));
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        received.push({ raw: Buffer.concat(chunks).toString('utf8'), user: session.user as string | undefined });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return { port, received, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

describe('maskAddress', () => {
  it('shows the first letter of the local part and the domain', () => {
    expect(maskAddress('jan@example.nl')).toBe('j***@example.nl');
    expect(maskAddress('a@b.example')).toBe('a***@b.example');
    expect(maskAddress('not-an-address')).toBe('***');
  });
});

describe('SMTP mailer', () => {
  it('delivers through the SMTP server named in SMTP_URL, with MAIL_FROM', async () => {
    const smtp = await startSmtpServer();
    try {
      const config = parseConfig({
        PUBLIC_URL: 'https://files.office.example',
        SMTP_URL: `smtp://coffer:smtp-secret@127.0.0.1:${smtp.port}`,
        MAIL_FROM: 'Office Coffer <coffer@office.example>',
        DATA_DIR: await tempDir(),
      });
      const mailer = createMailer(config, memoryLog().log, testClock());
      expect(mailer.transport).toBe('smtp');
      await mailer.send({
        to: 'jan@example.nl',
        subject: 'Documents for you',
        text: 'Open https://files.office.example/s/1#secret',
      });
      mailer.close();

      expect(smtp.received).toHaveLength(1);
      expect(smtp.received[0]?.user).toBe('coffer');
      const email = await PostalMime.parse(smtp.received[0]?.raw ?? '');
      expect(email.from?.address).toBe('coffer@office.example');
      expect(email.from?.name).toBe('Office Coffer');
      expect(email.to?.map((to) => to.address)).toEqual(['jan@example.nl']);
      expect(email.subject).toBe('Documents for you');
      expect(email.text?.trim()).toBe('Open https://files.office.example/s/1#secret');
    } finally {
      await smtp.close();
    }
  });

  it('throws MailDeliveryError when the server refuses, without the password in the message', async () => {
    const smtp = await startSmtpServer();
    try {
      const config = parseConfig({
        PUBLIC_URL: 'https://files.office.example',
        SMTP_URL: `smtp://coffer:wrong-password@127.0.0.1:${smtp.port}`,
        MAIL_FROM: 'coffer@office.example',
      });
      const mailer = createMailer(config, memoryLog().log, testClock());
      const error = await mailer.send({ to: 'jan@example.nl', subject: 's', text: 't' }).catch((e: unknown) => e);
      mailer.close();
      expect(error).toBeInstanceOf(MailDeliveryError);
      expect((error as Error).message).not.toContain('wrong-password');
      expect(smtp.received).toHaveLength(0);
    } finally {
      await smtp.close();
    }
  });
});

describe('outbox mailer', () => {
  it('writes an .eml file readable by its owner only and prints one line without the body', async () => {
    const dataDir = await tempDir();
    const config = parseConfig({ DATA_DIR: dataDir, MAIL_OUTBOX: '1' });
    const lines: string[] = [];
    const logs = memoryLog('trace');
    const mailer = createMailer(config, logs.log, testClock(Date.UTC(2026, 2, 1, 12, 30, 15, 250)), {
      print: (line) => lines.push(line),
    });
    expect(mailer.transport).toBe('outbox');

    const body = 'Your code is 493027 and the link is http://localhost:8080/s/abc#link-secret';
    await mailer.send({ to: 'jan@example.nl', subject: 'Your Coffer code', text: body, html: `<p>${body}</p>` });
    mailer.close();

    const outbox = join(dataDir, 'outbox');
    expect((await stat(outbox)).mode & 0o777).toBe(0o700);
    const files = await readdir(outbox);
    expect(files).toHaveLength(1);
    const file = files[0] as string;
    expect(file).toMatch(/^2026-03-01T12-30-15\.250Z-[0-9a-f]{8}\.eml$/);
    expect((await stat(join(outbox, file))).mode & 0o777).toBe(0o600);

    const email = await PostalMime.parse(await readFile(join(outbox, file)));
    expect(email.text?.trim()).toBe(body);
    expect(email.from?.address).toBe('coffer@localhost');
    expect(email.to?.[0]?.address).toBe('jan@example.nl');

    expect(lines).toHaveLength(1);
    const line = lines[0] as string;
    expect(line).toMatch(/^mail \(outbox\): "Your Coffer code" to j\*\*\*@example\.nl → .*outbox\/.*\.eml$/);
    expect(line).not.toContain('jan@');
    expect(line).not.toContain('493027');
    expect(line).not.toContain('link-secret');
    expect(logs.text()).not.toContain('493027');
    expect(logs.text()).not.toContain('jan@');
  });
});
