// Entry point: styles, the language, the crypto engine (its worker starts when the page asks
// for it: app.tsx), then the app. Kept small: every page is its own chunk (app.tsx).
import './security/zod';
import './styles.css';
import { render } from 'preact';
import { App } from './app';
import { createCryptoEngine } from './crypto/engine';
import { initialLang } from './i18n';

const root = document.getElementById('app');
if (root) {
  const lang = initialLang();
  document.documentElement.lang = lang;
  render(<App engine={createCryptoEngine()} initialLang={lang} />, root);
}
