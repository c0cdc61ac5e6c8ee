// The batch plan (docs/protocol.md §14a): a two-item plan sealed under the personal key of
// account.json's account, and what a reader must refuse. Made last, so the older families keep
// their bytes.
import type { AccountContext } from './accounts.js';
import { c, flipBit, hex, negativesOf, note, otherId, setByte, type VectorFiles } from './common.js';

export function batchPlanFamily(files: VectorFiles, a: AccountContext): void {
  const { userId, account } = a;
  const batchId = c.newId();
  const plan: c.BatchPlan = {
    batchId,
    userId,
    items: [
      {
        itemNo: 0,
        fileName: 'loonstrook-10234 maart.pdf',
        size: 153600,
        lastModified: 1790000000000,
        email: 'jan@example.nl',
        delivery: 'account',
        name: 'Jan Jansen',
        message: 'Uw loonstrook van maart',
      },
      {
        itemNo: 1,
        fileName: 'loonstrook-10235 maart.pdf',
        size: 0,
        lastModified: 0,
        email: 'piet@example.nl',
        delivery: 'export',
        name: '',
        message: '',
      },
    ],
  };
  const envelope = c.sealBatchPlan(plan, account.personalKey);
  const open = negativesOf('openBatchPlan', (input: Uint8Array) => ({
    envelope: input,
    personalKey: account.personalKey,
    batchId,
    userId,
  }));
  files['batch-plan.json'] = {
    note,
    personalKey: hex(account.personalKey),
    planKey: hex(c.deriveKey(account.personalKey, c.KDF_CONTEXT.personal, c.SUBKEY.personal.batchPlan)),
    batchId: hex(batchId),
    userId: hex(userId),
    items: plan.items,
    envelope: hex(envelope),
    negative: [
      open('other-batch', envelope, 'DecryptError', 'the plan of this batch handed over for another batch id', {
        batchId: otherId(batchId),
      }),
      open('other-user', envelope, 'DecryptError', 'the plan opened for another user id', { userId: otherId(userId) }),
      open(
        'other-personal-key',
        envelope,
        'DecryptError',
        "another user's personal key (or a plan the server made up)",
        { personalKey: c.randomBytes(32) },
      ),
      open('ciphertext-flipped', flipBit(envelope, 40), 'DecryptError', 'one bit of the ciphertext flipped'),
      open('wrong-kind', setByte(envelope, 3, c.KIND.metadata), 'FormatError', 'envelope kind m instead of p'),
      open('wrong-version', setByte(envelope, 2, 0x02), 'FormatError', 'format version 2'),
    ],
  };
}
