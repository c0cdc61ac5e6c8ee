// What the guest link test files (test/http/links-*.test.ts) share: a link's API path, asking
// for and checking a code, and the share to one guest the tests start from.
import { idToWire } from '../../../shared/crypto/index.js';
import { guestPlan, type GuestPlan } from '../../helpers/browser-shares.js';
import { tab } from '../../helpers/client.js';
import { sendShare, withStaff, type SendingOffice } from '../../helpers/sharing.js';
import { httpSuite } from '../../helpers/suite.js';

export const HOUR_MS = 60 * 60 * 1000;

export const linkPath = (guest: GuestPlan, rest = '') => `/api/v1/links/${idToWire(guest.linkId)}${rest}`;

export async function requestCode(s: SendingOffice, guest: GuestPlan) {
  return tab(s.t.app).post(linkPath(guest, '/code'), {});
}

export async function verify(s: SendingOffice, guest: GuestPlan, code: string) {
  return tab(s.t.app).post(linkPath(guest, '/verify'), { code });
}

/** The file's httpSuite, and a share sent to one guest from an office set up in a fresh app of it. */
export function linksSuite() {
  const suite = httpSuite();
  async function setUp(options: Parameters<typeof sendShare>[2] = {}) {
    const s: SendingOffice = await withStaff(await suite.office());
    const guest = options.guests?.[0] ?? guestPlan(`gast-${Math.random().toString(36).slice(2, 8)}@example.nl`);
    const sent = await sendShare(s, s.admin, { guests: [guest], ...options });
    return { s, guest, sent, fileId: sent.built.request.files[0]!.fileId };
  }
  return { suite, setUp };
}
