// Every negative case of the committed vectors (test/fixtures/vectors/*.json, layout in
// docs/protocol.md §17) run through the real reader of shared/crypto: each must fail with
// exactly the typed error the case names. A case marked `knownGap` is one the reference
// accepts today although the document says to refuse it: the test pins that behaviour, so
// fixing the reader makes it fail here and the mark must go.
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import * as c from '../../shared/crypto/index.js';
import { inspectChain } from '../../server/kernel/audit/verify.js';
import { checkAuditEntry, toAuditRow, type AuditEntryVector } from './vectors-audit.js';

const dir = path.resolve(import.meta.dirname, '../fixtures/vectors');
const ERRORS = {
  FormatError: c.FormatError,
  DecryptError: c.DecryptError,
  SignatureError: c.SignatureError,
  ParameterError: c.ParameterError,
  MismatchError: c.MismatchError,
} as const;

interface NegativeCase {
  readonly name: string;
  readonly operation: string;
  readonly args: Record<string, unknown>;
  readonly error: keyof typeof ERRORS;
  readonly code: string;
  readonly reason: string;
  readonly knownGap?: string;
}

interface Segment {
  readonly case?: number;
  readonly start?: number;
  readonly end?: number;
  readonly hex?: string;
}

function load(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(path.join(dir, name), 'utf8')) as Record<string, unknown>;
}

await c.ready();
const contentCases = (load('content.json')['cases'] as { container: string }[]).map((k) => c.fromHex(k.container));

/** Reads an argument: hex for bytes, text and numbers as they are, content segments joined. */
function args(raw: Record<string, unknown>) {
  const bytes = (key: string): Uint8Array => {
    const value = raw[key];
    if (typeof value === 'string') return c.fromHex(value);
    if (typeof value === 'object' && value !== null && 'segments' in value) {
      const segments = (value as { segments: Segment[] }).segments;
      return c.concatBytes(
        ...segments.map((s) =>
          s.hex !== undefined ? c.fromHex(s.hex) : (contentCases[s.case ?? -1] as Uint8Array).subarray(s.start, s.end),
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
function run(operation: string, raw: Record<string, unknown>): unknown {
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
    case 'parseGuestLinkFragment':
      return c.parseGuestLinkFragment(a.text('fragment'));
    case 'parseDropLinkFragment':
      return c.parseDropLinkFragment(a.text('fragment'));
    case 'parseInvitationFragment':
      return parseInvitationFragment(a.text('fragment'));
    default:
      throw new Error(`unknown operation ${operation}`);
  }
}

const families = readdirSync(dir).filter((name) => name.endsWith('.json') && name !== 'audit.json');

describe.each(families)('%s: negative cases', (file) => {
  const cases = (load(file)['negative'] ?? []) as NegativeCase[];

  it('has negative cases, each naming an error class and its code', () => {
    expect(cases.length).toBeGreaterThan(0);
    for (const k of cases) expect(new ERRORS[k.error]('x').code, k.name).toBe(k.code);
  });

  it.each(cases.map((k) => [k.name, k] as const))('%s', (_name, k) => {
    if (k.knownGap !== undefined) {
      // Accepted today (see the case's knownGap): pinned, so that fixing the reader fails here.
      expect(() => run(k.operation, k.args)).not.toThrow();
      return;
    }
    let thrown: unknown;
    try {
      run(k.operation, k.args);
    } catch (error) {
      thrown = error;
    }
    expect(thrown, `${k.name} must fail: ${k.reason}`).toBeInstanceOf(ERRORS[k.error]);
    expect((thrown as c.CryptoError).code).toBe(k.code);
  });
});

describe('audit.json: broken chains', () => {
  const audit = load('audit.json') as {
    entries: AuditEntryVector[];
    negative: {
      name: string;
      entries: AuditEntryVector[];
      firstFailingSeq: number;
      check: 'hash' | 'seq' | 'prevHash';
      break: string;
    }[];
  };

  it.each(audit.negative.map((k) => [k.name, k] as const))('%s', (_name, k) => {
    // The walk of docs/protocol.md §16: each entry's seq, link and hash in turn.
    let failing: { seq: number; check: string } | undefined;
    let prevHash: Uint8Array = new Uint8Array(32);
    let seq = 1;
    for (const entry of k.entries) {
      const check = checkAuditEntry(entry, seq, prevHash);
      if (check !== 'ok') {
        failing = { seq: entry.seq, check };
        break;
      }
      prevHash = c.fromHex(entry.hash);
      seq += 1;
    }
    expect(failing).toEqual({ seq: k.firstFailingSeq, check: k.check });
    // And the server's own checker names the same kind of break.
    const inspection = inspectChain(k.entries.map(toAuditRow));
    expect(inspection.ok).toBe(false);
    if (!inspection.ok) expect(inspection.break.kind).toBe(k.break);
  });
});
