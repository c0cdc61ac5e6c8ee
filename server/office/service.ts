// The office as others see it (name, signing key, logo), the office keys an approved member
// receives, and the admin's settings and logo.
import type { Audit } from '../kernel/audit/service.js';
import type { Transact } from '../kernel/db/transaction.js';
import type { Caller } from '../kernel/http/caller.js';
import { approvalPending, invalidImage, notFound } from '../kernel/http/errors.js';
import type { UsersRepo } from '../kernel/accounts/users-repo.js';
import { detectImageType } from './logo.js';
import type { LogoType, OfficeRecord, OfficeRepo, OfficeSettingsRecord } from '../kernel/accounts/office-repo.js';
import type { OfficeSettingsUpdate } from '../../shared/wire/index.js';

interface OfficeKeysForMember {
  readonly office: OfficeRecord;
  readonly sealedOfficeKeys: Uint8Array;
}

export interface OfficeService {
  /** The office, or undefined before setup. */
  current(): OfficeRecord | undefined;
  /** The office keys sealed to an approved caller. */
  keysFor(caller: Caller): OfficeKeysForMember;
  settings(): OfficeSettingsRecord;
  /** Language and time zone left out stay as they are. */
  updateSettings(caller: Caller, next: OfficeSettingsUpdate): OfficeSettingsRecord;
  logo(): { bytes: Uint8Array; type: LogoType };
  setLogo(caller: Caller, bytes: Uint8Array): void;
  removeLogo(caller: Caller): void;
}

export function createOfficeService(deps: {
  repo: OfficeRepo;
  users: UsersRepo;
  transact: Transact;
  audit: Audit;
}): OfficeService {
  const { repo, users, transact, audit } = deps;

  const office = (): OfficeRecord => {
    const current = repo.get();
    // Every route that gets here is behind a session, and sessions exist only after setup.
    if (current === undefined) throw notFound();
    return current;
  };

  const settingsOf = (record: OfficeRecord): OfficeSettingsRecord => ({
    name: record.name,
    requireTwoFactor: record.requireTwoFactor,
    requireClientCall: record.requireClientCall,
    maxExpiryDays: record.maxExpiryDays,
    retentionDays: record.retentionDays,
    language: record.language,
    timeZone: record.timeZone,
    trustedDeviceDays: record.trustedDeviceDays,
  });

  return {
    current: () => repo.get(),

    keysFor(caller) {
      const user = users.byId(caller.userId);
      if (user === undefined || user.approval !== 'approved' || user.sealedOfficeKeys === null) throw approvalPending();
      return { office: office(), sealedOfficeKeys: user.sealedOfficeKeys };
    },

    settings: () => settingsOf(office()),

    updateSettings(caller, next) {
      return transact(() => {
        const before = settingsOf(office());
        const after: OfficeSettingsRecord = {
          ...next,
          requireClientCall: next.requireClientCall ?? before.requireClientCall,
          language: next.language ?? before.language,
          timeZone: next.timeZone ?? before.timeZone,
          trustedDeviceDays: next.trustedDeviceDays ?? before.trustedDeviceDays,
        };
        const changed = (Object.keys(after) as (keyof OfficeSettingsRecord)[]).filter(
          (key) => after[key] !== before[key],
        );
        repo.setSettings(after);
        if (changed.length > 0) {
          audit.record({
            actor: caller.auditRef,
            action: 'settings.changed',
            object: { type: 'office', ref: null },
            details: { changed },
          });
        }
        return settingsOf(office());
      });
    },

    logo() {
      const logo = repo.logo();
      if (logo === undefined) throw notFound();
      return logo;
    },

    setLogo(caller, bytes) {
      const type = detectImageType(bytes);
      if (type === undefined) throw invalidImage(415);
      transact(() => {
        office();
        repo.setLogo({ bytes, type });
        audit.record({
          actor: caller.auditRef,
          action: 'logo.changed',
          object: { type: 'office', ref: null },
          details: { type, bytes: bytes.length },
        });
      });
    },

    removeLogo(caller) {
      transact(() => {
        if (office().logoType === null) throw notFound();
        repo.setLogo(null);
        audit.record({
          actor: caller.auditRef,
          action: 'logo.changed',
          object: { type: 'office', ref: null },
          details: { removed: true },
        });
      });
    },
  };
}
