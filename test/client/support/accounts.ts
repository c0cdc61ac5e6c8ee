// The account flows' side of test/client/worker-operations.test.ts: calling an operation
// synchronously as worker.ts does (account operations transfer nothing), and an office set up
// the way the setup page does it, with what the server stores.
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
