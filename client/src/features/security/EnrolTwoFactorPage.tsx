// The only page a member sees while the office requires two-factor sign-in and they have
// not set it up (the server refuses everything else with `two_factor_required`).
import type { JSX } from 'preact';
import { useI18n } from '../../i18n/context';
import { useSession } from '../../session/context';
import { PageHeading } from '../../ui/PageHeading';
import { TwoFactorEnrol } from './TwoFactorEnrol';

export function EnrolTwoFactorPage(): JSX.Element {
  const { t } = useI18n();
  const { state, store } = useSession();
  const email = state.kind === 'unlocked' || state.kind === 'locked' ? state.info.me.email : '';
  return (
    <section class="narrow" data-testid="enrol-two-factor-page">
      <PageHeading>{t('enrol.title')}</PageHeading>
      <p class="lead">{t('enrol.intro')}</p>
      <div class="panel">
        <TwoFactorEnrol email={email} onDone={() => void store.refresh()} />
      </div>
    </section>
  );
}
