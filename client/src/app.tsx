// The app: language and session state, the frame, and the route table.
import type { JSX } from 'preact';
import { useEffect, useLayoutEffect, useMemo, useState } from 'preact/hooks';
import { EngineContext } from './crypto/context';
import type { CryptoEngine } from './crypto/engine';
import { appRoute } from './features/app/sections';
import { dropIdOfPath, guestLinkId } from './features/share/links';
import { LOCALES, storeLang, translator, type Lang } from './i18n';
import { I18nContext, richMessage, type I18n } from './i18n/context';
import { lazyPage } from './lazy-page';
import { usePath } from './router';
import { SessionContext } from './session/context';
import { createSessionStore } from './session/store';
import { Layout } from './ui/Layout';

// Each page is its own chunk (lazy-page.tsx): a guest's phone fetches the guest page, not the
// office's. Everything under /app is one more chunk, split further by AppGate.
const AppGate = lazyPage(() => import('./features/app/AppGate').then((m) => m.AppGate));
const DropUploadPage = lazyPage(() => import('./features/drops/DropUploadPage').then((m) => m.DropUploadPage));
const GuestPage = lazyPage(() => import('./features/guest/GuestPage').then((m) => m.GuestPage));
const HomePage = lazyPage(() => import('./features/home/HomePage').then((m) => m.HomePage));
const InvitePage = lazyPage(() => import('./features/invite/InvitePage').then((m) => m.InvitePage));
const LoginPage = lazyPage(() => import('./features/login/LoginPage').then((m) => m.LoginPage));
const NotFoundPage = lazyPage(() => import('./features/not-found/NotFoundPage').then((m) => m.NotFoundPage));
const RecoverPage = lazyPage(() => import('./features/recover/RecoverPage').then((m) => m.RecoverPage));
const SetupPage = lazyPage(() => import('./features/setup/SetupPage').then((m) => m.SetupPage));

export interface AppProps {
  readonly engine: CryptoEngine;
  readonly initialLang: Lang;
}

export function App({ engine, initialLang }: AppProps): JSX.Element {
  const [lang, setLang] = useState(initialLang);
  const path = usePath();
  const session = useMemo(() => createSessionStore(engine), [engine]);

  useEffect(() => session.start(), [session]);

  // The crypto worker (libsodium) is most of what a page downloads. Most pages use it at once
  // (or show its state), so it starts loading with the page. The pages people open from a mail
  // on a phone start it themselves once their first control is on the screen, so that the page
  // comes first: the guest page and a bound drop's page once "Send me a code" can be pressed
  // (asking for a code needs no crypto), the sign-in page once it is shown (the password is
  // typed while the worker loads), the invitation page once the invitation and its form are
  // shown (the office key is checked while the name and password are typed).
  const startsItself =
    guestLinkId(path) !== null || dropIdOfPath(path) !== null || path === '/login' || path === '/invite';
  useEffect(() => {
    if (!startsItself) engine.start();
  }, [startsItself, engine]);

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
