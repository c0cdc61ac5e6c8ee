// The token of a setup or invitation link, checked with the server. The token lives in the
// fragment (`#<token>`), which browsers never send to a server; a second link pasted into the
// same tab changes only the fragment, without a reload, so the token follows `hashchange`.
import { useEffect, useState } from 'preact/hooks';
import { ApiError, type RequestOptions } from '../api/http';
import { tokenFromHash } from '../api/setup';
import { useLoad } from './load';

export type LinkCheck<Answer> =
  | { readonly kind: 'checking' }
  | { readonly kind: 'valid'; readonly answer: Answer }
  /** The server refused the token: unknown, used or expired. */
  | { readonly kind: 'invalid' }
  /** No usable answer (offline, server error, rate limit): the link may well be fine. */
  | { readonly kind: 'unavailable' };

/**
 * `check` asks the server about a token; a refusal with the error code `invalidCode` makes the
 * link invalid, any other failure leaves it unavailable until `retry`. All three are fixed for a
 * page; `readToken` finds the token in the fragment (an invitation's also carries a fingerprint).
 */
export function useLinkCheck<Answer>(
  check: (token: string, options: RequestOptions) => Promise<Answer>,
  invalidCode: string,
  readToken: (hash: string) => string | null = tokenFromHash,
): { readonly token: string | null; readonly check: LinkCheck<Answer>; readonly retry: () => void } {
  const [token, setToken] = useState(() => readToken(location.hash));
  const [state, setState] = useState<LinkCheck<Answer>>(() =>
    token === null ? { kind: 'invalid' } : { kind: 'checking' },
  );
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    const onHashChange = (): void => setToken(readToken(location.hash));
    addEventListener('hashchange', onHashChange);
    return () => removeEventListener('hashchange', onHashChange);
  }, []);

  useEffect(() => setState(token === null ? { kind: 'invalid' } : { kind: 'checking' }), [token, attempt]);
  useLoad(token === null ? null : (signal) => check(token, { signal }), [token, attempt], {
    onLoad: (answer) => setState({ kind: 'valid', answer }),
    onError: (error) =>
      setState({ kind: error instanceof ApiError && error.code === invalidCode ? 'invalid' : 'unavailable' }),
  });

  return { token, check: state, retry: () => setAttempt((n) => n + 1) };
}
