// The account mails, each in its reader's language (server/kernel/mail/format.ts) and naming
// the office. None carries a secret except the single-use invitation or reset link itself,
// which is the point of that mail.
import type { MailMessage } from './mailer.js';
import { localized, mailTime, notice, type MailLocale } from './format.js';

export function invitationMail(options: {
  to: string;
  locale: MailLocale;
  office: string;
  link: string;
  expiresAt: number;
}): MailMessage {
  const { to, locale, office, link, expiresAt } = options;
  const until = mailTime(expiresAt, locale);
  return localized(
    to,
    locale,
    {
      nl: {
        subject: `Uitnodiging voor Coffer van ${office}`,
        body: [
          `${office} nodigt u uit voor Coffer, de beveiligde omgeving waarin het kantoor documenten uitwisselt.`,
          'Open deze link om uw wachtwoord te kiezen en uw account aan te maken:',
          '',
          `  ${link}`,
          '',
          `De link werkt één keer en is geldig tot ${until}. Stuur deze mail niet door.`,
          'Verwachtte u deze uitnodiging niet? Dan kunt u deze mail negeren.',
        ],
      },
      en: {
        subject: `Invitation to Coffer from ${office}`,
        body: [
          `${office} invites you to Coffer, the secure place where the office exchanges documents.`,
          'Open this link to choose your password and create your account:',
          '',
          `  ${link}`,
          '',
          `The link works once and is valid until ${until}. Do not forward this mail.`,
          'Were you not expecting this invitation? Then you can ignore this mail.',
        ],
      },
    },
    true,
  );
}

export function resetMail(options: {
  to: string;
  locale: MailLocale;
  office: string;
  link: string;
  expiresAt: number;
}): MailMessage {
  const { to, locale, office, link, expiresAt } = options;
  const until = mailTime(expiresAt, locale);
  return localized(
    to,
    locale,
    {
      nl: {
        subject: `Uw Coffer-account bij ${office} is opnieuw ingesteld`,
        body: [
          `Een beheerder van ${office} heeft uw Coffer-account opnieuw ingesteld. Open deze link om een nieuw wachtwoord te kiezen:`,
          '',
          `  ${link}`,
          '',
          `De link werkt één keer en is geldig tot ${until}. Daarna keurt een beheerder uw account opnieuw goed.`,
          'Bestanden die alleen voor uw oude sleutels waren versleuteld, kunt u niet meer openen.',
          `Heeft u hier niet om gevraagd? Neem dan contact op met ${office}.`,
        ],
      },
      en: {
        subject: `Your Coffer account at ${office} was reset`,
        body: [
          `An admin of ${office} reset your Coffer account. Open this link to choose a new password:`,
          '',
          `  ${link}`,
          '',
          `The link works once and is valid until ${until}. An admin then approves your account again.`,
          'Files that were encrypted only for your old keys can no longer be opened.',
          `Did you not ask for this? Then contact ${office}.`,
        ],
      },
    },
    true,
  );
}

export function passwordChangedMail(options: {
  to: string;
  locale: MailLocale;
  office: string;
  at: number;
  publicUrl: string;
}): MailMessage {
  const { to, locale, office, at, publicUrl } = options;
  const when = mailTime(at, locale);
  return localized(
    to,
    locale,
    {
      nl: {
        subject: `Uw Coffer-wachtwoord is gewijzigd (${office})`,
        body: [
          `Het wachtwoord van uw Coffer-account bij ${office} (${publicUrl}) is gewijzigd op ${when}.`,
          'Uw andere sessies zijn beëindigd.',
          `Heeft u dit niet zelf gedaan? Neem dan direct contact op met ${office}.`,
        ],
      },
      en: {
        subject: `Your Coffer password was changed (${office})`,
        body: [
          `The password of your Coffer account at ${office} (${publicUrl}) was changed on ${when}.`,
          'Your other sessions were ended.',
          `Did you not do this yourself? Then contact ${office} at once.`,
        ],
      },
    },
    false,
  );
}

/** Two-factor sign-in was turned on: whoever did not do it learns at once that someone else holds the second factor. */
export function twoFactorEnabledMail(options: {
  to: string;
  locale: MailLocale;
  office: string;
  at: number;
  publicUrl: string;
}): MailMessage {
  const { to, locale, office, at, publicUrl } = options;
  const when = mailTime(at, locale);
  return localized(
    to,
    locale,
    {
      nl: {
        subject: `Inloggen in twee stappen staat aan voor uw Coffer-account (${office})`,
        body: [
          `Voor uw Coffer-account bij ${office} (${publicUrl}) is inloggen in twee stappen aangezet op ${when}.`,
          'Vanaf nu vraagt Coffer bij het aanmelden ook een code uit een authenticator-app.',
          `Heeft u dit niet zelf gedaan? Neem dan direct contact op met ${office}: iemand anders heeft dan uw wachtwoord en uw sessie.`,
        ],
      },
      en: {
        subject: `Two-factor sign-in was turned on for your Coffer account (${office})`,
        body: [
          `Two-factor sign-in was turned on for your Coffer account at ${office} (${publicUrl}) on ${when}.`,
          'From now on, Coffer also asks for a code from an authenticator app when you sign in.',
          `Did you not do this yourself? Then contact ${office} at once: someone else has your password and your session.`,
        ],
      },
    },
    false,
  );
}

export function approvedMail(options: {
  to: string;
  locale: MailLocale;
  office: string;
  publicUrl: string;
}): MailMessage {
  const { to, locale, office, publicUrl } = options;
  return localized(
    to,
    locale,
    {
      nl: {
        subject: `Uw Coffer-account bij ${office} is goedgekeurd`,
        body: [
          `Een beheerder van ${office} heeft uw Coffer-account goedgekeurd. U kunt nu documenten van het kantoor versturen en openen.`,
          `Meld u aan op ${publicUrl}.`,
        ],
      },
      en: {
        subject: `Your Coffer account at ${office} was approved`,
        body: [
          `An admin of ${office} approved your Coffer account. You can now send and open the office's documents.`,
          `Sign in at ${publicUrl}.`,
        ],
      },
    },
    true,
  );
}

/**
 * An admin (or a client's advisor): someone accepted an invitation or a reset link and waits for
 * approval. Sent once each time an account starts waiting. Names the address the office invited,
 * never the name the invitee typed (text the office did not write does not go into its mail).
 */
export function approvalWaitingMail(options: {
  to: string;
  locale: MailLocale;
  office: string;
  email: string;
  client: boolean;
  link: string;
}): MailMessage {
  const { to, locale, office, email, client, link } = options;
  return notice(to, locale, office, link, {
    nl: {
      subject: `Coffer: ${email} wacht op goedkeuring`,
      body: [
        client
          ? `De klant ${email} heeft een Coffer-account aangemaakt en wacht op goedkeuring. Vergelijk de vingerafdruk met de klant (bijvoorbeeld telefonisch) en keur het account goed op de klantenpagina:`
          : `${email} heeft een Coffer-account aangemaakt en wacht op goedkeuring. Vergelijk de vingerafdruk met uw collega en keur het account goed op de gebruikerspagina:`,
      ],
    },
    en: {
      subject: `Coffer: ${email} is waiting for approval`,
      body: [
        client
          ? `The client ${email} created a Coffer account and is waiting for approval. Compare the fingerprint with the client (by phone, for example) and approve the account on the clients page:`
          : `${email} created a Coffer account and is waiting for approval. Compare the fingerprint with your colleague and approve the account on the users page:`,
      ],
    },
  });
}

/** A client's account was approved: the portal is open; no word about sending (clients cannot). */
export function clientApprovedMail(options: {
  to: string;
  locale: MailLocale;
  office: string;
  publicUrl: string;
}): MailMessage {
  const { to, locale, office, publicUrl } = options;
  return localized(
    to,
    locale,
    {
      nl: {
        subject: `Uw Coffer-account bij ${office} is klaar`,
        body: [
          `${office} heeft uw Coffer-account goedgekeurd. U ziet nu wat het kantoor met u deelt, en u kunt documenten veilig naar het kantoor uploaden.`,
          `Meld u aan op ${publicUrl}.`,
        ],
      },
      en: {
        subject: `Your Coffer account at ${office} is ready`,
        body: [
          `${office} approved your Coffer account. You now see what the office shares with you, and you can upload documents to the office securely.`,
          `Sign in at ${publicUrl}.`,
        ],
      },
    },
    true,
  );
}

/** Every approved admin, once per episode of low free space: admins act on the server, not in Coffer. */
export function lowSpaceMail(options: {
  to: string;
  locale: MailLocale;
  office: string;
  publicUrl: string;
}): MailMessage {
  const { to, locale, office, publicUrl } = options;
  return localized(
    to,
    locale,
    {
      nl: {
        subject: `Coffer: de server is bijna vol (${office})`,
        body: [
          `De schijf van de Coffer-server van ${office} (${publicUrl}) is bijna vol.`,
          'Uploads worden geweigerd tot er weer ruimte is; aanmelden, downloaden en verwijderen werken nog.',
          'Vraag de beheerder van de server om ruimte vrij te maken of de schijf te vergroten (zie "Free space" in docs/operations.md).',
          '',
          `(${office})`,
        ],
      },
      en: {
        subject: `Coffer: the server is nearly full (${office})`,
        body: [
          `The disk of the Coffer server of ${office} (${publicUrl}) is nearly full.`,
          'Uploads are refused until there is room again; signing in, downloading and deleting still work.',
          'Ask whoever runs the server to free space or enlarge the disk (see "Free space" in docs/operations.md).',
          '',
          `(${office})`,
        ],
      },
    },
    false,
  );
}

// ---- the audit log

/**
 * Every admin, daily: the audit log's head (entry number, time, check value), what it is for
 * and what to do if something looks wrong. A witness kept outside the server: a log rewritten
 * or cut short after this mail no longer holds this entry. Not a secret: it only fixes what the
 * log was. The commands that check it are in docs/operations.md ("Audit-head mail"), for
 * whoever runs the server; the admin who reads this mail is not expected to run them.
 */
export function auditHeadMail(options: {
  to: string;
  locale: MailLocale;
  office: string;
  publicUrl: string;
  seq: number;
  at: number;
  hash: string;
}): MailMessage {
  const { to, locale, office, publicUrl, seq, at, hash } = options;
  const when = mailTime(at, locale);
  return localized(
    to,
    locale,
    {
      nl: {
        subject: `Coffer: dagelijkse controle van het logboek (${office})`,
        body: [
          `Coffer bij ${office} (${publicUrl}) houdt een logboek bij van wie wat deed: aanmelden, delen, downloaden, instellingen wijzigen.`,
          'Elke dag krijgt u deze mail met een controlegetal dat vastlegt hoe dat logboek er op dit moment uitziet. Zo kan later niemand het logboek ongemerkt aanpassen, ook niet iemand met toegang tot de server.',
          '',
          'Wat u moet doen: niets, behalve deze mail bewaren (laat hem gewoon in uw mailbox staan).',
          '',
          'Lijkt er iets niet te kloppen, bijvoorbeeld omdat u een dag geen mail kreeg, of omdat u twijfelt of het logboek nog klopt? Vraag dan degene die uw server beheert om het logboek te controleren met de gegevens hieronder; de beheerhandleiding van Coffer (docs/operations.md, "Audit-head mail") beschrijft hoe.',
          '',
          `  Regel:          ${seq}`,
          `  Tijd:           ${when}`,
          `  Controlegetal:  ${hash}`,
          '',
          'Deze mail bevat geen geheimen en opent niets.',
          '',
          `(${office})`,
        ],
      },
      en: {
        subject: `Coffer: daily check of the activity log (${office})`,
        body: [
          `Coffer at ${office} (${publicUrl}) keeps a log of who did what: signing in, sharing, downloading, changing settings.`,
          'Every day you get this mail with a check value that fixes what the log looks like right now. That way nobody can change the log later without it being noticed, not even someone with access to the server.',
          '',
          'What to do: nothing, except keep this mail (just leave it in your mailbox).',
          '',
          'Does something look wrong, for example a day without this mail, or do you doubt the log is still intact? Then ask whoever runs your server to check the log against the details below; the Coffer operations guide (docs/operations.md, "Audit-head mail") says how.',
          '',
          `  Entry:        ${seq}`,
          `  Time:         ${when}`,
          `  Check value:  ${hash}`,
          '',
          'This mail holds no secrets and opens nothing.',
          '',
          `(${office})`,
        ],
      },
    },
    false,
  );
}
