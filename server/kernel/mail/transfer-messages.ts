// The mails about sending files and drops, each in its reader's language
// (server/kernel/mail/format.ts) and naming the office.
import type { MailMessage } from './mailer.js';
import { codeMail, localized, mailTime, notice, type MailLocale } from './format.js';

// ---- sending files. None of these carries a file name, a key or (except the code mail itself)
// a code, and only guestLinkMail a link secret: the link the sender's browser handed over for a
// guest whom an access code guards (docs/threat-model.md, "Who delivers a link").

/** An account recipient: something was shared with them; the link opens their own Coffer page. */
export function shareNotificationMail(options: {
  to: string;
  locale: MailLocale;
  office: string;
  sender: string;
  link: string;
  expiresAt: number;
}): MailMessage {
  const { to, locale, office, sender, link, expiresAt } = options;
  const until = mailTime(expiresAt, locale);
  return localized(
    to,
    locale,
    {
      nl: {
        subject: `${sender} (${office}) heeft documenten met u gedeeld`,
        body: [
          `${sender} van ${office} heeft via Coffer documenten met u gedeeld. Meld u aan en open ze hier:`,
          '',
          `  ${link}`,
          '',
          `Ze zijn beschikbaar tot ${until}.`,
        ],
      },
      en: {
        subject: `${sender} (${office}) shared documents with you`,
        body: [
          `${sender} of ${office} shared documents with you through Coffer. Sign in and open them here:`,
          '',
          `  ${link}`,
          '',
          `They are available until ${until}.`,
        ],
      },
    },
    true,
  );
}

/**
 * A batch's reminder (docs/operations.md "Batch reminders"): a recipient who has not downloaded
 * yet. No link at all: the server holds none for a guest (the link secret stayed with the sender
 * and the first mail), and an account finds the documents by signing in.
 */
export function batchReminderMail(options: {
  to: string;
  locale: MailLocale;
  office: string;
  sender: string;
  kind: 'client' | 'member' | 'guest';
  sentAt: number;
  expiresAt: number;
}): MailMessage {
  const { to, locale, office, sender, kind, sentAt, expiresAt } = options;
  const sent = mailTime(sentAt, locale);
  const until = mailTime(expiresAt, locale);
  const where = {
    nl: {
      client: `U vindt ze in Coffer: meld u aan en kijk onder "Met u gedeeld door ${office}".`,
      member: 'U vindt ze in Coffer: meld u aan en kijk onder "Postvak IN".',
      guest:
        'U vindt ze via de link in de eerdere e-mail over deze documenten. Hebt u die niet meer, vraag dan het kantoor om een nieuwe.',
    }[kind],
    en: {
      client: `You find them in Coffer: sign in and look under "Shared with you by ${office}".`,
      member: 'You find them in Coffer: sign in and look under "Inbox".',
      guest:
        'You find them through the link in the earlier e-mail about these documents. If you no longer have it, ask the office for a new one.',
    }[kind],
  };
  return localized(
    to,
    locale,
    {
      nl: {
        subject: `Herinnering: documenten van ${sender} (${office})`,
        body: [
          `${sender} van ${office} heeft op ${sent} via Coffer documenten voor u klaargezet. U hebt ze nog niet gedownload.`,
          '',
          where.nl,
          '',
          `Ze zijn beschikbaar tot ${until}.`,
        ],
      },
      en: {
        subject: `Reminder: documents from ${sender} (${office})`,
        body: [
          `${sender} of ${office} made documents available to you through Coffer on ${sent}. You have not downloaded them yet.`,
          '',
          where.en,
          '',
          `They are available until ${until}.`,
        ],
      },
    },
    false,
  );
}

/**
 * A guest with an access code: Coffer mails the full link itself, from the office, because the
 * link with everything the server holds opens nothing without the access code
 * (docs/threat-model.md, "Who delivers a link"). It says the code comes from the sender by
 * another way, and never carries it. Built, sent once, and never queued or stored.
 */
export function guestLinkMail(options: {
  to: string;
  locale: MailLocale;
  office: string;
  sender: string;
  link: string;
  expiresAt: number;
}): MailMessage {
  const { to, locale, office, sender, link, expiresAt } = options;
  const until = mailTime(expiresAt, locale);
  return localized(
    to,
    locale,
    {
      nl: {
        subject: `${sender} (${office}) heeft documenten met u gedeeld`,
        body: [
          `${sender} van ${office} heeft via Coffer documenten met u gedeeld. Open ze met deze link:`,
          '',
          `  ${link}`,
          '',
          'U hebt ook een toegangscode nodig. Die staat niet in deze mail: ' +
            `${sender} geeft u de code apart, bijvoorbeeld telefonisch. Vraag erom als u hem nog niet hebt.`,
          'Coffer stuurt u daarnaast een code naar dit adres zodra u op de pagina daarom vraagt.',
          '',
          `De documenten zijn beschikbaar tot ${until}.`,
        ],
      },
      en: {
        subject: `${sender} (${office}) shared documents with you`,
        body: [
          `${sender} of ${office} shared documents with you through Coffer. Open them with this link:`,
          '',
          `  ${link}`,
          '',
          'You also need an access code. It is not in this mail: ' +
            `${sender} gives it to you separately, for example by phone. Ask for it if you do not have it yet.`,
          'Coffer also sends a code to this address when you ask for one on the page.',
          '',
          `The documents are available until ${until}.`,
        ],
      },
    },
    true,
  );
}

/** A guest's e-mail code: it proves they can read this mailbox. Valid 10 minutes, once. */
export function emailCodeMail(options: {
  to: string;
  locale: MailLocale;
  office: string;
  sender: string;
  code: string;
  validMinutes: number;
}): MailMessage {
  const { to, locale, office, sender } = options;
  return codeMail(
    to,
    locale,
    {
      ...options,
      why: {
        nl: `U wilt documenten openen die ${sender} van ${office} met u deelde.`,
        en: `You want to open documents that ${sender} of ${office} shared with you.`,
      },
    },
    { nl: `Uw code voor de documenten van ${office}`, en: `Your code for the documents from ${office}` },
  );
}

/** The sender: a recipient typed too many wrong codes and is locked until the sender unlocks them. */
export function recipientLockedMail(options: {
  to: string;
  locale: MailLocale;
  office: string;
  recipient: string;
  link: string;
}): MailMessage {
  const { to, locale, office, recipient, link } = options;
  return notice(to, locale, office, link, {
    nl: {
      subject: `Coffer: ontvanger ${recipient} is geblokkeerd`,
      body: [
        `Voor uw gedeelde documenten is te vaak een verkeerde code ingevuld door of namens ${recipient}.`,
        'De link van deze ontvanger is geblokkeerd. Controleer bij de ontvanger of zij het zelf waren, en hef de blokkade daarna op:',
      ],
    },
    en: {
      subject: `Coffer: recipient ${recipient} is locked`,
      body: [
        `A wrong code was entered too often for your shared documents, by or for ${recipient}.`,
        "This recipient's link is locked. Check with the recipient that it was them, then unlock it:",
      ],
    },
  });
}

/** The sender asked for a receipt: a recipient downloaded for the first time. */
export function downloadReceiptMail(options: {
  to: string;
  locale: MailLocale;
  office: string;
  recipient: string;
  at: number;
  link: string;
}): MailMessage {
  const { to, locale, office, recipient, at, link } = options;
  const when = mailTime(at, locale);
  return notice(to, locale, office, link, {
    nl: {
      subject: `Coffer: ${recipient} heeft gedownload`,
      body: [`${recipient} heeft op ${when} voor het eerst documenten gedownload die u deelde. Details:`],
    },
    en: {
      subject: `Coffer: ${recipient} downloaded`,
      body: [`${recipient} first downloaded documents you shared on ${when}. Details:`],
    },
  });
}

// ---- drops. None of these carries a file name, the drop's label, a key, D or (except the code
// mail itself) a code: the server knows none of them but the code. Only bound drops mail their
// uploader; an open drop never does (otherwise anyone holding its link could make Coffer mail
// anyone). Arrivals are mailed to the office only (server/kernel/mail/alerts.ts).

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
export function dropCodeMail(options: {
  to: string;
  locale: MailLocale;
  office: string;
  code: string;
  validMinutes: number;
}): MailMessage {
  const { to, locale, office } = options;
  return codeMail(
    to,
    locale,
    {
      ...options,
      why: {
        nl: `U wilt via Coffer documenten naar ${office} sturen.`,
        en: `You want to send documents to ${office} through Coffer.`,
      },
    },
    { nl: `Uw code om documenten naar ${office} te sturen`, en: `Your code to send documents to ${office}` },
  );
}

/**
 * Whoever a drop's alerts are for: something arrived. Counts and sizes only; the names are sealed,
 * and nothing the uploader typed is in it. `via`: a bound drop's link, an open one's (whose mails
 * are coalesced: `quietMinutes` says for how long further arrivals are not mailed), or a
 * client's portal.
 */
export function dropReceivedMail(options: {
  to: string;
  locale: MailLocale;
  office: string;
  files: number;
  bytes: number;
  at: number;
  link: string;
  via: 'bound' | 'open' | 'portal';
  quietMinutes: number;
}): MailMessage {
  const { to, locale, office, files, bytes, at, link, via, quietMinutes } = options;
  const when = mailTime(at, locale);
  const nlFiles = `${files} ${files === 1 ? 'bestand' : 'bestanden'} (${sizeText(bytes, 'nl')})`;
  const enFiles = `${files} ${files === 1 ? 'file' : 'files'} (${sizeText(bytes, 'en')})`;
  const nlVia = { bound: 'een van uw uploadlinks', open: 'een open uploadlink', portal: 'het klantportaal' }[via];
  const enVia = { bound: 'one of your upload links', open: 'an open upload link', portal: "a client's portal" }[via];
  return notice(to, locale, office, link, {
    nl: {
      subject: 'Coffer: er zijn documenten voor u binnengekomen',
      body: [
        `Via ${nlVia} ${files === 1 ? 'is' : 'zijn'} op ${when} ${nlFiles} binnengekomen. Bekijk ${files === 1 ? 'het' : 'ze'} hier:`,
        ...(via === 'open'
          ? [
              `Wat de komende ${quietMinutes} minuten via deze link binnenkomt, mailt Coffer niet apart; u ziet het op dezelfde pagina.`,
            ]
          : []),
      ],
    },
    en: {
      subject: 'Coffer: documents arrived for you',
      body: [
        `${enFiles} arrived through ${enVia} on ${when}. See ${files === 1 ? 'it' : 'them'} here:`,
        ...(via === 'open'
          ? [
              `What arrives through this link in the next ${quietMinutes} minutes is not mailed separately; you see it on the same page.`,
            ]
          : []),
      ],
    },
  });
}

/** The uploader of a bound drop asked for a receipt: the receipt code, the files' sizes and the time. */
export function dropReceiptMail(options: {
  to: string;
  locale: MailLocale;
  office: string;
  receiptCode: string;
  sizes: readonly number[];
  at: number;
}): MailMessage {
  const { to, locale, office, receiptCode, sizes, at } = options;
  const when = mailTime(at, locale);
  const list = (language: 'nl' | 'en') => sizes.map((size, i) => `  ${i + 1}. ${sizeText(size, language)}`);
  return localized(
    to,
    locale,
    {
      nl: {
        subject: `Ontvangstbewijs: uw documenten zijn bij ${office}`,
        body: [
          `${office} heeft op ${when} ${sizes.length} ${sizes.length === 1 ? 'bestand' : 'bestanden'} van u ontvangen:`,
          '',
          ...list('nl'),
          '',
          `Ontvangstcode: ${receiptCode}`,
          '',
          'Het kantoor ziet dezelfde code bij uw documenten. De namen van uw bestanden staan niet in deze mail: alleen het kantoor kan ze lezen.',
        ],
      },
      en: {
        subject: `Receipt: your documents reached ${office}`,
        body: [
          `${office} received ${sizes.length} ${sizes.length === 1 ? 'file' : 'files'} from you on ${when}:`,
          '',
          ...list('en'),
          '',
          `Receipt code: ${receiptCode}`,
          '',
          'The office sees the same code with your documents. Your files are not named in this mail: only the office can read their names.',
        ],
      },
    },
    false,
  );
}

/** The owner: too many wrong codes were entered for a bound drop, which is locked until a member unlocks it. */
export function dropLockedMail(options: {
  to: string;
  locale: MailLocale;
  office: string;
  recipient: string;
  link: string;
}): MailMessage {
  const { to, locale, office, recipient, link } = options;
  return notice(to, locale, office, link, {
    nl: {
      subject: `Coffer: uploadlink voor ${recipient} is geblokkeerd`,
      body: [
        `Voor uw uploadlink is te vaak een verkeerde code ingevuld, door of namens ${recipient}. De link is geblokkeerd.`,
        'Controleer bij de klant of zij het zelf waren, en hef de blokkade daarna op:',
      ],
    },
    en: {
      subject: `Coffer: upload link for ${recipient} is locked`,
      body: [
        `A wrong code was entered too often for your upload link, by or for ${recipient}. The link is locked.`,
        'Check with the client that it was them, then unlock it:',
      ],
    },
  });
}
