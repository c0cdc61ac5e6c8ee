// Shared by the pages that end with a new recovery key (setup, invitation, recovery): the
// file a user downloads or prints, so the text is the same everywhere.
import type { Translate } from '../../i18n';

export function recoveryKeyFile(
  t: Translate,
  details: { readonly office: string; readonly email: string; readonly key: string; readonly date: string },
): string {
  return [
    t('recoveryKey.file.title'),
    '',
    `${t('recoveryKey.file.office')}: ${details.office}`,
    `${t('recoveryKey.file.account')}: ${details.email}`,
    `${t('recoveryKey.file.date')}: ${details.date}`,
    '',
    details.key,
    '',
    t('recoveryKey.file.advice'),
    '',
  ].join('\r\n');
}

export const RECOVERY_KEY_FILE_NAME = 'coffer-recovery-key.txt';
