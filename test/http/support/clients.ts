// What the client test files (test/http/clients-*.test.ts) share: the office with a staff member
// (staffSuite), and that office with two approved clients, A and B.
import { makeClient, type ClientAccount } from '../../helpers/clients.js';
import { type SendingOffice } from '../../helpers/sharing.js';
import { staffSuite } from './staff-suite.js';

export const A_EMAIL = 'klant.a@voorbeeld.nl';

export const B_EMAIL = 'klant.b@voorbeeld.nl';

/** The file's staffSuite, and the office with two clients its tests also start from. */
export function clientsSuite() {
  const { suite, office } = staffSuite();

  /** The office with two approved clients, A and B, each invited and approved by the staff member. */
  async function twoClients(): Promise<SendingOffice & { a: ClientAccount; b: ClientAccount }> {
    const s = await office();
    const a = await makeClient(s, s.staff, A_EMAIL, 'Bakkerij de Vries');
    const b = await makeClient(s, s.staff, B_EMAIL, 'Garage Jansen');
    return { ...s, a, b };
  }
  return { suite, office, twoClients };
}
