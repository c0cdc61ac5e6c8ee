// The guest's receipt in a history state, read and written as plain data (GuestReceipt.tsx says
// what it is for and why it holds no secret). Read back field by field, as any input.
const STATE_KEY = 'cofferGuestReceipt';

export interface GuestReceipt {
  readonly recipientId: string;
  /** The share's file ids saved and checked in this tab. */
  readonly fileIds: readonly string[];
  /** When the last one was (ISO 8601). */
  readonly lastAt: string;
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;

/** The receipt for this link in a history state, or null (none, another link's, or malformed). */
export function guestReceiptIn(state: unknown, recipientId: string): GuestReceipt | null {
  if (!isRecord(state)) return null;
  const kept = state[STATE_KEY];
  if (!isRecord(kept) || kept['recipientId'] !== recipientId) return null;
  const { fileIds, lastAt } = kept;
  if (!Array.isArray(fileIds) || !fileIds.every((id) => typeof id === 'string') || typeof lastAt !== 'string')
    return null;
  return { recipientId, fileIds: fileIds, lastAt };
}

/** `state` with `fileId` added to this link's receipt, the rest unchanged. */
export function withSavedFile(
  state: unknown,
  recipientId: string,
  fileId: string,
  at: string,
): Record<string, unknown> {
  const previous = guestReceiptIn(state, recipientId);
  const fileIds =
    previous && !previous.fileIds.includes(fileId) ? [...previous.fileIds, fileId] : (previous?.fileIds ?? [fileId]);
  const receipt: GuestReceipt = { recipientId, fileIds, lastAt: at };
  return { ...(isRecord(state) ? state : {}), [STATE_KEY]: receipt };
}
