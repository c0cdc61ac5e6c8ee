// What the client test files (test/http/clients-*.test.ts) share: the office with a staff member,
// and that office with two approved clients, A and B.
import { makeClient, type ClientAccount } from '../../helpers/clients.js';
import { withStaff, type SendingOffice } from '../../helpers/sharing.js';
import { httpSuite } from '../../helpers/suite.js';

export const A_EMAIL = 'klant.a@voorbeeld.nl';

export const B_EMAIL = 'klant.b@voorbeeld.nl';

/** The file's httpSuite, and the offices its tests start from. */
export function clientsSuite() {
  const suite = httpSuite();
  async function office(): Promise<SendingOffice> {
    return withStaff(await suite.office());
  }

  /** The office with two approved clients, A and B, each invited and approved by the staff member. */
  async function twoClients(): Promise<SendingOffice & { a: ClientAccount; b: ClientAccount }> {
    const s = await office();
    const a = await makeClient(s, s.staff, A_EMAIL, 'Bakkerij de Vries');
    const b = await makeClient(s, s.staff, B_EMAIL, 'Garage Jansen');
    return { ...s, a, b };
  }
  return { suite, office, twoClients };
}
