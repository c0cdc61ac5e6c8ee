// The account mails, Dutch first and English below in the same message (the office's clients
// and staff read either). Each names the office. None carries a secret except the single-use
// invitation or reset link itself, which is the point of that mail.
import type { MailMessage } from './mailer.js';

/** `22-01-2026 09:00 UTC` / `2026-01-22 09:00 UTC` */
function dutchTime(ms: number): string {
  const iso = new Date(ms).toISOString();
  return `${iso.slice(8, 10)}-${iso.slice(5, 7)}-${iso.slice(0, 4)} ${iso.slice(11, 16)} UTC`;
}
function englishTime(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

const RULE = '----------------------------------------------------------------------';

function bilingual(
  to: string,
  subject: { nl: string; en: string },
  nl: readonly string[],
  en: readonly string[],
): MailMessage {
  return { to, subject: `${subject.nl} / ${subject.en}`, text: [...nl, '', RULE, '', ...en, ''].join('\n') };
}

/** A notice to a member of the office: a greeting, what happened, the link to it, and the office's name. */
function notice(
  to: string,
  subject: { nl: string; en: string },
  office: string,
  link: string,
  nl: readonly string[],
  en: readonly string[],
): MailMessage {
  const tail = ['', `  ${link}`, '', `(${office})`];
  return bilingual(to, subject, ['Goedendag,', '', ...nl, ...tail], ['Hello,', '', ...en, ...tail]);
}

/** An e-mail code: why it was sent (ending "…enter this code on the page you have open:"), the code, how long it holds, and not to pass it on. */
function codeMail(
  to: string,
  subject: { nl: string; en: string },
  options: { office: string; code: string; validMinutes: number; why: { nl: string; en: string } },
): MailMessage {
  const { office, code, validMinutes, why } = options;
  return bilingual(
    to,
    subject,
    [
      'Goedendag,',
      '',
      `${why.nl} Vul deze code in op de pagina die u open heeft:`,
      '',
      `  ${code}`,
      '',
      `De code is ${validMinutes} minuten geldig en werkt één keer. Geef hem aan niemand, ook niet aan iemand die zegt van ${office} te zijn.`,
      'Heeft u niet om een code gevraagd? Dan kunt u deze mail negeren.',
    ],
    [
      'Hello,',
      '',
      `${why.en} Enter this code on the page you have open:`,
      '',
      `  ${code}`,
      '',
      `The code is valid for ${validMinutes} minutes and works once. Give it to nobody, not even someone who says they are from ${office}.`,
      'Did you not ask for a code? Then you can ignore this mail.',
    ],
  );
}

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

// ---- sending files. None of these carries a file name, a key, a link secret or (except the
// code mail itself) a code: the server knows none of the first three.

/** An account recipient: something was shared with them; the link opens their own Coffer page. */
export function shareNotificationMail(options: {
  to: string;
  office: string;
  sender: string;
  link: string;
  expiresAt: number;
}): MailMessage {
  const { to, office, sender, link, expiresAt } = options;
  return bilingual(
    to,
    {
      nl: `${sender} (${office}) heeft documenten met u gedeeld`,
      en: `${sender} (${office}) shared documents with you`,
    },
    [
      'Goedendag,',
      '',
      `${sender} van ${office} heeft via Coffer documenten met u gedeeld. Meld u aan en open ze hier:`,
      '',
      `  ${link}`,
      '',
      `Ze zijn beschikbaar tot ${dutchTime(expiresAt)}.`,
    ],
    [
      'Hello,',
      '',
      `${sender} of ${office} shared documents with you through Coffer. Sign in and open them here:`,
      '',
      `  ${link}`,
      '',
      `They are available until ${englishTime(expiresAt)}.`,
    ],
  );
}

/** A guest's e-mail code: it proves they can read this mailbox. Valid 10 minutes, once. */
export function emailCodeMail(options: {
  to: string;
  office: string;
  sender: string;
  code: string;
  validMinutes: number;
}): MailMessage {
  const { to, office, sender } = options;
  return codeMail(
    to,
    { nl: `Uw code voor de documenten van ${office}`, en: `Your code for the documents from ${office}` },
    {
      ...options,
      why: {
        nl: `U wilt documenten openen die ${sender} van ${office} met u deelde.`,
        en: `You want to open documents that ${sender} of ${office} shared with you.`,
      },
    },
  );
}

/** The sender: a recipient typed too many wrong codes and is locked until the sender unlocks them. */
export function recipientLockedMail(options: {
  to: string;
  office: string;
  recipient: string;
  link: string;
}): MailMessage {
  const { to, office, recipient, link } = options;
  return notice(
    to,
    { nl: `Coffer: ontvanger ${recipient} is geblokkeerd`, en: `Coffer: recipient ${recipient} is locked` },
    office,
    link,
    [
      `Voor uw gedeelde documenten is te vaak een verkeerde code ingevuld door of namens ${recipient}.`,
      'De link van deze ontvanger is geblokkeerd. Controleer bij de ontvanger of zij het zelf waren, en hef de blokkade daarna op:',
    ],
    [
      `A wrong code was entered too often for your shared documents, by or for ${recipient}.`,
      "This recipient's link is locked. Check with the recipient that it was them, then unlock it:",
    ],
  );
}

/** The sender asked for a receipt: a recipient downloaded for the first time. */
export function downloadReceiptMail(options: {
  to: string;
  office: string;
  recipient: string;
  at: number;
  link: string;
}): MailMessage {
  const { to, office, recipient, at, link } = options;
  return notice(
    to,
    { nl: `Coffer: ${recipient} heeft gedownload`, en: `Coffer: ${recipient} downloaded` },
    office,
    link,
    [`${recipient} heeft op ${dutchTime(at)} voor het eerst documenten gedownload die u deelde. Details:`],
    [`${recipient} first downloaded documents you shared at ${englishTime(at)}. Details:`],
  );
}

// ---- drops. None of these carries a file name, the drop's label, a key, D or (except the code
// mail itself) a code: the server knows none of them but the code. Only bound drops mail
// anyone; an open drop never does (otherwise anyone holding its link could make Coffer mail).

/** `482 KB`, `12.5 MB` (Dutch: `12,5 MB`): the size a person reads, from a file's plaintext length. */
function sizeText(bytes: number, language: 'nl' | 'en'): string {
  const units = ['bytes', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  const text = unit === 0 || value >= 100 ? String(Math.round(value)) : value.toFixed(1);
  return `${language === 'nl' ? text.replace('.', ',') : text} ${units[unit]}`;
}

/** The uploader of a bound drop: a code proving they read the drop's mailbox. Valid 10 minutes, once. */
export function dropCodeMail(options: { to: string; office: string; code: string; validMinutes: number }): MailMessage {
  const { to, office } = options;
  return codeMail(
    to,
    { nl: `Uw code om documenten naar ${office} te sturen`, en: `Your code to send documents to ${office}` },
    {
      ...options,
      why: {
        nl: `U wilt via Coffer documenten naar ${office} sturen.`,
        en: `You want to send documents to ${office} through Coffer.`,
      },
    },
  );
}

/** The owner of a bound drop: something arrived. Counts only; the names are sealed. */
export function dropReceivedMail(options: {
  to: string;
  office: string;
  files: number;
  at: number;
  link: string;
}): MailMessage {
  const { to, office, files, at, link } = options;
  return notice(
    to,
    { nl: 'Coffer: er zijn documenten voor u binnengekomen', en: 'Coffer: documents arrived for you' },
    office,
    link,
    [
      `Via een van uw uploadlinks zijn op ${dutchTime(at)} ${files} ${files === 1 ? 'bestand' : 'bestanden'} binnengekomen. Bekijk ze hier:`,
    ],
    [
      `${files} ${files === 1 ? 'file' : 'files'} arrived through one of your upload links at ${englishTime(at)}. See them here:`,
    ],
  );
}

/** The uploader of a bound drop asked for a receipt: the receipt code, the files' sizes and the time. */
export function dropReceiptMail(options: {
  to: string;
  office: string;
  receiptCode: string;
  sizes: readonly number[];
  at: number;
}): MailMessage {
  const { to, office, receiptCode, sizes, at } = options;
  const list = (language: 'nl' | 'en') => sizes.map((size, i) => `  ${i + 1}. ${sizeText(size, language)}`);
  return bilingual(
    to,
    { nl: `Ontvangstbewijs: uw documenten zijn bij ${office}`, en: `Receipt: your documents reached ${office}` },
    [
      'Goedendag,',
      '',
      `${office} heeft op ${dutchTime(at)} ${sizes.length} ${sizes.length === 1 ? 'bestand' : 'bestanden'} van u ontvangen:`,
      '',
      ...list('nl'),
      '',
      `Ontvangstcode: ${receiptCode}`,
      '',
      'Het kantoor ziet dezelfde code bij uw documenten. De namen van uw bestanden staan niet in deze mail: alleen het kantoor kan ze lezen.',
    ],
    [
      'Hello,',
      '',
      `${office} received ${sizes.length} ${sizes.length === 1 ? 'file' : 'files'} from you at ${englishTime(at)}:`,
      '',
      ...list('en'),
      '',
      `Receipt code: ${receiptCode}`,
      '',
      'The office sees the same code with your documents. Your files are not named in this mail: only the office can read their names.',
    ],
  );
}

/** The owner: too many wrong codes were entered for a bound drop, which is locked until a member unlocks it. */
export function dropLockedMail(options: { to: string; office: string; recipient: string; link: string }): MailMessage {
  const { to, office, recipient, link } = options;
  return notice(
    to,
    { nl: `Coffer: uploadlink voor ${recipient} is geblokkeerd`, en: `Coffer: upload link for ${recipient} is locked` },
    office,
    link,
    [
      `Voor uw uploadlink is te vaak een verkeerde code ingevuld, door of namens ${recipient}. De link is geblokkeerd.`,
      'Controleer bij de klant of zij het zelf waren, en hef de blokkade daarna op:',
    ],
    [
      `A wrong code was entered too often for your upload link, by or for ${recipient}. The link is locked.`,
      'Check with the client that it was them, then unlock it:',
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
