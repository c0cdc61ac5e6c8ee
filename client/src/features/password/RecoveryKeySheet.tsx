// The new recovery key, shown once (after setup, accepting an invitation, or recovery).
import type { JSX } from 'preact';
import { useI18n } from '../../i18n/context';
import { SecretSheet } from '../../ui/SecretSheet';
import { RECOVERY_KEY_FILE_NAME, recoveryKeyFile } from './recovery-file';

export function RecoveryKeySheet({
  recoveryKey,
  office,
  email,
  onContinue,
}: {
  readonly recoveryKey: string;
  readonly office: string;
  readonly email: string;
  readonly onContinue: () => void;
}): JSX.Element {
  const { t, rich, locale } = useI18n();
  const date = new Intl.DateTimeFormat(locale, { dateStyle: 'long' }).format(new Date());
  return (
    <SecretSheet
      testid="recovery-key"
      variant="key"
      title={t('recoveryKey.title')}
      intro={
        <>
          <p>{rich('recoveryKey.intro', { strong: <strong>{t('recoveryKey.once')}</strong> })}</p>
          <p>{t('recoveryKey.where')}</p>
        </>
      }
      parts={recoveryKey.split('-')}
      value={recoveryKey}
      fileName={RECOVERY_KEY_FILE_NAME}
      fileText={recoveryKeyFile(t, { office, email, key: recoveryKey, date })}
      acknowledge={t('recoveryKey.stored')}
      continueLabel={t('recoveryKey.continue')}
      onContinue={onContinue}
    />
  );
}
