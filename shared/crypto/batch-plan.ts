// The batch plan (docs/protocol.md §14a): which file of a batch goes to whom, sealed by the
// sender's browser under a subkey of the sender's own personal key and stored by the server
// as opaque bytes. The server learns the addresses item by item (it must deliver), never a
// file name, size or message; and since only the sender's keys make the plan, a server that
// changes an address or a delivery in its own list is caught when the browser resumes and
// compares the two. The batch id and the user id are in the additional data and in the
// plaintext, so a plan moved to another batch or another user does not open.
import { bytesEqual, fromUtf8, randomBytes, readU64 } from './bytes.js';
import { decodeFields, encodeFields, FieldReader } from './encoding.js';
import { envelopeHeader, joinAead, KIND, NONCE_BYTES, splitAead } from './envelope.js';
import { FormatError, MismatchError } from './errors.js';
import { asId, ID_BYTES } from './ids.js';
import { aeadDecrypt, aeadEncrypt, deriveKey } from './primitives.js';
import { sodium } from './sodium.js';
import { KDF_CONTEXT, SUBKEY, TAG } from './tags.js';
import type { Id } from './types.js';

/** Padding block of the plaintext, so the plan's length says little about its names. */
const PLAN_BLOCK = 1024;
/** Items in one plan (the server's limit too). */
export const MAX_PLAN_ITEMS = 2500;
/** The whole envelope; the server refuses more. */
const MAX_PLAN_BYTES = 1024 * 1024;

type PlanDelivery = 'account' | 'mail' | 'export';
const DELIVERIES: readonly string[] = ['account', 'mail', 'export'];

interface BatchPlanItem {
  /** 0 … n − 1, in order. */
  readonly itemNo: number;
  readonly fileName: string;
  readonly size: number;
  readonly lastModified: number;
  /** Lower case, as the server keeps it. */
  readonly email: string;
  readonly delivery: PlanDelivery;
  /** The recipient's name as the sender saw it (may be empty). */
  readonly name: string;
  /** The message sent with this file (may be empty). */
  readonly message: string;
}

export interface BatchPlan {
  readonly batchId: Id;
  readonly userId: Id;
  readonly items: readonly BatchPlanItem[];
}

function planKey(personalKey: Uint8Array): Uint8Array {
  return deriveKey(personalKey, KDF_CONTEXT.personal, SUBKEY.personal.batchPlan);
}

function planAd(header: Uint8Array, batchId: Id, userId: Id): Uint8Array {
  return encodeFields([TAG.batchPlan, header, batchId, userId]);
}

function itemFields(item: BatchPlanItem): Uint8Array {
  return encodeFields([
    item.itemNo,
    item.fileName,
    item.size,
    item.lastModified,
    item.email,
    item.delivery,
    item.name,
    item.message,
  ]);
}

export function sealBatchPlan(plan: BatchPlan, personalKey: Uint8Array): Uint8Array {
  if (plan.items.length === 0 || plan.items.length > MAX_PLAN_ITEMS) throw new FormatError('wrong number of items');
  plan.items.forEach((item, index) => {
    if (item.itemNo !== index) throw new FormatError('items out of order');
  });
  const body = encodeFields([TAG.batchPlan, plan.batchId, plan.userId, encodeFields(plan.items.map(itemFields))]);
  const padded = sodium().pad(body, PLAN_BLOCK);
  const nonce = randomBytes(NONCE_BYTES);
  const header = envelopeHeader(KIND.batchPlan);
  const ciphertext = aeadEncrypt(planKey(personalKey), nonce, padded, planAd(header, plan.batchId, plan.userId));
  const envelope = joinAead(KIND.batchPlan, nonce, ciphertext);
  if (envelope.length > MAX_PLAN_BYTES) throw new FormatError('plan too large');
  return envelope;
}

/** One item: enc(itemNo, fileName, size, lastModified, email, delivery, name, message), no tag of its own. */
function readItem(bytes: Uint8Array, expectedNo: number): BatchPlanItem {
  const fields = decodeFields(bytes);
  if (fields.length !== 8) throw new FormatError('wrong number of fields');
  const [no, fileName, size, lastModified, email, delivery, name, message] = fields as [
    Uint8Array,
    Uint8Array,
    Uint8Array,
    Uint8Array,
    Uint8Array,
    Uint8Array,
    Uint8Array,
    Uint8Array,
  ];
  const number = (field: Uint8Array): number => {
    if (field.length !== 8) throw new FormatError('wrong field length');
    return readU64(field);
  };
  if (number(no) !== expectedNo) throw new FormatError('items out of order');
  const deliveryText = fromUtf8(delivery);
  if (!DELIVERIES.includes(deliveryText)) throw new FormatError('unknown delivery');
  return {
    itemNo: expectedNo,
    fileName: fromUtf8(fileName),
    size: number(size),
    lastModified: number(lastModified),
    email: fromUtf8(email),
    delivery: deliveryText as PlanDelivery,
    name: fromUtf8(name),
    message: fromUtf8(message),
  };
}

export function openBatchPlan(
  envelope: Uint8Array,
  personalKey: Uint8Array,
  expected: { readonly batchId: Id; readonly userId: Id },
): BatchPlan {
  if (envelope.length > MAX_PLAN_BYTES) throw new FormatError('plan too large');
  const { header, nonce, ciphertext } = splitAead(envelope, KIND.batchPlan);
  const padded = aeadDecrypt(
    planKey(personalKey),
    nonce,
    ciphertext,
    planAd(header, expected.batchId, expected.userId),
  );
  let body: Uint8Array;
  try {
    body = sodium().unpad(padded, PLAN_BLOCK);
  } catch {
    throw new FormatError('bad plan padding');
  }
  const reader = new FieldReader(body, TAG.batchPlan, 4);
  const batchId = asId(reader.bytes(ID_BYTES));
  const userId = asId(reader.bytes(ID_BYTES));
  if (!bytesEqual(batchId, expected.batchId) || !bytesEqual(userId, expected.userId))
    throw new MismatchError('plan of another batch or user');
  const itemBytes = reader.list();
  if (itemBytes.length === 0 || itemBytes.length > MAX_PLAN_ITEMS) throw new FormatError('wrong number of items');
  return { batchId, userId, items: itemBytes.map((bytes, index) => readItem(bytes, index)) };
}
