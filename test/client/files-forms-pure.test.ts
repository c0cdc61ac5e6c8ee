// Pure parts of choosing files and a password in the browser client: which chosen files are
// empty, what the new-password fields say (one message per problem, never "still being checked"
// for a settled verdict), and the receipts kept in a tab's history (no names, read back warily). The pages run in Chromium: test/e2e/files-forms.test.ts.
import { describe, expect, it } from 'vitest';
import { emptyFiles } from '../../client/src/features/send/files';
import { listedReasons, passwordFieldErrors, reasonText } from '../../client/src/features/password/messages';
import { judgePassword } from '../../client/src/features/password/policy';
import { translator } from '../../client/src/i18n/index';
import { keptReceiptIn, receiptToKeep, withKeptReceipt } from '../../client/src/features/drops/kept-receipt';
import { guestReceiptIn, withSavedFile } from '../../client/src/features/guest/guest-receipt';

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

describe('receipts kept in the history of a tab', () => {
  const DROP_ID = 'AAECAwQFBgcICQoLDA0ODw';
  const receipt = {
    dropUploadId: 'EBESExQVFhcYGRobHB0eHw',
    receivedAt: '2026-12-06T09:30:00.000Z',
    receiptCode: '1234-5678-9012',
    serverAgrees: true,
    receiptMailed: false,
    files: [
      { name: 'jaarrekening-2025.pdf', size: 1000 },
      { name: 'leeg.txt', size: 0 },
    ],
  };
  const about = { office: 'Kantoor Jansen', title: 'Uw stukken', singleUse: true };

  it('a drop receipt keeps the sizes, the time and the code, never the names, next to what else the state holds', () => {
    const kept = receiptToKeep(DROP_ID, about, receipt);
    const state = withKeptReceipt({ other: 1 }, kept);
    expect(JSON.stringify(state)).not.toContain('jaarrekening');
    expect(JSON.stringify(state)).not.toContain('leeg.txt');
    expect(state['other']).toBe(1);
    // Through structured cloning, as history.state stores it.
    const back = keptReceiptIn(structuredClone(state), DROP_ID);
    expect(back).toEqual({
      dropId: DROP_ID,
      ...about,
      receipt: { ...receipt, files: [{ size: 1000 }, { size: 0 }] },
    });
    expect(withKeptReceipt(state, null)).toEqual({ other: 1 });
  });

  it('another drop’s receipt, or a malformed one, is not shown', () => {
    const state = withKeptReceipt(null, receiptToKeep(DROP_ID, about, receipt));
    expect(keptReceiptIn(state, 'BAECAwQFBgcICQoLDA0ODw')).toBeNull();
    expect(keptReceiptIn(null, DROP_ID)).toBeNull();
    expect(keptReceiptIn('text', DROP_ID)).toBeNull();
    const broken = (change: Record<string, unknown>) =>
      keptReceiptIn(
        { cofferDropReceipt: { dropId: DROP_ID, ...about, receipt: { ...receipt, files: [{ size: 1 }], ...change } } },
        DROP_ID,
      );
    expect(broken({})).not.toBeNull();
    expect(broken({ receiptCode: 5 })).toBeNull();
    expect(broken({ files: [{ size: -1 }] })).toBeNull();
    expect(broken({ files: [{ size: 1.5 }] })).toBeNull();
    expect(broken({ files: 'all' })).toBeNull();
    expect(broken({ serverAgrees: 'yes' })).toBeNull();
  });

  it('a guest’s receipt counts each file once, for this link only', () => {
    const recipient = 'ICEiIyQlJicoKSorLC0uLw';
    let state: unknown = { other: 'kept' };
    state = withSavedFile(state, recipient, 'file-a', '2026-12-06T09:00:00.000Z');
    state = withSavedFile(state, recipient, 'file-b', '2026-12-06T09:01:00.000Z');
    state = withSavedFile(state, recipient, 'file-a', '2026-12-06T09:02:00.000Z');
    expect(guestReceiptIn(structuredClone(state), recipient)).toEqual({
      recipientId: recipient,
      fileIds: ['file-a', 'file-b'],
      lastAt: '2026-12-06T09:02:00.000Z',
    });
    expect((state as Record<string, unknown>)['other']).toBe('kept');
    expect(guestReceiptIn(state, 'MDEyMzQ1Njc4OTo7PD0-Pz8')).toBeNull();
    expect(
      guestReceiptIn({ cofferGuestReceipt: { recipientId: recipient, fileIds: [1], lastAt: 'x' } }, recipient),
    ).toBeNull();
  });
});
