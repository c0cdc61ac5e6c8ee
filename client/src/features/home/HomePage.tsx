// What Coffer is, and whether this browser can encrypt.
import type { JSX } from 'preact';
import type { CryptoEngine } from '../../crypto/engine';
import { useI18n } from '../../i18n/context';
import { EngineStatus } from '../../ui/EngineStatus';
import { PageHeading } from '../../ui/PageHeading';

export function HomePage({ engine }: { readonly engine: CryptoEngine }): JSX.Element {
  const { t } = useI18n();
  return (
    <>
      <PageHeading>{t('home.title')}</PageHeading>
      <p class="lead">{t('home.intro')}</p>
      <section class="panel" aria-labelledby="engine-heading">
        <h2 id="engine-heading" class="panel__heading">
          {t('home.engine.heading')}
        </h2>
        <EngineStatus engine={engine} />
      </section>
    </>
  );
}
