// The batch plan (docs/protocol.md §14a): sealed under the sender's personal key, bound to the
// batch and the sender. What a reader must refuse: a plan moved to another batch or another
// user, another user's key, a flipped bit, a changed header, items out of order.
import {
  DecryptError,
  FormatError,
  KIND,
  newAccountKeys,
  newId,
  openBatchPlan,
  sealBatchPlan,
  type BatchPlan,
} from '../../shared/crypto/index.js';
import { assert, assertEqual, assertThrows, defineSuite } from './harness.js';

function setting() {
  const owner = newAccountKeys();
  const plan: BatchPlan = {
    batchId: newId(),
    userId: newId(),
    items: [
      {
        itemNo: 0,
        fileName: 'loonstrook-10234 maart.pdf',
        size: 153_600,
        lastModified: 1_790_000_000_000,
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
  return { owner, plan };
}

export const batchPlanCases = defineSuite('batch plan', {
  'opens for its own batch and user, with every field as sealed'() {
    const { owner, plan } = setting();
    const envelope = sealBatchPlan(plan, owner.personalKey);
    assertEqual(envelope[3], KIND.batchPlan, 'kind p');
    assertEqual((envelope.length - 4 - 24 - 16) % 1024, 0, 'padded to 1 KiB blocks');
    const opened = openBatchPlan(envelope, owner.personalKey, { batchId: plan.batchId, userId: plan.userId });
    assertEqual(JSON.stringify(opened.items), JSON.stringify(plan.items), 'items');
  },

  'a plan moved to another batch or another user does not open'() {
    const { owner, plan } = setting();
    const envelope = sealBatchPlan(plan, owner.personalKey);
    assertThrows(
      () => openBatchPlan(envelope, owner.personalKey, { batchId: newId(), userId: plan.userId }),
      DecryptError,
      'another batch',
    );
    assertThrows(
      () => openBatchPlan(envelope, owner.personalKey, { batchId: plan.batchId, userId: newId() }),
      DecryptError,
      'another user',
    );
    assertThrows(
      () => openBatchPlan(envelope, newAccountKeys().personalKey, { batchId: plan.batchId, userId: plan.userId }),
      DecryptError,
      "another user's key (or a plan the server made up)",
    );
  },

  'a flipped bit, a changed header or bytes appended are refused'() {
    const { owner, plan } = setting();
    const envelope = sealBatchPlan(plan, owner.personalKey);
    const expected = { batchId: plan.batchId, userId: plan.userId };
    const flipped = envelope.slice();
    flipped[60] = (flipped[60] ?? 0) ^ 1;
    assertThrows(() => openBatchPlan(flipped, owner.personalKey, expected), DecryptError, 'flipped bit');
    const kind = envelope.slice();
    kind[3] = KIND.metadata;
    assertThrows(() => openBatchPlan(kind, owner.personalKey, expected), FormatError, 'another kind');
    const longer = new Uint8Array(envelope.length + 1);
    longer.set(envelope);
    assertThrows(() => openBatchPlan(longer, owner.personalKey, expected), DecryptError, 'a byte appended');
  },

  'a plan must list its items in order, at least one'() {
    const { owner, plan } = setting();
    const swapped = { ...plan, items: [plan.items[1], plan.items[0]] } as BatchPlan;
    assertThrows(() => sealBatchPlan(swapped, owner.personalKey), FormatError, 'out of order');
    assertThrows(() => sealBatchPlan({ ...plan, items: [] }, owner.personalKey), FormatError, 'empty');
    assert(sealBatchPlan(plan, owner.personalKey).length < 4096, 'two items fit in a few blocks');
  },
});
