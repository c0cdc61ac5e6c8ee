// Every purpose tag and KDF context of format v1 in one list, so a reader can check that
// none is used for two purposes (docs/protocol.md §2 has the same table). The `coffer/v2/` and
// `coffer/v3/` tags belong to guest links v2 (§10, §11): a manifest whose guest entries carry a
// link commitment, and that commitment — over the raw access code in format 2, over the
// stretched access code key in format 3 (what new shares are signed with).
import { tag } from './encoding.js';

export const TAG = {
  contentChunk: tag('content-chunk'),
  ciphertextHash: tag('ciphertext-hash'),
  metadata: tag('metadata'),
  metadataHash: tag('metadata-hash'),
  keyCommitment: tag('key-commitment'),
  keyBundle: tag('key-bundle'),
  sessionKeep: tag('session-keep'),
  encryptionKey: tag('encryption-key'),
  recoveryCheck: tag('recovery-check'),
  authVerifier: tag('auth-verifier'),
  fakeSalt: tag('fake-salt'),
  memberCertificate: tag('member-certificate'),
  officeEncryptionKey: tag('office-encryption-key'),
  officeKeys: tag('office-keys'),
  shareManifest: tag('share-manifest'),
  shareManifestV2: 'coffer/v2/share-manifest',
  linkCommitmentV2: 'coffer/v2/link-commitment',
  shareManifestV3: 'coffer/v3/share-manifest',
  linkCommitment: 'coffer/v3/link-commitment',
  manifestHash: tag('manifest-hash'),
  fileKeyAccount: tag('file-key/account'),
  fileKeyGuest: tag('file-key/guest'),
  fileKeyDrop: tag('file-key/drop'),
  linkKey: tag('link-key'),
  linkSecret: tag('link-secret'),
  accessCodeSalt: tag('access-code-salt'),
  dropSecrets: tag('drop-secrets'),
  dropLabel: tag('drop-label'),
  dropUpload: tag('drop-upload'),
  clientDropLink: tag('client-drop-link'),
  contactAccessCode: tag('contact-access-code'),
  clientInvitation: tag('client-invitation'),
  invitationSecret: tag('invitation-secret'),
  clientKeyProof: tag('client-key-proof'),
  dropRecord: tag('drop-record'),
  dropSecretCommitment: tag('drop-secret-commitment'),
  dropLabelCommitment: tag('drop-label-commitment'),
  receiptCode: tag('receipt-code'),
  uploadNames: tag('upload-names'),
  fingerprintIdentity: tag('fingerprint/identity'),
  fingerprintOffice: tag('fingerprint/office'),
  fingerprintDrop: tag('fingerprint/drop'),
  pin: tag('pin'),
  pinIndex: tag('pin-index'),
  pinKey: tag('pin-key'),
  deviceCode: tag('device-code'),
  deviceKeys: tag('device-keys'),
  deviceCertificate: tag('device-certificate'),
  deviceClaim: tag('device-claim'),
  deviceTokenAtRest: tag('device-token-at-rest'),
  batchPlan: tag('batch-plan'),
} as const;

/** crypto_kdf contexts: exactly 8 bytes each, the version inside. */
export const KDF_CONTEXT = {
  file: 'CFv1file',
  password: 'CFv1pass',
  recovery: 'CFv1recv',
  drop: 'CFv1drop',
  personal: 'CFv1pers',
  dropKey: 'CFv1dkey',
  office: 'CFv1offc',
  invitation: 'CFv1invt',
} as const;

/** crypto_kdf subkey ids per context. */
export const SUBKEY = {
  file: { content: 1, metadata: 2, commitment: 3 },
  password: { auth: 1, keyEncryption: 2 },
  recovery: { auth: 1, keyEncryption: 2 },
  drop: { uploadMac: 1 },
  personal: { pins: 1, uploadNames: 2, batchPlan: 3 },
  dropKey: { labelCommitment: 1 },
  office: { contactCode: 1 },
  invitation: { keyProof: 1 },
} as const;
