// Pins (docs/protocol.md §14): the first-seen keys of the office and of colleagues and
// clients, each MAC'd in the owner's browser under the owner's own key. The server cannot
// check or forge a pin; it keeps them so they follow the user to a new browser, and hands
// each user only their own.
import type { Id } from '../../shared/crypto/index.js';
import type { Clock } from '../kernel/clock.js';
import type { Transact } from '../kernel/db/transaction.js';
import type { Caller } from '../kernel/http/caller.js';
import { AppError } from '../kernel/http/errors.js';
import { MAX_PINS_PER_USER, type PinRecord, type PinSubject, type PinsRepo } from './repo.js';

export interface PinsService {
  list(caller: Caller): PinRecord[];
  put(caller: Caller, subject: PinSubject, subjectId: Id, envelope: Uint8Array): void;
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
  };
}
