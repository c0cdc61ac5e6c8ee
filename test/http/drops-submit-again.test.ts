// A drop submission whose answer was lost on the way back (docs/protocol.md §13, "A submission
// whose answer was lost"): the uploader's browser sends the same submission again under the same
// grant, and gets the receipt of the first, with nothing stored, mailed or closed twice. Anything
// that is not that exact repeat is refused as before.
import { describe, expect, it } from 'vitest';
import { idToWire, newId } from '../../shared/crypto/index.js';
import { DropSubmitResponse } from '../../shared/wire/index.js';
import { tab } from '../helpers/client.js';
import {
  buildSubmission,
  CLIENT_EMAIL,
  dropUploads,
  makeDrop,
  proveAddress,
  startOpenDrop,
  submit,
  uploadToDrop,
} from '../helpers/drops.js';
import { expectError } from '../helpers/expect.js';
import { uploadRequest } from '../helpers/sharing.js';
import { auditActions, counts, files } from './support/drops.js';
import { staffSuite } from './support/staff-suite.js';

const { suite, office } = staffSuite();

describe('a drop submission sent again', () => {
  it('answers the same receipt to the session that made it, and stores, mails and audits it once', async () => {
    const s = await office();
    const drop = await makeDrop(s, s.staff, { email: CLIENT_EMAIL });
    const grant = await proveAddress(s.t.app, suite.mail, drop.dropId, CLIENT_EMAIL);
    const sent = files(700, 300);
    const owner = s.staff.account.email;
    const notices = suite.mail.to(owner).length;
    const { answer, submission } = await uploadToDrop(s.t.app, drop, grant, sent, { receiptMail: true });
    expect(answer.receiptMailed).toBe(true);
    // The owner's notice goes through the mail queue: it has arrived before the repeats start.
    await expect.poll(() => suite.mail.to(owner).length).toBe(notices + 1);
    const stored = counts(s.t.db);
    const receipts = suite.mail.to(CLIENT_EMAIL).length;
    const audited = auditActions(s.t.db).length;

    // The repeat: the same body under the same grant, twice.
    for (let n = 0; n < 2; n++) {
      const again = await submit(s.t.app, drop.dropId, grant, submission.body);
      expect(again.status, JSON.stringify(again.body)).toBe(201);
      expect(DropSubmitResponse.parse(again.body)).toEqual(answer);
    }
    expect(counts(s.t.db)).toEqual(stored);
    expect(auditActions(s.t.db)).toHaveLength(audited);
    expect(suite.mail.to(CLIENT_EMAIL)).toHaveLength(receipts);

    // Not the repeat: another manifest under the same id, and a new submission from the spent session.
    const other = buildSubmission(
      { dropId: drop.keys.dropId, publicKey: drop.keys.keyPair.publicKey, secret: drop.keys.secret },
      submission.body.files.map((file, index) => ({ file: sent[index]!, uploadId: file.uploadId })),
    );
    expectError(
      await submit(s.t.app, drop.dropId, grant, { ...submission.body, manifest: other.body.manifest }),
      409,
      'already_exists',
    );
    expectError(await submit(s.t.app, drop.dropId, grant, other.body), 401, 'grant_invalid');

    // Another session of the same drop, sending the first's exact body: not its submission, and
    // its uploads are another session's (404, as any foreign id).
    const second = await proveAddress(s.t.app, suite.mail, drop.dropId, CLIENT_EMAIL);
    expectError(await submit(s.t.app, drop.dropId, second, submission.body), 404, 'not_found');
    // Its own submission is the owner's second notice: queued after anything the repeats could
    // have queued, so once it is there, a notice of a repeat would be too.
    await uploadToDrop(s.t.app, drop, second, files(400));
    await expect.poll(() => suite.mail.to(owner).at(-1)?.text ?? '').toContain('1 bestand');
    expect(suite.mail.to(owner)).toHaveLength(notices + 2);
    // The grant of another drop, for this drop's path or its own: 404, as for any foreign id.
    const elsewhere = await makeDrop(s, s.staff, {});
    const foreign = await startOpenDrop(s.t.app, elsewhere.dropId);
    expectError(await submit(s.t.app, drop.dropId, foreign, submission.body), 404, 'not_found');
    expectError(await submit(s.t.app, elsewhere.dropId, grant, submission.body), 404, 'not_found');
    // Stored: the first submission once, and the second session's own.
    expect(counts(s.t.db)).toMatchObject({
      drop_uploads: (stored.drop_uploads ?? 0) + 1,
      drop_files: (stored.drop_files ?? 0) + 1,
    });
    expect(stored).toMatchObject({ drop_uploads: 1, drop_files: 2 });
    expect(s.t.logs.text()).not.toContain('unexpected error');
  });

  it('answers the repeat of the submission that closed a single-use drop, and 410 to everything else', async () => {
    const s = await office();
    const once = await makeDrop(s, s.staff, { singleUse: true });
    const grant = await startOpenDrop(s.t.app, once.dropId);
    const { answer, submission } = await uploadToDrop(s.t.app, once, grant, files(400));
    expectError(await tab(s.t.app).get(`/api/v1/d/${once.dropId}`), 410, 'drop_closed');
    const stored = counts(s.t.db);

    const again = await submit(s.t.app, once.dropId, grant, submission.body);
    expect(again.status, JSON.stringify(again.body)).toBe(201);
    expect(DropSubmitResponse.parse(again.body)).toEqual(answer);
    expect(counts(s.t.db)).toEqual(stored);

    // The same grant with a new submission id, and an upload: the drop is closed.
    expectError(
      await submit(s.t.app, once.dropId, grant, { ...submission.body, dropUploadId: idToWire(newId()) }),
      410,
      'drop_closed',
    );
    expectError(
      await uploadRequest(tab(s.t.app), 'post', '', dropUploads(once.dropId, grant), { size: 1000 }),
      410,
      'drop_closed',
    );
  });
});
