// The whole crypto suite, in a fixed order. Node runs it through vitest; the browser
// harness runs the same list on a page and in a Worker.
import { accountCases } from './account.cases.js';
import { basicsCases } from './basics.cases.js';
import { clientInvitationCases } from './client-invitation.cases.js';
import { contactCodeCases } from './contact-code.cases.js';
import { contentTamperCases } from './content-tamper.cases.js';
import { contentCases } from './content.cases.js';
import { deviceCases } from './device.cases.js';
import { dropCases } from './drop.cases.js';
import { dropRecordCases } from './drop-record.cases.js';
import type { CryptoCase } from './harness.js';
import { manifestCases } from './manifest.cases.js';
import { metadataCases } from './metadata.cases.js';
import { metadataDuplicateCases } from './metadata-duplicates.cases.js';
import { officeCases } from './office.cases.js';
import { passwordCases } from './password.cases.js';
import { pinIndexCases } from './pin-index.cases.js';
import { negativeVectorCases } from './vectors-negative.cases.js';
import { vectorCases } from './vectors.cases.js';
import { wrapCases } from './wrap.cases.js';

export const cryptoCases: readonly CryptoCase[] = [
  ...basicsCases,
  ...contentCases,
  ...contentTamperCases,
  ...metadataCases,
  ...metadataDuplicateCases,
  ...passwordCases,
  ...accountCases,
  ...officeCases,
  ...manifestCases,
  ...wrapCases,
  ...dropCases,
  ...dropRecordCases,
  ...contactCodeCases,
  ...deviceCases,
  ...clientInvitationCases,
  ...pinIndexCases,
  ...vectorCases,
  ...negativeVectorCases,
];
