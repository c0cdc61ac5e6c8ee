// A client invitation the advisor hands over (docs/threat-model.md, "Client onboarding"): the
// link `/invite#<token>.<office fingerprint>.<I>` exists only here, made by this browser from
// the token the server answered and the fragment the worker made (the office fingerprint and
// the invitation secret I, which the server never sees). "Copy link" is the main button; "Open
// in my mail app" prepares a mail in the page's language. The link is not shown again: a lost
// one is replaced with "New link".
import type { JSX } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import { useI18n } from '../../i18n/context';
import { formatDate } from '../../ui/labels';
import { LinkCopy } from '../share/LinkCopy';
import { mailtoHref } from '../share/links';

export interface HandedOverLink {
  readonly invitationId: string;
  readonly name: string;
  readonly email: string;
  readonly link: string;
  readonly expiresAt: string;
}

/** The whole link from the server's token and the worker's fragment. */
export function handoverLink(origin: string, token: string, fragment: string): string {
  return `${origin}/invite#${token}.${fragment}`;
}

export function ClientInviteLink({
  invitation,
  office,
  sender,
}: {
  readonly invitation: HandedOverLink;
  readonly office: string;
  readonly sender: string;
}): JSX.Element {
  const { t, locale } = useI18n();
  const { name, email, link } = invitation;
  const date = formatDate(locale, invitation.expiresAt);
  const inputId = `client-link-${invitation.invitationId}`;
  // A new link (also one made from a row further down) is brought into view and read out.
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    heading.current?.focus();
  }, [link]);
  return (
    <section class="panel guest-link" aria-labelledby={`${inputId}-heading`} data-testid="client-invite-link">
      <h2 class="guest-link__heading" id={`${inputId}-heading`} ref={heading} tabIndex={-1}>
        {t('clients.link.title', { name })}
      </h2>
      <p>{t('clients.link.text', { name, email, date })}</p>
      <LinkCopy
        id={inputId}
        label={t('clients.link.label')}
        link={link}
        mailHref={mailtoHref(
          email,
          t('clients.link.mailSubject', { office }),
          t('clients.link.mailBody', { name, office, link, date, sender }),
        )}
        prefix="client-link"
      />
    </section>
  );
}
