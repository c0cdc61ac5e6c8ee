// A drop's link after it was made, and again on the drop's page (D opened from the copy sealed
// to the advisor or the office): the server never had D, so the advisor passes the link on.
// "Copy link" is the main button; "Open in my mail app" prepares a mail to the bound address
// (or to nobody yet, for an open drop) in Dutch or English, whichever the client reads.
import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import { LANGS, LOCALES, translator, type Lang } from '../../i18n';
import { useI18n } from '../../i18n/context';
import { formatDate } from '../../ui/labels';
import { LinkCopy } from '../share/LinkCopy';
import { dropLink, dropMail, mailtoHref } from '../share/links';

export function DropLinkCard({
  dropId,
  fragment,
  email,
  expiresAt,
  office,
  sender,
}: {
  readonly dropId: string;
  readonly fragment: string;
  /** The bound address; null for an open drop. */
  readonly email: string | null;
  readonly expiresAt: string;
  readonly office: string;
  readonly sender: string;
}): JSX.Element {
  const { t, lang } = useI18n();
  const [mailLang, setMailLang] = useState<Lang>(lang);
  const link = dropLink(location.origin, dropId, fragment);
  const mail = dropMail(translator(mailLang), {
    office,
    sender,
    link,
    expires: formatDate(LOCALES[mailLang], expiresAt),
    bound: email !== null,
  });
  const inputId = `drop-link-${dropId}`;
  return (
    <section
      class="panel guest-link"
      aria-labelledby={`${inputId}-heading`}
      data-testid="drop-link"
      data-drop-id={dropId}
    >
      <h2 class="guest-link__heading" id={`${inputId}-heading`}>
        {t('dropLink.heading')}
      </h2>
      <p>{email !== null ? t('dropLink.intro.bound', { email }) : t('dropLink.intro.open')}</p>
      <LinkCopy
        id={inputId}
        label={t('dropLink.label')}
        link={link}
        mailHref={mailtoHref(email ?? '', mail.subject, mail.body)}
        prefix="drop-link"
      >
        <label class="inline-select">
          <span class="inline-select__label">{t('dropLink.mailLang')}</span>
          <select
            class="field__input field__select"
            value={mailLang}
            onChange={(event) => setMailLang(event.currentTarget.value as Lang)}
            data-testid="drop-link-mail-lang"
          >
            {LANGS.map((code) => (
              <option key={code} value={code}>
                {t(code === 'nl' ? 'lang.nl' : 'lang.en')}
              </option>
            ))}
          </select>
        </label>
      </LinkCopy>
      <p class="form__aside">{t('dropLink.secret')}</p>
    </section>
  );
}
