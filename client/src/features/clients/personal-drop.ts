// What a client's personal drop is made of on the office's side, at approval and at renewal
// alike (docs/protocol.md §13): the client's keys as the worker takes them, and the drop's
// public fields (title, limits, a year's expiry) beside the sealed parts the worker makes.
import { PERSONAL_DROP_MAX_DAYS } from '../../../../shared/wire/drops.js';
import type { ClientDetail } from '../../api/clients';
import { DEFAULT_MAX_TOTAL } from '../drops/limits';

/** The personal drop's limits: files and bytes per upload. */
const CLIENT_DROP_MAX_FILES = 20;
const DAY_MS = 24 * 60 * 60 * 1000;

/** A client's keys as the worker checks and certifies them. */
export function clientKeys(detail: ClientDetail) {
  return {
    userId: detail.userId,
    email: detail.email,
    role: 'client' as const,
    identityPublicKey: detail.identityPublicKey,
    encryptionPublicKey: detail.encryptionPublicKey,
    encryptionKeySignature: detail.encryptionKeySignature,
  };
}

/** The drop's fields the server shows the client (`title` in the approving member's words), its limits and expiry. */
export function personalDropFields(title: string) {
  return {
    title: title.slice(0, 200),
    instructions: '',
    maxFiles: CLIENT_DROP_MAX_FILES,
    maxTotalBytes: DEFAULT_MAX_TOTAL,
    // A year, less a day for clocks that differ: the longest a personal drop may run.
    expiresAt: new Date(Date.now() + (PERSONAL_DROP_MAX_DAYS - 1) * DAY_MS).toISOString(),
  };
}
