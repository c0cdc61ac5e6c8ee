// /setup#<token>: the link `npm run coffer -- setup-link` prints for the first administrator.
// For now the page only checks the link (the server changes nothing) and says until when it
// is valid; creating the administrator comes with the next release.
//
// The token stays in the fragment, which browsers never send to a server; it is posted in a
// request body, never put in a URL, and never logged.
import type { JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { ApiError } from '../../api/http';
import { SETUP_LINK_INVALID, setupTokenFromHash, verifySetupLink } from '../../api/setup';
import { useI18n } from '../../i18n/context';
import { PageHeading } from '../../ui/PageHeading';

type Check =
  | { readonly kind: 'checking' }
  | { readonly kind: 'valid'; readonly expiresAt: Date }
  | { readonly kind: 'invalid' }
  /** No usable answer (offline, server error, rate limit): the link may well be fine. */
  | { readonly kind: 'unavailable' };

export const SETUP_COMMAND = 'npm run coffer -- setup-link';

export function SetupPage(): JSX.Element {
  const { t } = useI18n();
  const [token, setToken] = useState(() => setupTokenFromHash(location.hash));
  const [check, setCheck] = useState<Check>(() => (token === null ? { kind: 'invalid' } : { kind: 'checking' }));
  const [attempt, setAttempt] = useState(0);

  // A second link pasted into the same tab changes only the fragment: no reload.
  useEffect(() => {
    const onHashChange = (): void => setToken(setupTokenFromHash(location.hash));
    addEventListener('hashchange', onHashChange);
    return () => removeEventListener('hashchange', onHashChange);
  }, []);

  useEffect(() => {
    if (token === null) {
      setCheck({ kind: 'invalid' });
      return;
    }
    const controller = new AbortController();
    setCheck({ kind: 'checking' });
    verifySetupLink(token, { signal: controller.signal }).then(
      ({ expiresAt }) => setCheck({ kind: 'valid', expiresAt }),
      (error: unknown) => {
        if (controller.signal.aborted) return;
        const invalid = error instanceof ApiError && error.code === SETUP_LINK_INVALID;
        setCheck({ kind: invalid ? 'invalid' : 'unavailable' });
      },
    );
    return () => controller.abort();
  }, [token, attempt]);

  return (
    <>
      <PageHeading>{t('setup.title')}</PageHeading>
      <div class="panel" role="status" data-testid="setup-status" data-state={check.kind}>
        <SetupCheckMessage check={check} />
      </div>
      {check.kind === 'unavailable' && (
        <p>
          <button type="button" class="button" onClick={() => setAttempt((n) => n + 1)}>
            {t('setup.retry')}
          </button>
        </p>
      )}
    </>
  );
}

function SetupCheckMessage({ check }: { readonly check: Check }): JSX.Element {
  const { t, rich, locale } = useI18n();
  switch (check.kind) {
    case 'checking':
      return <p class="status-text status-text--busy">{t('setup.checking')}</p>;
    case 'valid': {
      const expiresAt = new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeStyle: 'short' }).format(
        check.expiresAt,
      );
      return (
        <p class="status-text status-text--ok">
          {rich('setup.valid', { expiresAt: <time dateTime={check.expiresAt.toISOString()}>{expiresAt}</time> })}
        </p>
      );
    }
    case 'invalid':
      return (
        <p class="status-text status-text--error">
          {rich('setup.invalid', { command: <code translate={false}>{SETUP_COMMAND}</code> })}
        </p>
      );
    case 'unavailable':
      return <p class="status-text status-text--error">{t('setup.unavailable')}</p>;
  }
}
