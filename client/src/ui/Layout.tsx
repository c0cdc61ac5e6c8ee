// The frame of every page: skip link, header (product name, language switch), the main
// landmark the skip link points at, and the footer.
import type { ComponentChildren, JSX } from 'preact';
import logoUrl from '../assets/coffer-logo.svg';
import { useI18n } from '../i18n/context';
import { Link } from '../router';
import { LanguageSwitch } from './LanguageSwitch';

export const MAIN_ID = 'main';

export function Layout({ children }: { readonly children: ComponentChildren }): JSX.Element {
  const { t } = useI18n();
  return (
    <>
      <a class="skip-link" href={`#${MAIN_ID}`}>
        {t('skip.toMain')}
      </a>
      <header class="site-header">
        <div class="container site-header__inner">
          <Link href="/" class="brand" aria-label={t('nav.home')}>
            <img class="brand__logo" src={logoUrl} alt="" width={32} height={32} />
            <span class="brand__name">{t('app.name')}</span>
          </Link>
          <LanguageSwitch />
        </div>
      </header>
      <main id={MAIN_ID} class="container site-main" tabIndex={-1}>
        {children}
      </main>
      <footer class="site-footer">
        <div class="container">
          <p>{t('footer.text')}</p>
        </div>
      </footer>
    </>
  );
}
