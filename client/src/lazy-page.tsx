// Pages loaded on demand: each page is its own chunk, fetched the first time it is shown, so a
// guest opening a link downloads the guest page and not the office's admin screens.
import type { ComponentType, JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { useI18n } from './i18n/context';
import { ErrorAlert } from './ui/Alert';
import { PageHeading } from './ui/PageHeading';

/**
 * A component that renders the page `load` resolves to. Nothing is shown while its chunk
 * loads (usually a moment; a spinner would only flash). If the chunk cannot be fetched (no
 * connection, or a new release replaced the files this page was built with), the page says
 * so and offers to reload; the next render tries again.
 */
export function lazyPage<P extends object>(load: () => Promise<ComponentType<P>>): ComponentType<P> {
  let loaded: ComponentType<P> | null = null;
  let loading: Promise<ComponentType<P>> | null = null;
  const start = (): Promise<ComponentType<P>> =>
    (loading ??= load().then(
      (component) => (loaded = component),
      (error: unknown) => {
        loading = null;
        throw error;
      },
    ));

  return function LazyPage(props: P): JSX.Element | null {
    const [Page, setPage] = useState<ComponentType<P> | null>(() => loaded);
    const [failed, setFailed] = useState(false);
    useEffect(() => {
      if (Page) return;
      let current = true;
      start().then(
        (component) => current && setPage(() => component),
        () => current && setFailed(true),
      );
      return () => {
        current = false;
      };
    }, [Page]);
    if (Page) return <Page {...props} />;
    return failed ? <PageLoadFailed /> : null;
  };
}

function PageLoadFailed(): JSX.Element {
  const { t } = useI18n();
  return (
    <>
      <PageHeading>{t('app.pageFailed.title')}</PageHeading>
      <ErrorAlert testid="page-load-failed">
        <p>{t('app.pageFailed')}</p>
        <button type="button" class="button button--secondary" onClick={() => location.reload()}>
          {t('app.pageFailed.reload')}
        </button>
      </ErrorAlert>
    </>
  );
}
