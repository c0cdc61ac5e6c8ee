// Looking for secrets everywhere Coffer's server, its operator or the network could have seen
// them (docs/threat-model.md, promise 1): every request a browser made (URL and body), the server's log, every
// mail the SMTP server received, and every file under DATA_DIR (the database, its WAL, the
// blobs). A secret counts as found in its raw bytes, in hex (either case), and in base64 and
// base64url at each of the three alignments a longer encoded text could have put it in.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { BrowserContext } from 'playwright-core';
import type { MailServer } from '../../helpers/mail-server.js';

export interface RecordedRequest {
  readonly method: string;
  /** As sent: browsers never send the fragment, and Playwright's request URL has none. */
  readonly url: string;
  readonly body: Buffer | null;
}

/**
 * Records every request of a browser context: its pages, the dedicated workers they start
 * (Chromium reports a worker's requests as its page's) and service workers. Playwright takes
 * each body from the DevTools protocol's requestWillBeSent, which carries whole bodies of the
 * size used here (a 5 MiB part arrives complete: the tests compare it with the blob on disk).
 */
export function recordRequests(context: BrowserContext): RecordedRequest[] {
  const recorded: RecordedRequest[] = [];
  context.on('request', (request) =>
    recorded.push({ method: request.method(), url: request.url(), body: request.postDataBuffer() }),
  );
  return recorded;
}

export interface Haystack {
  readonly where: string;
  readonly bytes: Buffer;
}

export interface Needle {
  readonly what: string;
  readonly bytes: Buffer;
}

/** The forms a secret could take: raw, hex, HEX, and base64/base64url at three alignments. */
export function forms(what: string, secret: Uint8Array | string): Needle[] {
  const raw = typeof secret === 'string' ? Buffer.from(secret, 'utf8') : Buffer.from(secret);
  const hex = raw.toString('hex');
  const needles: Needle[] = [
    { what: `${what} (raw)`, bytes: raw },
    { what: `${what} (hex)`, bytes: Buffer.from(hex) },
    { what: `${what} (HEX)`, bytes: Buffer.from(hex.toUpperCase()) },
  ];
  // Inside a longer base64 text the secret starts at one of three offsets in a 3-byte group;
  // dropping 0, 1 or 2 leading bytes and encoding whole groups only gives text that appears
  // whatever came before or after.
  for (let skip = 0; skip < 3; skip++) {
    const whole = raw.subarray(skip, skip + Math.floor((raw.length - skip) / 3) * 3);
    if (whole.length < 12) continue;
    needles.push({ what: `${what} (base64, from byte ${skip})`, bytes: Buffer.from(whole.toString('base64')) });
    needles.push({ what: `${what} (base64url, from byte ${skip})`, bytes: Buffer.from(whole.toString('base64url')) });
  }
  return needles;
}

/** "<what> in <where>" for each needle found in a haystack; empty when nothing was found. */
export function findNeedles(haystacks: readonly Haystack[], needles: readonly Needle[]): string[] {
  const found: string[] = [];
  for (const haystack of haystacks) {
    for (const needle of needles)
      if (haystack.bytes.includes(needle.bytes)) found.push(`${needle.what} in ${haystack.where}`);
  }
  return found;
}

export function requestHaystacks(who: string, requests: readonly RecordedRequest[]): Haystack[] {
  return requests.flatMap((request, index) => [
    { where: `${who} request ${index} URL (${request.method} ${request.url})`, bytes: Buffer.from(request.url) },
    ...(request.body
      ? [{ where: `${who} request ${index} body (${request.method} ${request.url})`, bytes: request.body }]
      : []),
  ]);
}

/** Every mail the SMTP server accepted, as the mailbox shows it: headers, text, HTML, attachments. */
export function mailHaystacks(mail: MailServer): Haystack[] {
  return mail.messages.map((message, index) => {
    const { attachments, ...rest } = message;
    const parts = [
      Buffer.from(JSON.stringify(rest)),
      ...attachments.map((a) => Buffer.from(typeof a.content === 'string' ? a.content : new Uint8Array(a.content))),
    ];
    return {
      where: `mail ${index} to ${message.to?.map((to) => ('address' in to ? to.address : '')).join(', ')}`,
      bytes: Buffer.concat(parts),
    };
  });
}

/** Every file below `dir` (the database, its -wal and -shm, blobs, unfinished uploads, keys). */
export async function fileHaystacks(dir: string): Promise<Haystack[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const files = entries.filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name));
  return Promise.all(files.map(async (file) => ({ where: file.slice(dir.length + 1), bytes: await readFile(file) })));
}
