// The worker's pins and key checks (docs/protocol.md §12, §14, §20): fingerprints, each
// recipient's and the office's key against the office certification and the user's pins,
// confirming a changed key, and the user's trust in the office key. Every pin is checked against
// the pin index (a pin the index lists but the server no longer has, or an index older than this
// browser saw, stops like a changed key), and every pin written comes with the next index. The
// outcome stays in the worker state (`checkedKeys`, `officeEncryption`, `pinIndex`): sending and
// drops seal only to keys accepted here.
import {
  bytesEqual,
  comparePin,
  fromBase64Url,
  idFromWire,
  idToWire,
  makePin,
  makePinIndex,
  openPin,
  openPinIndex,
  pinIndexEntryOf,
  pinKeyHash,
  verifyMember,
  verifyOfficeEncryptionKey,
  type Id,
  type Pin,
  type PinIndex,
  type PinIndexEntry,
  type PinSubject,
} from '../../../../shared/crypto/index.js';
import type { CheckedRequestOf, KeyCheck } from '../protocol';
import type { PIN_REQUESTS, PinIndexSeen, PinIndexWrite } from '../protocol/pins';
import { checked, WorkerError } from './errors';
import { b64, fingerprintOf, key32, officeFingerprintMatches, officeFingerprintOf } from './keys';
import {
  requireSession,
  type CheckedKey,
  type OfficeEncryptionKey,
  type PinIndexState,
  type Session,
  type WorkerState,
} from './state';
import type { HandlersOf } from './types';

function pinKeyOf(subject: PinSubject, subjectId: Id | string): string {
  return `${subject}:${typeof subjectId === 'string' ? subjectId : idToWire(subjectId)}`;
}

/** A key checkKeys verified and the user accepted (first seen, same as pinned, or confirmed). */
export function requireAccepted(state: WorkerState, subject: PinSubject, subjectId: string): CheckedKey {
  const entry = state.checkedKeys.get(pinKeyOf(subject, subjectId));
  if (!entry) throw new WorkerError('keys_untrusted');
  if (!entry.accepted) throw new WorkerError('key_changed');
  return entry;
}

/** The office encryption key checkKeys verified, once its pin is accepted. */
export function checkedOffice(state: WorkerState): OfficeEncryptionKey {
  const session = requireSession(state);
  const office = state.officeEncryption;
  if (!office || !bytesEqual(office.officeId, session.officeId)) throw new WorkerError('keys_untrusted');
  requireAccepted(state, 'office', idToWire(session.officeId));
  return office;
}

type StoredPins = CheckedRequestOf<'checkKeys'>['pins'];
type StoredIndex = CheckedRequestOf<'checkKeys'>['index'];
type SeenCounters = CheckedRequestOf<'checkKeys'>['seen'];

/** Opens the user's pins; a pin that does not verify is ignored (the server can drop pins anyway, never forge them). */
function openPins(session: Session, pins: StoredPins): Map<string, Pin> {
  const byKey = new Map<string, Pin>();
  for (const stored of pins) {
    try {
      const pin = openPin(fromBase64Url(stored.envelope), session.keys.personalKey, session.userId);
      if (pin.subject !== stored.subject || idToWire(pin.subjectId) !== stored.subjectId) continue;
      byKey.set(pinKeyOf(pin.subject, pin.subjectId), pin);
    } catch {
      // not this user's, or altered
    }
  }
  return byKey;
}

/**
 * This browser's slot for the highest index counter it verified: the account and its identity
 * key, so an account whose keys were reset (a new personal key, a new index) starts afresh.
 */
function seenSlot(session: Session): string {
  return `${idToWire(session.userId)}.${b64(session.keys.identity.publicKey).slice(0, 22)}`;
}

/** The pins and their index, as checked against each other and this browser's memory. */
interface PinView {
  readonly pins: Map<string, Pin>;
  /** `verified`: the index opened and is not older than this browser saw; `absent`: none, and this browser saw none (migration); `rolledBack`: older than seen, or gone. */
  readonly status: 'verified' | 'absent' | 'rolledBack';
  readonly index: PinIndexState;
  readonly slot: string;
  /** The opened index's counter, when it verified. */
  readonly verifiedCounter: number | null;
}

function readPins(session: Session, pins: StoredPins, stored: StoredIndex, seen: SeenCounters): PinView {
  const slot = seenSlot(session);
  const seenCounter = seen[slot] ?? 0;
  let opened: PinIndex | null = null;
  if (stored !== null) {
    try {
      opened = openPinIndex(fromBase64Url(stored.envelope), session.keys.personalKey, session.userId);
    } catch {
      // altered, or made with keys from before a reset: as if there were none
    }
  }
  const status =
    opened !== null && opened.counter >= seenCounter
      ? 'verified'
      : opened === null && seenCounter === 0
        ? 'absent'
        : 'rolledBack';
  const entries = new Map<string, PinIndexEntry>();
  for (const entry of opened?.entries ?? []) entries.set(pinKeyOf(entry.subject, entry.subjectId), entry);
  return {
    pins: openPins(session, pins),
    status,
    index: {
      entries,
      serverCounter: stored?.counter ?? null,
      floor: Math.max(seenCounter, opened?.counter ?? 0, stored?.counter ?? 0),
    },
    slot,
    verifiedCounter: status === 'verified' ? (opened?.counter ?? null) : null,
  };
}

/** A subject's pin as the index vouches for it: `missing` when the index says a pin was removed or replaced, or cannot be trusted. */
function pinOf(
  view: PinView,
  subject: PinSubject,
  subjectId: Id,
): { readonly pin: Pin | undefined; readonly problem?: 'removed' | 'rolledBack' } {
  const key = pinKeyOf(subject, subjectId);
  const pin = view.pins.get(key);
  if (view.status === 'rolledBack') return { pin, problem: 'rolledBack' };
  const entry = view.index.entries.get(key);
  if (entry !== undefined && (pin === undefined || !bytesEqual(pinKeyHash(pin.publicKey), entry.keyHash)))
    return { pin: undefined, problem: 'removed' };
  return { pin };
}

/** Valid pins the index does not list yet (made before the index, or whose index write failed) join it. */
function adoptUnlistedPins(view: PinView): void {
  if (view.status === 'rolledBack') return;
  for (const [key, pin] of view.pins) {
    if (!view.index.entries.has(key)) view.index.entries.set(key, pinIndexEntryOf(pin));
  }
}

/** The next index (counter above every one known), to PUT with the counter it replaces. */
function nextIndex(session: Session, index: PinIndexState): PinIndexWrite {
  const counter = index.floor + 1;
  const envelope = makePinIndex(
    { ownerId: session.userId, counter, entries: [...index.entries.values()] },
    session.keys.personalKey,
  );
  const write = { previousCounter: index.serverCounter, counter, envelope: b64(envelope) };
  index.serverCounter = counter;
  index.floor = counter;
  return write;
}

function sameEntries(a: Map<string, PinIndexEntry>, b: Map<string, PinIndexEntry>): boolean {
  if (a.size !== b.size) return false;
  for (const [key, entry] of a) {
    const other = b.get(key);
    if (other === undefined || !bytesEqual(other.keyHash, entry.keyHash)) return false;
  }
  return true;
}

/**
 * After a check: the index to write when it gained entries (or was absent), and the counter to
 * remember. A rolled-back index is rewritten only when the user confirms a key (`confirmPin`).
 */
function indexOutcome(
  state: WorkerState,
  session: Session,
  view: PinView,
  before: Map<string, PinIndexEntry>,
): { index?: PinIndexWrite; seen?: PinIndexSeen } {
  state.pinIndex = view.index;
  if (view.status === 'rolledBack') return {};
  const changed = view.status === 'absent' ? view.index.entries.size > 0 : !sameEntries(before, view.index.entries);
  if (changed) {
    const index = nextIndex(session, view.index);
    return { index, seen: { slot: view.slot, counter: index.counter } };
  }
  return view.verifiedCounter === null ? {} : { seen: { slot: view.slot, counter: view.verifiedCounter } };
}

function makePinFor(session: Session, subject: PinSubject, subjectId: Id, publicKey: Uint8Array): string {
  return b64(
    makePin(
      { ownerId: session.userId, subject, subjectId, publicKey, firstSeenAt: Date.now() },
      session.keys.personalKey,
    ),
  );
}

/** Compares a key with its pin (as the index vouches for it) and remembers the outcome for sealing. */
function compare(
  state: WorkerState,
  session: Session,
  view: PinView,
  subject: PinSubject,
  subjectId: Id,
  publicKey: Uint8Array,
  fingerprint: (key: Uint8Array) => string,
  encryptionPublicKey?: Uint8Array,
): KeyCheck {
  const { pin, problem } = pinOf(view, subject, subjectId);
  const outcome = problem !== undefined ? 'changed' : comparePin(pin, publicKey);
  state.checkedKeys.set(pinKeyOf(subject, subjectId), {
    subject,
    subjectId,
    publicKey,
    accepted: outcome !== 'changed',
    ...(encryptionPublicKey ? { encryptionPublicKey } : {}),
  });
  const shown = fingerprint(publicKey);
  if (outcome === 'new') {
    view.index.entries.set(pinKeyOf(subject, subjectId), { subject, subjectId, keyHash: pinKeyHash(publicKey) });
    return { fingerprint: shown, pin: 'new', envelope: makePinFor(session, subject, subjectId, publicKey) };
  }
  if (outcome === 'same') return { fingerprint: shown, pin: 'same' };
  return {
    fingerprint: shown,
    pin: 'changed',
    ...(problem !== undefined ? { reason: problem } : {}),
    ...(pin !== undefined ? { pinnedFingerprint: fingerprint(pin.publicKey) } : {}),
  };
}

type AccountCheck = CheckedRequestOf<'checkKeys'>['accounts'][number];

/** One account: its certificate chain against the office key, its address, then its pin. */
function checkAccount(state: WorkerState, session: Session, view: PinView, account: AccountCheck) {
  const userId = idFromWire(account.userId);
  const identityPublicKey = key32(account.identityPublicKey);
  const encryptionKey = key32(account.encryptionPublicKey);
  const fingerprint = fingerprintOf(identityPublicKey);
  state.checkedKeys.delete(pinKeyOf('user', userId));
  const unpinned = (check: 'unapproved' | 'failed' | 'verified') =>
    ({ userId: account.userId, check, fingerprint, pin: 'same' }) as const;
  if (account.certificate === undefined) return unpinned('unapproved');
  let verified: boolean;
  try {
    const certificate = verifyMember(
      session.officeSigningPublicKey,
      { officeId: session.officeId, userId },
      fromBase64Url(account.certificate),
      fromBase64Url(account.encryptionKeySignature, 64),
    );
    // The keys and the address the server listed must be the ones the office certified.
    verified =
      bytesEqual(certificate.identityPublicKey, identityPublicKey) &&
      bytesEqual(certificate.encryptionPublicKey, encryptionKey) &&
      certificate.email === account.email;
  } catch {
    verified = false;
  }
  if (!verified) return unpinned('failed');
  if (bytesEqual(userId, session.userId)) {
    // Sending to oneself: the key must be one's own, and needs no pin.
    if (!bytesEqual(identityPublicKey, session.keys.identity.publicKey)) return unpinned('failed');
    state.checkedKeys.set(pinKeyOf('user', userId), {
      subject: 'user',
      subjectId: userId,
      publicKey: identityPublicKey,
      encryptionPublicKey: encryptionKey,
      accepted: true,
    });
    return unpinned('verified');
  }
  return {
    userId: account.userId,
    check: 'verified' as const,
    ...compare(state, session, view, 'user', userId, identityPublicKey, fingerprintOf, encryptionKey),
  };
}

export function pinOperations(state: WorkerState): HandlersOf<keyof typeof PIN_REQUESTS> {
  return {
    fingerprint({ kind, publicKey }) {
      const key = key32(publicKey);
      return { fingerprint: kind === 'identity' ? fingerprintOf(key) : officeFingerprintOf(key) };
    },

    checkKeys({ accounts, pins, index, seen, office }) {
      const session = requireSession(state);
      // The office as the session named it (its key opened this member's office keys).
      if (
        !bytesEqual(idFromWire(office.officeId), session.officeId) ||
        !bytesEqual(key32(office.signingPublicKey), session.officeSigningPublicKey)
      ) {
        throw new WorkerError('keys_untrusted');
      }
      const encryptionPublicKey = checked('keys_untrusted', () =>
        verifyOfficeEncryptionKey(
          session.officeSigningPublicKey,
          session.officeId,
          fromBase64Url(office.encryptionKeyStatement),
        ),
      );
      if (!bytesEqual(encryptionPublicKey, key32(office.encryptionPublicKey))) throw new WorkerError('keys_untrusted');
      state.officeEncryption = { officeId: session.officeId, publicKey: encryptionPublicKey };

      const view = readPins(session, pins, index, seen);
      const before = new Map(view.index.entries);
      adoptUnlistedPins(view);
      const officeCheck = compare(
        state,
        session,
        view,
        'office',
        session.officeId,
        session.officeSigningPublicKey,
        officeFingerprintOf,
      );
      if (officeCheck.pin !== 'changed') session.officePinned = true;
      const checks = accounts.map((account) => checkAccount(state, session, view, account));
      return { office: officeCheck, accounts: checks, ...indexOutcome(state, session, view, before) };
    },

    confirmPin({ subject, subjectId }) {
      const session = requireSession(state);
      const key = pinKeyOf(subject, subjectId);
      const entry = state.checkedKeys.get(key);
      const index = state.pinIndex;
      if (!entry || !index) throw new WorkerError('keys_untrusted');
      entry.accepted = true;
      if (entry.subject === 'office') session.officePinned = true;
      index.entries.set(key, {
        subject: entry.subject,
        subjectId: entry.subjectId,
        keyHash: pinKeyHash(entry.publicKey),
      });
      const write = nextIndex(session, index);
      return {
        envelope: makePinFor(session, subject, entry.subjectId, entry.publicKey),
        index: write,
        seen: { slot: seenSlot(session), counter: write.counter },
      };
    },

    checkOfficeFingerprint({ signingPublicKey, fingerprint }) {
      const key = key32(signingPublicKey);
      if (!officeFingerprintMatches(key, fingerprint)) throw new WorkerError('office_key_mismatch');
      return { fingerprint: officeFingerprintOf(key) };
    },

    pinOffice({ pins, index, seen, fingerprint }) {
      const session = requireSession(state);
      const shown = officeFingerprintOf(session.officeSigningPublicKey);
      const view = readPins(session, pins, index, seen);
      const before = new Map(view.index.entries);
      adoptUnlistedPins(view);
      session.officePinned = false;
      const { pin: pinned, problem } = pinOf(view, 'office', session.officeId);
      if (problem !== undefined) throw new WorkerError('pins_removed');
      if (pinned !== undefined) {
        if (!bytesEqual(pinned.publicKey, session.officeSigningPublicKey)) throw new WorkerError('office_key_changed');
        // The office key is the pinned one, so a certificate it does not verify is not the office's.
        if (session.certificate === 'unverified') throw new WorkerError('certificate_substituted');
        session.officePinned = true;
        return { fingerprint: shown, pin: 'same', ...indexOutcome(state, session, view, before) };
      }
      if (fingerprint !== undefined && !officeFingerprintMatches(session.officeSigningPublicKey, fingerprint)) {
        throw new WorkerError('office_key_mismatch');
      }
      // Pinned now (no earlier pin to compare): a certificate this key does not verify is refused all the same.
      if (session.certificate === 'unverified') throw new WorkerError('certificate_substituted');
      session.officePinned = true;
      view.index.entries.set(pinKeyOf('office', session.officeId), {
        subject: 'office',
        subjectId: session.officeId,
        keyHash: pinKeyHash(session.officeSigningPublicKey),
      });
      return {
        fingerprint: shown,
        pin: 'new',
        envelope: makePinFor(session, 'office', session.officeId, session.officeSigningPublicKey),
        ...indexOutcome(state, session, view, before),
      };
    },
  };
}
