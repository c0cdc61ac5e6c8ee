// The crypto worker's operations (client/src/crypto/operations/accounts.ts, office.ts), run in Node with the real
// libsodium: every account flow end to end as the pages drive it, with the server's part
// played by hand (store what the browser sent, hand it back), and the refusals that protect
// the user when the server lies.
import { beforeAll, describe, expect, it } from 'vitest';
import {
  formatRecoveryKey,
  fromBase64Url,
  idFromWire,
  idToWire,
  newId,
  newRecoveryKey,
  openKeyBundle,
  openOfficeKeys,
  passwordKeys,
  ready,
  toBase64Url,
  toHex,
  verifyMemberCertificate,
} from '../../shared/crypto/index.js';
import type { KdfParams } from '../../shared/wire/common.js';
import { createOperations, type Handlers } from '../../client/src/crypto/operations';
import type { ProgressStage } from '../../client/src/crypto/protocol';
import { ADMIN, call, setUpOffice } from './support/accounts';

beforeAll(async () => {
  await ready();
});

describe('setup and unlock', () => {
  it('makes everything setup needs, and opens it again from what the server stored', () => {
    const { admin, created, officeRef, stored, stages } = setUpOffice();
    expect(stages).toEqual(['password', 'keys', 'office']);
    expect(created.request.admin.keys.kdf).toMatchObject({
      algorithm: 'argon2id13',
      opsLimit: 3,
      memLimit: 64 * 1024 * 1024,
    });
    expect(created.recoveryKey).toMatch(/^([0-9A-Z]{4}-){13}[0-9A-Z]{4}$/);
    const certificate = verifyMemberCertificate(
      fromBase64Url(officeRef.signingPublicKey),
      fromBase64Url(created.request.admin.certificate),
    );
    expect(certificate).toMatchObject({ version: 1, role: 'admin', email: ADMIN.email });

    const unlocked = call(admin, 'unlock', { keys: stored, office: officeRef });
    expect(unlocked).toEqual({
      fingerprint: created.fingerprint,
      officeFingerprint: created.officeFingerprint,
      officeKeys: true,
    });
    expect(unlocked.fingerprint).toMatch(/^\d{5}( \d{5}){5}$/);
    // The key-encryption key is gone once used.
    expect(() => call(admin, 'unlock', { keys: stored, office: officeRef })).toThrow('no_pending_key');
  });

  it('nothing the worker answers contains a private key, the office secret keys or the key-encryption key', () => {
    const { admin, created, officeRef, stored } = setUpOffice();
    const answers = JSON.stringify([created, call(admin, 'unlock', { keys: stored, office: officeRef })]);
    // Open everything here with the password, the way the worker does, and look for each secret.
    const { keyEncryptionKey } = passwordKeys(ADMIN.password, fromBase64Url(stored.kdf.salt), stored.kdf);
    const userId = idFromWire(stored.userId);
    const keys = openKeyBundle(keyEncryptionKey, userId, fromBase64Url(stored.passwordBundle), 'password');
    const office = openOfficeKeys(
      fromBase64Url(stored.sealedOfficeKeys),
      {
        officeId: idFromWire(officeRef.officeId),
        memberUserId: userId,
        officeSigningPublicKey: fromBase64Url(officeRef.signingPublicKey),
        officeEncryptionPublicKey: fromBase64Url(officeRef.encryptionPublicKey),
      },
      keys.encryption,
    );
    const secrets = [
      keyEncryptionKey,
      keys.identity.seed,
      keys.encryption.secretKey,
      keys.personalKey,
      office.signing.seed,
      office.encryption.secretKey,
    ];
    for (const secret of secrets) {
      expect(answers).not.toContain(toBase64Url(secret));
      expect(answers).not.toContain(toHex(secret));
    }
    expect(answers).not.toContain(ADMIN.password);
  });

  it('signs in after a reload with the password, and refuses a wrong one', () => {
    const { officeRef, stored } = setUpOffice();
    const tab = createOperations();
    const first = call(tab, 'deriveSignIn', { password: ADMIN.password, kdf: stored.kdf });
    expect(first.authKey).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(call(tab, 'unlock', { keys: stored, office: officeRef }).officeKeys).toBe(true);

    const wrong = createOperations();
    const other = call(wrong, 'deriveSignIn', { password: 'not the password', kdf: stored.kdf });
    expect(other.authKey).not.toBe(first.authKey);
    expect(() => call(wrong, 'unlock', { keys: stored, office: officeRef })).toThrow('wrong_password');
  });

  it('refuses Argon2id parameters below the floor or above the ceiling before deriving anything', () => {
    const { stored } = setUpOffice();
    const tab = createOperations();
    const weak: KdfParams = { ...stored.kdf, opsLimit: 2 };
    const huge: KdfParams = { ...stored.kdf, memLimit: 512 * 1024 * 1024 };
    const stages: ProgressStage[] = [];
    expect(() => call(tab, 'deriveSignIn', { password: ADMIN.password, kdf: weak }, stages)).toThrow('kdf_refused');
    expect(() => call(tab, 'deriveSignIn', { password: ADMIN.password, kdf: huge }, stages)).toThrow('kdf_refused');
    expect(stages).toEqual([]);
  });

  it('refuses a bundle whose keys differ from the published ones, and office keys from another office', () => {
    const { officeRef, stored } = setUpOffice();
    const otherOffice = setUpOffice();
    const swapped = createOperations();
    call(swapped, 'deriveSignIn', { password: ADMIN.password, kdf: stored.kdf });
    expect(() =>
      call(swapped, 'unlock', {
        keys: { ...stored, identityPublicKey: otherOffice.stored.identityPublicKey },
        office: officeRef,
      }),
    ).toThrow('keys_mismatch');

    const foreign = createOperations();
    call(foreign, 'deriveSignIn', { password: ADMIN.password, kdf: stored.kdf });
    expect(() => call(foreign, 'unlock', { keys: stored, office: otherOffice.officeRef })).toThrow(
      'office_keys_invalid',
    );

    const sealedElsewhere = createOperations();
    call(sealedElsewhere, 'deriveSignIn', { password: ADMIN.password, kdf: stored.kdf });
    expect(() =>
      call(sealedElsewhere, 'unlock', {
        keys: {
          ...stored,
          certificate: otherOffice.stored.certificate,
          sealedOfficeKeys: otherOffice.stored.sealedOfficeKeys,
        },
        office: officeRef,
      }),
    ).toThrow('office_keys_invalid');
  });
});

describe('invitation, approval, roles and colleagues', () => {
  function invite(admin: Handlers) {
    const userId = idToWire(newId());
    const member = createOperations();
    const created = call(member, 'createAccount', { userId, password: 'vrolijke-olifant-tekent-7' });
    const keys = created.keys;
    const listed = {
      userId,
      email: 'anna@kantoor-jansen.nl',
      role: 'staff' as const,
      identityPublicKey: keys.identityPublicKey,
      encryptionPublicKey: keys.encryptionPublicKey,
      encryptionKeySignature: keys.encryptionKeySignature,
    };
    void admin;
    return {
      member,
      created,
      listed,
      stored: {
        userId,
        kdf: keys.kdf,
        passwordBundle: keys.passwordBundle,
        identityPublicKey: keys.identityPublicKey,
        encryptionPublicKey: keys.encryptionPublicKey,
      },
    };
  }

  it('a member signs in unapproved, the admin compares fingerprints and certifies, the member opens the office keys', () => {
    const office = setUpOffice();
    call(office.admin, 'unlock', { keys: office.stored, office: office.officeRef });
    const m = invite(office.admin);

    const pending = call(m.member, 'unlock', { keys: m.stored, office: office.officeRef });
    expect(pending).toMatchObject({ officeKeys: false, fingerprint: m.created.fingerprint });

    const inspected = call(office.admin, 'inspectMember', m.listed);
    expect(inspected).toEqual({ fingerprint: m.created.fingerprint, signatureValid: true });

    const approval = call(office.admin, 'certifyMember', { member: m.listed, currentVersion: 0 });
    expect(
      verifyMemberCertificate(fromBase64Url(office.officeRef.signingPublicKey), fromBase64Url(approval.certificate)),
    ).toMatchObject({ version: 1, role: 'staff', email: m.listed.email });

    // Approved while signed in: the office keys open without the password.
    const opened = call(m.member, 'openOffice', { keys: { ...m.stored, ...approval }, office: office.officeRef });
    expect(opened.officeKeys).toBe(true);

    const directory = call(m.member, 'verifyMembers', {
      members: [
        { ...m.listed, certificate: approval.certificate },
        {
          ...m.listed,
          userId: office.stored.userId,
          email: ADMIN.email,
          role: 'admin',
          identityPublicKey: office.stored.identityPublicKey,
          encryptionPublicKey: office.stored.encryptionPublicKey,
          encryptionKeySignature: office.created.request.admin.keys.encryptionKeySignature,
          certificate: office.stored.certificate,
        },
      ],
    });
    expect(directory.members.map((member) => member.check)).toEqual(['verified', 'verified']);
    expect(directory.members[0]?.fingerprint).toBe(m.created.fingerprint);
  });

  it('re-certifies for a role change with the keys the office certified before, at a higher version', () => {
    const office = setUpOffice();
    call(office.admin, 'unlock', { keys: office.stored, office: office.officeRef });
    const m = invite(office.admin);
    const { certificate } = call(office.admin, 'certifyMember', { member: m.listed, currentVersion: 0 });
    const promoted = call(office.admin, 'recertifyMember', {
      member: { ...m.listed, certificate },
      role: 'admin',
      currentVersion: 1,
    });
    expect(
      verifyMemberCertificate(fromBase64Url(office.officeRef.signingPublicKey), fromBase64Url(promoted.certificate)),
    ).toMatchObject({ version: 2, role: 'admin' });

    // A server that swaps in other keys at a role change is refused.
    const stranger = invite(office.admin);
    expect(() =>
      call(office.admin, 'recertifyMember', {
        member: {
          ...m.listed,
          identityPublicKey: stranger.listed.identityPublicKey,
          encryptionPublicKey: stranger.listed.encryptionPublicKey,
          encryptionKeySignature: stranger.listed.encryptionKeySignature,
          certificate,
        },
        role: 'admin',
        currentVersion: 1,
      }),
    ).toThrow('invalid_member');
  });

  it('refuses to certify keys whose own signature does not hold, and flags such colleagues', () => {
    const office = setUpOffice();
    call(office.admin, 'unlock', { keys: office.stored, office: office.officeRef });
    const m = invite(office.admin);
    const other = invite(office.admin);
    const forged = { ...m.listed, encryptionPublicKey: other.listed.encryptionPublicKey };
    expect(call(office.admin, 'inspectMember', forged).signatureValid).toBe(false);
    expect(() => call(office.admin, 'certifyMember', { member: forged, currentVersion: 0 })).toThrow('invalid_member');

    const { certificate } = call(office.admin, 'certifyMember', { member: m.listed, currentVersion: 0 });
    const checks = call(office.admin, 'verifyMembers', {
      members: [
        { ...m.listed, certificate, role: 'admin' }, // the server says admin, the certificate says staff
        { ...other.listed, certificate }, // someone else's certificate
        other.listed, // not approved yet
        { ...m.listed, certificate, identityPublicKey: other.listed.identityPublicKey },
      ],
    });
    expect(checks.members.map((member) => member.check)).toEqual(['failed', 'failed', 'unverified', 'failed']);
  });

  it('cannot certify without the office keys (unapproved or locked)', () => {
    const office = setUpOffice();
    const m = invite(office.admin);
    expect(() => call(office.admin, 'certifyMember', { member: m.listed, currentVersion: 0 })).toThrow('locked');
    call(office.admin, 'unlock', { keys: office.stored, office: office.officeRef });
    call(office.admin, 'lock', {});
    expect(() => call(office.admin, 'certifyMember', { member: m.listed, currentVersion: 0 })).toThrow('locked');
    call(m.member, 'unlock', { keys: m.stored, office: office.officeRef });
    expect(() => call(m.member, 'certifyMember', { member: m.listed, currentVersion: 0 })).toThrow('locked');
  });
});

describe('password change and recovery', () => {
  it('changes the password: the current auth key, and the same keys under a new one', () => {
    const office = setUpOffice();
    call(office.admin, 'unlock', { keys: office.stored, office: office.officeRef });
    const signIn = call(createOperations(), 'deriveSignIn', { password: ADMIN.password, kdf: office.stored.kdf });
    const changed = call(office.admin, 'changePassword', {
      currentPassword: ADMIN.password,
      currentKdf: office.stored.kdf,
      newPassword: 'nog-een-sterk-wachtwoord-9',
    });
    expect(changed.authKey).toBe(signIn.authKey);
    expect(changed.kdf.salt).not.toBe(office.stored.kdf.salt);

    const next = createOperations();
    call(next, 'deriveSignIn', { password: 'nog-een-sterk-wachtwoord-9', kdf: changed.kdf });
    const unlocked = call(next, 'unlock', {
      keys: { ...office.stored, kdf: changed.kdf, passwordBundle: changed.passwordBundle },
      office: office.officeRef,
    });
    expect(unlocked).toEqual({
      fingerprint: office.created.fingerprint,
      officeFingerprint: office.created.officeFingerprint,
      officeKeys: true,
    });
  });

  it('recovers with the recovery key as typed, keeps the keys, and issues a new recovery key', () => {
    const office = setUpOffice();
    const tab = createOperations();
    const typed = office.created.recoveryKey.toLowerCase();
    const begun = call(tab, 'recoveryBegin', { recoveryKey: typed });
    expect(begun.recoveryAuthKey).toBe(office.created.request.admin.keys.recoveryAuthKey);

    const recovered = call(tab, 'recoveryComplete', {
      userId: office.stored.userId,
      recoveryBundle: office.created.request.admin.keys.recoveryBundle,
      identityPublicKey: office.stored.identityPublicKey,
      encryptionPublicKey: office.stored.encryptionPublicKey,
      newPassword: 'nieuwe-sleutel-voor-els',
    });
    expect(recovered.recoveryKey).not.toBe(office.created.recoveryKey);
    expect(recovered.recoveryAuthKey).not.toBe(begun.recoveryAuthKey);
    // Signed in at once: the new key-encryption key unlocks the new bundle.
    const unlocked = call(tab, 'unlock', {
      keys: { ...office.stored, kdf: recovered.kdf, passwordBundle: recovered.passwordBundle },
      office: office.officeRef,
    });
    expect(unlocked.fingerprint).toBe(office.created.fingerprint);

    // The new recovery key works the same way.
    const again = createOperations();
    call(again, 'recoveryBegin', { recoveryKey: recovered.recoveryKey });
    expect(() =>
      call(again, 'recoveryComplete', {
        userId: office.stored.userId,
        recoveryBundle: recovered.recoveryBundle,
        identityPublicKey: office.stored.identityPublicKey,
        encryptionPublicKey: office.stored.encryptionPublicKey,
        newPassword: 'x'.repeat(12),
      }),
    ).not.toThrow();
  });

  it('catches a typo before anything is sent, and refuses another account’s recovery key', () => {
    const office = setUpOffice();
    const key = office.created.recoveryKey;
    const typo = `${key[0] === 'A' ? 'B' : 'A'}${key.slice(1)}`;
    expect(() => call(createOperations(), 'recoveryBegin', { recoveryKey: typo })).toThrow('invalid_recovery_key');

    const tab = createOperations();
    call(tab, 'recoveryBegin', { recoveryKey: formatRecoveryKey(newRecoveryKey()) });
    expect(() =>
      call(tab, 'recoveryComplete', {
        userId: office.stored.userId,
        recoveryBundle: office.created.request.admin.keys.recoveryBundle,
        identityPublicKey: office.stored.identityPublicKey,
        encryptionPublicKey: office.stored.encryptionPublicKey,
        newPassword: 'nieuwe-sleutel-voor-els',
      }),
    ).toThrow('recovery_failed');
  });
});
