// An office for tests of the crypto worker's operations in Node (test/client/*-operations):
// an admin who made the office, an advisor and a client, each signed in in their own worker
// against the in-memory server of ./fake-server.ts, and the steps a page takes with them
// (calling an operation as worker.ts does, checking and pinning keys, uploading a file).
import { idToWire, newId } from '../../../shared/crypto/index.js';
import { createOperations, errorCode, type CallContext, type Handlers } from '../../../client/src/crypto/operations';
import {
  REQUESTS,
  type AnswerOf,
  type Operation,
  type RequestOf,
  type TransferProgress,
} from '../../../client/src/crypto/protocol';
import type { FakeServer } from './fake-server';

const PASSWORD = 'vrolijke-olifant-tekent-7';

/** Calls an operation the way worker.ts does: schema first, then the handler; failures as codes. */
export async function call<K extends Operation>(
  ops: Handlers,
  op: K,
  request: RequestOf<K>,
  context: Partial<CallContext> = {},
): Promise<AnswerOf<K>> {
  const parsed = REQUESTS[op].safeParse(request);
  if (!parsed.success) throw new Error('bad_request');
  try {
    const handler = ops[op] as (
      request: unknown,
      report: () => void,
      context: CallContext,
    ) => AnswerOf<K> | Promise<AnswerOf<K>>;
    return await handler(parsed.data, () => {}, {
      signal: context.signal ?? new AbortController().signal,
      transfer: context.transfer ?? (() => {}),
    });
  } catch (error) {
    throw new Error(errorCode(error), { cause: error });
  }
}

export function randomBytes(length: number): Uint8Array {
  const bytes = new Uint8Array(length);
  for (let offset = 0; offset < length; offset += 65536)
    crypto.getRandomValues(bytes.subarray(offset, Math.min(length, offset + 65536)));
  return bytes;
}

export interface Person {
  readonly ops: Handlers;
  readonly userId: string;
  readonly email: string;
  readonly name: string;
  readonly listed: {
    userId: string;
    email: string;
    identityPublicKey: string;
    encryptionPublicKey: string;
    encryptionKeySignature: string;
    certificate: string;
  };
}

/** An office with an admin, a staff member and a client, each signed in in their own worker. */
export async function office(server: FakeServer) {
  const deps = {
    transport: server.transport,
    transportFor: server.transportFor,
    clock: server.clock,
    retryWindowMs: 60_000,
    streamStartTimeoutMs: 2_000,
  };
  const admin = createOperations(deps);
  const created = await call(admin, 'createOffice', {
    officeName: 'Kantoor Jansen',
    adminName: 'Els Jansen',
    email: 'els@kantoor-jansen.nl',
    password: PASSWORD,
  });
  const { office: officeWire, admin: adminWire } = created.request;
  const officeRef = {
    officeId: officeWire.officeId,
    signingPublicKey: officeWire.signingPublicKey,
    encryptionPublicKey: officeWire.encryptionPublicKey,
    encryptionKeyStatement: officeWire.encryptionKeyStatement,
  };
  await call(admin, 'unlock', {
    keys: {
      userId: adminWire.userId,
      kdf: adminWire.keys.kdf,
      passwordBundle: adminWire.keys.passwordBundle,
      identityPublicKey: adminWire.keys.identityPublicKey,
      encryptionPublicKey: adminWire.keys.encryptionPublicKey,
      certificate: adminWire.certificate,
      sealedOfficeKeys: adminWire.sealedOfficeKeys,
    },
    office: officeRef,
  });
  const els: Person = {
    ops: admin,
    userId: adminWire.userId,
    email: adminWire.email,
    name: adminWire.name,
    listed: {
      userId: adminWire.userId,
      email: adminWire.email,
      identityPublicKey: adminWire.keys.identityPublicKey,
      encryptionPublicKey: adminWire.keys.encryptionPublicKey,
      encryptionKeySignature: adminWire.keys.encryptionKeySignature,
      certificate: adminWire.certificate,
    },
  };

  async function member(
    email: string,
    name: string,
    role: 'staff' | 'client',
    userId = idToWire(newId()),
    version = 0,
  ): Promise<Person> {
    const ops = createOperations(deps);
    const account = await call(ops, 'createAccount', { userId, password: PASSWORD });
    const keys = account.keys;
    const listed = {
      userId,
      email,
      role,
      identityPublicKey: keys.identityPublicKey,
      encryptionPublicKey: keys.encryptionPublicKey,
      encryptionKeySignature: keys.encryptionKeySignature,
    };
    const approval = await call(admin, 'certifyMember', { member: listed, currentVersion: version });
    await call(ops, 'unlock', {
      keys: {
        userId,
        kdf: keys.kdf,
        passwordBundle: keys.passwordBundle,
        identityPublicKey: keys.identityPublicKey,
        encryptionPublicKey: keys.encryptionPublicKey,
        ...approval,
      },
      office: officeRef,
    });
    return {
      ops,
      userId,
      email,
      name,
      listed: {
        userId,
        email,
        identityPublicKey: keys.identityPublicKey,
        encryptionPublicKey: keys.encryptionPublicKey,
        encryptionKeySignature: keys.encryptionKeySignature,
        certificate: approval.certificate,
      },
    };
  }

  const anna = await member('anna@kantoor-jansen.nl', 'Anna de Vries', 'staff');
  const bob = await member('bob@klant.nl', 'Bob Klant', 'client');
  const officeKeys = {
    ...officeRef,
    encryptionPublicKey: officeWire.encryptionPublicKey,
    encryptionKeyStatement: officeWire.encryptionKeyStatement,
  };
  return { deps, officeRef, officeKeys, officeName: officeWire.name, els, anna, bob, member };
}

export type Office = Awaited<ReturnType<typeof office>>;

/** What the server would store for one user's pins. */
export function pinStore() {
  const pins = new Map<string, { subject: 'office' | 'user'; subjectId: string; envelope: string }>();
  return {
    list: () => [...pins.values()],
    put: (subject: 'office' | 'user', subjectId: string, envelope: string) =>
      pins.set(`${subject}:${subjectId}`, { subject, subjectId, envelope }),
  };
}

/** Checks keys the way the send page does: stores new pins. */
export async function checkAndPin(
  o: Office,
  sender: Person,
  pins: ReturnType<typeof pinStore>,
  accounts: Person['listed'][],
) {
  const answer = await call(sender.ops, 'checkKeys', {
    index: null,
    seen: {},
    accounts,
    pins: pins.list(),
    office: o.officeKeys,
  });
  if (answer.office.envelope) pins.put('office', o.officeRef.officeId, answer.office.envelope);
  for (const account of answer.accounts) if (account.envelope) pins.put('user', account.userId, account.envelope);
  return answer;
}

export async function upload(
  sender: Person,
  bytes: Uint8Array,
  progress: TransferProgress[] = [],
  signal?: AbortSignal,
) {
  return call(
    sender.ops,
    'uploadFile',
    { file: new Blob([bytes as BlobPart]) },
    { transfer: (p) => progress.push(p), ...(signal ? { signal } : {}) },
  );
}

/** A member an admin has not approved yet: signed in and unlocked, without the office key. */
export async function pendingMember(o: Office): Promise<Handlers> {
  const ops = createOperations(o.deps);
  const userId = idToWire(newId());
  const { keys } = await call(ops, 'createAccount', { userId, password: PASSWORD });
  await call(ops, 'unlock', {
    keys: {
      userId,
      kdf: keys.kdf,
      passwordBundle: keys.passwordBundle,
      identityPublicKey: keys.identityPublicKey,
      encryptionPublicKey: keys.encryptionPublicKey,
    },
    office: o.officeRef,
  });
  return ops;
}
