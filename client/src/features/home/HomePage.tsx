// What Coffer is, whether this browser can encrypt, and the way in.
import type { JSX } from 'preact';
import type { CryptoEngine } from '../../crypto/engine';
import { useI18n } from '../../i18n/context';
import { Link } from '../../router';
import { useSession } from '../../session/context';
import { EngineStatus } from '../../ui/EngineStatus';
import { PageHeading } from '../../ui/PageHeading';

export function HomePage({ engine }: { readonly engine: CryptoEngine }): JSX.Element {
  const { t } = useI18n();
  const { state } = useSession();
  const signedIn = state.kind === 'locked' || state.kind === 'unlocked';
  return (
    <>
      <PageHeading>{t('home.title')}</PageHeading>
      <p class="lead">{t('home.intro')}</p>
      <p class="button-row home__actions">
        {signedIn ? (
          <Link href="/app" class="button" testid="home-app">
            {t('home.toApp')}
          </Link>
        ) : (
          <Link href="/login" class="button" testid="home-sign-in">
            {t('home.signIn')}
          </Link>
        )}
      </p>
      <section class="panel" aria-labelledby="engine-heading">
        <h2 id="engine-heading" class="panel__heading">
          {t('home.engine.heading')}
        </h2>
        <EngineStatus engine={engine} />
      </section>
    </>
  );
}
