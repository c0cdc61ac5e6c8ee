// Pure parts of drops in the browser client: the drop link and the mail that goes with it,
// the choices an advisor has, the limits checked before an upload starts, where a drop's
// uploads go, the failures a drop's upload can end with, and the routes. (The pages themselves
// run in Chromium: test/e2e/drops.test.ts.)
import { describe, expect, it } from 'vitest';
import { MAX_DROP_FILES, PERSONAL_DROP_MAX_DAYS } from '../../shared/wire/drops.js';
import { translator } from '../../client/src/i18n/index';
import { allowedSections, appRoute } from '../../client/src/features/app/sections';
import { endedState } from '../../client/src/features/drops/labels';
import {
  DEFAULT_MAX_FILES,
  DEFAULT_MAX_TOTAL,
  defaultDropExpiryDays,
  dropExpiryPresets,
  limitProblems,
  MAX_FILES_CHOICES,
  MAX_TOTAL_CHOICES,
} from '../../client/src/features/drops/limits';
import { normalizeEmailCode } from '../../client/src/ui/validate';
import { dropIdOfPath, dropLink, dropMail, guestFragment, mailtoHref } from '../../client/src/features/share/links';
import {
  dropUploadTarget,
  failureCode,
  HttpFailure,
  MEMBER_UPLOADS,
  partPath,
} from '../../client/src/crypto/transport';

const MiB = 1024 * 1024;
const DROP_ID = 'AAECAwQFBgcICQoLDA0ODw';
const FRAGMENT = `${'f'.repeat(43)}.${'D'.repeat(43)}`;

describe('drop links', () => {
  it('are /d/<id>#<fingerprint>.<D>, and the page reads them back', () => {
    const link = dropLink('https://coffer.example.nl', DROP_ID, FRAGMENT);
    expect(link).toBe(`https://coffer.example.nl/d/${DROP_ID}#${FRAGMENT}`);
    const url = new URL(link);
    expect(dropIdOfPath(url.pathname)).toBe(DROP_ID);
    expect(guestFragment(url.hash)).toBe(FRAGMENT);
    expect(dropIdOfPath(`/d/${DROP_ID}/`)).toBe(DROP_ID);
    expect(dropIdOfPath(`/s/${DROP_ID}`)).toBeNull();
    expect(dropIdOfPath('/d/short')).toBeNull();
    expect(guestFragment(`#${FRAGMENT.slice(0, 60)}`)).toBeNull();
    expect(() => dropLink('https://x', 'bad id', FRAGMENT)).toThrow(RangeError);
    expect(() => dropLink('https://x', DROP_ID, 'nope')).toThrow(RangeError);
  });

  it('come with a ready mail in Dutch or English that says a code follows only for a bound drop', () => {
    const params = {
      office: 'Kantoor Jansen',
      sender: 'Anna de Vries',
      link: `https://c/d/${DROP_ID}#${FRAGMENT}`,
      expires: '1 juni 2026',
    };
    const nl = dropMail(translator('nl'), { ...params, bound: true });
    expect(nl.subject).toBe('Uw documenten uploaden voor Kantoor Jansen');
    expect(nl.body).toContain(params.link);
    expect(nl.body).toContain('ontvangt u eerst een code');
    expect(nl.body).toContain('alleen Kantoor Jansen kan ze openen');
    expect(nl.body).toContain('Met vriendelijke groet,\nAnna de Vries');
    const en = dropMail(translator('en'), { ...params, bound: false });
    expect(en.subject).toBe('Please upload your documents for Kantoor Jansen');
    expect(en.body).not.toContain('code');
    expect(en.body).toContain('The link works until 1 juni 2026.');
    // An open drop has no address to write to: the mail app asks for one.
    expect(mailtoHref('', en.subject, en.body)).toMatch(/^mailto:\?subject=Please%20upload/);
    expect(mailtoHref('klant@example.nl', nl.subject, nl.body)).toMatch(/^mailto:klant@example\.nl\?subject=/);
  });
});

describe('making a drop', () => {
  it('offers expiries within the office maximum, or a year for a personal drop', () => {
    expect(dropExpiryPresets(30, false)).toEqual([1, 3, 7, 14, 30]);
    expect(dropExpiryPresets(30, true).at(-1)).toBe(PERSONAL_DROP_MAX_DAYS);
    expect(defaultDropExpiryDays(30, false)).toBe(7);
    expect(defaultDropExpiryDays(3, false)).toBe(3);
    expect(defaultDropExpiryDays(30, true)).toBe(PERSONAL_DROP_MAX_DAYS);
  });

  it('offers limits the server accepts, with sensible defaults among them', () => {
    expect(MAX_FILES_CHOICES.every((n) => n >= 1 && n <= MAX_DROP_FILES)).toBe(true);
    expect(MAX_FILES_CHOICES).toContain(DEFAULT_MAX_FILES);
    expect(MAX_TOTAL_CHOICES).toContain(DEFAULT_MAX_TOTAL);
    expect([...MAX_TOTAL_CHOICES].sort((a, b) => a - b)).toEqual(MAX_TOTAL_CHOICES);
  });
});

describe('limits, checked before an upload starts', () => {
  const limits = { maxFiles: 2, maxTotalBytes: 60 * MiB, maxFileBytes: 50 * MiB };

  it('accept files within every limit', () => {
    expect(
      limitProblems(
        [
          { name: 'a.pdf', size: 50 * MiB },
          { name: 'b.pdf', size: 10 * MiB },
        ],
        limits,
      ),
    ).toEqual([]);
  });

  it('name each limit that is passed', () => {
    expect(limitProblems([], limits)).toEqual([{ kind: 'none' }]);
    const three = [
      { name: 'a', size: 1 },
      { name: 'b', size: 1 },
      { name: 'c', size: 1 },
    ];
    expect(limitProblems(three, limits)).toEqual([{ kind: 'too-many', max: 2 }]);
    expect(limitProblems([{ name: 'groot.zip', size: 50 * MiB + 1 }], limits)).toEqual([
      { kind: 'file-too-large', names: ['groot.zip'], max: 50 * MiB },
    ]);
    expect(
      limitProblems(
        [
          { name: 'a', size: 40 * MiB },
          { name: 'b', size: 30 * MiB },
        ],
        limits,
      ),
    ).toEqual([{ kind: 'too-large', max: 60 * MiB }]);
  });
});

describe("a drop's uploads", () => {
  it('go to the drop with its grant; a member’s own go where they always did', () => {
    const target = dropUploadTarget(DROP_ID, 'a.b.c');
    expect(target).toEqual({ base: `/api/v1/d/${DROP_ID}/uploads`, headers: { Authorization: 'Bearer a.b.c' } });
    expect(partPath('UP', 3, target)).toBe(`/api/v1/d/${DROP_ID}/uploads/UP/parts/3`);
    expect(partPath('UP', 3)).toBe('/api/v1/uploads/UP/parts/3');
    expect(MEMBER_UPLOADS.headers).toEqual({});
  });

  it('tell the page why they failed: a closed or expired drop, its limits, a rejected upload', () => {
    expect(failureCode(new HttpFailure(410, 'drop_closed'))).toBe('drop_closed');
    expect(failureCode(new HttpFailure(410, 'drop_expired'))).toBe('drop_expired');
    expect(failureCode(new HttpFailure(413, 'drop_too_many_files'))).toBe('drop_too_many_files');
    expect(failureCode(new HttpFailure(413, 'drop_too_large'))).toBe('drop_too_large');
    expect(failureCode(new HttpFailure(413, 'quota_exceeded'))).toBe('quota_exceeded');
    expect(failureCode(new HttpFailure(409, 'upload_rejected'))).toBe('upload_rejected');
    expect(failureCode(new HttpFailure(401, 'grant_invalid'))).toBe('grant_invalid');
    expect(endedState('drop_closed')).toBe('closed');
    expect(endedState('drop_expired')).toBe('expired');
    expect(endedState('share_expired')).toBeNull();
  });

  it('take the e-mail code as typed, with spaces', () => {
    expect(normalizeEmailCode('123 456')).toBe('123456');
    expect(normalizeEmailCode(' 123456 ')).toBe('123456');
    expect(normalizeEmailCode('12345')).toBeNull();
    expect(normalizeEmailCode('12345a')).toBeNull();
  });
});

describe('drop pages', () => {
  it('live under /app/drops for approved staff and admins only', () => {
    expect(appRoute('/app/drops')).toEqual({ section: 'drops' });
    expect(appRoute('/app/drops/new')).toEqual({ section: 'drops', newDrop: true });
    expect(appRoute(`/app/drops/${DROP_ID}`)).toEqual({ section: 'drops', dropId: DROP_ID });
    expect(appRoute('/app/drops/not-an-id')).toBeNull();
    const info = (role: 'admin' | 'staff' | 'client', approval: 'approved' | 'pending') =>
      ({ me: { role, approval } }) as Parameters<typeof allowedSections>[0];
    expect(allowedSections(info('staff', 'approved'))).toContain('drops');
    expect(allowedSections(info('admin', 'approved'))).toContain('drops');
    expect(allowedSections(info('staff', 'pending'))).not.toContain('drops');
    expect(allowedSections(info('client', 'approved'))).not.toContain('drops');
  });
});
