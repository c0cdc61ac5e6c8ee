// Pure parts of choosing files and a password in the browser client: which chosen files are
// empty, and what the new-password fields say (one message per problem, never "still being
// checked" for a settled verdict). The pages run in Chromium: test/e2e/files-forms.test.ts.
import { describe, expect, it } from 'vitest';
import { emptyFiles } from '../../client/src/features/send/files';
import { listedReasons, passwordFieldErrors, reasonText } from '../../client/src/features/password/messages';
import { judgePassword } from '../../client/src/features/password/policy';
import { translator } from '../../client/src/i18n/index';

const file = (name: string, size: number) => ({ name, size, lastModified: 1 });

describe('empty files', () => {
  it('are the chosen files of 0 bytes, in their order', () => {
    const files = [file('a.pdf', 10), file('leeg.txt', 0), file('b.pdf', 1), file('ook-leeg', 0)];
    expect(emptyFiles(files).map((f) => f.name)).toEqual(['leeg.txt', 'ook-leeg']);
    expect(emptyFiles([file('a', 1)])).toEqual([]);
  });

  it('are named in the warning, in both languages', () => {
    expect(translator('en')('send.files.emptyWarning', { name: 'leeg.txt' })).toBe(
      'leeg.txt is empty (0 bytes). Is that the file you meant?',
    );
    expect(translator('nl')('send.files.emptyWarning', { name: 'leeg.txt' })).toBe(
      'leeg.txt is leeg (0 bytes). Is dat het bestand dat u bedoelt?',
    );
    expect(translator('en')('send.files.emptyConfirm', { n: 1 })).toBe('Yes, include the empty file');
    expect(translator('nl')('send.files.emptyConfirm', { n: 3 })).toBe('Ja, neem de 3 lege bestanden mee');
  });
});

describe('new-password messages', () => {
  const t = translator('en');
  const strong = { score: 4, warning: null, leaked: false } as const;

  it('a short password: its reason shows once, as the field error, and not again in the list', () => {
    const verdict = judgePassword('kort', strong);
    const errors = passwordFieldErrors(t, { password: 'kort', confirm: 'kort' }, verdict);
    expect(errors?.password).toBe('Use at least 12 characters.');
    expect(listedReasons(t, verdict, errors?.password)).toEqual([]);
    // Before any attempt (no field error) the list is where it is said.
    expect(listedReasons(t, verdict, undefined)).toEqual(['too_short']);
    expect(reasonText(t, 'too_short')).toBe('Use at least 12 characters.');
  });

  it('a short and guessable password: the list keeps the reasons the error does not say', () => {
    const verdict = judgePassword('qwertyui', { score: 0, warning: 'keyPattern', leaked: false });
    expect(verdict).toMatchObject({ kind: 'refused', reasons: ['too_short', 'keyboard_pattern'] });
    const errors = passwordFieldErrors(t, { password: 'qwertyui', confirm: '' }, verdict);
    expect(errors).toEqual({ password: 'Use at least 12 characters.', confirm: 'Repeat the password.' });
    expect(listedReasons(t, verdict, errors?.password)).toEqual(['keyboard_pattern']);
  });

  it('a settled strong password has no error; only an unsettled one is "still being checked"', () => {
    const password = 'vrolijke-olifant-tekent-7';
    expect(passwordFieldErrors(t, { password, confirm: password }, judgePassword(password, strong))).toBeNull();
    expect(passwordFieldErrors(t, { password, confirm: password }, judgePassword(password, null))).toEqual({
      password: 'The password strength is still being checked. Try again in a moment.',
    });
    expect(passwordFieldErrors(t, { password, confirm: 'anders' }, judgePassword(password, strong))).toEqual({
      confirm: 'The two passwords are not the same.',
    });
  });
});
