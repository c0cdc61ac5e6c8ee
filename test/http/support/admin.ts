// What the administration test files (test/http/admin-*.test.ts) share: fresh addresses for
// colleagues, a member's path under /api/v1/admin/users, and the office the tests start from.
import { idOf, type Member, type Office } from '../../helpers/office.js';
import { httpSuite } from '../../helpers/suite.js';

let counter = 0;

export const fresh = (name = 'colleague') => `${name}${++counter}@kantoor.example`;

export const user = (o: Office, member: Member) => `/api/v1/admin/users/${idOf(member)}`;

/** The file's httpSuite, and an office set up in a fresh app of it. */
export function adminSuite() {
  const suite = httpSuite();
  const office = (): Promise<Office> => suite.office();
  return { suite, office };
}
