// Batches (shared/wire/batches.ts). Thin: parse, call the service, answer.
import { asId, idToWire, toBase64Url } from '../../shared/crypto/index.js';
import {
  type BatchDetail,
  BatchCreateRequest,
  BatchExportedRequest,
  type BatchItemReport,
  type BatchList,
  BatchListQuery,
  BatchItemNo,
  EmptyRequest,
} from '../../shared/wire/index.js';
import { shareState } from '../kernel/domain/shares.js';
import { callerOf } from '../kernel/http/caller.js';
import { invalidInput, notFound } from '../kernel/http/errors.js';
import type { RouteHandler } from '../kernel/http/route.js';
import { bytesIn, idParam, parseInput } from '../kernel/http/validation.js';
import { iso } from '../kernel/wire.js';
import type { Request } from 'express';
import type { BatchItemReportRecord } from './repo.js';
import type { BatchesService } from './service.js';

const DEFAULT_PAGE = 25;

const isoOrNull = (time: number | null) => (time === null ? null : iso(time));

function itemOut(item: BatchItemReportRecord, now: number): BatchItemReport {
  return {
    itemNo: item.itemNo,
    email: item.email,
    ...(item.name !== null ? { name: item.name } : {}),
    ...(item.userId !== null ? { userId: idToWire(item.userId) } : {}),
    delivery: item.delivery,
    state: item.state,
    ...(item.shareId !== null ? { shareId: idToWire(item.shareId) } : {}),
    ...(item.recipientId !== null ? { recipientId: idToWire(item.recipientId) } : {}),
    ...(item.linkId !== null ? { linkId: idToWire(item.linkId) } : {}),
    deliveredAt: isoOrNull(item.deliveredAt),
    codeRequestedAt: isoOrNull(item.codeRequestedAt),
    firstDownloadAt: isoOrNull(item.firstDownloadAt),
    downloads: item.downloads,
    ...(item.share !== null ? { shareState: shareState(item.share, now) } : {}),
  };
}

/** An item number from the path; anything else answers 404, like an item the batch does not have. */
function itemNoParam(req: Request): number {
  const text = req.params['itemNo'];
  const parsed = BatchItemNo.safeParse(typeof text === 'string' && /^\d{1,4}$/.test(text) ? Number(text) : -1);
  if (!parsed.success) throw notFound();
  return parsed.data;
}

export function createBatch(batches: BatchesService): RouteHandler {
  return (req, res) => {
    const body = parseInput(BatchCreateRequest, req.body);
    const batchId = batches.create(callerOf(res), {
      batchId: asId(bytesIn(body.batchId, 'batchId')),
      expiresAt: Date.parse(body.expiresAt),
      reminderDays: body.reminderDays ?? null,
      sealedPlan: bytesIn(body.sealedPlan, 'sealedPlan'),
      items: body.items,
    });
    res.status(201).json({ batchId: idToWire(batchId) });
  };
}

export function listBatches(batches: BatchesService): RouteHandler {
  return (req, res) => {
    const query = parseInput(BatchListQuery, req.query);
    if (query.beforeId !== undefined && query.before === undefined) throw invalidInput(['beforeId']);
    const found = batches.list(
      callerOf(res),
      query.before === undefined
        ? undefined
        : {
            before: Date.parse(query.before),
            beforeId: query.beforeId === undefined ? null : asId(bytesIn(query.beforeId, 'beforeId')),
          },
      query.limit ?? DEFAULT_PAGE,
    );
    const answer: BatchList = {
      batches: found.batches.map((batch) => ({
        batchId: idToWire(batch.id),
        createdAt: iso(batch.createdAt),
        expiresAt: iso(batch.expiresAt),
        state: batch.state,
        itemCount: batch.itemCount,
        created: batch.created,
        delivered: batch.delivered,
        downloaded: batch.downloaded,
        cancelled: batch.cancelled,
      })),
      more: found.more,
    };
    res.json(answer);
  };
}

export function getBatch(batches: BatchesService, now: () => number): RouteHandler {
  return (req, res) => {
    const { batch, items } = batches.detail(callerOf(res), idParam(req, 'batchId'));
    const at = now();
    const answer: BatchDetail = {
      batchId: idToWire(batch.id),
      state: batch.state,
      createdAt: iso(batch.createdAt),
      expiresAt: iso(batch.expiresAt),
      reminderDays: batch.reminderDays,
      remindedAt: isoOrNull(batch.remindedAt),
      sealedPlan: toBase64Url(batch.sealedPlan),
      items: items.map((item) => itemOut(item, at)),
    };
    res.json(answer);
  };
}

export function markExported(batches: BatchesService): RouteHandler {
  return (req, res) => {
    const batchId = idParam(req, 'batchId');
    const { itemNos } = parseInput(BatchExportedRequest, req.body);
    batches.exported(callerOf(res), batchId, itemNos);
    res.status(204).end();
  };
}

export function redoItem(batches: BatchesService): RouteHandler {
  return async (req, res) => {
    const batchId = idParam(req, 'batchId');
    const itemNo = itemNoParam(req);
    parseInput(EmptyRequest, req.body);
    await batches.redo(callerOf(res), batchId, itemNo);
    res.status(204).end();
  };
}

export function cancelBatch(batches: BatchesService): RouteHandler {
  return async (req, res) => {
    const batchId = idParam(req, 'batchId');
    parseInput(EmptyRequest, req.body);
    await batches.cancel(callerOf(res), batchId);
    res.status(204).end();
  };
}
