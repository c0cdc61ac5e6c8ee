// Turns a failed API call or worker operation into a sentence for the user, in their
// language. Pages handle the codes that mean something special to them first (a wrong
// password on the sign-in page) and leave the rest to this.
import { ApiError, CLIENT_ERROR } from '../api/http';
import { describeWait } from '../api/retry-after';
import { EngineError } from '../crypto/engine';
import type { MessageKey, Translate } from '../i18n';

const API_MESSAGES: Readonly<Record<string, MessageKey>> = {
  [CLIENT_ERROR.network]: 'error.network',
  signed_out: 'error.signedOut',
  invalid_credentials: 'error.invalidCredentials',
  forbidden: 'error.forbidden',
  approval_pending: 'error.approvalPending',
  two_factor_required: 'error.twoFactorRequired',
  two_factor_policy: 'error.twoFactorPolicy',
  invitation_invalid: 'error.invitationInvalid',
  already_exists: 'error.alreadyExists',
  address_has_account: 'error.addressHasAccount',
  last_admin: 'error.lastAdmin',
  invalid_certificate: 'error.invalidCertificate',
  wrong_state: 'error.wrongState',
  invalid_image: 'error.invalidImage',
  payload_too_large: 'error.payloadTooLarge',
  unsupported_media_type: 'error.invalidImage',
  invalid_input: 'error.invalidInput',
  setup_link_invalid: 'setup.invalidShort',
  setup_finished: 'error.setupFinished',
  not_found: 'error.notFound',
  cross_origin: 'error.crossOrigin',
  storage_full: 'error.storageFull',
  server_busy: 'error.serverBusy',
};

const ENGINE_MESSAGES: Readonly<Record<string, MessageKey>> = {
  kdf_refused: 'engine.error.kdfRefused',
  wrong_password: 'engine.error.wrongPassword',
  keys_mismatch: 'engine.error.keysMismatch',
  office_keys_invalid: 'engine.error.officeKeysInvalid',
  certificate_substituted: 'engine.error.certificateSubstituted',
  no_pending_key: 'engine.error.noPendingKey',
  locked: 'engine.error.locked',
  invalid_recovery_key: 'engine.error.invalidRecoveryKey',
  recovery_failed: 'engine.error.recoveryFailed',
  invalid_member: 'engine.error.invalidMember',
  office_key_mismatch: 'engine.error.officeKeyMismatch',
  office_key_changed: 'engine.error.officeKeyChanged',
  key_proof_invalid: 'engine.error.keyProofInvalid',
  pins_removed: 'engine.error.pinsRemoved',
  drop_record_invalid: 'engine.error.dropRecordInvalid',
  drop_record_stale: 'engine.error.dropRecordStale',
  drop_record_missing: 'engine.error.dropRecordMissing',
  contact_code_invalid: 'engine.error.contactCodeInvalid',
  device_code_unknown: 'engine.error.deviceCodeUnknown',
  engine_failed: 'engine.failed',
};

/** "3 minutes", "40 seconds": how long a rate-limited user waits. */
export function waitText(t: Translate, seconds: number | null): string {
  if (seconds === null) return t('wait.moment');
  const wait = describeWait(seconds);
  const key = wait.unit === 'seconds' ? 'wait.seconds' : wait.unit === 'minutes' ? 'wait.minutes' : 'wait.hours';
  return t(key, { n: wait.value });
}

export function errorMessage(t: Translate, error: unknown): string {
  if (error instanceof ApiError) {
    if (error.code === 'rate_limited') return t('error.rateLimited', { wait: waitText(t, error.retryAfter) });
    const key = API_MESSAGES[error.code];
    if (key) return t(key);
    return t(error.status >= 500 ? 'error.server' : 'error.unexpected');
  }
  if (error instanceof EngineError) return t(ENGINE_MESSAGES[error.code] ?? 'error.unexpected');
  return t('error.unexpected');
}

export function isApiError(error: unknown, code: string): error is ApiError {
  return error instanceof ApiError && error.code === code;
}

export function isEngineError(error: unknown, code: string): error is EngineError {
  return error instanceof EngineError && error.code === code;
}
