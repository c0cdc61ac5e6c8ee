// Sending an account mail after the change it reports has been committed. A failed delivery
// does not undo the change: it is reported to the caller (an invitation shows "not
// delivered" to the admin) and logged by class only, never with the address or the body.
import type { Logger } from 'pino';
import { describeForLog } from '../http/errors.js';
import type { Mailer, MailMessage } from './mailer.js';

export type Deliver = (message: MailMessage) => Promise<boolean>;

export function createDeliver(mailer: Mailer, log: Logger): Deliver {
  return async (message) => {
    try {
      await mailer.send(message);
      return true;
    } catch (error) {
      log.warn({ error: describeForLog(error) }, 'mail delivery failed');
      return false;
    }
  };
}
