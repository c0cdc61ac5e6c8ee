// A guest's link after sending (and again from the sent share). With an access code Coffer
// may have mailed the link itself (docs/threat-model.md, "Who delivers a link"): then the card
// says so and shows the access code to tell by phone. Otherwise the advisor passes the link on:
// "Copy link" is the main button (many webmail clients have no mailto: handler); "Open in my
// mail app" beside it prepares a mail in the advisor's language, without the access code; and
// without an access code one sentence says why Coffer cannot mail it.
import type { JSX } from 'preact';
import { useI18n } from '../../i18n/context';
import { Notice } from '../../ui/Alert';
import { GroupedCode } from '../../ui/GroupedCode';
import { formatDate } from '../../ui/labels';
import { LinkCopy } from '../share/LinkCopy';
import { guestLink, guestMail, mailtoHref } from '../share/links';

export function GuestLinkCard({
  email,
  recipientId,
  linkId,
  fragment,
  accessCode,
  standingName,
  seenBefore,
  expiresAt,
  office,
  sender,
  linkMail,
  heading = true,
}: {
  /** Show the address as the card's heading (off where the card sits under the recipient already). */
  readonly heading?: boolean;
  readonly email: string;
  readonly recipientId: string;
  /** The id in the link's path (/s/<linkId>), which no other recipient ever sees. */
  readonly linkId: string;
  readonly fragment: string;
  readonly accessCode?: string | undefined;
  /** The contact whose standing access code the guest uses: named, the code not shown again. */
  readonly standingName?: string | undefined;
  /** Undefined when not known (shown again later). */
  readonly seenBefore?: boolean | undefined;
  readonly expiresAt: string;
  readonly office: string;
  readonly sender: string;
  /** Coffer mailed this link just now (`mailed`), or tried and could not (`failed`); absent when it did not try. */
  readonly linkMail?: 'mailed' | 'failed' | undefined;
}): JSX.Element {
  const { t, locale } = useI18n();
  const link = guestLink(location.origin, linkId, fragment);
  const mail = guestMail(t, {
    office,
    sender,
    link,
    expires: formatDate(locale, expiresAt),
    accessCode: accessCode !== undefined || standingName !== undefined,
  });
  const inputId = `link-${recipientId}`;
  const copy = (
    <LinkCopy
      id={inputId}
      label={t('sent.link.label')}
      link={link}
      mailHref={mailtoHref(email, mail.subject, mail.body)}
      prefix="guest-link"
    />
  );

  return (
    <section
      class="panel guest-link"
      aria-label={heading ? undefined : email}
      aria-labelledby={heading ? `${inputId}-heading` : undefined}
      data-testid="guest-link"
      data-email={email}
      data-recipient-id={recipientId}
      data-link-id={linkId}
      data-link-mail={linkMail ?? 'none'}
    >
      {heading && (
        <h3 class="guest-link__heading" id={`${inputId}-heading`} translate={false}>
          {email}
        </h3>
      )}
      {/* "Check the address before you send the link": moot once Coffer mailed it (the compose page warned before). */}
      {seenBefore === false && linkMail !== 'mailed' && (
        <Notice tone="warning" testid="guest-link-new-address">
          <p>{t('sent.newAddress', { email })}</p>
        </Notice>
      )}
      {linkMail === 'mailed' && (
        <Notice tone="ok" testid="guest-link-mailed">
          <p>{t('sent.link.mailed', { email })}</p>
        </Notice>
      )}
      {linkMail === 'failed' && (
        <Notice tone="warning" testid="guest-link-mail-failed">
          <p>{t('sent.link.mailFailed', { email })}</p>
        </Notice>
      )}
      {linkMail !== 'mailed' && copy}
      {standingName !== undefined ? (
        <p class="form__aside" data-testid="guest-link-standing-code">
          {t('sent.standingCode', { name: standingName })}
        </p>
      ) : accessCode !== undefined ? (
        <div class="access-code" data-testid="guest-link-access-code">
          <p class="access-code__label">{t('sent.accessCode.label')}</p>
          <GroupedCode value={accessCode} testid="guest-link-access-code-value" />
          <p class="access-code__advice">
            <strong>{t('sent.accessCode.phone')}</strong>
          </p>
        </div>
      ) : (
        <p class="form__aside" data-testid="guest-link-same-mailbox">
          {t('sent.selfDelivery')}
        </p>
      )}
      {linkMail === 'mailed' && (
        // Mailed already: the link stays at hand, folded away, so it is not sent twice by mistake.
        <details class="guest-link__again" data-testid="guest-link-show">
          <summary>{t('sent.link.showMailed')}</summary>
          {copy}
        </details>
      )}
    </section>
  );
}
