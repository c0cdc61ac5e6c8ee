// The mails about sending files and drops, Dutch first and English below in the same message.
// Each names the office.
import type { MailMessage } from './mailer.js';
import { dutchTime, englishTime, bilingual, notice, codeMail } from './format.js';

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
