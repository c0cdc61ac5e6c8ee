// The mail the admins get when free space under DATA_DIR runs low: once per episode (the
// storage state calls it on a change from ok to low, not on every refused upload). It names
// no file, user or number beyond the office's address: admins act on the server, not in Coffer.
import type { Logger } from 'pino';
import { describeForLog } from '../http/errors.js';
import type { Deliver } from '../mail/deliver.js';
import { lowSpaceMail } from '../mail/messages.js';
import type { OfficeRepo } from '../accounts/office-repo.js';
import type { UsersRepo } from '../accounts/users-repo.js';

/** Mails every approved, active admin; never rejects (a failure is logged by class only). */
export function createLowSpaceAlert(deps: {
  users: Pick<UsersRepo, 'members'>;
  office: Pick<OfficeRepo, 'get'>;
  deliver: Deliver;
  publicUrl: string;
  log: Logger;
}): () => Promise<void> {
  const alert = async () => {
    const office = deps.office.get();
    if (office === undefined) return;
    const admins = deps.users
      .members()
      .filter((user) => user.role === 'admin' && user.status === 'active' && user.approval === 'approved');
    let queued = 0;
    for (const admin of admins) {
      const mail = lowSpaceMail({
        to: admin.email,
        locale: { lang: admin.lang, timeZone: office.timeZone },
        office: office.name,
        publicUrl: deps.publicUrl,
      });
      if (await deps.deliver(mail)) queued += 1;
    }
    deps.log.warn({ storage: { admins: admins.length, queued } }, 'low free space: the admins are mailed');
  };
  return () =>
    alert().catch((error: unknown) =>
      deps.log.error({ error: describeForLog(error) }, 'low free space: mailing the admins failed'),
    );
}
