// A guest recipient's trusted devices, as the office sees them on a sent share: how many
// browsers remember the address (docs/threat-model.md, "Trusted devices"), until when, and a
// button that revokes them all, after which that address needs a code again on every link.
import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import { listTrustedDevices, revokeTrustedDevices } from '../../api/sharing';
import { useI18n } from '../../i18n/context';
import { StatusLine } from '../../ui/Alert';
import { errorMessage } from '../../ui/errors';
import { formatDateTime } from '../../ui/labels';
import { useLoad } from '../../ui/load';

export function TrustedDevices({
  shareId,
  recipientId,
}: {
  readonly shareId: string;
  readonly recipientId: string;
}): JSX.Element | null {
  const { t, locale } = useI18n();
  const [status, setStatus] = useState('');
  const [busy, setBusy] = useState(false);
  const devices = useLoad((signal) => listTrustedDevices(shareId, recipientId, { signal }), [shareId, recipientId]);
  const list = devices.data?.devices ?? [];

  const revoke = async (): Promise<void> => {
    setBusy(true);
    try {
      await revokeTrustedDevices(shareId, recipientId);
      setStatus(t('recipient.trustedDevices.revoked'));
      await devices.reload();
    } catch (error) {
      setStatus(errorMessage(t, error));
    } finally {
      setBusy(false);
    }
  };

  if (list.length === 0 && status === '') return null;
  const until = list.reduce((latest, device) => (device.expiresAt > latest ? device.expiresAt : latest), '');
  return (
    <div data-testid="sent-recipient-trusted-devices" data-count={list.length}>
      {list.length > 0 && (
        <>
          <p>
            {t('recipient.trustedDevices', { n: list.length })}{' '}
            {t('recipient.trustedDevices.until', { date: formatDateTime(locale, until) })}
          </p>
          <div class="button-row">
            <button
              type="button"
              class="button button--small button--secondary"
              disabled={busy}
              onClick={() => void revoke()}
              data-testid="sent-recipient-revoke-devices"
            >
              {t('recipient.trustedDevices.revoke')}
            </button>
          </div>
        </>
      )}
      <StatusLine text={status} testid="sent-recipient-devices-status" />
    </div>
  );
}
