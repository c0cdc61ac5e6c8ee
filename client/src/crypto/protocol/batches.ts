// Worker protocol, batches (docs/protocol.md §14a): the batch plan — which file goes to whom —
// sealed under the user's personal key, bound to the batch id and the user id. The page hands
// the plan in and gets the envelope to store; on resume it hands the envelope back and gets
// the plan, or `plan_invalid` when it does not open for this batch and this user.
import { z } from 'zod';
import { Email, WireId } from '../../../../shared/wire/common.js';
import type { Contact } from '../../../../shared/wire/contacts.js';
import type { SENDING_REQUESTS } from './sending.js';

/** Items in one batch (shared/crypto's MAX_PLAN_ITEMS; test/client/protocol-limits.test.ts holds them equal). */
export const MAX_BATCH_PLAN_ITEMS = 2500;

const PlanItem = z.object({
  itemNo: z
    .number()
    .int()
    .min(0)
    .max(MAX_BATCH_PLAN_ITEMS - 1),
  fileName: z.string().min(1).max(1024),
  size: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  lastModified: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  email: Email,
  delivery: z.enum(['account', 'mail', 'export']),
  name: z.string().max(200),
  message: z.string().max(2000),
});
export type BatchPlanEntry = z.infer<typeof PlanItem>;

export const BATCH_REQUESTS = {
  /** The plan sealed for this batch and the signed-in user: base64url for the wire. */
  sealBatchPlan: z.object({ batchId: WireId, items: z.array(PlanItem).min(1).max(MAX_BATCH_PLAN_ITEMS) }),
  /** The plan of this batch, opened and checked to be this batch's and this user's. */
  openBatchPlan: z.object({ batchId: WireId, sealedPlan: z.string().min(1).max(1_400_000) }),
} as const;

/**
 * The `sealShare` request of one batch item (docs/protocol.md §14a), the same in the browser's
 * runner and `coffer batch`: its one file to its one recipient — the account, or a guest whose
 * link is sealed with the contact's standing access code for a 'mail' item and with none for an
 * 'export' item (that link goes out through the office's own mail).
 */
export function batchItemShare(
  item: { readonly email: string; readonly delivery: BatchPlanEntry['delivery']; readonly message: string },
  file: z.input<typeof SENDING_REQUESTS.sealShare>['files'][number],
  recipient: {
    readonly account: { readonly userId: string } | undefined;
    readonly contact: Pick<Contact, 'contactId' | 'lang' | 'code'> | undefined;
    /** A guest's language when they are not a contact (else the sender's own). */
    readonly lang?: Contact['lang'];
  },
  expiresAt: string,
): z.input<typeof SENDING_REQUESTS.sealShare> {
  const { account, contact } = recipient;
  const code = item.delivery === 'mail' ? contact?.code : null;
  const lang = contact?.lang ?? recipient.lang;
  return {
    files: [file],
    ...(item.message.trim() !== '' ? { message: item.message.trim() } : {}),
    accounts: item.delivery === 'account' && account ? [{ userId: account.userId }] : [],
    guests:
      item.delivery === 'account'
        ? []
        : [
            {
              email: item.email,
              accessCode: false,
              ...(contact && code
                ? { standingCode: { contactId: contact.contactId, sealed: code.sealed, sealedBy: code.sealedBy } }
                : {}),
              ...(lang !== undefined ? { lang } : {}),
            },
          ],
    expiresAt,
    receiptMail: false,
  };
}

export interface BatchAnswers {
  sealBatchPlan: { readonly sealedPlan: string };
  openBatchPlan: { readonly items: readonly BatchPlanEntry[] };
}
