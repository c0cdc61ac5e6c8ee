// The batch plan in the crypto worker (client/src/crypto/operations/batches.ts; docs/protocol.md
// §14a), with the real libsodium: the sender's worker seals the plan and opens it again on
// resume; the same plan handed back for another batch, to another user's worker, or changed by
// the server does not open (`plan_invalid`), so the page stops before it trusts any of it.
import { beforeAll, describe, expect, it } from 'vitest';
import { fromBase64Url, ready, toBase64Url } from '../../shared/crypto/index.js';
import { fakeServer } from './support/fake-server';
import { call, office } from './support/office';

beforeAll(async () => {
  await ready();
});

const BATCH = 'AAAAAAAAAAAAAAAAAAAAAA';
const OTHER_BATCH = 'BBBBBBBBBBBBBBBBBBBBBA';

const items = [
  {
    itemNo: 0,
    fileName: 'loonstrook-10234.pdf',
    size: 153_600,
    lastModified: 1_790_000_000_000,
    email: 'jan@example.nl',
    delivery: 'account' as const,
    name: 'Jan Jansen',
    message: 'Uw loonstrook',
  },
  {
    itemNo: 1,
    fileName: 'loonstrook-10235.pdf',
    size: 153_601,
    lastModified: 1_790_000_000_000,
    email: 'piet@example.nl',
    delivery: 'mail' as const,
    name: 'Piet Smit',
    message: '',
  },
];

describe('the batch plan', () => {
  it('opens in the sender’s worker for its own batch, with every item as sealed, and holds no name in the clear', async () => {
    const o = await office(fakeServer());
    const { sealedPlan } = await call(o.anna.ops, 'sealBatchPlan', { batchId: BATCH, items });
    expect(new TextDecoder('latin1').decode(fromBase64Url(sealedPlan))).not.toContain('loonstrook');
    const opened = await call(o.anna.ops, 'openBatchPlan', { batchId: BATCH, sealedPlan });
    expect(opened.items).toEqual(items);
  });

  it('is refused for another batch, by another user, and when the server changed a byte', async () => {
    const o = await office(fakeServer());
    const { sealedPlan } = await call(o.anna.ops, 'sealBatchPlan', { batchId: BATCH, items });
    await expect(call(o.anna.ops, 'openBatchPlan', { batchId: OTHER_BATCH, sealedPlan })).rejects.toThrow(
      'plan_invalid',
    );
    await expect(call(o.els.ops, 'openBatchPlan', { batchId: BATCH, sealedPlan })).rejects.toThrow('plan_invalid');
    const bytes = fromBase64Url(sealedPlan);
    bytes[40] = (bytes[40] ?? 0) ^ 1;
    await expect(call(o.anna.ops, 'openBatchPlan', { batchId: BATCH, sealedPlan: toBase64Url(bytes) })).rejects.toThrow(
      'plan_invalid',
    );
  });
});
