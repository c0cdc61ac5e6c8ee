// Two toggle buttons, one per language, each labelled in its own language.
import type { JSX } from 'preact';
import { LANGS } from '../i18n';
import { useI18n } from '../i18n/context';

export function LanguageSwitch(): JSX.Element {
  const { lang, setLang, t } = useI18n();
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
          onClick={() => setLang(option)}
        >
          {t(`lang.${option}`)}
        </button>
      ))}
    </div>
  );
}
