// Who is told when something needs a member's attention (docs/threat-model.md, "Who is alerted";
// docs/operations.md, "Advisors and leavers"): a recipient locked out, a download receipt, an
// upload that arrived. One rule for every alert, so a leaver's work never goes unwatched:
//
//   1. the object's owner (the sender of a share, the member who made a drop), while they can
//      act: an active, approved member;
//   2. else, if the object concerns a client (a client's personal drop, or a share or drop bound
//      to a client account's address), that client's advisor, while they can act;
//   3. else every admin who can act.
//
// A client's personal drop has no owner in this sense: its alerts go to the advisor first.
// Alerts carry no secret and go through the mail queue, each in its reader's language with
// times in the office's time zone.
import { bytesEqual, type Id } from '../../../shared/crypto/index.js';
import type { OfficeRecord } from '../accounts/office-repo.js';
import type { UserRecord, UsersRepo } from '../accounts/users-repo.js';
import type { Deliver } from './deliver.js';
import { localeFor, type MailLocale } from './format.js';
import type { MailMessage } from './mailer.js';

/** What an alert is about: its owner (null for a client's personal drop) and the client it concerns, if any. */
export interface AlertSubject {
  readonly owner: Id | null;
  readonly client: Id | null;
}

type AlertUsers = Pick<UsersRepo, 'byId' | 'approvedAdmins'>;

/** A member who can act now (read an alert, handle a client): active, approved, not a client. */
export function canAct(user: UserRecord | undefined): user is UserRecord {
  return user !== undefined && user.role !== 'client' && user.status === 'active' && user.approval === 'approved';
}

/** The readers of an alert about `subject`, by the rule above; the admins' list may be empty before setup. */
function alertReaders(users: AlertUsers, subject: AlertSubject): UserRecord[] {
  const owner = subject.owner === null ? undefined : users.byId(subject.owner);
  if (canAct(owner)) return [owner];
  const client = subject.client === null ? undefined : users.byId(subject.client);
  if (client?.role === 'client' && client.advisorId !== null) {
    const advisor = users.byId(client.advisorId);
    if (canAct(advisor)) return [advisor];
  }
  return users.approvedAdmins();
}

/**
 * Whom to tell that `account` waits for approval: the admins who can act (only they approve
 * members), and for a client also their advisor (who may approve them too), each once.
 */
export function approvalReaders(users: AlertUsers, account: UserRecord): UserRecord[] {
  const admins = users.approvedAdmins();
  if (account.role !== 'client' || account.advisorId === null) return admins;
  const advisor = users.byId(account.advisorId);
  if (!canAct(advisor) || admins.some((admin) => bytesEqual(admin.id, advisor.id))) return admins;
  return [...admins, advisor];
}

/** Mails one alert to each of its readers, in their own language; resolves when all are queued. */
export async function sendAlert(
  deps: { users: AlertUsers; deliver: Deliver; office: OfficeRecord },
  subject: AlertSubject,
  mail: (to: string, locale: MailLocale) => MailMessage,
): Promise<void> {
  for (const reader of alertReaders(deps.users, subject))
    await deps.deliver(mail(reader.email, localeFor(reader.lang, deps.office)));
}
