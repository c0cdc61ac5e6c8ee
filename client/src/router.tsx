// A tiny path router: the current path as state, `navigate` for in-app links (history API),
// and the back/forward buttons through popstate. Routes are matched in app.tsx.
import type { ComponentChildren, JSX } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';

export { nextPath } from './next-path';

const NAVIGATE_EVENT = 'coffer:navigate';
/** A link to the page already shown was followed (its menu item, say). */
const REOPEN_EVENT = 'coffer:reopen';

/** True once the user has moved between pages inside the app (not on the first load). */
let navigatedInApp = false;

export function hasNavigatedInApp(): boolean {
  return navigatedInApp;
}

/** The path without a trailing slash (except "/"), so /setup/ and /setup are the same page. */
function normalizePath(pathname: string): string {
  return pathname.length > 1 ? pathname.replace(/\/+$/, '') || '/' : pathname;
}

/** Moves to `href` without a reload. `replace` overwrites the current history entry (redirects). */
export function navigate(href: string, options: { readonly replace?: boolean } = {}): void {
  navigatedInApp = true;
  if (options.replace) history.replaceState(null, '', href);
  else history.pushState(null, '', href);
  dispatchEvent(new Event(NAVIGATE_EVENT));
}

export function usePath(): string {
  const [path, setPath] = useState(() => normalizePath(location.pathname));
  useEffect(() => {
    const update = (): void => setPath(normalizePath(location.pathname));
    const onPopState = (): void => {
      navigatedInApp = true;
      update();
    };
    addEventListener('popstate', onPopState);
    addEventListener(NAVIGATE_EVENT, update);
    return () => {
      removeEventListener('popstate', onPopState);
      removeEventListener(NAVIGATE_EVENT, update);
    };
  }, []);
  return path;
}

/**
 * Calls `onReopen` when a link to the page already shown is followed, which changes no path: a
 * page showing the end of a flow (a send's result) starts afresh, as the person expects.
 */
export function useReopen(onReopen: () => void): void {
  const latest = useRef(onReopen);
  latest.current = onReopen;
  useEffect(() => {
    const reopen = (): void => latest.current();
    addEventListener(REOPEN_EVENT, reopen);
    return () => removeEventListener(REOPEN_EVENT, reopen);
  }, []);
}

interface LinkProps {
  readonly href: string;
  readonly class?: string;
  readonly 'aria-label'?: string;
  readonly 'aria-current'?: 'page' | undefined;
  readonly testid?: string;
  readonly children: ComponentChildren;
}

/** An in-app link: a real <a href> (works with middle-click, copy link, no JavaScript), navigated without a reload. */
export function Link({ href, children, testid, ...rest }: LinkProps): JSX.Element {
  const onClick = (event: MouseEvent): void => {
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    if (href !== location.pathname + location.search + location.hash) navigate(href);
    else dispatchEvent(new Event(REOPEN_EVENT));
  };
  return (
    <a href={href} onClick={onClick} data-testid={testid} {...rest}>
      {children}
    </a>
  );
}
