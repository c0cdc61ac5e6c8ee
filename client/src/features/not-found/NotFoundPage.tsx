// Any path the app does not know (the server answers such a page request with index.html and
// status 404, see server/pages/routes.ts). The way back: the app's start page for someone signed
// in, the home page otherwise.
import type { JSX } from 'preact';
import { useEffect } from 'preact/hooks';
import { useI18n } from '../../i18n/context';
import { Link } from '../../router';
import { useSession } from '../../session/context';
import { PageHeading } from '../../ui/PageHeading';

export function NotFoundPage(): JSX.Element {
  const { t } = useI18n();
  const { state, store } = useSession();
  useEffect(() => store.check(), [store]);
  const signedIn = state.kind === 'locked' || state.kind === 'unlocked';
  return (
    <div data-testid="not-found">
      <PageHeading>{t('notFound.title')}</PageHeading>
      <p>{t(signedIn ? 'notFound.textSignedIn' : 'notFound.text')}</p>
      <p>
        {signedIn ? (
          <Link href="/app" class="button" testid="not-found-back">
            {t('notFound.toApp')}
          </Link>
        ) : (
          <Link href="/" class="button" testid="not-found-back">
            {t('notFound.home')}
          </Link>
        )}
      </p>
    </div>
  );
}
