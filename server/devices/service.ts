// Enrolled devices and API tokens (docs/protocol.md "Devices", docs/threat-model.md "Enrolled
// devices"). The server keeps the device's public keys, what the approving member's browser
// made (the sealed handover, which it cannot open, and the certificate, which it checks against
// the member's identity key), and only hashes of bearer tokens. The handover leaves with the
// one successful claim and is deleted then.
import {
  bytesEqual,
  canonicalScopes,
  CryptoError,
  DEVICE_CLAIM_WINDOW_MS,
  newId,
  newToken,
  tokenHash,
  verifyDeviceCertificate,
  verifyDeviceClaim,
  type DeviceScope,
  type Id,
} from '../../shared/crypto/index.js';
import type { OfficeRepo } from '../kernel/accounts/office-repo.js';
import type { UsersRepo } from '../kernel/accounts/users-repo.js';
import type { Audit } from '../kernel/audit/service.js';
import type { Clock } from '../kernel/clock.js';
import type { Transact } from '../kernel/db/transaction.js';
import type { Caller } from '../kernel/http/caller.js';
import { AppError, invalidCertificate, notFound, tokenScope } from '../kernel/http/errors.js';
import { RATE_LIMITS, type RateLimiter } from '../kernel/rate-limit/service.js';
import type { ClaimRecord, DeviceRecord, DevicesRepo, EnrolmentRecord, TokenRecord } from './repo.js';

/** How long an enrolment waits for approval and claim. */
const ENROLMENT_MS = 10 * 60 * 1000;

const claimRefused = () =>
  new AppError(
    401,
    'invalid_credentials',
    "The claim is not signed by the enrolling device, was sent before, or the device's clock is more than two minutes off",
  );

type ClaimResult =
  | { readonly status: 'waiting'; readonly expiresAt: number }
  | {
      readonly status: 'approved';
      readonly deviceId: Id;
      readonly userId: Id;
      readonly officeId: Id;
      readonly scopes: readonly DeviceScope[];
      readonly sealedKeys: Uint8Array;
      readonly certificate: Uint8Array;
      readonly token: string;
    };

export interface DevicesService {
  start(
    ip: string,
    enrolment: { encryptionPublicKey: Uint8Array; signingPublicKey: Uint8Array; name: string },
  ): {
    id: Id;
    expiresAt: number;
  };
  pending(): EnrolmentRecord[];
  approve(
    caller: Caller,
    enrolmentId: Id,
    approval: { scopes: readonly DeviceScope[]; sealedKeys: Uint8Array; certificate: Uint8Array },
  ): DeviceRecord;
  claim(ip: string, enrolmentId: Id, proof: { time: number; signature: Uint8Array }): ClaimResult;
  list(caller: Caller): DeviceRecord[];
  rename(caller: Caller, deviceId: Id, name: string): DeviceRecord;
  revoke(caller: Caller, deviceId: Id): void;
  createToken(
    caller: Caller,
    deviceId: Id,
    request: { label: string; scopes: readonly DeviceScope[] },
  ): { token: string; record: TokenRecord };
  revokeToken(caller: Caller, deviceId: Id, tokenId: Id): void;
}

/** Scopes as stored: canonical order, comma-separated. */
export function scopesOf(stored: string): DeviceScope[] {
  return canonicalScopes(stored.split(','));
}

export function createDevicesService(deps: {
  repo: DevicesRepo;
  users: UsersRepo;
  office: OfficeRepo;
  limits: RateLimiter;
  audit: Audit;
  transact: Transact;
  clock: Clock;
}): DevicesService {
  const { repo, users, office, limits, audit, transact, clock } = deps;
  const object = (id: Id) => ({ type: 'device' as const, ref: id });

  /** A bearer caller acts only on its own device, and never beyond its own scopes. */
  const requireOwnDevice = (caller: Caller, deviceId: Id): void => {
    if (caller.device !== undefined && !bytesEqual(caller.device.deviceId, deviceId)) throw notFound();
  };

  const ownDevice = (caller: Caller, deviceId: Id): DeviceRecord => {
    requireOwnDevice(caller, deviceId);
    const device = repo.ownOne(deviceId, caller.userId, clock.now());
    if (device === undefined) throw notFound();
    return device;
  };

  /** The certificate must be the approver's identity key's signature over exactly this device. */
  const checkCertificate = (
    caller: Caller,
    enrolment: EnrolmentRecord,
    scopes: readonly DeviceScope[],
    certificate: Uint8Array,
  ): void => {
    const identityPublicKey = users.byId(caller.userId)?.keys?.identityPublicKey;
    const officeId = office.get()?.id;
    if (identityPublicKey === undefined || officeId === undefined) throw notFound();
    let certified;
    try {
      certified = verifyDeviceCertificate(identityPublicKey, certificate);
    } catch (error) {
      if (error instanceof CryptoError) throw invalidCertificate();
      throw error;
    }
    const matches =
      bytesEqual(certified.officeId, officeId) &&
      bytesEqual(certified.userId, caller.userId) &&
      bytesEqual(certified.deviceId, enrolment.id) &&
      certified.name === enrolment.name &&
      certified.scopes.join(',') === scopes.join(',') &&
      bytesEqual(certified.encryptionPublicKey, enrolment.encryptionPublicKey) &&
      bytesEqual(certified.signingPublicKey, enrolment.signingPublicKey);
    if (!matches) throw invalidCertificate();
  };

  return {
    start(ip, enrolment) {
      limits.countRequests('device-enrol', {
        scope: 'address',
        value: ip,
        policy: RATE_LIMITS.deviceEnrolAddress,
      });
      const now = clock.now();
      const id = newId();
      const expiresAt = now + ENROLMENT_MS;
      transact(() => {
        repo.prune(now);
        repo.insert({ id, ...enrolment, createdAt: now, expiresAt });
      });
      return { id, expiresAt };
    },

    pending() {
      return repo.pending(clock.now());
    },

    approve(caller, enrolmentId, approval) {
      const scopes = canonicalScopes(approval.scopes);
      return transact(() => {
        const now = clock.now();
        const enrolment = repo.pendingOne(enrolmentId, now);
        if (enrolment === undefined) throw notFound();
        checkCertificate(caller, enrolment, scopes, approval.certificate);
        const approved = repo.approve(
          enrolmentId,
          {
            userId: caller.userId,
            scopes: scopes.join(','),
            sealedKeys: approval.sealedKeys,
            certificate: approval.certificate,
          },
          now,
        );
        if (!approved) throw notFound();
        audit.record({
          actor: caller.auditRef,
          action: 'device.enrolled',
          object: object(enrolmentId),
          details: { name: enrolment.name, scopes },
        });
        const device = repo.ownOne(enrolmentId, caller.userId, now);
        if (device === undefined) throw notFound();
        return device;
      });
    },

    claim(ip, enrolmentId, proof) {
      limits.countRequests('device-claim', {
        scope: 'address',
        value: ip,
        policy: RATE_LIMITS.deviceClaimAddress,
      });
      return transact((): ClaimResult => {
        const now = clock.now();
        const enrolment: ClaimRecord | undefined = repo.forClaim(enrolmentId, now);
        if (enrolment === undefined) throw notFound();
        if (Math.abs(proof.time - now) > DEVICE_CLAIM_WINDOW_MS) throw claimRefused();
        try {
          verifyDeviceClaim(enrolment.signingPublicKey, enrolmentId, proof.time, proof.signature);
        } catch (error) {
          if (error instanceof CryptoError) throw claimRefused();
          throw error;
        }
        if (!repo.noteClaim(enrolmentId, proof.time)) throw claimRefused();
        const { userId, scopes, sealedKeys, certificate } = enrolment;
        if (userId === null || scopes === null || sealedKeys === null || certificate === null) {
          return { status: 'waiting', expiresAt: enrolment.expiresAt };
        }
        const officeId = office.get()?.id;
        if (officeId === undefined || !repo.markClaimed(enrolmentId, now)) throw notFound();
        const token = newToken();
        repo.insertToken({
          id: newId(),
          deviceId: enrolmentId,
          tokenHash: tokenHash('device', token),
          label: null,
          scopes,
          createdAt: now,
        });
        const user = users.byId(userId);
        audit.record({
          actor: user?.auditRef ?? null,
          action: 'device.claimed',
          object: object(enrolmentId),
          details: { name: enrolment.name },
        });
        return {
          status: 'approved',
          deviceId: enrolmentId,
          userId,
          officeId,
          scopes: scopesOf(scopes),
          sealedKeys,
          certificate,
          token,
        };
      });
    },

    list(caller) {
      return repo.own(caller.userId, clock.now());
    },

    rename(caller, deviceId, name) {
      return transact(() => {
        const before = ownDevice(caller, deviceId);
        if (!repo.rename(deviceId, caller.userId, name)) throw notFound();
        audit.record({
          actor: caller.auditRef,
          action: 'device.renamed',
          object: object(deviceId),
          details: { from: before.name, name },
        });
        return ownDevice(caller, deviceId);
      });
    },

    revoke(caller, deviceId) {
      transact(() => {
        const device = ownDevice(caller, deviceId);
        if (!repo.revoke(deviceId, caller.userId, clock.now())) throw notFound();
        audit.record({
          actor: caller.auditRef,
          action: 'device.revoked',
          object: object(deviceId),
          details: { name: device.name },
        });
      });
    },

    createToken(caller, deviceId, request) {
      const scopes = canonicalScopes(request.scopes);
      return transact(() => {
        const device = ownDevice(caller, deviceId);
        if (device.claimedAt === null) throw notFound();
        const allowed = caller.device?.scopes ?? scopesOf(device.scopes);
        if (!scopes.every((scope) => allowed.includes(scope))) throw tokenScope();
        const token = newToken();
        const record: TokenRecord = {
          id: newId(),
          label: request.label,
          scopes: scopes.join(','),
          createdAt: clock.now(),
          lastUsedAt: null,
        };
        repo.insertToken({ ...record, deviceId, tokenHash: tokenHash('device', token) });
        audit.record({
          actor: caller.auditRef,
          action: 'token.created',
          object: object(deviceId),
          details: { name: device.name, label: request.label, scopes },
        });
        return { token, record };
      });
    },

    revokeToken(caller, deviceId, tokenId) {
      transact(() => {
        const device = ownDevice(caller, deviceId);
        const token = device.tokens.find((candidate) => bytesEqual(candidate.id, tokenId));
        if (token === undefined || !repo.revokeToken(tokenId, deviceId, caller.userId, clock.now())) throw notFound();
        audit.record({
          actor: caller.auditRef,
          action: 'token.revoked',
          object: object(deviceId),
          details: { name: device.name, label: token.label },
        });
      });
    },
  };
}
