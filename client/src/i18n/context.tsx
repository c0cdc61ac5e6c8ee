// The current language for components: `useI18n()` gives the language, `t`, a way to switch,
// and `rich` for messages whose parameters are elements (a <code> or a <time>).
import { createContext, type ComponentChildren } from 'preact';
import { useContext } from 'preact/hooks';
import { interpolate, message, type Lang, type MessageKey, type Translate } from './index';

export interface I18n {
  readonly lang: Lang;
  readonly locale: string;
  readonly t: Translate;
  readonly rich: (key: MessageKey, params: Readonly<Record<string, ComponentChildren>>) => ComponentChildren[];
  readonly setLang: (lang: Lang) => void;
}

export const I18nContext = createContext<I18n | null>(null);

export function useI18n(): I18n {
  const i18n = useContext(I18nContext);
  if (!i18n) throw new Error('useI18n() outside <I18nContext.Provider>');
  return i18n;
}

export function richMessage(lang: Lang) {
  return (key: MessageKey, params: Readonly<Record<string, ComponentChildren>>): ComponentChildren[] =>
    interpolate<ComponentChildren>(message(lang, key), params);
}
