// The negative cases of every committed vector file (test/fixtures/vectors/*.json, layout in
// docs/protocol.md §17) as crypto cases: each runs its operation through the real reader of
// shared/crypto and must fail with exactly the typed error the case names. Being part of the
// crypto suite, they run in Node (test/unit/crypto.test.ts) and in Chromium, on a page and in
// a Worker (test/e2e/crypto-browser.test.ts), so a reader that accepts a tampered input in
// either place fails there. A case marked `knownGap` is one the reference accepts today
// although the document says to refuse it: the case pins that, so fixing the reader fails it
// and the mark must go.
import * as c from '../../shared/crypto/index.js';
import account from '../fixtures/vectors/account.json' with { type: 'json' };
import batchPlan from '../fixtures/vectors/batch-plan.json' with { type: 'json' };
import clientLink from '../fixtures/vectors/client-link.json' with { type: 'json' };
import content from '../fixtures/vectors/content.json' with { type: 'json' };
import device from '../fixtures/vectors/device.json' with { type: 'json' };
import drop from '../fixtures/vectors/drop.json' with { type: 'json' };
import dropRecord from '../fixtures/vectors/drop-record.json' with { type: 'json' };
import encoding from '../fixtures/vectors/encoding.json' with { type: 'json' };
import filekey from '../fixtures/vectors/filekey.json' with { type: 'json' };
import links from '../fixtures/vectors/links.json' with { type: 'json' };
import manifest from '../fixtures/vectors/manifest.json' with { type: 'json' };
import metadata from '../fixtures/vectors/metadata.json' with { type: 'json' };
import office from '../fixtures/vectors/office.json' with { type: 'json' };
import password from '../fixtures/vectors/password.json' with { type: 'json' };
import pins from '../fixtures/vectors/pins.json' with { type: 'json' };
import wrap from '../fixtures/vectors/wrap.json' with { type: 'json' };
import { defineSuite } from './harness.js';

export const NEGATIVE_ERRORS = {
  FormatError: c.FormatError,
  DecryptError: c.DecryptError,
  SignatureError: c.SignatureError,
  ParameterError: c.ParameterError,
  MismatchError: c.MismatchError,
} as const;

export interface NegativeCase {
  readonly name: string;
  readonly operation: string;
  readonly args: Record<string, unknown>;
  readonly error: keyof typeof NEGATIVE_ERRORS;
  readonly code: string;
  readonly reason: string;
  readonly knownGap?: string;
}

const negativeOf = (file: { negative: readonly unknown[] }) => file.negative as readonly NegativeCase[];

/** Every vector file with negative cases (all but audit.json, whose broken chains need the server's checker). */
export const NEGATIVE_VECTOR_FILES: Readonly<Record<string, readonly NegativeCase[]>> = {
  'account.json': negativeOf(account),
  'client-link.json': negativeOf(clientLink),
  'content.json': negativeOf(content),
  'device.json': negativeOf(device),
  'drop-record.json': negativeOf(dropRecord),
  'drop.json': negativeOf(drop),
  'encoding.json': negativeOf(encoding),
  'filekey.json': negativeOf(filekey),
  'links.json': negativeOf(links),
  'manifest.json': negativeOf(manifest),
  'metadata.json': negativeOf(metadata),
  'office.json': negativeOf(office),
  'password.json': negativeOf(password),
  'pins.json': negativeOf(pins),
  'batch-plan.json': negativeOf(batchPlan),
  'wrap.json': negativeOf(wrap),
};

const containers = new Map<number, Uint8Array>();
/** content.json's case `index` container, decoded once. */
function containerOfCase(index: number): Uint8Array {
  let container = containers.get(index);
  if (container === undefined) {
    const vector = content.cases[index];
    if (vector === undefined) throw new Error(`content.json has no case ${index}`);
    container = c.fromHex(vector.container);
    containers.set(index, container);
  }
  return container;
}

interface Segment {
  readonly case?: number;
  readonly start?: number;
  readonly end?: number;
  readonly hex?: string;
}

/** Reads an argument: hex for bytes, text and numbers as they are, content segments joined. */
function args(raw: Record<string, unknown>) {
  const bytes = (key: string): Uint8Array => {
    const value = raw[key];
    if (typeof value === 'string') return c.fromHex(value);
    if (typeof value === 'object' && value !== null && 'segments' in value) {
      const segments = (value as { segments: Segment[] }).segments;
      return c.concatBytes(
        ...segments.map((s) =>
          s.hex !== undefined ? c.fromHex(s.hex) : containerOfCase(s.case ?? -1).subarray(s.start, s.end),
        ),
      );
    }
    throw new Error(`argument ${key} is not bytes`);
  };
  const id = (key: string) => bytes(key) as c.Id;
  const text = (key: string) => raw[key] as string;
  const number = (key: string) => raw[key] as number;
  const pair = (key: string) => c.boxKeyPairFromSecret(bytes(key));
  return { bytes, id, text, number, pair, has: (key: string) => raw[key] !== undefined };
}

/** The invitation fragment as docs/protocol.md §15 reads it: `<token>.<office fingerprint>`, both 32 bytes. */
function parseInvitationFragment(fragment: string): { token: string; officeFingerprint: Uint8Array } {
  const parts = fragment.split('.');
  if (parts.length !== 2) throw new c.FormatError('an invitation fragment has two parts');
  const [token, fingerprint] = parts as [string, string];
  c.fromBase64Url(token, 32);
  return { token, officeFingerprint: c.fromBase64Url(fingerprint, 32) };
}

/** §13 drop record: the signature with the creator's key, then the ids; an empty clientId expects none. */
function verifyRecord(a: ReturnType<typeof args>): c.DropRecord {
  const clientId = a.bytes('clientId');
  return c.verifyDropRecord(a.bytes('envelope'), a.bytes('creatorIdentityPublicKey'), {
    dropId: a.id('dropId'),
    creatorId: a.id('creatorId'),
    clientId: clientId.length === 0 ? null : (clientId as c.Id),
  });
}

/** Runs one operation of docs/protocol.md §17 on a case's arguments. */
function runNegativeOperation(operation: string, raw: Record<string, unknown>): unknown {
  const a = args(raw);
  switch (operation) {
    case 'decodeFields':
      return c.decodeFields(a.bytes('bytes'));
    case 'base64url':
      return c.fromBase64Url(a.text('text'), a.number('length'));
    case 'checkKeyCommitment':
      return c.checkKeyCommitment(a.bytes('fileKey') as c.FileKey, a.id('fileId'), a.bytes('keyCommitment'));
    case 'decryptContent':
      return c.decryptContent(
        a.bytes('fileKey') as c.FileKey,
        a.id('fileId'),
        a.bytes('container'),
        a.has('ciphertextHash') ? a.bytes('ciphertextHash') : undefined,
      );
    case 'openMetadata':
      return c.openMetadata(a.bytes('fileKey') as c.FileKey, a.id('fileId'), a.bytes('sealed'));
    case 'checkKdfParams':
      return c.checkKdfParams({
        algorithm: a.text('algorithm') as 'argon2id13',
        opsLimit: a.number('opsLimit'),
        memLimit: a.number('memLimit'),
      });
    case 'parseRecoveryKey':
      return c.parseRecoveryKey(a.text('text'));
    case 'openKeyBundle':
      return c.openKeyBundle(
        a.bytes('keyEncryptionKey'),
        a.id('userId'),
        a.bytes('bundle'),
        a.text('purpose') as c.KeyBundlePurpose,
        { identityPublicKey: a.bytes('identityPublicKey'), encryptionPublicKey: a.bytes('encryptionPublicKey') },
      );
    case 'verifyEncryptionKey':
      return c.verifyEncryptionKey(
        a.id('userId'),
        { identityPublicKey: a.bytes('identityPublicKey'), encryptionPublicKey: a.bytes('encryptionPublicKey') },
        a.bytes('signature'),
      );
    case 'verifyMember':
      return c.verifyMember(
        a.bytes('officeSigningPublicKey'),
        { officeId: a.id('officeId'), userId: a.id('userId') },
        a.bytes('certificate'),
        a.bytes('encryptionKeySignature'),
      );
    case 'verifyOfficeEncryptionKey':
      return c.verifyOfficeEncryptionKey(a.bytes('officeSigningPublicKey'), a.id('officeId'), a.bytes('statement'));
    case 'openOfficeKeys':
      return c.openOfficeKeys(
        a.bytes('sealed'),
        {
          officeId: a.id('officeId'),
          memberUserId: a.id('memberUserId'),
          officeSigningPublicKey: a.bytes('officeSigningPublicKey'),
          officeEncryptionPublicKey: a.bytes('officeEncryptionPublicKey'),
        },
        a.pair('memberSecretKey'),
      );
    case 'verifyManifest':
      return c.verifyManifest(a.bytes('envelope'), {
        shareId: a.id('shareId'),
        senderId: a.id('senderId'),
        senderIdentityPublicKey: a.bytes('senderIdentityPublicKey'),
        ...(a.has('minimumVersion') ? { minimumVersion: a.number('minimumVersion') } : {}),
      });
    case 'checkLinkCommitment':
      return c.checkLinkCommitment(
        c.verifyManifest(a.bytes('envelope'), {
          shareId: a.id('shareId'),
          senderId: a.id('senderId'),
          senderIdentityPublicKey: a.bytes('senderIdentityPublicKey'),
        }),
        { shareId: a.id('shareId'), recipientId: a.id('recipientId') },
        {
          linkSecret: a.bytes('linkSecret') as c.LinkSecret,
          ...(a.text('accessCode') !== '' ? { accessCode: a.text('accessCode') } : {}),
        },
      );
    case 'openFileKeyForAccount':
      return c.openFileKeyForAccount(
        a.bytes('sealed'),
        { fileId: a.id('fileId'), holderId: a.id('holderId') },
        a.pair('holderSecretKey'),
      );
    case 'unwrapFileKeyForGuest':
      return c.unwrapFileKeyForGuest(
        a.bytes('linkKey'),
        {
          shareId: a.id('shareId'),
          recipientId: a.id('recipientId'),
          fileId: a.id('fileId'),
          manifestHash: a.bytes('manifestHash'),
        },
        a.bytes('wrapped'),
      );
    case 'linkKey':
      return c.linkKey({
        linkSecret: a.bytes('linkSecret') as c.LinkSecret,
        serverHalf: a.bytes('serverHalf') as c.ServerHalf,
        shareId: a.id('shareId'),
        recipientId: a.id('recipientId'),
        accessCodeKey: a.bytes('accessCodeKey'),
      });
    case 'normalizeAccessCode':
      return c.normalizeAccessCode(a.text('text'));
    case 'openLinkSecret':
      return c.openLinkSecret(
        a.bytes('sealed'),
        { shareId: a.id('shareId'), recipientId: a.id('recipientId'), holderId: a.id('holderId') },
        a.pair('holderSecretKey'),
      );
    case 'checkDropKey':
      return c.checkDropKey(a.id('dropId'), a.bytes('dropPublicKey'), a.bytes('fingerprint'));
    case 'openDropSecrets':
      return c.openDropSecrets(
        a.bytes('sealed'),
        { dropId: a.id('dropId'), holderId: a.id('holderId') },
        a.pair('holderSecretKey'),
      );
    case 'openDropLabel':
      return c.openDropLabel(
        a.bytes('sealed'),
        { dropId: a.id('dropId'), holderId: a.id('holderId') },
        a.pair('holderSecretKey'),
      );
    case 'openFileKeyForDrop':
      return c.openFileKeyForDrop(
        a.bytes('sealed'),
        { dropId: a.id('dropId'), fileId: a.id('fileId') },
        a.pair('dropSecretKey'),
      );
    case 'verifyDropUpload':
      return c.verifyDropUpload(a.bytes('envelope'), a.bytes('dropSecret') as c.DropSecret, {
        dropId: a.id('dropId'),
        uploadId: a.id('uploadId'),
      });
    case 'openClientDropLink':
      return c.openClientDropLink(
        a.bytes('sealed'),
        { dropId: a.id('dropId'), clientId: a.id('clientId') },
        a.pair('clientSecretKey'),
      );
    case 'verifyDropRecord':
      return verifyRecord(a);
    case 'checkDropRecordForHolder': {
      const record = verifyRecord(a);
      const drop = {
        dropId: a.id('dropId'),
        keyPair: a.pair('dropSecretKey'),
        secret: a.bytes('dropSecret') as c.DropSecret,
      };
      c.checkDropSecretsAgainstRecord(record, drop);
      return c.checkDropLabelAgainstRecord(record, drop, a.text('label'));
    }
    case 'checkDropRecordForClient':
      return c.checkClientLinkAgainstRecord(verifyRecord(a), {
        dropFingerprint: a.bytes('dropFingerprint'),
        dropSecret: a.bytes('dropSecret') as c.DropSecret,
      });
    case 'openPin':
      return c.openPin(a.bytes('envelope'), a.bytes('personalKey'), a.id('ownerId'));
    case 'openPinIndex':
      return c.openPinIndex(a.bytes('envelope'), a.bytes('personalKey'), a.id('ownerId'));
    case 'openBatchPlan':
      return c.openBatchPlan(a.bytes('envelope'), a.bytes('personalKey'), {
        batchId: a.id('batchId'),
        userId: a.id('userId'),
      });
    case 'parseGuestLinkFragment':
      return c.parseGuestLinkFragment(a.text('fragment'));
    case 'parseDropLinkFragment':
      return c.parseDropLinkFragment(a.text('fragment'));
    case 'openDeviceKeys':
      return c.openDeviceKeys(a.bytes('sealed'), a.id('enrolmentId'), {
        encryption: a.pair('encryptionSecretKey'),
        signing: c.signingKeyPairFromSeed(a.bytes('signingSeed')),
      });
    case 'openDeviceToken':
      return c.openDeviceToken(a.bytes('keyEncryptionKey'), a.id('userId'), a.bytes('sealed'));
    case 'verifyDeviceCertificate':
      return c.verifyDeviceCertificate(a.bytes('identityPublicKey'), a.bytes('envelope'));
    case 'verifyDeviceClaim':
      return c.verifyDeviceClaim(
        a.bytes('signingPublicKey'),
        a.id('enrolmentId'),
        a.number('time'),
        a.bytes('signature'),
      );
    case 'parseInvitationFragment':
      return parseInvitationFragment(a.text('fragment'));
    default:
      throw new Error(`unknown operation ${operation}`);
  }
}

function describeError(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/** Runs one negative case: it must fail with its class and code (or, for a knownGap, still pass). */
function checkNegative(k: NegativeCase): void {
  let thrown: unknown;
  try {
    runNegativeOperation(k.operation, k.args);
  } catch (error) {
    thrown = error;
  }
  if (k.knownGap !== undefined) {
    if (thrown !== undefined) throw new Error(`known gap now refused (${describeError(thrown)}): remove knownGap`);
    return;
  }
  if (thrown === undefined) throw new Error(`accepted, but must fail: ${k.reason}`);
  const expected = NEGATIVE_ERRORS[k.error];
  if (!(thrown instanceof expected) || thrown.code !== k.code)
    throw new Error(`expected ${k.error} (${k.code}), got ${describeError(thrown)}`);
}

export const negativeVectorCases = defineSuite(
  'negative vectors',
  Object.fromEntries(
    Object.entries(NEGATIVE_VECTOR_FILES).flatMap(([file, cases]) =>
      cases.map((k) => [`${file} › ${k.name}`, () => checkNegative(k)] as const),
    ),
  ),
);
