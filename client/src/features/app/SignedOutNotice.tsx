// Shown in place of any signed-in page once the session has ended elsewhere (signed out in
// another tab, expired, ended from another device, or the account was disabled). The keys
// are already gone from the worker by the time this appears.
import type { JSX } from 'preact';
import { useI18n } from '../../i18n/context';
import { Link } from '../../router';
import { PageHeading } from '../../ui/PageHeading';

export function SignedOutNotice(): JSX.Element {
  const { t } = useI18n();
  return (
    <section class="panel panel--notice" data-testid="signed-out-notice" role="alert">
      <PageHeading>{t('signedOut.title')}</PageHeading>
      <p>{t('signedOut.text')}</p>
      <p>
        <Link href="/login" class="button" testid="signed-out-sign-in">
          {t('signedOut.signIn')}
        </Link>
      </p>
    </section>
  );
}
