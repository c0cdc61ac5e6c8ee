// Typed calls for batches (shared/wire/batches.ts is the contract): creating a batch with its
// sealed plan and items, listing the sender's batches, one batch's report, and the steps the
// batch runner takes (links exported, an undelivered item made again, cancelling). Each file of
// a batch is sent as a share with createShare (api/sharing.ts), naming its batch item.
import { BatchCreateResponse, BatchDetail, BatchList, type BatchCreateRequest } from '../../../shared/wire/batches.js';
import { getJson, noContent, postJson, schema, segment, type RequestOptions } from './http';

export type { BatchDelivery, BatchDetail, BatchSummary } from '../../../shared/wire/batches.js';

const API = '/api/v1';
const batch = (batchId: string): string => `${API}/batches/${segment(batchId)}`;

export function createBatch(body: BatchCreateRequest): Promise<BatchCreateResponse> {
  return postJson(`${API}/batches`, body, schema(BatchCreateResponse));
}

export function listBatches(options?: RequestOptions): Promise<BatchList> {
  return getJson(`${API}/batches?limit=100`, schema(BatchList), options);
}

export function getBatch(batchId: string, options?: RequestOptions): Promise<BatchDetail> {
  return getJson(batch(batchId), schema(BatchDetail), options);
}

/** The sender saved the export of these 'export' items' links: they count as delivered. */
export function markExported(batchId: string, itemNos: readonly number[]): Promise<void> {
  return postJson(`${batch(batchId)}/exported`, { itemNos }, noContent);
}

/** An item whose share was made but never delivered: the share is withdrawn and the item is pending again. */
export function redoItem(batchId: string, itemNo: number): Promise<void> {
  return postJson(`${batch(batchId)}/items/${itemNo}/redo`, {}, noContent);
}

export function cancelBatch(batchId: string): Promise<void> {
  return postJson(`${batch(batchId)}/cancel`, {}, noContent);
}
