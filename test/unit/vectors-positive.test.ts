// The positive vectors added with the negative cases (test/fixtures/vectors, docs/protocol.md
// §17): each decodes with the real readers of shared/crypto to the recorded values, the set is
// consistent (the manifest names a container and metadata that are in it), and the audit chain
// hashes as the document says and as the server computes it. The older families are checked
// by the crypto suite (test/crypto/vectors.cases.ts), in Node and in a browser.
import { describe, expect, it } from 'vitest';
import * as c from '../../shared/crypto/index.js';
import { auditEntryHash } from '../../server/kernel/audit/service.js';
import { inspectChain } from '../../server/kernel/audit/verify.js';
import { checkAuditEntry, documentedAuditHash, toAuditRow, type AuditEntryVector } from './vectors-audit.js';

import audit from '../fixtures/vectors/audit.json' with { type: 'json' };
import clientLink from '../fixtures/vectors/client-link.json' with { type: 'json' };
import content from '../fixtures/vectors/content.json' with { type: 'json' };
import dropVector from '../fixtures/vectors/drop.json' with { type: 'json' };
import filekey from '../fixtures/vectors/filekey.json' with { type: 'json' };
import links from '../fixtures/vectors/links.json' with { type: 'json' };
import manifestVector from '../fixtures/vectors/manifest.json' with { type: 'json' };
import metadata from '../fixtures/vectors/metadata.json' with { type: 'json' };
import officeVector from '../fixtures/vectors/office.json' with { type: 'json' };
import wrap from '../fixtures/vectors/wrap.json' with { type: 'json' };

await c.ready();
const b = c.fromHex;
const id = (text: string) => c.fromHex(text) as c.Id;
const pair = (secret: string) => c.boxKeyPairFromSecret(b(secret));

describe('content and the share built on it', () => {
  it('every container decrypts to the plaintext of the rule, at its exact length', () => {
    for (const k of content.cases) {
      const container = b(k.container);
      expect(container.length).toBe(c.ciphertextLengthOf(k.plaintextLength));
      expect(c.plaintextLengthOf(container.length)).toBe(k.plaintextLength);
      const plain = c.decryptContent(
        b(content.fileKey) as c.FileKey,
        id(content.fileId),
        container,
        b(k.ciphertextHash),
      );
      expect(plain.length).toBe(k.plaintextLength);
      expect(plain.every((byte, i) => byte === ((31 * i + 7) & 0xff))).toBe(true);
    }
  });

  it('the manifest and the drop upload name content case 1 and the metadata of metadata.json', () => {
    const small = content.cases[1] as (typeof content.cases)[number];
    expect(small.plaintextLength).toBe(metadata.metadata.size);
    for (const file of [...manifestVector.manifest.files, ...dropVector.upload.files]) {
      expect(file.fileId).toBe(content.fileId);
      expect(file.ciphertextHash).toBe(small.ciphertextHash);
      expect(file.metadataHash).toBe(metadata.metadataHash);
      expect(file.keyCommitment).toBe(filekey.keyCommitment);
    }
  });

  it('metadata over one block and at the name limit opens to the recorded JSON', () => {
    for (const k of metadata.cases) {
      const opened = c.openMetadata(b(metadata.fileKey) as c.FileKey, id(metadata.fileId), b(k.sealed));
      expect(opened).toEqual(k.metadata);
      expect(c.metadataJson(opened)).toBe(k.json);
      expect(k.paddedLength % 256).toBe(0);
      expect(k.paddedLength).toBeGreaterThan(256);
      expect(k.paddedLength).toBeLessThanOrEqual(c.utf8(k.json).length + 256);
      expect(c.toHex(c.metadataHash(b(k.sealed)))).toBe(k.metadataHash);
    }
  });
});

describe('new wraps, labels and the client link', () => {
  it('the office copy of a file key opens with the office key', () => {
    const office = wrap.office;
    const fileKey = c.openFileKeyForAccount(
      b(office.sealed),
      { fileId: id(office.fileId), holderId: id(office.holderId) },
      pair(office.holderSecretKey),
    );
    expect(c.toHex(fileKey)).toBe(office.fileKey);
    expect(office.holderId).toBe(officeVector.officeId);
  });

  it('a two-block label opens', () => {
    const label = dropVector.label.twoBlocks;
    const sealed = b(label.sealed);
    expect(sealed.length).toBe(4 + 48 + 68 + 512);
    const text = c.openDropLabel(
      sealed,
      { dropId: id(dropVector.dropId), holderId: id(label.holderId) },
      pair(label.holderSecretKey),
    );
    expect(text).toBe(label.text);
  });

  it('the sealed client link opens to the drop fingerprint and D, and the fingerprint checks the drop key', () => {
    const link = clientLink;
    const sealed = b(link.sealed);
    expect(sealed.length).toBe(c.SEALED_CLIENT_LINK_BYTES);
    const opened = c.openClientDropLink(
      sealed,
      { dropId: id(link.dropId), clientId: id(link.clientId) },
      pair(link.clientSecretKey),
    );
    expect(c.toHex(opened.dropFingerprint)).toBe(link.dropFingerprint);
    expect(c.toHex(opened.dropSecret)).toBe(link.dropSecret);
    c.checkDropKey(id(link.dropId), b(dropVector.dropPublicKey), opened.dropFingerprint);
  });
});

describe('links', () => {
  it('a guest link is /s/<recipient id>#<office fingerprint>.<S>', () => {
    const g = links.guest;
    const url = new URL(g.url);
    expect(url.origin).toBe(links.origin);
    expect(url.pathname).toBe(`/s/${c.toBase64Url(b(g.recipientId))}`);
    expect(url.hash).toBe(`#${g.fragment}`);
    const parsed = c.parseGuestLinkFragment(url.hash);
    expect(c.toHex(parsed.officeFingerprint)).toBe(g.officeFingerprint);
    expect(c.toHex(parsed.linkSecret)).toBe(g.linkSecret);
    expect(g.officeFingerprint).toBe(officeVector.officeFingerprint);
  });

  it('a drop link is /d/<drop id>#<drop fingerprint>.<D>', () => {
    const d = links.drop;
    const url = new URL(d.url);
    expect(url.pathname).toBe(`/d/${c.toBase64Url(b(d.dropId))}`);
    const parsed = c.parseDropLinkFragment(url.hash);
    expect(c.toHex(parsed.dropFingerprint)).toBe(d.dropFingerprint);
    expect(c.toHex(parsed.dropSecret)).toBe(d.dropSecret);
  });

  it('invitation and setup links carry their token (and the office fingerprint) in the fragment', () => {
    const invitation = new URL(links.invitation.url);
    expect(invitation.pathname).toBe('/invite');
    const [token, fingerprint] = invitation.hash.slice(1).split('.') as [string, string];
    expect(token).toBe(links.invitation.token);
    expect(c.toHex(c.fromBase64Url(fingerprint, 32))).toBe(links.invitation.officeFingerprint);
    expect(c.toHex(c.tokenHash('invitation', token))).toBe(links.invitation.tokenHash);
    const setup = new URL(links.setup.url);
    expect(setup.pathname).toBe('/setup');
    expect(c.toHex(c.tokenHash('setup', setup.hash.slice(1)))).toBe(links.setup.tokenHash);
  });
});

describe('the audit chain', () => {
  const entries: AuditEntryVector[] = audit.entries;

  it('each entry hashes as the document says, and as the server computes it', () => {
    for (const entry of entries) {
      const row = toAuditRow(entry);
      expect(c.toHex(documentedAuditHash(entry))).toBe(entry.hash);
      expect(c.toHex(auditEntryHash(row))).toBe(entry.hash);
    }
  });

  it('the chain is whole: numbered from 1, each linked to the one before', () => {
    let prevHash: Uint8Array = new Uint8Array(32);
    entries.forEach((entry, index) => {
      expect(checkAuditEntry(entry, index + 1, prevHash)).toBe('ok');
      prevHash = b(entry.hash);
    });
    const inspection = inspectChain(entries.map(toAuditRow));
    expect(inspection).toMatchObject({ ok: true, entries: 3 });
  });
});
