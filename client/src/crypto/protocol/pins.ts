// Worker protocol, pins and key checks (docs/protocol.md §12, §14): fingerprints for people
// to compare, each recipient's and the office's key against the office certification and the
// user's pins before anything is sealed to it, and a client's trust in the office key (its
// invitation link's fingerprint, then its own pin). Pins are opened and made with the user's
// personal key, which stays in the worker; the page stores the sealed pins it is given. With
// them goes the pin index (protocol §14, §20): the worker opens it, checks every pin against it
// and the highest counter this browser saw (kept by the page in localStorage), and hands back a
// new index to store, by compare-and-swap, whenever a pin changes.
import { z } from 'zod';
import { Email, WireId, Key32, Signature } from '../../../../shared/wire/common.js';
import { SignedEnvelope } from '../../../../shared/wire/accounts.js';
import { MAX_SHARE_RECIPIENTS, PinSubject, StoredPinIndex } from '../../../../shared/wire/shares.js';
import type { KeyCheck } from './common.js';

/** The pin index as the server lists it (GET /api/v1/me/pin-index), null while it has none. */
const StoredIndex = StoredPinIndex.nullable();

/**
 * The highest pin index counter this browser verified, per account and key (localStorage): the
 * worker reads its own slot, so a server that serves an older index, or none, is noticed here.
 */
const SeenCounters = z.record(z.string().max(100), z.number().int().min(1).max(Number.MAX_SAFE_INTEGER));

/** The user's pins as the server stores them (a pin that does not open is ignored, not refused). */
const StoredPins = z.array(z.object({ subject: PinSubject, subjectId: WireId, envelope: z.string() })).max(10_000);

/** An account as the recipient lookup returns it, with the address it was looked up by. */
const AccountToCheck = z.object({
  email: Email,
  userId: WireId,
  identityPublicKey: Key32,
  encryptionPublicKey: Key32,
  encryptionKeySignature: Signature,
  certificate: SignedEnvelope.optional(),
});

export const PIN_REQUESTS = {
  /** A fingerprint of an identity key (a person) or an office signing key, for people to compare. */
  fingerprint: z.object({ kind: z.enum(['identity', 'office']), publicKey: Key32 }),
  /**
   * Before sealing: each account's certificate chain against the office key, its address, and
   * its identity key against the user's pins (opened with the personal key); the office key
   * against its pin, and the office encryption key against the office's statement. Keys seen
   * for the first time come back as pins to store; a changed key stops the send (`changed`)
   * until `confirmPin`. Only accounts checked here can be sealed to by `sealShare`.
   */
  checkKeys: z.object({
    accounts: z.array(AccountToCheck).max(MAX_SHARE_RECIPIENTS),
    pins: StoredPins,
    index: StoredIndex,
    seen: SeenCounters,
    office: z.object({
      officeId: WireId,
      signingPublicKey: Key32,
      encryptionPublicKey: Key32,
      encryptionKeyStatement: SignedEnvelope,
    }),
  }),
  /** The user compared fingerprints and accepts a changed key: a new pin to store, and the key may be sealed to. */
  confirmPin: z.object({ subject: PinSubject, subjectId: WireId }),
  /**
   * An invitation link's office fingerprint against the office signing key the server names,
   * before any key is made (no account needed): `office_key_mismatch` when they differ.
   */
  checkOfficeFingerprint: z.object({ signingPublicKey: Key32, fingerprint: z.string().max(100) }),
  /**
   * A client's trust in the office key the session names: it must match the client's pin of the
   * office (opened with the personal key), or, with no pin yet, the invitation link's fingerprint
   * if given; then it is pinned (first seen). Until this succeeds in this worker, no received
   * share opens (for a member too, whose office keys alone prove nothing: docs/protocol.md §9).
   * `office_key_changed` / `office_key_mismatch`; `pins_removed` when the index lists an office
   * pin the server no longer has (or has in an older form), or the index was rolled back.
   */
  pinOffice: z.object({
    pins: StoredPins,
    index: StoredIndex,
    seen: SeenCounters,
    fingerprint: z.string().max(100).optional(),
  }),
} as const;

/** A new pin index for PUT /api/v1/me/pin-index (compare-and-swap on `previousCounter`). */
export interface PinIndexWrite {
  readonly previousCounter: number | null;
  readonly counter: number;
  readonly envelope: string;
}

/** What the page stores once the index write (if any) succeeded: the counter verified for `slot`. */
export interface PinIndexSeen {
  readonly slot: string;
  readonly counter: number;
}

/** The index part of an answer: a write to make (after the pins), and the counter to remember. */
interface IndexOutcome {
  readonly index?: PinIndexWrite;
  readonly seen?: PinIndexSeen;
}

export interface PinAnswers {
  fingerprint: { readonly fingerprint: string };
  checkKeys: IndexOutcome & {
    readonly office: KeyCheck;
    readonly accounts: readonly (KeyCheck & {
      readonly userId: string;
      readonly check: 'verified' | 'unapproved' | 'failed';
    })[];
  };
  confirmPin: IndexOutcome & { readonly envelope: string };
  checkOfficeFingerprint: { readonly fingerprint: string };
  pinOffice: IndexOutcome & KeyCheck;
}
