// Outgoing mail. With SMTP_URL it goes through that server. The development outbox writes
// each message as an .eml file under DATA_DIR/outbox and prints one console line; it never
// prints a body, because bodies carry links with secrets in them.
import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import nodemailer from 'nodemailer';
import type { Logger } from 'pino';
import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import { dataPaths } from '../paths.js';

export interface MailMessage {
  /** One bare address: `jan@example.nl`. */
  readonly to: string;
  readonly subject: string;
  readonly text: string;
  readonly html?: string;
}

export interface Mailer {
  readonly transport: 'smtp' | 'outbox';
  send(message: MailMessage): Promise<void>;
  close(): void;
}

/** Sending failed. The cause stays on the error for the log; it is not shown to users. */
export class MailDeliveryError extends Error {
  override readonly name = 'MailDeliveryError';
}

/** `jan@example.nl` → `j***@example.nl`: enough to recognise, not enough to harvest. */
export function maskAddress(address: string): string {
  const at = address.lastIndexOf('@');
  if (at < 1) return '***';
  return `${address[0]}***@${address.slice(at + 1)}`;
}

export function createMailer(
  config: Pick<Config, 'mail' | 'dataDir'> & Partial<Pick<Config, 'mailTimeoutSeconds'>>,
  log: Logger,
  clock: Clock,
  options: { print?: (line: string) => void } = {},
): Mailer {
  const mail = config.mail;
  if (mail.transport === 'smtp') {
    // Short timeouts (MAIL_TIMEOUT_SECONDS): nodemailer's defaults let a server that accepts the
    // connection but never greets hold a delivery for minutes.
    const timeoutMs = (config.mailTimeoutSeconds ?? 10) * 1000;
    const transporter = nodemailer.createTransport({
      url: mail.url.reveal(),
      connectionTimeout: timeoutMs,
      greetingTimeout: timeoutMs,
      socketTimeout: timeoutMs,
    });
    return {
      transport: 'smtp',
      async send(message) {
        try {
          await transporter.sendMail({ from: mail.from, ...message });
          log.debug({ transport: 'smtp' }, 'mail accepted by the mail server');
        } catch (error) {
          throw new MailDeliveryError('the mail server did not accept the message', { cause: error });
        }
      },
      close: () => transporter.close(),
    };
  }

  const print = options.print ?? ((line: string) => console.log(line));
  const builder = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  const outbox = dataPaths(config.dataDir).outbox;
  return {
    transport: 'outbox',
    async send(message) {
      const info = await builder.sendMail({ from: mail.from, ...message });
      await mkdir(outbox, { recursive: true, mode: 0o700 });
      // ISO time without colons, which some file systems and archive tools refuse.
      const time = new Date(clock.now()).toISOString().replaceAll(':', '-');
      const file = join(outbox, `${time}-${randomBytes(4).toString('hex')}.eml`);
      await writeFile(file, info.message as Buffer, { mode: 0o600, flag: 'wx' });
      print(`mail (outbox): "${message.subject}" to ${maskAddress(message.to)} → ${relative(process.cwd(), file)}`);
    },
    close: () => builder.close(),
  };
}
