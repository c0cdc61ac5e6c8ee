// The worker's office operations (docs/protocol.md §9): opening the office keys once this
// member is approved, and, with them, checking and certifying members and clients, and
// checking colleagues' certificates against the office signing key. Approving a client also
// makes the client's personal drop (docs/protocol.md §13), its link sealed to the client.
import {
  bytesEqual,
  canonicalScopes,
  certifyMember,
  checkDropLabel,
  deviceCodeMatches,
  dropFingerprint,
  fromBase64Url,
  idFromWire,
  idToWire,
  newDropKeys,
  newAccessCode,
  newId,
  newInvitationSecret,
  officeFingerprint,
  openClientInvitation,
  signClientInvitation,
  verifyClientKeyProof,
  wipe,
  sealClientDropLink,
  sealContactCode,
  sealDeviceKeys,
  sealOfficeKeys,
  signDeviceCertificate,
  verifyEncryptionKey,
  verifyMember,
  type Id,
  type OfficeKeys,
} from '../../../../shared/crypto/index.js';
import type { MemberCheck } from '../protocol';
import type { OFFICE_REQUESTS } from '../protocol/office';
import { checked, WorkerError } from './errors';
import { sealNewDrop, wipeDropKeys } from './drops';
import { b64, fingerprintOf, key32, officeFingerprintOf, openOfficeMaterial, samePublicKeys } from './keys';
import { requireOfficeKeys, requireSession, wipeOfficeKeys, type WorkerState } from './state';
import type { HandlersOf } from './types';

/** A member's own signature over their encryption key; `invalid_member` when it does not hold. */
function verifiedMemberKeys(member: {
  readonly userId: string;
  readonly identityPublicKey: string;
  readonly encryptionPublicKey: string;
  readonly encryptionKeySignature: string;
}): { readonly userId: Id; readonly identityPublicKey: Uint8Array; readonly encryptionPublicKey: Uint8Array } {
  const userId = idFromWire(member.userId);
  const identityPublicKey = key32(member.identityPublicKey);
  const encryptionPublicKey = key32(member.encryptionPublicKey);
  checked('invalid_member', () =>
    verifyEncryptionKey(
      userId,
      { identityPublicKey, encryptionPublicKey },
      fromBase64Url(member.encryptionKeySignature, 64),
    ),
  );
  return { userId, identityPublicKey, encryptionPublicKey };
}

/**
 * The keys the server lists for a client must be the ones the client's browser proved with I
 * (docs/protocol.md §13a): I opened from the office's statement for this account and address,
 * then the proof over exactly these keys. `key_proof_invalid` otherwise.
 */
function checkKeyProof(
  office: OfficeKeys,
  client: {
    readonly userId: string;
    readonly email: string;
    readonly identityPublicKey: string;
    readonly encryptionPublicKey: string;
    readonly encryptionKeySignature: string;
  },
  handover: { readonly statement: string; readonly keyProof: string },
): void {
  const { userId, identityPublicKey, encryptionPublicKey } = verifiedMemberKeys(client);
  checked('key_proof_invalid', () => {
    const binding = { userId, email: client.email };
    const secret = openClientInvitation(
      fromBase64Url(handover.statement),
      { officeId: office.officeId, signingPublicKey: office.signing.publicKey, encryption: office.encryption },
      binding,
    );
    try {
      verifyClientKeyProof(
        secret,
        { ...binding, identityPublicKey, encryptionPublicKey },
        fromBase64Url(handover.keyProof, 32),
      );
    } finally {
      wipe(secret);
    }
  });
}

export function officeOperations(state: WorkerState): HandlersOf<keyof typeof OFFICE_REQUESTS> {
  return {
    openOffice({ keys: published, office }) {
      const session = requireSession(state);
      const officeId = idFromWire(office.officeId);
      const officeSigningPublicKey = key32(office.signingPublicKey);
      const userId = idFromWire(published.userId);
      const sameOffice =
        bytesEqual(officeId, session.officeId) && bytesEqual(officeSigningPublicKey, session.officeSigningPublicKey);
      const sameKeys =
        bytesEqual(userId, session.userId) &&
        samePublicKeys(
          {
            identityPublicKey: key32(published.identityPublicKey),
            encryptionPublicKey: key32(published.encryptionPublicKey),
          },
          session.keys,
        );
      if (!sameOffice || !sameKeys) throw new WorkerError('keys_mismatch');
      const officeKeys = openOfficeMaterial(
        userId,
        session.keys,
        { ...office, officeId, signingPublicKey: officeSigningPublicKey },
        published.certificate,
        published.sealedOfficeKeys,
      );
      if (officeKeys) {
        if (session.officeKeys) wipeOfficeKeys(session.officeKeys);
        session.officeKeys = officeKeys;
      }
      return {
        fingerprint: fingerprintOf(session.keys.identity.publicKey),
        officeFingerprint: officeFingerprintOf(officeSigningPublicKey),
        officeKeys: session.officeKeys !== null,
      };
    },

    inspectMember(member) {
      const identityPublicKey = key32(member.identityPublicKey);
      let signatureValid = true;
      try {
        verifyEncryptionKey(
          idFromWire(member.userId),
          { identityPublicKey, encryptionPublicKey: key32(member.encryptionPublicKey) },
          fromBase64Url(member.encryptionKeySignature, 64),
        );
      } catch {
        signatureValid = false;
      }
      return { fingerprint: fingerprintOf(identityPublicKey), signatureValid };
    },

    certifyMember({ member, currentVersion }) {
      const { office } = requireOfficeKeys(state);
      const { userId, identityPublicKey, encryptionPublicKey } = verifiedMemberKeys(member);
      const certificate = certifyMember(office, {
        version: currentVersion + 1,
        userId,
        email: member.email,
        role: member.role,
        identityPublicKey,
        encryptionPublicKey,
        issuedAt: Date.now(),
      });
      return {
        certificate: b64(certificate),
        sealedOfficeKeys: b64(sealOfficeKeys(office, userId, encryptionPublicKey)),
      };
    },

    recertifyMember({ member, role, currentVersion }) {
      const { office } = requireOfficeKeys(state);
      const userId = idFromWire(member.userId);
      // Only keys the office already certified are certified again, for the same address: a
      // role change must not become a way to slip in other keys.
      const verified = checked('invalid_member', () =>
        verifyMember(
          office.signing.publicKey,
          { officeId: office.officeId, userId },
          fromBase64Url(member.certificate),
          fromBase64Url(member.encryptionKeySignature, 64),
        ),
      );
      if (
        !bytesEqual(verified.identityPublicKey, key32(member.identityPublicKey)) ||
        !bytesEqual(verified.encryptionPublicKey, key32(member.encryptionPublicKey)) ||
        verified.email !== member.email
      ) {
        throw new WorkerError('invalid_member');
      }
      const certificate = certifyMember(office, {
        version: Math.max(currentVersion, verified.version) + 1,
        userId,
        email: verified.email,
        role,
        identityPublicKey: verified.identityPublicKey,
        encryptionPublicKey: verified.encryptionPublicKey,
        issuedAt: Date.now(),
      });
      return { certificate: b64(certificate) };
    },

    verifyMembers({ members }) {
      const session = requireSession(state);
      return {
        members: members.map((member) => {
          const identityPublicKey = key32(member.identityPublicKey);
          let check: MemberCheck = 'unverified';
          if (member.certificate !== undefined) {
            try {
              const verified = verifyMember(
                session.officeSigningPublicKey,
                { officeId: session.officeId, userId: idFromWire(member.userId) },
                fromBase64Url(member.certificate),
                fromBase64Url(member.encryptionKeySignature, 64),
              );
              const matches =
                bytesEqual(verified.identityPublicKey, identityPublicKey) &&
                bytesEqual(verified.encryptionPublicKey, key32(member.encryptionPublicKey)) &&
                verified.email === member.email &&
                verified.role === member.role;
              check = matches ? 'verified' : 'failed';
            } catch {
              check = 'failed';
            }
          }
          return { userId: member.userId, fingerprint: fingerprintOf(identityPublicKey), check };
        }),
      };
    },

    prepareHandover({ email, userId }) {
      const { office } = requireOfficeKeys(state);
      const binding = { userId: userId === undefined ? newId() : idFromWire(userId), email };
      const secret = newInvitationSecret();
      try {
        return {
          userId: idToWire(binding.userId),
          statement: b64(signClientInvitation(office, binding, secret)),
          fragment: `${b64(officeFingerprint(office.signing.publicKey))}.${b64(secret)}`,
        };
      } finally {
        wipe(secret);
      }
    },

    checkClientProof({ client, handover }) {
      const { office } = requireOfficeKeys(state);
      if (client.role !== 'client') throw new WorkerError('bad_request');
      checkKeyProof(office, client, handover);
      return { fingerprint: fingerprintOf(key32(client.identityPublicKey)) };
    },

    certifyClient({ client, currentVersion, label, handover }) {
      const { office } = requireOfficeKeys(state);
      if (client.role !== 'client') throw new WorkerError('bad_request');
      checked('bad_request', () => checkDropLabel(label));
      const { userId: clientId, identityPublicKey, encryptionPublicKey } = verifiedMemberKeys(client);
      if (handover !== undefined) checkKeyProof(office, client, handover);
      const certificate = certifyMember(office, {
        version: currentVersion + 1,
        userId: clientId,
        email: client.email,
        role: 'client',
        identityPublicKey,
        encryptionPublicKey,
        issuedAt: Date.now(),
      });
      return { certificate: b64(certificate), drop: makeClientDrop(state, clientId, encryptionPublicKey, label) };
    },

    renewClientDrop({ client, label }) {
      const { office } = requireOfficeKeys(state);
      if (client.role !== 'client') throw new WorkerError('bad_request');
      checked('bad_request', () => checkDropLabel(label));
      const clientId = idFromWire(client.userId);
      // Only to keys the office certified for this client: a server that swaps the client's key
      // would otherwise receive the new link, and with it D.
      const verified = checked('invalid_member', () =>
        verifyMember(
          office.signing.publicKey,
          { officeId: office.officeId, userId: clientId },
          fromBase64Url(client.certificate),
          fromBase64Url(client.encryptionKeySignature, 64),
        ),
      );
      if (
        verified.role !== 'client' ||
        verified.email !== client.email ||
        !bytesEqual(verified.identityPublicKey, key32(client.identityPublicKey)) ||
        !bytesEqual(verified.encryptionPublicKey, key32(client.encryptionPublicKey))
      ) {
        throw new WorkerError('invalid_member');
      }
      return { drop: makeClientDrop(state, clientId, verified.encryptionPublicKey, label) };
    },

    makeContactCode({ contactId }) {
      const { session, office } = requireOfficeKeys(state);
      const accessCode = newAccessCode();
      const binding = {
        contactId: idFromWire(contactId),
        officeFingerprint: officeFingerprint(session.officeSigningPublicKey),
        sealerId: session.userId,
      };
      return { sealed: b64(sealContactCode(accessCode, binding, office.encryption)), accessCode };
    },

    deviceAddress() {
      const { office } = requireOfficeKeys(state);
      return { officeFingerprint: b64(officeFingerprint(office.signing.publicKey)) };
    },

    approveDevice({ typedCode, enrolments, scopes }) {
      const { session, office } = requireOfficeKeys(state);
      const keysOf = (enrolment: (typeof enrolments)[number]) => ({
        encryptionPublicKey: key32(enrolment.encryptionPublicKey),
        signingPublicKey: key32(enrolment.signingPublicKey),
      });
      const matching = enrolments.filter((enrolment) => deviceCodeMatches(keysOf(enrolment), typedCode));
      const [chosen] = matching;
      // Two enrolments with one code would take a forged key pair: approve neither.
      if (chosen === undefined || matching.length !== 1) throw new WorkerError('device_code_unknown');
      const enrolmentId = idFromWire(chosen.enrolmentId);
      const device = keysOf(chosen);
      const binding = { enrolmentId, userId: session.userId, officeId: office.officeId };
      const sealedKeys = sealDeviceKeys(session.keys, { ...binding, device });
      const certificate = signDeviceCertificate(session.keys.identity, {
        ...binding,
        deviceId: enrolmentId,
        name: chosen.name,
        scopes: canonicalScopes(scopes),
        ...device,
        issuedAt: Date.now(),
      });
      return {
        enrolmentId: chosen.enrolmentId,
        name: chosen.name,
        sealedKeys: b64(sealedKeys),
        certificate: b64(certificate),
      };
    },
  };
}

/**
 * A client's personal drop (docs/protocol.md §13): key pair and D sealed to this member and the
 * office, the label likewise, the record signed by this member, the link sealed to the client.
 */
function makeClientDrop(state: WorkerState, clientId: Id, clientEncryptionPublicKey: Uint8Array, label: string) {
  const { session, office } = requireOfficeKeys(state);
  const drop = newDropKeys(newId());
  try {
    const link = { dropFingerprint: dropFingerprint(drop.dropId, drop.keyPair.publicKey), dropSecret: drop.secret };
    return {
      ...sealNewDrop(
        drop,
        label,
        { userId: session.userId, publicKey: session.keys.encryption.publicKey, identity: session.keys.identity },
        { officeId: office.officeId, publicKey: office.encryption.publicKey },
        clientId,
      ),
      clientLink: b64(sealClientDropLink(link, { dropId: drop.dropId, clientId }, clientEncryptionPublicKey)),
    };
  } finally {
    wipeDropKeys(drop);
  }
}
