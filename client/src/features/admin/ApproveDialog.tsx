// Approving a new member: the admin compares the fingerprint of the member's keys, as the
// server hands them out, with the one the member reads out from their own screen (by phone
// or in person). Only if every digit matches does this browser certify the member with the
// office key and seal the office keys to them (FingerprintApproval does the comparing).
import type { JSX } from 'preact';
import { useCallback } from 'preact/hooks';
import { approveUser, getUser, type UserDetail, type UserSummary } from '../../api/admin';
import { useEngine } from '../../crypto/context';
import { useI18n } from '../../i18n/context';
import { roleLabel } from '../../ui/labels';
import { FingerprintApproval } from './FingerprintApproval';
import { memberKeys } from './member-keys';

export function ApproveDialog({
  user,
  onClose,
  onApproved,
}: {
  readonly user: UserSummary;
  readonly onClose: () => void;
  readonly onApproved: () => void;
}): JSX.Element {
  const { t } = useI18n();
  const engine = useEngine();
  const load = useCallback(async () => {
    const detail = await getUser(user.userId);
    return { detail, keys: memberKeys(detail) };
  }, [user.userId]);
  return (
    <FingerprintApproval<UserDetail>
      title={t('approve.title', { name: user.name })}
      testid="approve-dialog"
      load={load}
      certify={async (detail, member) => {
        const made = await engine.call('certifyMember', { member, currentVersion: detail.certificateVersion });
        await approveUser(detail.userId, made);
      }}
      intro={(detail) =>
        t('approve.intro', { name: detail.name, email: detail.email, role: roleLabel(t, detail.role) })
      }
      step1={(detail) => t('approve.step1', { name: detail.name })}
      warning={t('approve.warning')}
      certifying={t('approve.certifying')}
      onClose={onClose}
      onApproved={onApproved}
    />
  );
}
