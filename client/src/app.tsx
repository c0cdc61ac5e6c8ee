// The app: language state, the frame, and the route table.
import type { JSX } from 'preact';
import { useLayoutEffect, useMemo, useState } from 'preact/hooks';
import type { CryptoEngine } from './crypto/engine';
import { HomePage } from './features/home/HomePage';
import { NotFoundPage } from './features/not-found/NotFoundPage';
import { SetupPage } from './features/setup/SetupPage';
import { LOCALES, storeLang, translator, type Lang } from './i18n';
import { I18nContext, richMessage, type I18n } from './i18n/context';
import { usePath } from './router';
import { Layout } from './ui/Layout';

export interface AppProps {
  readonly engine: CryptoEngine;
  readonly initialLang: Lang;
}

export function App({ engine, initialLang }: AppProps): JSX.Element {
  const [lang, setLang] = useState(initialLang);
  const path = usePath();

  // In the same commit as the new text, so the page is never read with the wrong language.
  useLayoutEffect(() => {
    document.documentElement.lang = lang;
  }, [lang]);

  const i18n = useMemo<I18n>(
    () => ({
      lang,
      locale: LOCALES[lang],
      t: translator(lang),
      rich: richMessage(lang),
      setLang: (next) => {
        storeLang(next);
        setLang(next);
      },
    }),
    [lang],
  );

  return (
    <I18nContext.Provider value={i18n}>
      <Layout>{route(path, engine)}</Layout>
    </I18nContext.Provider>
  );
}

function route(path: string, engine: CryptoEngine): JSX.Element {
  switch (path) {
    case '/':
      return <HomePage engine={engine} />;
    case '/setup':
      return <SetupPage />;
    default:
      return <NotFoundPage />;
  }
}
