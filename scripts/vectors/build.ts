// Every vector file, in the order the families draw their deterministic random values: the
// older families first, so adding a family never changes the bytes of another.
import { accountFamilies } from './accounts.js';
import { batchPlanFamily } from './batch-plan.js';
import type { VectorFiles } from './common.js';
import { extraFamilies } from './extra.js';
import { auditNegatives } from './negative-audit.js';
import { deviceFamily, deviceTokenFamily } from './device.js';
import { dropRecordFamily } from './drop-record.js';
import { fileNegatives } from './negative-files.js';
import { guestLinkFamily } from './guest-links.js';
import { guestLinkV3Family } from './guest-links-v3.js';
import { dropNegatives } from './negative-drops.js';
import { keyNegatives } from './negative-keys.js';
import { manifestNegatives } from './negative-manifest.js';
import { linkNegatives } from './negative-links.js';
import { sessionKeepFamily } from './session-keep.js';
import { sharingFamilies } from './sharing.js';

export function buildVectors(): VectorFiles {
  const files: VectorFiles = {};
  const accounts = accountFamilies(files);
  const sharing = sharingFamilies(files, accounts);
  const extra = extraFamilies(files, accounts, sharing);
  fileNegatives(files, accounts);
  keyNegatives(files, accounts, sharing);
  manifestNegatives(files, accounts, sharing);
  linkNegatives(files, accounts, sharing, extra);
  dropNegatives(files, accounts, sharing, extra);
  auditNegatives(files, extra);
  dropRecordFamily(files, accounts, sharing, extra);
  guestLinkFamily(files, accounts, sharing);
  sessionKeepFamily(files, accounts);
  guestLinkV3Family(files, accounts, sharing);
  deviceFamily(files, accounts);
  batchPlanFamily(files, accounts);
  deviceTokenFamily(files, accounts);
  return files;
}
