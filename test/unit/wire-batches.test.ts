// The batch wire schemas (shared/wire/batches.ts): what the server accepts from the browser and
// what the browser accepts from the server.
import { describe, expect, it } from 'vitest';
import {
  BatchCreateRequest,
  BatchCreateResponse,
  BatchDelivery,
  BatchDetail,
  BatchItemReport,
  BatchItemState,
  BatchState,
  BatchSummary,
  BatchExportedRequest,
  BatchList,
  BatchListQuery,
  MAX_BATCH_ITEMS,
  ShareCreateRequest,
} from '../../shared/wire/index.js';

const id = (char: string) => char.repeat(22);
const create = (items: readonly { itemNo: number; email: string; delivery: string }[]) => ({
  batchId: id('b'),
  expiresAt: '2026-12-31T12:00:00.000Z',
  reminderDays: 7,
  sealedPlan: 'AAAA',
  items,
});

describe('batch wire schemas', () => {
  it('accepts a batch whose item numbers count from 0 and lower-cases the addresses', () => {
    const parsed = BatchCreateRequest.parse(
      create([
        { itemNo: 0, email: 'Ann@Example.NL', delivery: 'mail' },
        { itemNo: 1, email: 'bob@example.nl', delivery: 'export' },
      ]),
    );
    expect(parsed.items[0]?.email).toBe('ann@example.nl');
  });

  it('refuses gaps, repeats, unknown deliveries, too many items and unknown fields', () => {
    const item = (itemNo: number) => ({ itemNo, email: 'a@example.nl', delivery: 'account' });
    expect(BatchCreateRequest.safeParse(create([item(1)])).success).toBe(false);
    expect(BatchCreateRequest.safeParse(create([item(0), item(0)])).success).toBe(false);
    expect(BatchCreateRequest.safeParse(create([{ ...item(0), delivery: 'fax' }])).success).toBe(false);
    expect(BatchCreateRequest.safeParse(create([])).success).toBe(false);
    const tooMany = Array.from({ length: MAX_BATCH_ITEMS + 1 }, (_, index) => item(index));
    expect(BatchCreateRequest.safeParse(create(tooMany)).success).toBe(false);
    expect(BatchCreateRequest.safeParse({ ...create([item(0)]), fileName: 'payslip.pdf' }).success).toBe(false);
    expect(BatchCreateRequest.safeParse({ ...create([item(0)]), reminderDays: 61 }).success).toBe(false);
  });

  it('names the states and delivery kinds of the contract', () => {
    expect(BatchDelivery.options).toEqual(['account', 'mail', 'export']);
    expect(BatchState.options).toEqual(['running', 'done', 'cancelled']);
    expect(BatchItemState.options).toEqual(['pending', 'created', 'delivered', 'cancelled']);
    expect(BatchCreateResponse.safeParse({ batchId: 'not an id' }).success).toBe(false);
    expect(BatchSummary.safeParse({ batchId: id('b') }).success).toBe(false);
    expect(BatchItemReport.safeParse({ itemNo: 0, email: 'a@example.nl', delivery: 'mail' }).success).toBe(false);
  });

  it('reads list queries from the URL and bounds the page size', () => {
    expect(BatchListQuery.parse({ limit: '25' }).limit).toBe(25);
    expect(BatchListQuery.safeParse({ limit: '101' }).success).toBe(false);
    expect(BatchExportedRequest.safeParse({ itemNos: [] }).success).toBe(false);
  });

  it('describes the list and the report as the server sends them', () => {
    const list = BatchList.parse({
      batches: [
        {
          batchId: id('b'),
          createdAt: '2026-12-01T12:00:00.000Z',
          expiresAt: '2026-12-31T12:00:00.000Z',
          state: 'running',
          itemCount: 2,
          created: 1,
          delivered: 1,
          downloaded: 0,
          cancelled: 0,
        },
      ],
      more: false,
    });
    expect(list.batches).toHaveLength(1);
    const detail = BatchDetail.safeParse({
      batchId: id('b'),
      state: 'done',
      createdAt: '2026-12-01T12:00:00.000Z',
      expiresAt: '2026-12-31T12:00:00.000Z',
      reminderDays: null,
      remindedAt: null,
      sealedPlan: 'AAAA',
      items: [
        {
          itemNo: 0,
          email: 'ann@example.nl',
          delivery: 'mail',
          state: 'delivered',
          shareId: id('s'),
          recipientId: id('r'),
          linkId: id('l'),
          deliveredAt: '2026-12-01T12:01:00.000Z',
          codeRequestedAt: null,
          firstDownloadAt: null,
          downloads: 0,
          shareState: 'active',
        },
      ],
    });
    expect(detail.success).toBe(true);
  });

  it('lets a share name the batch item it is, and nothing more', () => {
    const batch = ShareCreateRequest.shape.batch;
    expect(batch.safeParse({ batchId: id('b'), itemNo: 3 }).success).toBe(true);
    expect(batch.safeParse({ batchId: id('b'), itemNo: -1 }).success).toBe(false);
    expect(batch.safeParse({ batchId: id('b'), itemNo: 0, email: 'a@example.nl' }).success).toBe(false);
  });
});
