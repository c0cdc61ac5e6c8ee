// Pins (docs/protocol.md §14): the first-seen keys of the office and of colleagues and
// clients, each MAC'd in the owner's browser under the owner's own key, and the owner's pin
// index over them. The server cannot check or forge either; it keeps them so they follow the
// user to a new browser, hands each user only their own, and replaces an index only when the
// writer names the counter it replaces (so two tabs cannot lose each other's pins).
import type { Id } from '../../shared/crypto/index.js';
import type { Clock } from '../kernel/clock.js';
import type { Transact } from '../kernel/db/transaction.js';
import type { Caller } from '../kernel/http/caller.js';
import { AppError } from '../kernel/http/errors.js';
import { MAX_PINS_PER_USER, type PinIndexRecord, type PinRecord, type PinSubject, type PinsRepo } from './repo.js';

export interface PinsService {
  list(caller: Caller): PinRecord[];
  put(caller: Caller, subject: PinSubject, subjectId: Id, envelope: Uint8Array): void;
  /** The caller's index; null while they have none. */
  index(caller: Caller): PinIndexRecord | null;
  /** Compare-and-swap: 409 pin_index_conflict unless the stored counter is `previousCounter` (null: none). */
  putIndex(caller: Caller, previousCounter: number | null, counter: number, envelope: Uint8Array): void;
}

export function createPinsService(deps: { repo: PinsRepo; clock: Clock; transact: Transact }): PinsService {
  const { repo, clock, transact } = deps;
  return {
    list: (caller) => repo.listOwn(caller.userId),
    put(caller, subject, subjectId, envelope) {
      transact(() => {
        if (!repo.hasOwn(caller.userId, subject, subjectId) && repo.countOwn(caller.userId) >= MAX_PINS_PER_USER) {
          throw new AppError(507, 'quota_exceeded', 'Too many pins');
        }
        repo.putOwn(caller.userId, subject, subjectId, envelope, clock.now());
      });
    },
    index: (caller) => repo.indexOwn(caller.userId),
    putIndex(caller, previousCounter, counter, envelope) {
      transact(() => {
        if (repo.indexCounterOwn(caller.userId) !== previousCounter) {
          throw new AppError(409, 'pin_index_conflict', 'The pin index changed since it was read');
        }
        repo.putIndexOwn(caller.userId, counter, envelope, clock.now());
      });
    },
  };
}
