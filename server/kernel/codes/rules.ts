// E-mail codes for guests (and bound drops, server/drops): six digits from the CSPRNG, uniform
// (rejection sampling, so no value is likelier than another). The server keeps only
// codeHash(serverKey, 'email-code', holderId, code) (docs/protocol.md §16). The rules, in one
// place for every holder of codes: valid 10 minutes, single use, 5 tries per code, only the
// newest counts, at most 6 an hour, and 10 wrong in all lock the holder until it is unlocked.
// The limits stop guessing, not people (docs/threat-model.md, "E-mail codes"): a lost mail,
// "upload more" or a second share stays far below them, a try of a code that can no longer
// succeed counts nothing, and every refusal says what happened and what to do.
import { bytesEqual, randomBytes } from '../../../shared/crypto/index.js';
import { deliveryFailed, rateLimited } from '../http/errors.js';

export const EMAIL_CODE_LIFETIME_MS = 10 * 60 * 1000;
/** Wrong tries one code survives; the next try fails even with the right code. */
const TRIES_PER_CODE = 5;
/** Codes mailed to one recipient per hour: a lost mail and a second visit fit several times over. */
const CODES_PER_HOUR = 6;
/** Wrong codes over a recipient's life before the link is locked until the sender unlocks it. */
const WRONG_CODES_BEFORE_LOCK = 10;
const HOUR_MS = 60 * 60 * 1000;

const RANGE = 1_000_000;
// The largest multiple of RANGE below 2^32: values at or above it would favour small codes.
const LIMIT = Math.floor(2 ** 32 / RANGE) * RANGE;

function newEmailCode(): string {
  for (;;) {
    const bytes = randomBytes(4);
    const value =
      ((bytes[0] as number) * 2 ** 24 +
        (bytes[1] as number) * 2 ** 16 +
        (bytes[2] as number) * 2 ** 8 +
        (bytes[3] as number)) >>>
      0;
    if (value < LIMIT) return String(value % RANGE).padStart(6, '0');
  }
}

export interface EmailCodeRecord {
  readonly id: number;
  readonly codeHash: Uint8Array;
  readonly createdAt: number;
  readonly expiresAt: number;
  readonly tries: number;
  readonly usedAt: number | null;
}

/** One holder's codes and wrong-code count, as the rules need them (a repo provides it, every statement scoped to the holder). */
export interface CodeHolder {
  /** Times of the codes made after `since`, oldest first. */
  codesSince(since: number): readonly number[];
  insertCode(codeHash: Uint8Array, createdAt: number, expiresAt: number): void;
  latestCode(): EmailCodeRecord | undefined;
  failCode(codeId: number): void;
  /** Burns a code that is unused, unexpired and under its try limit, in one statement; false otherwise. */
  useCode(codeId: number, now: number, maxTries: number): boolean;
  /** Counts a wrong code over the holder's life; returns the new total. */
  addWrongCode(): number;
  /** Locks the holder; false if it was locked already. */
  lock(now: number): boolean;
  /** What the sender or owner sees: when a code was last asked for, when one was first right, whether the last mail failed. */
  markRequested(now: number): void;
  markConfirmed(now: number): void;
  markDelivery(delivered: boolean): void;
}

/** Inside the transaction that records the request: a new code, its hash stored; 429 after CODES_PER_HOUR in an hour. */
export function issueEmailCode(
  holder: CodeHolder,
  hashOf: (code: string) => Uint8Array,
  now: number,
): { code: string; sentAt: number; expiresAt: number } {
  const recent = holder.codesSince(now - HOUR_MS);
  if (recent.length >= CODES_PER_HOUR) throw rateLimited(((recent[0] as number) + HOUR_MS - now) / 1000);
  const code = newEmailCode();
  const expiresAt = now + EMAIL_CODE_LIFETIME_MS;
  holder.insertCode(hashOf(code), now, expiresAt);
  holder.markRequested(now);
  return { code, sentAt: now, expiresAt };
}

/** Mails a code once its request is committed; a failed delivery is recorded (the sender or owner sees it) and answered 502. */
export async function mailEmailCode(holder: CodeHolder, send: () => Promise<boolean>): Promise<void> {
  const delivered = await send();
  holder.markDelivery(delivered);
  if (!delivered) throw deliveryFailed();
}

export type CodeCheck =
  | { readonly outcome: 'right' }
  /** No code that could still succeed (none, used, expired, or out of tries): nothing is counted. */
  | { readonly outcome: 'spent' }
  | {
      readonly outcome: 'wrong';
      /** Tries this code has left. */
      readonly triesLeft: number;
      readonly wrongCodes: number;
      readonly lockedNow: boolean;
    };

/**
 * Inside a transaction: the newest code, if unused, unexpired, under its tries and equal to the
 * one given (`givenHash`), is burnt and the holder confirmed. When the newest code cannot succeed
 * any more, whatever was typed, the answer is `spent` and nothing is counted: it is no guess,
 * and the person needs a new code, not a lock. Anything else counts a try of that code and a
 * wrong code of the holder, and the one that reaches WRONG_CODES_BEFORE_LOCK locks it.
 */
export function checkEmailCode(holder: CodeHolder, givenHash: Uint8Array, now: number): CodeCheck {
  const latest = holder.latestCode();
  if (latest === undefined || latest.usedAt !== null || latest.expiresAt <= now || latest.tries >= TRIES_PER_CODE)
    return { outcome: 'spent' };
  if (bytesEqual(latest.codeHash, givenHash) && holder.useCode(latest.id, now, TRIES_PER_CODE)) {
    holder.markConfirmed(now);
    return { outcome: 'right' };
  }
  holder.failCode(latest.id);
  const wrongCodes = holder.addWrongCode();
  return {
    outcome: 'wrong',
    triesLeft: Math.max(0, TRIES_PER_CODE - latest.tries - 1),
    wrongCodes,
    lockedNow: wrongCodes >= WRONG_CODES_BEFORE_LOCK && holder.lock(now),
  };
}
