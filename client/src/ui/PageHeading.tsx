// The page's one h1. It also names the document (the browser tab, the history list) and,
// after an in-app navigation, takes focus so screen readers announce the new page.
import type { JSX } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import { useI18n } from '../i18n/context';
import { hasNavigatedInApp } from '../router';

export function PageHeading({ children }: { readonly children: string }): JSX.Element {
  const { t } = useI18n();
  const heading = useRef<HTMLHeadingElement>(null);

  useEffect(() => {
    document.title = `${children} · ${t('app.name')}`;
  }, [children, t]);

  useEffect(() => {
    if (hasNavigatedInApp()) heading.current?.focus();
  }, []);

  return (
    <h1 ref={heading} tabIndex={-1} class="page-heading">
      {children}
    </h1>
  );
}
