// Any path the app does not know.
import type { JSX } from 'preact';
import { useI18n } from '../../i18n/context';
import { Link } from '../../router';
import { PageHeading } from '../../ui/PageHeading';

export function NotFoundPage(): JSX.Element {
  const { t } = useI18n();
  return (
    <>
      <PageHeading>{t('notFound.title')}</PageHeading>
      <p>{t('notFound.text')}</p>
      <p>
        <Link href="/" class="button">
          {t('notFound.home')}
        </Link>
      </p>
    </>
  );
}
