// The new recovery key, shown once (after setup, accepting an invitation, or recovery). The key
// alone recovers nothing: the server also wants the second factor (server/auth recover), so a
// new account, which has none yet, is told so here and where to turn it on.
import type { JSX } from 'preact';
import { useI18n } from '../../i18n/context';
import { Notice } from '../../ui/Alert';
import { SecretSheet } from '../../ui/SecretSheet';
import { RECOVERY_KEY_FILE_NAME, recoveryKeyFile } from './recovery-file';

export function RecoveryKeySheet({
  recoveryKey,
  office,
  email,
  onContinue,
  twoFactorOff,
}: {
  readonly recoveryKey: string;
  readonly office: string;
  readonly email: string;
  readonly onContinue: () => void;
  /** Two-factor sign-in is not on for this account yet: where the person will be offered it. */
  readonly twoFactorOff?: 'portal' | 'security';
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
          <p>
            {rich(twoFactorOff === undefined ? 'recoveryKey.intro' : 'recoveryKey.introNew', {
              strong: <strong>{t('recoveryKey.once')}</strong>,
            })}
          </p>
          {twoFactorOff !== undefined && (
            <Notice tone="warning" testid="recovery-key-two-factor" state={twoFactorOff}>
              <p>
                {t(twoFactorOff === 'portal' ? 'recoveryKey.twoFactorOff.portal' : 'recoveryKey.twoFactorOff.security')}
              </p>
            </Notice>
          )}
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
