// Rate limits on the steps an attacker would repeat: pre-login, sign-in, the second factor,
// recovery, and invitation links. Each attempt is counted in two buckets: one per client
// address (req.ip, which honours TRUST_PROXY) and, where there is one, one per account. An
// account bucket is named by a MAC of the e-mail address under the server key, so an address
// without an account is limited exactly like one with an account, and the table holds no
// addresses.
//
// A blocked bucket answers 429 `rate_limited` with Retry-After *before* any credential is
// checked. Failures escalate: after FREE failures the bucket is blocked for 1 s, then 2, 4, …
// up to 15 min per further failure; LOCK_AFTER failures within a day lock it for an hour. A
// success clears the account's bucket (not the address's: one valid account must not let an
// address go on guessing others). Pre-login is limited by request count instead, since it
// has no failure.
import { macFields, tag } from '../../../shared/crypto/index.js';
import type { Clock } from '../clock.js';
import { rateLimited } from '../http/errors.js';
import type { BucketState, RateLimitRepo } from './repo.js';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

export interface FailurePolicy {
  /** Failures allowed before the first block. */
  readonly free: number;
  readonly firstBlockMs: number;
  readonly maxBlockMs: number;
  /** This many failures within `windowMs` lock the bucket for `lockMs`. */
  readonly lockAfter: number;
  readonly windowMs: number;
  readonly lockMs: number;
}

export interface CountPolicy {
  readonly max: number;
  readonly windowMs: number;
}

/** Every threshold in one place. */
export const RATE_LIMITS = {
  /** Per account (e-mail address), for sign-in, second factor and recovery. */
  account: { free: 5, firstBlockMs: 1 * SECOND, maxBlockMs: 15 * MINUTE, lockAfter: 20, windowMs: DAY, lockMs: HOUR },
  /**
   * Per client address. Higher than per account: an office behind one NAT address shares it,
   * and one colleague's typos must not lock everyone out. It still stops one address from
   * spraying guesses over many accounts.
   */
  address: { free: 20, firstBlockMs: 1 * SECOND, maxBlockMs: 15 * MINUTE, lockAfter: 100, windowMs: DAY, lockMs: HOUR },
  /** Pre-login requests (no failure to count): per account and per address. */
  preloginAccount: { max: 30, windowMs: 15 * MINUTE },
  preloginAddress: { max: 300, windowMs: 15 * MINUTE },
  /** Upload sessions of open drops (anyone with the link may start one): per client address and per drop. */
  dropStartAddress: { max: 10, windowMs: HOUR },
  dropStartDrop: { max: 60, windowMs: HOUR },
  /** Device enrolments started (anyone may start one): per client address. */
  deviceEnrolAddress: { max: 10, windowMs: HOUR },
  /** Claim polls of enrolling devices (one every few seconds for up to 10 minutes): per client address. */
  deviceClaimAddress: { max: 600, windowMs: 15 * MINUTE },
} as const satisfies {
  account: FailurePolicy;
  address: FailurePolicy;
  preloginAccount: CountPolicy;
  preloginAddress: CountPolicy;
  dropStartAddress: CountPolicy;
  dropStartDrop: CountPolicy;
  deviceEnrolAddress: CountPolicy;
  deviceClaimAddress: CountPolicy;
};

type LimitedAction =
  | 'prelogin'
  | 'login'
  | 'second-factor'
  | 'recovery'
  | 'invitation'
  | 'share-code'
  | 'drop-code'
  | 'drop-start'
  | 'device-enrol'
  | 'device-claim';

/** A bucket and the policy it follows. */
export interface Bucket {
  readonly key: Uint8Array;
  readonly policy: FailurePolicy;
}

export interface RateLimiter {
  /** The bucket of a client address for an action. */
  address(action: LimitedAction, ip: string): Bucket;
  /** The bucket of an account (by its normalized e-mail address, known or not) for an action. */
  account(action: LimitedAction, email: string): Bucket;
  /** Throws 429 if any of the buckets is blocked now. Changes nothing. */
  check(...buckets: readonly Bucket[]): void;
  /** Counts a failure in each bucket. */
  fail(...buckets: readonly Bucket[]): void;
  /** Clears a bucket after a success. */
  succeed(bucket: Bucket): void;
  /** Counts one pre-login request for the address and the account; throws 429 over the limit. */
  countPrelogin(ip: string, email: string): void;
  /**
   * Counts one request of `action` in the bucket of each (scope, value, policy) given, e.g. the
   * client address and the object it is about; throws 429 when any is over its limit.
   */
  countRequests(
    action: LimitedAction,
    ...buckets: readonly { scope: 'address' | 'object'; value: string; policy: CountPolicy }[]
  ): void;
}

/** How long a bucket with `failures` failures is blocked after the latest one. */
export function blockFor(policy: FailurePolicy, failures: number): number {
  if (failures >= policy.lockAfter) return policy.lockMs;
  if (failures < policy.free) return 0;
  const doublings = failures - policy.free;
  // 2^doublings overflows nothing below 2^53; cap early anyway.
  return doublings >= 30 ? policy.maxBlockMs : Math.min(policy.firstBlockMs * 2 ** doublings, policy.maxBlockMs);
}

export function createRateLimiter(deps: { repo: RateLimitRepo; clock: Clock; serverKey: Uint8Array }): RateLimiter {
  const { repo, clock, serverKey } = deps;
  const bucketKey = (action: LimitedAction, scope: 'address' | 'account' | 'object', value: string) =>
    macFields(serverKey, [tag('rate-limit'), action, scope, value]);

  const fresh = (now: number): BucketState => ({
    failures: 0,
    lastFailureAt: null,
    blockedUntil: 0,
    windowStart: now,
    count: 0,
  });

  const count = (key: Uint8Array, policy: CountPolicy, now: number): number => {
    let state = repo.get(key) ?? fresh(now);
    if (now - state.windowStart >= policy.windowMs || now < state.windowStart) state = fresh(now);
    state = { ...state, count: state.count + 1 };
    repo.put(key, state);
    return state.count > policy.max ? state.windowStart + policy.windowMs - now : 0;
  };

  return {
    address: (action, ip) => ({ key: bucketKey(action, 'address', ip), policy: RATE_LIMITS.address }),
    account: (action, email) => ({ key: bucketKey(action, 'account', email), policy: RATE_LIMITS.account }),

    check(...buckets) {
      const now = clock.now();
      let wait = 0;
      for (const bucket of buckets) {
        const state = repo.get(bucket.key);
        if (state !== undefined && state.blockedUntil > now) wait = Math.max(wait, state.blockedUntil - now);
      }
      if (wait > 0) throw rateLimited(wait / 1000);
    },

    fail(...buckets) {
      const now = clock.now();
      for (const { key, policy } of buckets) {
        let state = repo.get(key) ?? fresh(now);
        if (now - state.windowStart >= policy.windowMs || now < state.windowStart)
          state = { ...fresh(now), blockedUntil: state.blockedUntil };
        const failures = state.failures + 1;
        const block = blockFor(policy, failures);
        repo.put(key, {
          ...state,
          failures,
          lastFailureAt: now,
          blockedUntil: block > 0 ? Math.max(state.blockedUntil, now + block) : state.blockedUntil,
        });
      }
      repo.prune(now - DAY, now);
    },

    succeed(bucket) {
      repo.remove(bucket.key);
    },

    countPrelogin(ip, email) {
      const now = clock.now();
      const wait = Math.max(
        count(bucketKey('prelogin', 'address', ip), RATE_LIMITS.preloginAddress, now),
        count(bucketKey('prelogin', 'account', email), RATE_LIMITS.preloginAccount, now),
      );
      if (wait > 0) throw rateLimited(wait / 1000);
    },

    countRequests(action, ...buckets) {
      const now = clock.now();
      const wait = Math.max(
        0,
        ...buckets.map(({ scope, value, policy }) => count(bucketKey(action, scope, value), policy, now)),
      );
      if (wait > 0) throw rateLimited(wait / 1000);
    },
  };
}
