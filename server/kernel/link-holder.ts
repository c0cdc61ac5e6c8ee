// What serves a link holder — a share's guest (server/shares/receiving.ts) or a drop's uploader
// (server/drops/link.ts): both ask for an e-mail code, try it under rate limits and get a signed
// grant (or skip the code on a trusted device of the bound address), and both are audited and
// mailed the same way.
import type { OfficeRepo } from './accounts/office-repo.js';
import type { Audit } from './audit/service.js';
import type { Clock } from './clock.js';
import type { Transact } from './db/transaction.js';
import type { CapabilityTokens } from './keys.js';
import type { Deliver } from './mail/deliver.js';
import type { RateLimiter } from './rate-limit/service.js';
import type { TrustedDevices } from './trust/devices.js';

export interface LinkHolderDeps {
  office: OfficeRepo;
  tokens: CapabilityTokens;
  limits: RateLimiter;
  audit: Audit;
  transact: Transact;
  clock: Clock;
  deliver: Deliver;
  serverKey: Uint8Array;
  publicUrl: string;
  trust: TrustedDevices;
}
