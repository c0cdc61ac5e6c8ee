// The frame of every page: skip link, header (brand, the signed-in account, language switch),
// the main landmark the skip link points at, and the footer (its words depend on who reads it).
import type { ComponentChildren, JSX } from 'preact';
import logoUrl from '../assets/coffer-logo.svg';
import { useI18n } from '../i18n/context';
import { Link, navigate } from '../router';
import { useSession } from '../session/context';
import { LanguageSwitch } from './LanguageSwitch';
import { roleLabel } from './labels';

const MAIN_ID = 'main';

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
          <div class="site-header__end">
            <Account />
            <LanguageSwitch />
          </div>
        </div>
      </header>
      <main id={MAIN_ID} class="container site-main" tabIndex={-1}>
        {children}
      </main>
      <Footer />
    </>
  );
}

/**
 * The footer speaks to whoever reads it: "your office" only to the office's own people; clients,
 * guests and anyone signed out read what Coffer does with their documents.
 */
function Footer(): JSX.Element {
  const { t } = useI18n();
  const { state } = useSession();
  const staff = (state.kind === 'locked' || state.kind === 'unlocked') && state.info.me.role !== 'client';
  return (
    <footer class="site-footer">
      <div class="container">
        <p data-testid="footer-text">{t(staff ? 'footer.staff' : 'footer.visitor')}</p>
      </div>
    </footer>
  );
}

/** Who is signed in, and the way out. Nothing when signed out. */
function Account(): JSX.Element | null {
  const { t } = useI18n();
  const { state, store } = useSession();
  if (state.kind !== 'locked' && state.kind !== 'unlocked') return null;
  const { me } = state.info;
  const signOut = async (): Promise<void> => {
    await store.signOut();
    navigate('/login');
  };
  return (
    <div class="account" data-testid="account">
      <Link href="/app" class="account__who" testid="account-link">
        <span class="account__name" data-testid="account-name">
          {me.name}
        </span>
        <span class="account__role" data-testid="account-role">
          {roleLabel(t, me.role)}
        </span>
      </Link>
      <span class="account__actions">
        {state.kind === 'unlocked' && (
          <button
            type="button"
            class="button button--small button--secondary"
            onClick={() => void store.lock()}
            title={t('account.lock.hint')}
            data-testid="lock"
          >
            {t('account.lock')}
          </button>
        )}
        <button
          type="button"
          class="button button--small button--secondary"
          onClick={() => void signOut()}
          data-testid="sign-out"
        >
          {t('account.signOut')}
        </button>
      </span>
    </div>
  );
}
