// The mail the admins get when free space under DATA_DIR runs low: once per episode (the
// storage state calls it on a change from ok to low, not on every refused upload). It names
// no file, user or number beyond the office's address: admins act on the server, not in Coffer.
import type { Logger } from 'pino';
import { describeForLog } from '../http/errors.js';
import type { Deliver } from '../mail/deliver.js';
import type { MailMessage } from '../mail/mailer.js';
import type { OfficeRepo } from '../accounts/office-repo.js';
import type { UsersRepo } from '../accounts/users-repo.js';

function lowSpaceMail(options: { to: string; office: string; publicUrl: string }): MailMessage {
  const { to, office, publicUrl } = options;
  const text = [
    'Goedendag,',
    '',
    `De schijf van de Coffer-server van ${office} (${publicUrl}) is bijna vol.`,
    'Uploads worden geweigerd tot er weer ruimte is; aanmelden, downloaden en verwijderen werken nog.',
    'Vraag de beheerder van de server om ruimte vrij te maken of de schijf te vergroten (zie "Free space" in docs/operations.md).',
    '',
    `(${office})`,
    '',
    '----------------------------------------------------------------------',
    '',
    'Hello,',
    '',
    `The disk of the Coffer server of ${office} (${publicUrl}) is nearly full.`,
    'Uploads are refused until there is room again; signing in, downloading and deleting still work.',
    'Ask whoever runs the server to free space or enlarge the disk (see "Free space" in docs/operations.md).',
    '',
    `(${office})`,
    '',
  ].join('\n');
  return {
    to,
    subject: `Coffer: de server is bijna vol (${office}) / Coffer: the server is nearly full (${office})`,
    text,
  };
}

/** Mails every approved, active admin; never rejects (a failure is logged by class only). */
export function createLowSpaceAlert(deps: {
  users: Pick<UsersRepo, 'members'>;
  office: Pick<OfficeRepo, 'get'>;
  deliver: Deliver;
  publicUrl: string;
  log: Logger;
}): () => Promise<void> {
  const alert = async () => {
    const office = deps.office.get()?.name;
    if (office === undefined) return;
    const admins = deps.users
      .members()
      .filter((user) => user.role === 'admin' && user.status === 'active' && user.approval === 'approved');
    let queued = 0;
    for (const admin of admins) {
      if (await deps.deliver(lowSpaceMail({ to: admin.email, office, publicUrl: deps.publicUrl }))) queued += 1;
    }
    deps.log.warn({ storage: { admins: admins.length, queued } }, 'low free space: the admins are mailed');
  };
  return () =>
    alert().catch((error: unknown) =>
      deps.log.error({ error: describeForLog(error) }, 'low free space: mailing the admins failed'),
    );
}
