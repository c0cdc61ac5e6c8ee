// What every mail of Coffer is made of: both languages in one message, Dutch first, times in
// both notations, and the shape of a code mail.
import type { MailMessage } from './mailer.js';

/** `22-01-2026 09:00 UTC` / `2026-01-22 09:00 UTC` */
export function dutchTime(ms: number): string {
  const iso = new Date(ms).toISOString();
  return `${iso.slice(8, 10)}-${iso.slice(5, 7)}-${iso.slice(0, 4)} ${iso.slice(11, 16)} UTC`;
}
export function englishTime(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

const RULE = '----------------------------------------------------------------------';

export function bilingual(
  to: string,
  subject: { nl: string; en: string },
  nl: readonly string[],
  en: readonly string[],
): MailMessage {
  return { to, subject: `${subject.nl} / ${subject.en}`, text: [...nl, '', RULE, '', ...en, ''].join('\n') };
}

/** A notice to a member of the office: a greeting, what happened, the link to it, and the office's name. */
export function notice(
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
export function codeMail(
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
