// What a page opened from a link shows before it can do anything: loading, or why it cannot
// (the link is incomplete, unknown, or could not be checked right now, with a way to try again).
import type { JSX } from 'preact';
import { useI18n } from '../../i18n/context';
import { ErrorAlert, Progress } from '../../ui/Alert';

export type LinkState = 'loading' | 'invalid' | 'not-found' | 'unavailable';

export function LinkStateAlert({
  state,
  texts,
  onRetry,
  prefix,
}: {
  readonly state: LinkState;
  readonly texts: Readonly<Record<LinkState, string>>;
  readonly onRetry: () => void;
  /** Starts the test ids (`guest`, `drop-upload`). */
  readonly prefix: string;
}): JSX.Element {
  const { t } = useI18n();
  if (state === 'loading') return <Progress text={texts.loading} testid={`${prefix}-loading`} />;
  return (
    <ErrorAlert testid={`${prefix}-${state}`}>
      <p>{texts[state]}</p>
      {state === 'unavailable' && (
        <button type="button" class="button button--secondary" onClick={onRetry} data-testid={`${prefix}-retry`}>
          {t('setup.retry')}
        </button>
      )}
    </ErrorAlert>
  );
}

/** Whom to ask about a share that ended: the sender of the office while a member, else the office. */
export function GoneContact({
  contact,
}: {
  readonly contact: { readonly office: string; readonly sender?: string } | null;
}): JSX.Element | null {
  const { t } = useI18n();
  if (contact === null) return null;
  return (
    <p data-testid="gone-contact">
      {contact.sender !== undefined
        ? t('guest.gone.contactSender', { sender: contact.sender, office: contact.office })
        : t('guest.gone.contactOffice', { office: contact.office })}
    </p>
  );
}

export function isLinkState(kind: string): kind is LinkState {
  return kind === 'loading' || kind === 'invalid' || kind === 'not-found' || kind === 'unavailable';
}
