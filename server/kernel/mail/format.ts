// What every mail of Coffer is made of: one language, the recipient's, with one line at the
// bottom that points a reader of the other language to Coffer's language switch; times in the
// office's time zone, written the way that language writes them; and the shape of a code mail.
// Links carry no query string (docs/protocol.md §15), so the other language is offered as a
// choice on the page, not as a parameter.
import type { Language } from '../../../shared/wire/index.js';
import type { MailMessage } from './mailer.js';

/** Whom a mail is written for: their language and the office's IANA time zone. */
export interface MailLocale {
  readonly lang: Language;
  readonly timeZone: string;
}

/** Text in each language; a builder writes both, the mail carries the reader's. */
export type InEachLanguage<T> = Readonly<Record<Language, T>>;

/** The time zone before an admin chose one (migrations/0012_languages.sql). */
const DEFAULT_TIME_ZONE = 'Europe/Amsterdam';

/** The office's time zone (its default before setup). */
export function officeTimeZone(office: { readonly timeZone: string } | undefined): string {
  return office?.timeZone ?? DEFAULT_TIME_ZONE;
}

/** A reader's language with the office's time zone. */
export function localeFor(lang: Language, office: { readonly timeZone: string } | undefined): MailLocale {
  return { lang, timeZone: officeTimeZone(office) };
}

const LOCALES: InEachLanguage<string> = { nl: 'nl-NL', en: 'en-GB' };

/** `Europe/Amsterdam` → `Amsterdam`, `America/Argentina/Buenos_Aires` → `Buenos Aires`, `UTC` → `UTC`. */
function placeOf(timeZone: string): string {
  return (timeZone.split('/').at(-1) ?? timeZone).replaceAll('_', ' ');
}

/** `22 januari 2026 om 10:00 (Amsterdam)` / `22 January 2026 at 10:00 (Amsterdam)`. */
export function mailTime(ms: number, locale: MailLocale): string {
  const text = new Intl.DateTimeFormat(LOCALES[locale.lang], {
    dateStyle: 'long',
    timeStyle: 'short',
    timeZone: locale.timeZone,
  }).format(ms);
  return `${text} (${placeOf(locale.timeZone)})`;
}

/** The closing line, written in the other language: how to read Coffer in it. */
const OTHER_LANGUAGE: InEachLanguage<{ link: string; page: string }> = {
  // In a Dutch mail: for the English reader.
  nl: {
    link: 'Read in English: open the link above and choose English at the top of the page.',
    page: 'Read in English: open Coffer and choose English at the top of the page.',
  },
  // In an English mail: for the Dutch reader.
  en: {
    link: 'Nederlandse versie: open de link hierboven en kies bovenaan de pagina Nederlands.',
    page: 'Nederlandse versie: open Coffer en kies bovenaan de pagina Nederlands.',
  },
};

const GREETING: InEachLanguage<string> = { nl: 'Goedendag,', en: 'Hello,' };

/**
 * A mail in the reader's language: a greeting, the body, and the closing line offering the
 * other language (`hasLink`: the body holds a link to a Coffer page the reader can open).
 */
export function localized(
  to: string,
  locale: MailLocale,
  content: InEachLanguage<{ subject: string; body: readonly string[] }>,
  hasLink: boolean,
): MailMessage {
  const { subject, body } = content[locale.lang];
  const other = OTHER_LANGUAGE[locale.lang];
  return {
    to,
    subject,
    text: [GREETING[locale.lang], '', ...body, '', '--', hasLink ? other.link : other.page, ''].join('\n'),
  };
}

/** A notice to a member of the office: what happened, the link to it, and the office's name. */
export function notice(
  to: string,
  locale: MailLocale,
  office: string,
  link: string,
  content: InEachLanguage<{ subject: string; body: readonly string[] }>,
): MailMessage {
  const tail = ['', `  ${link}`, '', `(${office})`];
  return localized(
    to,
    locale,
    {
      nl: { subject: content.nl.subject, body: [...content.nl.body, ...tail] },
      en: { subject: content.en.subject, body: [...content.en.body, ...tail] },
    },
    true,
  );
}

/** An e-mail code: why it was sent (ending "…enter this code on the page you have open:"), the code, how long it holds, and not to pass it on. */
export function codeMail(
  to: string,
  locale: MailLocale,
  options: { office: string; code: string; validMinutes: number; why: InEachLanguage<string> },
  subject: InEachLanguage<string>,
): MailMessage {
  const { office, code, validMinutes, why } = options;
  return localized(
    to,
    locale,
    {
      nl: {
        subject: subject.nl,
        body: [
          `${why.nl} Vul deze code in op de pagina die u open heeft:`,
          '',
          `  ${code}`,
          '',
          `De code is ${validMinutes} minuten geldig en werkt één keer. Geef hem aan niemand, ook niet aan iemand die zegt van ${office} te zijn.`,
          'Heeft u niet om een code gevraagd? Dan kunt u deze mail negeren.',
        ],
      },
      en: {
        subject: subject.en,
        body: [
          `${why.en} Enter this code on the page you have open:`,
          '',
          `  ${code}`,
          '',
          `The code is valid for ${validMinutes} minutes and works once. Give it to nobody, not even someone who says they are from ${office}.`,
          'Did you not ask for a code? Then you can ignore this mail.',
        ],
      },
    },
    false,
  );
}
