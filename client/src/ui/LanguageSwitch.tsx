// Two toggle buttons, one per language, each labelled in its own language. For someone signed
// in, the choice is also the language of their mails (PUT /api/v1/me/language).
import type { JSX } from 'preact';
import { saveMyLanguage } from '../api/accounts';
import { LANGS, type Lang } from '../i18n';
import { useI18n } from '../i18n/context';
import { useSessionStore } from '../session/context';

export function LanguageSwitch(): JSX.Element {
  const { lang, setLang, t } = useI18n();
  const session = useSessionStore();
  const choose = (option: Lang): void => {
    setLang(option);
    const { kind } = session.state;
    // The page switches either way; a mail in the old language is all a failure costs.
    if (kind === 'locked' || kind === 'unlocked') saveMyLanguage(option).catch(() => undefined);
  };
  return (
    <div class="lang-switch" role="group" aria-label={t('lang.switch')}>
      {LANGS.map((option) => (
        <button
          key={option}
          type="button"
          class="lang-switch__button"
          lang={option}
          aria-pressed={option === lang}
          data-testid={`lang-${option}`}
          onClick={() => choose(option)}
        >
          {t(`lang.${option}`)}
        </button>
      ))}
    </div>
  );
}
