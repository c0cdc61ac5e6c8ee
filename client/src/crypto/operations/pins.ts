// The worker's pins and key checks (docs/protocol.md §12, §14): fingerprints, each recipient's
// and the office's key against the office certification and the user's pins, confirming a
// changed key, and a client's trust in the office key. The outcome stays in the worker state
// (`checkedKeys`, `officeEncryption`): sending and drops seal only to keys accepted here.
import {
  bytesEqual,
  comparePin,
  fromBase64Url,
  idFromWire,
  idToWire,
  makePin,
  openPin,
  verifyMember,
  verifyOfficeEncryptionKey,
  type Id,
  type Pin,
  type PinSubject,
} from '../../../../shared/crypto/index.js';
import type { CheckedRequestOf, KeyCheck } from '../protocol';
import type { PIN_REQUESTS } from '../protocol/pins';
import { checked, WorkerError } from './errors';
import { b64, fingerprintOf, key32, officeFingerprintMatches, officeFingerprintOf } from './keys';
import { requireSession, type CheckedKey, type OfficeEncryptionKey, type Session, type WorkerState } from './state';
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

function makePinFor(session: Session, subject: PinSubject, subjectId: Id, publicKey: Uint8Array): string {
  return b64(
    makePin(
      { ownerId: session.userId, subject, subjectId, publicKey, firstSeenAt: Date.now() },
      session.keys.personalKey,
    ),
  );
}

/** Compares a key with its pin and remembers the outcome for sealing. */
function compare(
  state: WorkerState,
  session: Session,
  pins: Map<string, Pin>,
  subject: PinSubject,
  subjectId: Id,
  publicKey: Uint8Array,
  fingerprint: (key: Uint8Array) => string,
  encryptionPublicKey?: Uint8Array,
): KeyCheck {
  const pin = pins.get(pinKeyOf(subject, subjectId));
  const outcome = comparePin(pin, publicKey);
  state.checkedKeys.set(pinKeyOf(subject, subjectId), {
    subject,
    subjectId,
    publicKey,
    accepted: outcome !== 'changed',
    ...(encryptionPublicKey ? { encryptionPublicKey } : {}),
  });
  const shown = fingerprint(publicKey);
  if (pin === undefined || outcome === 'new')
    return { fingerprint: shown, pin: 'new', envelope: makePinFor(session, subject, subjectId, publicKey) };
  if (outcome === 'same') return { fingerprint: shown, pin: 'same' };
  return { fingerprint: shown, pin: 'changed', pinnedFingerprint: fingerprint(pin.publicKey) };
}

type AccountCheck = CheckedRequestOf<'checkKeys'>['accounts'][number];

/** One account: its certificate chain against the office key, its address, then its pin. */
function checkAccount(state: WorkerState, session: Session, pins: Map<string, Pin>, account: AccountCheck) {
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
    ...compare(state, session, pins, 'user', userId, identityPublicKey, fingerprintOf, encryptionKey),
  };
}

export function pinOperations(state: WorkerState): HandlersOf<keyof typeof PIN_REQUESTS> {
  return {
    fingerprint({ kind, publicKey }) {
      const key = key32(publicKey);
      return { fingerprint: kind === 'identity' ? fingerprintOf(key) : officeFingerprintOf(key) };
    },

    checkKeys({ accounts, pins, office }) {
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

      const opened = openPins(session, pins);
      const officeCheck = compare(
        state,
        session,
        opened,
        'office',
        session.officeId,
        session.officeSigningPublicKey,
        officeFingerprintOf,
      );
      const checks = accounts.map((account) => checkAccount(state, session, opened, account));
      return { office: officeCheck, accounts: checks };
    },

    confirmPin({ subject, subjectId }) {
      const session = requireSession(state);
      const entry = state.checkedKeys.get(pinKeyOf(subject, subjectId));
      if (!entry) throw new WorkerError('keys_untrusted');
      entry.accepted = true;
      return { envelope: makePinFor(session, subject, entry.subjectId, entry.publicKey) };
    },

    checkOfficeFingerprint({ signingPublicKey, fingerprint }) {
      const key = key32(signingPublicKey);
      if (!officeFingerprintMatches(key, fingerprint)) throw new WorkerError('office_key_mismatch');
      return { fingerprint: officeFingerprintOf(key) };
    },

    pinOffice({ pins, fingerprint }) {
      const session = requireSession(state);
      const shown = officeFingerprintOf(session.officeSigningPublicKey);
      let pinned: Pin | undefined;
      for (const stored of pins) {
        if (stored.subject !== 'office' || stored.subjectId !== idToWire(session.officeId)) continue;
        try {
          const pin = openPin(fromBase64Url(stored.envelope), session.keys.personalKey, session.userId);
          if (pin.subject === 'office' && bytesEqual(pin.subjectId, session.officeId)) pinned = pin;
        } catch {
          // not this user's, or altered: the server can drop a pin, never forge one
        }
      }
      if (pinned !== undefined) {
        session.officePinned = bytesEqual(pinned.publicKey, session.officeSigningPublicKey);
        if (!session.officePinned) throw new WorkerError('office_key_changed');
        return { fingerprint: shown, pin: 'same' };
      }
      if (fingerprint !== undefined && !officeFingerprintMatches(session.officeSigningPublicKey, fingerprint)) {
        session.officePinned = false;
        throw new WorkerError('office_key_mismatch');
      }
      session.officePinned = true;
      return {
        fingerprint: shown,
        pin: 'new',
        envelope: makePinFor(session, 'office', session.officeId, session.officeSigningPublicKey),
      };
    },
  };
}
