// The account flows' side of test/client/worker-operations.test.ts: calling an operation
// synchronously as worker.ts does (account operations transfer nothing), and an office set up
// the way the setup page does it, with what the server stores.
import {
  certifyMember,
  fromBase64Url,
  idFromWire,
  idToWire,
  newId,
  sealOfficeKeys,
  signOfficeEncryptionKey,
  toBase64Url,
  type OfficeKeys,
} from '../../../shared/crypto/index.js';
import { createOperations, errorCode, type Handlers } from '../../../client/src/crypto/operations';
import {
  REQUESTS,
  type AnswerOf,
  type Operation,
  type ProgressStage,
  type RequestOf,
} from '../../../client/src/crypto/protocol';

/** Calls an operation the way worker.ts does: schema first, then the handler; failures as codes. */
export function call<K extends Operation>(
  ops: Handlers,
  op: K,
  request: RequestOf<K>,
  stages: ProgressStage[] = [],
): AnswerOf<K> {
  const parsed = REQUESTS[op].safeParse(request);
  if (!parsed.success) throw new Error('bad_request');
  try {
    return (ops[op] as (request: unknown, report: (stage: ProgressStage) => void) => AnswerOf<K>)(
      parsed.data,
      (stage) => stages.push(stage),
    );
  } catch (error) {
    throw new Error(errorCode(error), { cause: error });
  }
}

export const ADMIN = { email: 'els@kantoor-jansen.nl', password: 'kaasboer-fietspomp-regenjas' };

/** Setup, as the server stores it. */
export function setUpOffice() {
  const admin = createOperations();
  const stages: ProgressStage[] = [];
  const created = call(
    admin,
    'createOffice',
    { officeName: 'Kantoor Jansen', adminName: 'Els Jansen', email: ADMIN.email, password: ADMIN.password },
    stages,
  );
  const { office, admin: account } = created.request;
  const officeRef = {
    officeId: office.officeId,
    signingPublicKey: office.signingPublicKey,
    encryptionPublicKey: office.encryptionPublicKey,
    encryptionKeyStatement: office.encryptionKeyStatement,
  };
  const stored = {
    userId: account.userId,
    kdf: account.keys.kdf,
    passwordBundle: account.keys.passwordBundle,
    identityPublicKey: account.keys.identityPublicKey,
    encryptionPublicKey: account.keys.encryptionPublicKey,
    certificate: account.certificate,
    sealedOfficeKeys: account.sealedOfficeKeys,
  };
  return { admin, created, officeRef, stored, stages };
}

const MEMBER_PASSWORD = 'kaasboer-fietspomp-regenjas';

/**
 * A staff member's worker that just made its account, for tests that play the server by hand:
 * its keys as GET /api/v1/me/keys answers them before approval (`pending`), and what an office
 * would add — its certificate, its office keys sealed to the member, and the session's office.
 */
export function newMemberWorker() {
  const ops = createOperations();
  const userId = idToWire(newId());
  const account = call(ops, 'createAccount', { userId, password: MEMBER_PASSWORD });
  const memberId = idFromWire(userId);
  const identityPublicKey = fromBase64Url(account.keys.identityPublicKey, 32);
  const encryptionPublicKey = fromBase64Url(account.keys.encryptionPublicKey, 32);
  const pending = {
    userId,
    kdf: account.keys.kdf,
    passwordBundle: account.keys.passwordBundle,
    identityPublicKey: account.keys.identityPublicKey,
    encryptionPublicKey: account.keys.encryptionPublicKey,
  };
  return {
    ops,
    memberId,
    identityPublicKey,
    encryptionPublicKey,
    pending,
    /** Derives the key-encryption key again: each unlock uses it up. */
    deriveSignIn: () => call(ops, 'deriveSignIn', { password: MEMBER_PASSWORD, kdf: pending.kdf }),
    certificateFrom: (office: OfficeKeys) =>
      toBase64Url(
        certifyMember(office, {
          version: 1,
          userId: memberId,
          email: 'anna@kantoor-jansen.nl',
          role: 'staff',
          identityPublicKey,
          encryptionPublicKey,
          issuedAt: 1_790_000_000_000,
        }),
      ),
    sealedOfficeKeysFrom: (office: OfficeKeys) => toBase64Url(sealOfficeKeys(office, memberId, encryptionPublicKey)),
  };
}

/** GET /api/v1/session's office, with what GET /api/v1/office/keys adds. */
export function sessionOfficeOf(office: OfficeKeys) {
  return {
    officeId: idToWire(office.officeId),
    signingPublicKey: toBase64Url(office.signing.publicKey),
    encryptionPublicKey: toBase64Url(office.encryption.publicKey),
    encryptionKeyStatement: toBase64Url(signOfficeEncryptionKey(office)),
  };
}
