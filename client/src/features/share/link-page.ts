// What a page opened from a link in a mail has in common (a guest's link, a drop's upload
// page): the secret part after '#' (which follows `hashchange`, so a second link pasted into
// the same tab is read), one request at a time with a progress line, the last problem (numbered,
// so its alert takes focus again), a status line, and the e-mail code steps: "Send me a code"
// (nothing is mailed before the person presses it; when its answer is lost, the field for a
// code that may be on its way) and checking the six digits.
import { useEffect, useState } from 'preact/hooks';
import { mayHaveLanded } from '../../api/http';
import type { Translate } from '../../i18n';
import { errorMessage, isApiError, waitText } from '../../ui/errors';
import { normalizeEmailCode } from '../../ui/validate';
import { dropFragment, guestFragment } from './links';

interface LinkProblem<Field extends string> {
  readonly text: string;
  readonly field?: Field;
  readonly n: number;
}

export interface LinkPage<Field extends string> {
  /** The link's fragment, or null when it is missing or malformed. */
  readonly fragment: string | null;
  /** Changes when the person asks to try loading again. */
  readonly attempt: number;
  readonly retry: () => void;
  readonly busy: string | null;
  readonly setBusy: (text: string | null) => void;
  readonly problem: LinkProblem<Field> | null;
  readonly fail: (text: string, field?: Field) => void;
  readonly clearProblem: () => void;
  readonly status: string;
  readonly setStatus: (text: string) => void;
}

/** `kind` says which fragment shape the page reads: a guest link's or a drop link's. */
export function useLinkPage<Field extends string>(kind: 'guest' | 'drop'): LinkPage<Field> {
  const fragmentOf = kind === 'guest' ? guestFragment : dropFragment;
  const [fragment, setFragment] = useState(() => fragmentOf(location.hash));
  const [attempt, setAttempt] = useState(0);
  const [busy, setBusy] = useState<string | null>(null);
  const [problem, setProblem] = useState<LinkProblem<Field> | null>(null);
  const [status, setStatus] = useState('');

  useEffect(() => {
    const onHashChange = (): void => setFragment(fragmentOf(location.hash));
    addEventListener('hashchange', onHashChange);
    return () => removeEventListener('hashchange', onHashChange);
  }, [fragmentOf]);

  return {
    fragment,
    attempt,
    retry: () => setAttempt((n) => n + 1),
    busy,
    setBusy,
    problem,
    fail: (text, field) => setProblem((p) => ({ text, ...(field !== undefined ? { field } : {}), n: (p?.n ?? 0) + 1 })),
    clearProblem: () => setProblem(null),
    status,
    setStatus,
  };
}

/** What the code steps need of a page: its progress line, problem (at the code field) and status line. */
export type CodePage = Pick<LinkPage<'code'>, 'setBusy' | 'clearProblem' | 'setStatus' | 'fail'>;

export interface CodeStep {
  /** The page's own answers to a failure (the link ended, or is locked): true when it took care of it. */
  readonly linkError: (error: unknown) => boolean;
}

/** "Send me a code": the server mails it to the bound address; `sent` hears when. */
export async function requestEmailCode(
  page: CodePage,
  t: Translate,
  step: CodeStep & {
    readonly request: () => Promise<{ readonly sentAt: string }>;
    readonly maskedEmail: string;
    readonly deliveryFailed: string;
    /** `sentAt` null: the request got no answer (or a server error), so a code may or may not be on its way. */
    readonly sent: (sentAt: string | null) => void;
  },
): Promise<void> {
  page.setBusy(t('guest.sending'));
  page.clearProblem();
  page.setStatus('');
  try {
    const { sentAt } = await step.request();
    step.sent(sentAt);
    page.setStatus(t('guest.codeSent', { email: step.maskedEmail }));
  } catch (error) {
    if (step.linkError(error)) return;
    if (isApiError(error, 'rate_limited'))
      page.fail(t('guest.error.tooManyCodes', { wait: waitText(t, error.retryAfter) }));
    else if (isApiError(error, 'delivery_failed')) page.fail(step.deliveryFailed);
    else if (mayHaveLanded(error)) {
      // The code may have been mailed: asking again would make it useless (only the newest code
      // counts), so the person gets the field for it, and the button for a new one if none comes.
      // (The step's heading takes focus, and its notice says so.)
      step.sent(null);
    } else page.fail(errorMessage(t, error));
  } finally {
    page.setBusy(null);
  }
}

/** A wrong code: how many tries it has left, or that the last one was used. */
function wrongCodeText(t: Translate, triesLeft: number | null): string {
  if (triesLeft === null) return t('guest.error.code');
  return triesLeft === 0 ? t('guest.error.codeLastTry') : t('guest.error.codeWrong', { n: triesLeft });
}

/** The six digits as typed, checked by the server: its answer, or null (the page says why, at the code field). */
export async function verifyEmailCode<Answer>(
  page: CodePage,
  t: Translate,
  typed: string,
  step: CodeStep & { readonly verify: (digits: string) => Promise<Answer> },
): Promise<Answer | null> {
  const digits = normalizeEmailCode(typed);
  if (digits === null) {
    page.fail(t('guest.error.codeFormat'), 'code');
    return null;
  }
  page.setBusy(t('guest.verifying'));
  page.clearProblem();
  try {
    return await step.verify(digits);
  } catch (error) {
    if (step.linkError(error)) return null;
    if (isApiError(error, 'invalid_credentials')) page.fail(wrongCodeText(t, error.triesLeft), 'code');
    else if (isApiError(error, 'code_spent')) page.fail(t('guest.error.codeSpent'), 'code');
    else if (isApiError(error, 'rate_limited'))
      page.fail(t('error.rateLimited', { wait: waitText(t, error.retryAfter) }));
    else page.fail(errorMessage(t, error));
    return null;
  } finally {
    page.setBusy(null);
  }
}
