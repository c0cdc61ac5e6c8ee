// A real SMTP server on 127.0.0.1 (smtp-server) that keeps every message it accepts, parsed
// with postal-mime, so tests read invitation, reset and notice mails as a mailbox would.
// Recipients in `refuse` are rejected at RCPT TO, so the sender sees a failed delivery; a mail to
// an address in `hold` waits at the end of DATA until the test releases it (a mail still with the
// mail server, as when the sending process dies).
import type { AddressInfo } from 'node:net';
import PostalMime from 'postal-mime';
import { SMTPServer } from 'smtp-server';

export type Email = Awaited<ReturnType<typeof PostalMime.parse>>;

export interface MailServer {
  readonly port: number;
  /** Environment for createTestApp that sends through this server. */
  readonly env: Record<string, string | undefined>;
  readonly messages: Email[];
  /** Addresses the server refuses. */
  readonly refuse: Set<string>;
  /** Addresses whose mails wait, unanswered, at the end of DATA until `release`. */
  readonly hold: Set<string>;
  /** Waits until a mail to `address` is being held. */
  holding(address: string, timeoutMs?: number): Promise<void>;
  /** Answers the oldest held mail to `address`: accepted (then in `messages`) or refused. */
  release(address: string, accept: boolean): void;
  /** The messages to one address, oldest first. */
  to(address: string): Email[];
  /** The newest message to `address`, waiting briefly for it to arrive. */
  latest(address: string, timeoutMs?: number): Promise<Email>;
  close(): Promise<void>;
}

/**
 * Polls `find` every 20 ms until it returns a mail, for up to `timeoutMs`. Plain timers, not
 * vitest's: the screenshot script (scripts/screenshots.ts) uses these helpers outside a test run.
 */
export async function waitForMail(
  find: () => Email | undefined,
  timeoutMs: number,
  missing: () => string,
): Promise<Email> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = find();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(missing());
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** On `port` when given (a test that takes a mail server away and brings it back), else any free port. */
export async function startMailServer(port = 0): Promise<MailServer> {
  const messages: Email[] = [];
  const refuse = new Set<string>();
  const hold = new Set<string>();
  const held = new Map<string, ((accept: boolean) => void)[]>();
  const server = new SMTPServer({
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onRcptTo(address, _session, callback) {
      if (refuse.has(address.address.toLowerCase())) callback(new Error('550 No such user here'));
      else callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        PostalMime.parse(Buffer.concat(chunks).toString('utf8'))
          .then((email) => {
            const answer = (accept: boolean): void => {
              if (!accept) {
                callback(new Error('451 Try again later'));
                return;
              }
              messages.push(email);
              callback();
            };
            const waiting = session.envelope.rcptTo.map((r) => r.address.toLowerCase()).find((a) => hold.has(a));
            if (waiting === undefined) answer(true);
            else held.set(waiting, [...(held.get(waiting) ?? []), answer]);
          })
          .catch((error: Error) => callback(error));
      });
    },
  });
  // A sender that dies in the middle of a mail (a test kills Coffer while it mails) resets its
  // connection; smtp-server reports that as an 'error' event, which would end the test process
  // without a listener. That mail was never accepted, so it is not in `messages` either.
  server.on('error', () => {});
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const bound = (server.server.address() as AddressInfo).port;
  const to = (address: string) =>
    messages.filter((message) =>
      message.to?.some((recipient) => 'address' in recipient && recipient.address === address),
    );
  return {
    port: bound,
    env: { MAIL_OUTBOX: undefined, SMTP_URL: `smtp://127.0.0.1:${bound}`, MAIL_FROM: 'Coffer <coffer@office.example>' },
    messages,
    refuse,
    hold,
    async holding(address, timeoutMs = 5_000) {
      const deadline = Date.now() + timeoutMs;
      while ((held.get(address) ?? []).length === 0) {
        if (Date.now() > deadline) throw new Error(`no mail to ${address} is being held`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    },
    release(address, accept) {
      const answer = held.get(address)?.shift();
      if (answer === undefined) throw new Error(`no mail to ${address} is being held`);
      answer(accept);
    },
    to,
    latest: (address, timeoutMs = 5_000) =>
      waitForMail(
        () => to(address).at(-1),
        timeoutMs,
        () => `no mail to ${address}`,
      ),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/**
 * The invitation link in a mail, whole, as the invitee clicks it:
 * `<origin>/invite#<token>.<office fingerprint>` (a link without the fingerprint is refused).
 */
export function inviteLinkIn(email: Email): string {
  const match = /(https?:\/\/[^\s/]+\/invite#[A-Za-z0-9_-]{43}\.[A-Za-z0-9_-]{43})(?![A-Za-z0-9_-])/.exec(
    email.text ?? '',
  );
  if (match?.[1] === undefined) throw new Error('no invitation link with an office fingerprint in the mail');
  return match[1];
}

/** The token of the `/invite#<token>.<office fingerprint>` link in a mail. */
export function inviteToken(email: Email): string {
  const match = /\/invite#([A-Za-z0-9_-]{43})\b/.exec(email.text ?? '');
  if (match?.[1] === undefined) throw new Error('no invitation link in the mail');
  return match[1];
}
