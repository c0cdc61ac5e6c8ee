// Entry point: styles, the crypto worker (started at once: every flow needs it, and a
// browser that cannot run it should say so on the first page), the language, then the app.
import './security/zod';
import './styles.css';
import { render } from 'preact';
import { App } from './app';
import { startCryptoEngine } from './crypto/engine';
import { initialLang } from './i18n';

const root = document.getElementById('app');
if (root) {
  const lang = initialLang();
  document.documentElement.lang = lang;
  render(<App engine={startCryptoEngine()} initialLang={lang} />, root);
}
