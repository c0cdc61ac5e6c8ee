// A guest's link after sending (and again from the sent share): the server never had S, so
// the advisor passes the link on. "Copy link" is the main button (many webmail clients have
// no mailto: handler); "Open in my mail app" beside it prepares a mail in the advisor's
// language, without the access code. The access code is shown large, to tell by phone.
import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import { useI18n } from '../../i18n/context';
import { Notice, StatusLine } from '../../ui/Alert';
import { formatDate } from '../../ui/labels';
import { guestLink, guestMail, mailtoHref } from '../share/links';

export function GuestLinkCard({
  email,
  recipientId,
  fragment,
  accessCode,
  seenBefore,
  expiresAt,
  office,
  sender,
  heading = true,
}: {
  /** Show the address as the card's heading (off where the card sits under the recipient already). */
  readonly heading?: boolean;
  readonly email: string;
  readonly recipientId: string;
  readonly fragment: string;
  readonly accessCode?: string | undefined;
  /** Undefined when not known (shown again later). */
  readonly seenBefore?: boolean | undefined;
  readonly expiresAt: string;
  readonly office: string;
  readonly sender: string;
}): JSX.Element {
  const { t, locale } = useI18n();
  const [copied, setCopied] = useState<'yes' | 'failed' | null>(null);
  const link = guestLink(location.origin, recipientId, fragment);
  const mail = guestMail(t, { office, sender, link, expires: formatDate(locale, expiresAt), accessCode: accessCode !== undefined });
  const inputId = `link-${recipientId}`;

  const copy = async (): Promise<void> => {
    try {
      await navigator.clipboard.writeText(link);
      setCopied('yes');
    } catch {
      // No clipboard permission (or an old browser): select the link so Ctrl+C works.
      const field = document.getElementById(inputId);
      if (field instanceof HTMLInputElement) {
        field.focus();
        field.select();
      }
      setCopied('failed');
    }
  };

  return (
    <section class="panel guest-link" aria-label={heading ? undefined : email} aria-labelledby={heading ? `${inputId}-heading` : undefined} data-testid="guest-link" data-email={email} data-recipient-id={recipientId}>
      {heading && (
        <h3 class="guest-link__heading" id={`${inputId}-heading`} translate={false}>
          {email}
        </h3>
      )}
      {seenBefore === false && (
        <Notice tone="warning" testid="guest-link-new-address">
          <p>{t('sent.newAddress', { email })}</p>
        </Notice>
      )}
      <label class="field__label" for={inputId}>
        {t('sent.link.label')}
      </label>
      <input
        id={inputId}
        class="field__input guest-link__url"
        type="text"
        readOnly
        value={link}
        onFocus={(event) => event.currentTarget.select()}
        data-testid="guest-link-url"
        data-value={link}
        spellcheck={false}
      />
      <div class="button-row">
        <button type="button" class="button" onClick={() => void copy()} data-testid="guest-link-copy">
          {t('sent.link.copy')}
        </button>
        <a class="button button--secondary" href={mailtoHref(email, mail.subject, mail.body)} data-testid="guest-link-mail">
          {t('sent.link.mail')}
        </a>
      </div>
      <StatusLine text={copied === 'yes' ? t('sent.link.copied') : copied === 'failed' ? t('sent.link.copyFailed') : ''} testid="guest-link-copied" />
      {accessCode !== undefined ? (
        <div class="access-code" data-testid="guest-link-access-code">
          <p class="access-code__label">{t('sent.accessCode.label')}</p>
          <p class="access-code__value" data-testid="guest-link-access-code-value" data-value={accessCode} translate={false}>
            {accessCode.split('-').map((group, index) => (
              <span key={index} class="access-code__group">
                {group}
              </span>
            ))}
          </p>
          <p class="access-code__advice">
            <strong>{t('sent.accessCode.phone')}</strong>
          </p>
        </div>
      ) : (
        <p class="form__aside" data-testid="guest-link-same-mailbox">
          {t('sent.sameMailbox')}
        </p>
      )}
    </section>
  );
}
