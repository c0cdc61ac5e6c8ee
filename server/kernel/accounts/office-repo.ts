// SQL of the office row (migrations/0002_accounts.sql): one row, made at setup.
import { asId, type Id } from '../../../shared/crypto/index.js';
import type { Language } from '../../../shared/wire/index.js';
import type { Db } from '../db/open.js';

export type LogoType = 'image/png' | 'image/jpeg' | 'image/webp';

export interface OfficeRecord {
  readonly id: Id;
  readonly name: string;
  readonly signingPublicKey: Uint8Array;
  readonly encryptionPublicKey: Uint8Array;
  readonly encryptionKeyStatement: Uint8Array;
  readonly requireTwoFactor: boolean;
  /** Clients invited by mail are approved only after the fingerprint call (migrations/0018_client_onboarding.sql). */
  readonly requireClientCall: boolean;
  readonly maxExpiryDays: number;
  readonly retentionDays: number;
  readonly logoType: LogoType | null;
  readonly logoVersion: number;
  /** The language of new accounts and guests until they choose. */
  readonly language: Language;
  /** The IANA time zone of every time in a mail and on the audit trail. */
  readonly timeZone: string;
  /** How long a browser may remember a proved address, in days (0: trusted devices are off). */
  readonly trustedDeviceDays: number;
}

export interface NewOffice {
  readonly id: Id;
  readonly name: string;
  readonly signingPublicKey: Uint8Array;
  readonly encryptionPublicKey: Uint8Array;
  readonly encryptionKeyStatement: Uint8Array;
  readonly language: Language;
  readonly createdAt: number;
}

export interface OfficeSettingsRecord {
  readonly name: string;
  readonly requireTwoFactor: boolean;
  readonly requireClientCall: boolean;
  readonly maxExpiryDays: number;
  readonly retentionDays: number;
  readonly language: Language;
  readonly timeZone: string;
  readonly trustedDeviceDays: number;
}

export function createOfficeRepo(db: Db) {
  const get = db.prepare<
    [],
    {
      id: Uint8Array;
      name: string;
      signing_public_key: Uint8Array;
      encryption_public_key: Uint8Array;
      encryption_key_statement: Uint8Array;
      require_two_factor: number;
      require_client_call: number;
      max_expiry_days: number;
      retention_days: number;
      logo_type: LogoType | null;
      logo_version: number;
      language: Language;
      time_zone: string;
      trusted_device_days: number;
    }
  >(
    `SELECT id, name, signing_public_key, encryption_public_key, encryption_key_statement, require_two_factor,
            require_client_call, max_expiry_days, retention_days, logo_type, logo_version, language, time_zone, trusted_device_days
     FROM office WHERE slot = 1`,
  );
  const insert = db.prepare<[Uint8Array, string, Uint8Array, Uint8Array, Uint8Array, Language, number]>(
    `INSERT INTO office (slot, id, name, signing_public_key, encryption_public_key, encryption_key_statement, language, created_at)
     VALUES (1, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const settings = db.prepare<[string, number, number, number, number, Language, string, number]>(
    `UPDATE office SET name = ?, require_two_factor = ?, require_client_call = ?, max_expiry_days = ?, retention_days = ?, language = ?, time_zone = ?,
       trusted_device_days = ?
     WHERE slot = 1`,
  );
  const logo = db.prepare<[], { logo: Uint8Array; logo_type: LogoType }>(
    'SELECT logo, logo_type FROM office WHERE slot = 1 AND logo IS NOT NULL',
  );
  const setLogo = db.prepare<[Uint8Array | null, LogoType | null]>(
    'UPDATE office SET logo = ?, logo_type = ?, logo_version = logo_version + 1 WHERE slot = 1',
  );

  return {
    get(): OfficeRecord | undefined {
      const row = get.get();
      if (row === undefined) return undefined;
      return {
        id: asId(row.id),
        name: row.name,
        signingPublicKey: row.signing_public_key,
        encryptionPublicKey: row.encryption_public_key,
        encryptionKeyStatement: row.encryption_key_statement,
        requireTwoFactor: row.require_two_factor === 1,
        requireClientCall: row.require_client_call === 1,
        maxExpiryDays: row.max_expiry_days,
        retentionDays: row.retention_days,
        logoType: row.logo_type,
        logoVersion: row.logo_version,
        language: row.language,
        timeZone: row.time_zone,
        trustedDeviceDays: row.trusted_device_days,
      };
    },
    insert(office: NewOffice): void {
      insert.run(
        office.id,
        office.name,
        office.signingPublicKey,
        office.encryptionPublicKey,
        office.encryptionKeyStatement,
        office.language,
        office.createdAt,
      );
    },
    setSettings(next: OfficeSettingsRecord): void {
      settings.run(
        next.name,
        next.requireTwoFactor ? 1 : 0,
        next.requireClientCall ? 1 : 0,
        next.maxExpiryDays,
        next.retentionDays,
        next.language,
        next.timeZone,
        next.trustedDeviceDays,
      );
    },
    logo(): { bytes: Uint8Array; type: LogoType } | undefined {
      const row = logo.get();
      return row === undefined ? undefined : { bytes: row.logo, type: row.logo_type };
    },
    /** Stores a logo (or removes it with null) and bumps its version. */
    setLogo(logo: { bytes: Uint8Array; type: LogoType } | null): void {
      setLogo.run(logo?.bytes ?? null, logo?.type ?? null);
    },
  };
}
export type OfficeRepo = ReturnType<typeof createOfficeRepo>;
