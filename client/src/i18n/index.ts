// Languages, message lookup and `{name}` interpolation. Dutch for any browser that prefers a
// Dutch variant (nl, nl-NL, nl-BE), English otherwise; a choice made with the language switch
// is kept in localStorage and wins over the browser's preference.
import { en, enPlurals, type MessageKey, type Messages, type PluralKey, type PluralMessages } from './en';
import { nl, nlPlurals } from './nl';

export type { MessageKey } from './en';

export const LANGS = ['nl', 'en'] as const;
export type Lang = (typeof LANGS)[number];

const catalogs: Record<Lang, Messages> = { en, nl };
const pluralCatalogs: Record<Lang, PluralMessages> = { en: enPlurals, nl: nlPlurals };
const STORAGE_KEY = 'coffer.lang';

/** BCP 47 locale for dates and numbers in each language. */
export const LOCALES: Record<Lang, string> = { nl: 'nl-NL', en: 'en-GB' };

type Params = Readonly<Record<string, string | number>>;

function isLang(value: unknown): value is Lang {
  return (LANGS as readonly unknown[]).includes(value);
}

export function langFromPreferences(preferred: readonly string[]): Lang {
  return preferred.some((tag) => /^nl(?:-|$)/i.test(tag)) ? 'nl' : 'en';
}

/** The stored choice if there is one, else the browser's preference. */
export function initialLang(): Lang {
  try {
    const stored = localStorage.getItem(STORAGE_KEY);
    if (isLang(stored)) return stored;
  } catch {
    // Storage can be disabled (privacy settings); the browser's preference still works.
  }
  const preferred = navigator.languages.length > 0 ? navigator.languages : [navigator.language];
  return langFromPreferences(preferred);
}

/**
 * The language the page is shown in now (App keeps `<html lang>` in step with the switch), for
 * requests that make the server write a mail in it: a drop's code and receipt, a guest's code.
 */
export function pageLang(): Lang {
  const current = document.documentElement.lang;
  return isLang(current) ? current : 'en';
}

export function storeLang(lang: Lang): void {
  try {
    localStorage.setItem(STORAGE_KEY, lang);
  } catch {
    // Not remembered across visits; the switch still works for this page.
  }
}

/** A value that already ends a sentence: the message's own full stop after it is left out. */
const ENDS_SENTENCE = /[.!?…]$/u;

/**
 * Splits a message at its `{name}` placeholders and fills them from `params`. Values may be
 * any type (strings for t(), elements for rich messages); a placeholder without a value is
 * kept as written, so a missing parameter is visible rather than silently empty. A text value
 * that ends in a full stop (a company name such as "Bakkerij Smit B.V.") takes the place of the
 * message's full stop right after it, so no sentence ends in "B.V..".
 */
export function interpolate<T>(template: string, params: Readonly<Record<string, T>>): (string | T)[] {
  const parts: (string | T)[] = [];
  let last = 0;
  for (const match of template.matchAll(/\{(\w+)\}/g)) {
    const name = match[1] ?? '';
    if (!Object.hasOwn(params, name)) continue;
    const value = params[name] as T;
    parts.push(template.slice(last, match.index), value);
    last = match.index + match[0].length;
    if (typeof value === 'string' && ENDS_SENTENCE.test(value) && template[last] === '.') last++;
  }
  parts.push(template.slice(last));
  return parts.filter((part) => part !== '');
}

/** Fills a message; a plural message takes its count as `n` and picks its form by it. */
export interface Translate {
  (key: MessageKey, params?: Params): string;
  (key: PluralKey, params: Params & { readonly n: number }): string;
}

function isPluralKey(key: string): key is PluralKey {
  return Object.hasOwn(enPlurals, key);
}

/**
 * The form of a plural message for `n` in `lang`: Intl.PluralRules names the category (Dutch
 * and English have `one` and `other`); a category the catalog has no form for takes `other`.
 */
function pluralForm(lang: Lang, key: PluralKey, n: number): string {
  const forms = pluralCatalogs[lang][key];
  return new Intl.PluralRules(LOCALES[lang]).select(n) === 'one' ? forms.one : forms.other;
}

export function translator(lang: Lang): Translate {
  const catalog = catalogs[lang];
  return (key: MessageKey | PluralKey, params?: Params): string => {
    const template = isPluralKey(key) ? pluralForm(lang, key, Number(params?.['n'])) : catalog[key];
    return params ? interpolate(template, params).join('') : template;
  };
}

/** The raw message, for rich rendering with elements as parameters. */
export function message(lang: Lang, key: MessageKey): string {
  return catalogs[lang][key];
}
