// The app: language and session state, the frame, and the route table.
import type { JSX } from 'preact';
import { useEffect, useLayoutEffect, useMemo, useState } from 'preact/hooks';
import { EngineContext } from './crypto/context';
import type { CryptoEngine } from './crypto/engine';
import { AppGate } from './features/app/AppGate';
import { appRoute } from './features/app/sections';
import { DropUploadPage } from './features/drops/DropUploadPage';
import { GuestPage } from './features/guest/GuestPage';
import { dropIdOfPath, guestLinkId } from './features/share/links';
import { HomePage } from './features/home/HomePage';
import { InvitePage } from './features/invite/InvitePage';
import { LoginPage } from './features/login/LoginPage';
import { NotFoundPage } from './features/not-found/NotFoundPage';
import { RecoverPage } from './features/recover/RecoverPage';
import { SetupPage } from './features/setup/SetupPage';
import { LOCALES, storeLang, translator, type Lang } from './i18n';
import { I18nContext, richMessage, type I18n } from './i18n/context';
import { usePath } from './router';
import { SessionContext } from './session/context';
import { createSessionStore } from './session/store';
import { Layout } from './ui/Layout';

export interface AppProps {
  readonly engine: CryptoEngine;
  readonly initialLang: Lang;
}

export function App({ engine, initialLang }: AppProps): JSX.Element {
  const [lang, setLang] = useState(initialLang);
  const path = usePath();
  const session = useMemo(() => createSessionStore(engine), [engine]);

  useEffect(() => session.start(), [session]);

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
      <EngineContext.Provider value={engine}>
        <SessionContext.Provider value={session}>
          <Layout>{route(path, engine)}</Layout>
        </SessionContext.Provider>
      </EngineContext.Provider>
    </I18nContext.Provider>
  );
}

/**
 * Page paths (with /app/sent/<id>, /app/received/<id>, /app/drops/new, /app/drops/<id>, /s/<id>
 * and /d/<id>); server/routes.ts must serve index.html for each of them.
 */
function route(path: string, engine: CryptoEngine): JSX.Element {
  switch (path) {
    case '/':
      return <HomePage engine={engine} />;
    case '/setup':
      return <SetupPage />;
    case '/login':
      return <LoginPage />;
    case '/invite':
      return <InvitePage />;
    case '/recover':
      return <RecoverPage />;
  }
  if (guestLinkId(path) !== null) return <GuestPage key={path} path={path} />;
  if (dropIdOfPath(path) !== null) return <DropUploadPage key={path} path={path} />;
  const app = appRoute(path);
  if (app) return <AppGate route={app} path={path} />;
  return <NotFoundPage />;
}
