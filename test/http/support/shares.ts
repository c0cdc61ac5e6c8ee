// What the share test files (test/http/shares-*.test.ts) share: the office they start from.
import { withStaff, type SendingOffice } from '../../helpers/sharing.js';
import { httpSuite } from '../../helpers/suite.js';

/** The file's httpSuite, and an office with a staff member set up in a fresh app of it. */
export function sharesSuite() {
  const suite = httpSuite();
  async function office(): Promise<SendingOffice> {
    return withStaff(await suite.office());
  }
  return { suite, office };
}
