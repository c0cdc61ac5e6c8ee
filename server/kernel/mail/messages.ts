// The account mails, Dutch first and English below in the same message (the office's clients
// and staff read either). Each names the office. None carries a secret except the single-use
// invitation or reset link itself, which is the point of that mail.
import type { MailMessage } from './mailer.js';
import { dutchTime, englishTime, bilingual } from './format.js';

export function invitationMail(options: { to: string; office: string; link: string; expiresAt: number }): MailMessage {
  const { to, office, link, expiresAt } = options;
  return bilingual(
    to,
    { nl: `Uitnodiging voor Coffer van ${office}`, en: `Invitation to Coffer from ${office}` },
    [
      'Goedendag,',
      '',
      `${office} nodigt u uit voor Coffer, de beveiligde omgeving waarin het kantoor documenten uitwisselt.`,
      'Open deze link om uw wachtwoord te kiezen en uw account aan te maken:',
      '',
      `  ${link}`,
      '',
      `De link werkt één keer en is geldig tot ${dutchTime(expiresAt)}. Stuur deze mail niet door.`,
      'Verwachtte u deze uitnodiging niet? Dan kunt u deze mail negeren.',
    ],
    [
      'Hello,',
      '',
      `${office} invites you to Coffer, the secure place where the office exchanges documents.`,
      'Open this link to choose your password and create your account:',
      '',
      `  ${link}`,
      '',
      `The link works once and is valid until ${englishTime(expiresAt)}. Do not forward this mail.`,
      'Were you not expecting this invitation? Then you can ignore this mail.',
    ],
  );
}

export function resetMail(options: { to: string; office: string; link: string; expiresAt: number }): MailMessage {
  const { to, office, link, expiresAt } = options;
  return bilingual(
    to,
    { nl: `Uw Coffer-account bij ${office} is opnieuw ingesteld`, en: `Your Coffer account at ${office} was reset` },
    [
      'Goedendag,',
      '',
      `Een beheerder van ${office} heeft uw Coffer-account opnieuw ingesteld. Open deze link om een nieuw wachtwoord te kiezen:`,
      '',
      `  ${link}`,
      '',
      `De link werkt één keer en is geldig tot ${dutchTime(expiresAt)}. Daarna keurt een beheerder uw account opnieuw goed.`,
      'Bestanden die alleen voor uw oude sleutels waren versleuteld, kunt u niet meer openen.',
      `Heeft u hier niet om gevraagd? Neem dan contact op met ${office}.`,
    ],
    [
      'Hello,',
      '',
      `An admin of ${office} reset your Coffer account. Open this link to choose a new password:`,
      '',
      `  ${link}`,
      '',
      `The link works once and is valid until ${englishTime(expiresAt)}. An admin then approves your account again.`,
      'Files that were encrypted only for your old keys can no longer be opened.',
      `Did you not ask for this? Then contact ${office}.`,
    ],
  );
}

export function passwordChangedMail(options: {
  to: string;
  office: string;
  at: number;
  publicUrl: string;
}): MailMessage {
  const { to, office, at, publicUrl } = options;
  return bilingual(
    to,
    { nl: `Uw Coffer-wachtwoord is gewijzigd (${office})`, en: `Your Coffer password was changed (${office})` },
    [
      'Goedendag,',
      '',
      `Het wachtwoord van uw Coffer-account bij ${office} (${publicUrl}) is gewijzigd op ${dutchTime(at)}.`,
      'Uw andere sessies zijn beëindigd.',
      `Heeft u dit niet zelf gedaan? Neem dan direct contact op met ${office}.`,
    ],
    [
      'Hello,',
      '',
      `The password of your Coffer account at ${office} (${publicUrl}) was changed at ${englishTime(at)}.`,
      'Your other sessions were ended.',
      `Did you not do this yourself? Then contact ${office} at once.`,
    ],
  );
}

/** Two-factor sign-in was turned on: whoever did not do it learns at once that someone else holds the second factor. */
export function twoFactorEnabledMail(options: {
  to: string;
  office: string;
  at: number;
  publicUrl: string;
}): MailMessage {
  const { to, office, at, publicUrl } = options;
  return bilingual(
    to,
    {
      nl: `Inloggen in twee stappen staat aan voor uw Coffer-account (${office})`,
      en: `Two-factor sign-in was turned on for your Coffer account (${office})`,
    },
    [
      'Goedendag,',
      '',
      `Voor uw Coffer-account bij ${office} (${publicUrl}) is inloggen in twee stappen aangezet op ${dutchTime(at)}.`,
      'Vanaf nu vraagt Coffer bij het aanmelden ook een code uit een authenticator-app.',
      `Heeft u dit niet zelf gedaan? Neem dan direct contact op met ${office}: iemand anders heeft dan uw wachtwoord en uw sessie.`,
    ],
    [
      'Hello,',
      '',
      `Two-factor sign-in was turned on for your Coffer account at ${office} (${publicUrl}) at ${englishTime(at)}.`,
      'From now on, Coffer also asks for a code from an authenticator app when you sign in.',
      `Did you not do this yourself? Then contact ${office} at once: someone else has your password and your session.`,
    ],
  );
}

export function approvedMail(options: { to: string; office: string; publicUrl: string }): MailMessage {
  const { to, office, publicUrl } = options;
  return bilingual(
    to,
    { nl: `Uw Coffer-account bij ${office} is goedgekeurd`, en: `Your Coffer account at ${office} was approved` },
    [
      'Goedendag,',
      '',
      `Een beheerder van ${office} heeft uw Coffer-account goedgekeurd. U kunt nu documenten van het kantoor versturen en openen.`,
      `Meld u aan op ${publicUrl}.`,
    ],
    [
      'Hello,',
      '',
      `An admin of ${office} approved your Coffer account. You can now send and open the office's documents.`,
      `Sign in at ${publicUrl}.`,
    ],
  );
}

/** A client's account was approved: the portal is open; no word about sending (clients cannot). */
export function clientApprovedMail(options: { to: string; office: string; publicUrl: string }): MailMessage {
  const { to, office, publicUrl } = options;
  return bilingual(
    to,
    { nl: `Uw Coffer-account bij ${office} is klaar`, en: `Your Coffer account at ${office} is ready` },
    [
      'Goedendag,',
      '',
      `${office} heeft uw Coffer-account goedgekeurd. U ziet nu wat het kantoor met u deelt, en u kunt documenten veilig naar het kantoor uploaden.`,
      `Meld u aan op ${publicUrl}.`,
    ],
    [
      'Hello,',
      '',
      `${office} approved your Coffer account. You now see what the office shares with you, and you can upload documents to the office securely.`,
      `Sign in at ${publicUrl}.`,
    ],
  );
}

// ---- the audit log

/**
 * Every admin, daily: the audit log's head (sequence number, time, hash) and how to check the
 * log against it. A witness kept outside the server: a log rewritten or cut short after this
 * mail no longer holds this entry. Not a secret: it only fixes what the log was.
 */
export function auditHeadMail(options: {
  to: string;
  office: string;
  publicUrl: string;
  seq: number;
  at: number;
  hash: string;
}): MailMessage {
  const { to, office, publicUrl, seq, at, hash } = options;
  const head = `${seq}:${hash}`;
  const commands = [
    `  npm run coffer -- audit-verify --head ${head}`,
    '',
    `  docker compose exec coffer node dist/server/server/cli.js audit-verify --head ${head}`,
  ];
  return bilingual(
    to,
    { nl: `Coffer: controlewaarde van het auditlog (${office})`, en: `Coffer: audit log check value (${office})` },
    [
      'Goedendag,',
      '',
      `Dit is de dagelijkse controlewaarde van het auditlog van Coffer bij ${office} (${publicUrl}).`,
      'Elke regel van het log is met een hash aan de vorige gekoppeld. Deze waarde legt vast hoe het log er nu uitziet:',
      '',
      `  Regel:  ${seq}`,
      `  Tijd:   ${dutchTime(at)}`,
      `  Hash:   ${hash}`,
      '',
      'Bewaar deze mail buiten de server. Wie het log later herschrijft of inkort, valt door de mand als de beheerder van de server dit uitvoert (de tweede regel in Docker):',
      '',
      ...commands,
      '',
      'Meldt het "Audit log intact" en "matches", dan is het log sinds deze mail niet herschreven of ingekort. Meldt het iets anders, of krijgt u een dag geen mail, zoek dan uit waarom.',
      'Deze mail bevat geen geheimen, alleen een controlewaarde.',
      '',
      `(${office})`,
    ],
    [
      'Hello,',
      '',
      `This is the daily check value of the Coffer audit log at ${office} (${publicUrl}).`,
      'Each entry of the log is chained to the one before by a hash. This value fixes what the log looks like now:',
      '',
      `  Entry:  ${seq}`,
      `  Time:   ${englishTime(at)}`,
      `  Hash:   ${hash}`,
      '',
      "Keep this mail away from the server. Anyone who later rewrites or shortens the log is caught when the server's operator runs this (the second line in Docker):",
      '',
      ...commands,
      '',
      'If it says "Audit log intact" and "matches", the log has not been rewritten or shortened since this mail. If it says anything else, or a day passes without this mail, find out why.',
      'This mail holds no secrets, only a check value.',
      '',
      `(${office})`,
    ],
  );
}
