// The lifecycle of an HTTP test file (httpSuite) whose tests start from an office with a staff
// member (withStaff), set up in a fresh app for each test. Call once at the top of a test file.
import { withStaff, type SendingOffice } from '../../helpers/sharing.js';
import { httpSuite } from '../../helpers/suite.js';

export function staffSuite() {
  const suite = httpSuite();
  async function office(env: Record<string, string> = {}): Promise<SendingOffice> {
    return withStaff(await suite.office(env));
  }
  return { suite, office };
}
