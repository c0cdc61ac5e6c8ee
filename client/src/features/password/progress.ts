// Progress lines for the crypto worker's long steps.
import type { ProgressStage } from '../../crypto/protocol';
import type { MessageKey } from '../../i18n';

export const CREATE_PROGRESS: Record<ProgressStage, MessageKey> = {
  password: 'progress.password',
  keys: 'progress.keys',
  office: 'progress.office',
  sealing: 'progress.sealing',
};
