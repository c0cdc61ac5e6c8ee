// Pure parts of sending and receiving in the browser client: progress maths, guest links and
// the mail that goes with them, the streamed download's Content-Disposition, expiry choices,
// and the checks on what a sender types. (The pages themselves run in Chromium.)
import { describe, expect, it } from 'vitest';
import { en } from '../../client/src/i18n/en';
import { translator } from '../../client/src/i18n/index';
import { figures, percentOf, progressReporter, RateWindow } from '../../client/src/crypto/rate';
import { backoffMs, failureCode, HttpFailure, isRetryable, NetworkFailure } from '../../client/src/crypto/transport';
import {
  expiryFrom,
  expiryPresets,
  defaultExpiryDays,
  dropFragment,
  dropLink,
  guestFragment,
  guestLink,
  guestMail,
  guestLinkId,
  mailtoHref,
  DAY_MS,
} from '../../client/src/features/share/links';
import { addFiles } from '../../client/src/features/send/files';
import { addressesToAdd, splitAddresses } from '../../client/src/features/send/addresses';
import { metadataName } from '../../client/src/features/send/send-flow';
import {
  canStreamToDisk,
  DOWNLOAD_SCOPE as PAGE_SCOPE,
  SERVICE_WORKER_URL as PAGE_SW_URL,
} from '../../client/src/features/transfer/stream';
import { DOWNLOAD_ID_PATTERN, DOWNLOAD_SCOPE, SERVICE_WORKER_URL } from '../../client/src/sw/constants';
import { contentDisposition, encodeRfc5987, safeFileName } from '../../client/src/sw/content-disposition';
import { nextPath } from '../../client/src/next-path';
import { formatBytes, formatSpeed } from '../../client/src/ui/format';

const MiB = 1024 * 1024;

describe('progress figures', () => {
  it('measures speed over a sliding window, so a stall shows within seconds', () => {
    const window = new RateWindow(5000);
    expect(window.rate()).toBeNull();
    window.add(0, 0);
    window.add(200, 2 * MiB);
    expect(window.rate()).toBeNull(); // too short a span to say anything
    for (let t = 1000; t <= 10_000; t += 1000) window.add(t, (t / 1000) * 10 * MiB);
    expect(window.rate()).toBeCloseTo(10 * MiB, -3);
    // Nothing moves for six seconds: the old fast samples are forgotten.
    window.add(16_000, 100 * MiB);
    expect(window.rate()).toBe(0);
    // A count that goes back (a part sent again) starts over instead of going negative.
    window.add(17_000, 90 * MiB);
    expect(window.rate()).toBeNull();
  });

  it('rounds percent down, reaching 100 only when everything is done', () => {
    expect(percentOf(0, 100)).toBe(0);
    expect(percentOf(999, 1000)).toBe(99);
    expect(percentOf(1000, 1000)).toBe(100);
    expect(percentOf(5, 0)).toBe(100);
    expect(figures(50 * MiB, 100 * MiB, 10 * MiB)).toEqual({
      done: 50 * MiB,
      total: 100 * MiB,
      percent: 50,
      bytesPerSecond: 10 * MiB,
      secondsLeft: 5,
    });
    expect(figures(50, 100, null).secondsLeft).toBeNull();
    expect(figures(50, 100, 0).secondsLeft).toBeNull();
    expect(figures(150, 100, 1).done).toBe(100);
    expect(figures(100, 100, null).secondsLeft).toBe(0);
  });

  it('reports at most every 200 ms, and always the last figures', () => {
    let now = 0;
    const seen: number[] = [];
    const reporter = progressReporter(
      1000,
      (f) => seen.push(f.done),
      () => now,
    );
    for (let done = 0; done <= 1000; done += 10) {
      now += 10;
      reporter.update(done);
    }
    expect(seen.length).toBeLessThanOrEqual(7);
    expect(seen.at(-1)).toBe(1000);
  });

  it('retries what a retry can fix, with growing waits', () => {
    expect(isRetryable(new NetworkFailure('x'))).toBe(true);
    expect(isRetryable(new HttpFailure(503, null))).toBe(true);
    expect(isRetryable(new HttpFailure(429, 'rate_limited'))).toBe(true);
    expect(isRetryable(new HttpFailure(400, 'bad_request'))).toBe(false);
    expect(isRetryable(new HttpFailure(401, 'signed_out'))).toBe(false);
    expect([0, 1, 2, 3, 4, 5, 10].map((n) => backoffMs(n))).toEqual([500, 1000, 2000, 4000, 8000, 10_000, 10_000]);
    expect(backoffMs(0, 30)).toBe(30_000);
    expect(failureCode(new HttpFailure(410, 'share_revoked'))).toBe('share_revoked');
    expect(failureCode(new HttpFailure(401, 'grant_invalid'))).toBe('grant_invalid');
    expect(failureCode(new HttpFailure(413, 'quota_exceeded'))).toBe('quota_exceeded');
  });

  it('formats sizes and speeds in decimal units as people read them, in the reader’s locale', () => {
    expect(formatBytes('en-GB', 0)).toBe('0 B');
    expect(formatBytes('en-GB', 999)).toBe('999 B');
    expect(formatBytes('en-GB', 1000)).toBe('1 KB');
    expect(formatBytes('en-GB', 2_400_000)).toBe('2.4 MB');
    expect(formatBytes('nl-NL', 2_400_000)).toBe('2,4 MB');
    expect(formatBytes('en-GB', 5_000_000)).toBe('5 MB');
    // A mebibyte is a little over a megabyte.
    expect(formatBytes('en-GB', 5 * MiB)).toBe('5.2 MB');
    expect(formatBytes('en-GB', 150_400_000)).toBe('150 MB');
    expect(formatBytes('nl-NL', 1_250_000_000)).toBe('1,3 GB');
    expect(formatBytes('en-GB', 3_500_000_000_000)).toBe('3.5 TB');
    // Never "1000 KB": rounding that reaches the next unit shows in it.
    expect(formatBytes('en-GB', 999_600)).toBe('1 MB');
    expect(formatBytes('en-GB', 999_400)).toBe('999 KB');
    expect(formatBytes('en-GB', -5)).toBe('0 B');
    expect(formatSpeed('en-GB', 114_400_000)).toBe('114 MB/s');
    expect(formatSpeed('nl-NL', 12_340_000)).toBe('12,3 MB/s');
  });
});

describe('guest links', () => {
  const recipientId = 'AAAAAAAAAAAAAAAAAAAAAA';
  const fragment = `${'f'.repeat(43)}.${'p'.repeat(43)}.${'S'.repeat(43)}`;
  const oldFragment = `${'f'.repeat(43)}.${'S'.repeat(43)}`;

  it('builds /s/<link id>#<office fingerprint>.<sender fingerprint>.<S> and takes it apart again', () => {
    const link = guestLink('https://coffer.kantoor.nl', recipientId, fragment);
    expect(link).toBe(`https://coffer.kantoor.nl/s/${recipientId}#${fragment}`);
    const url = new URL(link);
    expect(guestLinkId(url.pathname)).toBe(recipientId);
    expect(guestFragment(url.hash)).toBe(fragment);
    // A link made before v2 (two values) still opens; a drop link's fragment has two values only.
    expect(guestFragment(`#${oldFragment}`)).toBe(oldFragment);
    expect(dropFragment(`#${oldFragment}`)).toBe(oldFragment);
    expect(dropFragment(`#${fragment}`)).toBeNull();
    expect(() => dropLink('https://x', recipientId, fragment)).toThrow();
  });

  it('refuses incomplete or altered links', () => {
    expect(() => guestLink('https://x', 'short', fragment)).toThrow();
    expect(() => guestLink('https://x', recipientId, 'abc.def')).toThrow();
    expect(guestLinkId('/s/')).toBeNull();
    expect(guestLinkId(`/s/${recipientId}/x`)).toBeNull();
    expect(guestFragment(`#${fragment}.${'S'.repeat(43)}`)).toBeNull();
    expect(guestFragment('')).toBeNull();
    expect(guestFragment(`#${fragment.slice(0, -1)}`)).toBeNull();
    expect(guestFragment(`#${fragment}x`)).toBeNull();
    expect(guestFragment(`#${fragment.replace('.', '')}`)).toBeNull();
  });

  it('writes the mail in the sender’s language, without the access code', () => {
    const t = translator('en');
    const mail = guestMail(t, {
      office: 'Kantoor Jansen',
      sender: 'Els Jansen',
      link: 'https://c/s/x#y',
      expires: '29 November 2026',
      accessCode: true,
    });
    expect(mail.subject).toBe('Documents from Kantoor Jansen');
    expect(mail.body).toContain('https://c/s/x#y');
    expect(mail.body).toContain('Els Jansen of Kantoor Jansen');
    expect(mail.body).toContain('access code');
    expect(mail.body).toContain('by phone');
    expect(mail.body).toContain('29 November 2026');
    const dutch = guestMail(translator('nl'), {
      office: 'Kantoor Jansen',
      sender: 'Els Jansen',
      link: 'https://c/s/x#y',
      expires: '29 november 2026',
      accessCode: false,
    });
    expect(dutch.subject).toBe('Documenten van Kantoor Jansen');
    expect(dutch.body).not.toMatch(/toegangscode/i);
    expect(dutch.body).toContain('Met vriendelijke groet,\nEls Jansen');
  });

  it('encodes a mailto: URL that mail programs read back exactly', () => {
    const href = mailtoHref('jan+test@example.nl', 'Documents & more', 'Line one\nhttps://c/s/x#y?z=1\n\nKind regards');
    expect(href.startsWith('mailto:jan%2Btest@example.nl?subject=')).toBe(true);
    const url = new URL(href);
    expect(url.searchParams.get('subject')).toBe('Documents & more');
    expect(url.searchParams.get('body')).toBe('Line one\r\nhttps://c/s/x#y?z=1\r\n\r\nKind regards');
    expect(href).not.toContain('+');
    expect(href).not.toContain(' ');
  });
});

describe('streamed downloads', () => {
  it('names the file in Content-Disposition with an RFC 5987 UTF-8 name and a safe ASCII fallback', () => {
    expect(contentDisposition('loonstrook.pdf')).toBe(
      `attachment; filename="loonstrook.pdf"; filename*=UTF-8''loonstrook.pdf`,
    );
    expect(contentDisposition('Jaarrekening 2025 (definitief).pdf')).toBe(
      `attachment; filename="Jaarrekening 2025 (definitief).pdf"; filename*=UTF-8''Jaarrekening%202025%20%28definitief%29.pdf`,
    );
    expect(contentDisposition('paspoort-Zoë €.jpg')).toBe(
      `attachment; filename="paspoort-Zo_ _.jpg"; filename*=UTF-8''paspoort-Zo%C3%AB%20%E2%82%AC.jpg`,
    );
    // Quotes, percent signs and backslashes never reach the quoted fallback; line breaks never the header.
    const hostile = contentDisposition('a"b%41\\c\r\nSet-Cookie: x.txt');
    expect(hostile).not.toMatch(/[\r\n]/);
    expect(hostile).toMatch(
      /^attachment; filename="a_b_41_c__Set-Cookie: x.txt"; filename\*=UTF-8''a%22b%2541_c__Set-Cookie%3A%20x.txt$/,
    );
    expect(encodeRfc5987("it's*")).toBe('it%27s%2A');
  });

  it('keeps names from being paths, hidden, empty or bidirectionally disguised', () => {
    expect(safeFileName('../../etc/passwd')).toBe('.._.._etc_passwd');
    expect(safeFileName('..')).toBe('download');
    expect(safeFileName('  ')).toBe('download');
    expect(safeFileName('invoice\u202Efdp.exe')).toBe('invoice_fdp.exe');
    expect(safeFileName('x'.repeat(300))).toHaveLength(255);
  });

  it('the page and the service worker agree on its paths', () => {
    expect(PAGE_SCOPE).toBe(DOWNLOAD_SCOPE);
    expect(PAGE_SW_URL).toBe(SERVICE_WORKER_URL);
    expect(DOWNLOAD_ID_PATTERN.test('AbCdEfGhIjKlMnOpQrSt_-')).toBe(true);
  });

  it('streams where the browser saves a service worker’s stream, and says so where it cannot', () => {
    const traits = (userAgent: string, maxTouchPoints = 0) => ({
      userAgent,
      maxTouchPoints,
      serviceWorker: true,
      readableStream: true,
    });
    const chrome =
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Safari/537.36';
    const firefox = 'Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0';
    const edge = `${chrome} Edg/140.0.0.0`;
    const safari =
      'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 Safari/605.1.15';
    const iphone =
      'Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 Mobile/15E148 Safari/604.1';
    const chromeOnIphone =
      'Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/140.0 Mobile/15E148 Safari/604.1';
    const android =
      'Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Mobile Safari/537.36';
    const headless = chrome.replace('Chrome/', 'HeadlessChrome/');
    expect([chrome, firefox, edge, android, headless].map((ua) => canStreamToDisk(traits(ua)))).toEqual([
      true,
      true,
      true,
      true,
      true,
    ]);
    expect([safari, iphone, chromeOnIphone].map((ua) => canStreamToDisk(traits(ua)))).toEqual([false, false, false]);
    // An iPad asks for the desktop site but has a touch screen.
    expect(canStreamToDisk(traits(safari, 5))).toBe(false);
    expect(canStreamToDisk({ ...traits(chrome), serviceWorker: false })).toBe(false);
  });
});

describe('composing a share', () => {
  it('offers expiry presets within the office maximum, the maximum included', () => {
    expect(expiryPresets(30)).toEqual([1, 3, 7, 14, 30]);
    expect(expiryPresets(10)).toEqual([1, 3, 7, 10]);
    expect(expiryPresets(1)).toEqual([1]);
    expect(expiryPresets(365).at(-1)).toBe(365);
    expect(defaultExpiryDays(30)).toBe(7);
    expect(defaultExpiryDays(3)).toBe(3);
    const now = Date.UTC(2026, 10, 22, 12, 0, 0);
    const expires = Date.parse(expiryFrom(now, 30));
    // A little short of the maximum, so a browser clock slightly ahead is still accepted.
    expect(expires).toBeLessThan(now + 30 * DAY_MS);
    expect(expires).toBeGreaterThan(now + 30 * DAY_MS - 10 * 60_000);
  });

  it('reads addresses as people type and paste them', () => {
    expect(splitAddresses(' Jan@Example.NL, piet@example.nl;\n<kees@example.nl> mailto:anna@example.nl ')).toEqual([
      'jan@example.nl',
      'piet@example.nl',
      'kees@example.nl',
      'anna@example.nl',
    ]);
    expect(addressesToAdd('a@b.nl, a@b.nl', [])).toEqual({ ok: true, added: ['a@b.nl'] });
    expect(addressesToAdd('a@b.nl', ['a@b.nl'])).toEqual({ ok: true, added: [] });
    expect(addressesToAdd('   ', [])).toEqual({ ok: false, problem: 'empty' });
    expect(addressesToAdd('a@b.nl jan.example.nl', [])).toEqual({
      ok: false,
      problem: 'invalid',
      address: 'jan.example.nl',
    });
    expect(addressesToAdd('c@d.nl', ['a@b.nl', 'b@b.nl'], 2)).toEqual({ ok: false, problem: 'tooMany' });
  });

  it('lists each chosen file once, up to the maximum', () => {
    const file = (name: string, size = 1) => ({ name, size, lastModified: 1 });
    const { files, dropped } = addFiles([file('a')], [file('a'), file('b'), file('c'), file('d')], 3);
    expect(files.map((f) => f.name)).toEqual(['a', 'b', 'c']);
    expect(dropped).toBe(1);
    expect(addFiles([], [file('a', 1), file('a', 2)]).files).toHaveLength(2);
  });

  it('shortens a very long file name in the middle and keeps its extension', () => {
    expect(metadataName('loonstrook.pdf')).toBe('loonstrook.pdf');
    const long = metadataName(`${'x'.repeat(2000)}.pdf`);
    expect(long).toHaveLength(1024);
    expect(long.endsWith('….pdf')).toBe(true);
    expect(metadataName('   ')).toBe('file');
  });

  it('goes on after sign-in to a share’s page, and nowhere else', () => {
    expect(nextPath('?next=/app/sent/AbCdEfGhIjKlMnOpQrSt_-')).toBe('/app/sent/AbCdEfGhIjKlMnOpQrSt_-');
    expect(nextPath('?next=/app/received/AbCdEfGhIjKlMnOpQrSt_-')).toBe('/app/received/AbCdEfGhIjKlMnOpQrSt_-');
    expect(nextPath('?next=/app/sent/Short_1')).toBe('/app');
    expect(nextPath('?next=/s/AbCdEfGhIjKlMnOpQrSt_-')).toBe('/app');
  });

  it('has every new message in both languages (the catalogs test checks parity)', () => {
    for (const key of [
      'send.title',
      'sent.link.copy',
      'guest.sendCode',
      'download.error.tampered',
      'keyChange.title',
    ] as const)
      expect(en[key]).toBeTruthy();
  });
});
