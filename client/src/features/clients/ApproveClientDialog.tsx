// Approving a client (docs/threat-model.md, promise 5): the advisor compares the fingerprint of the client's keys, as
// the server hands them out, with the one the client reads out from their own screen (by phone
// or in person). Only if every digit matches does this browser certify the client with the
// office key (role client; the office keys are never sealed to a client) and make the client's
// personal drop: its key pair and D sealed to this advisor and the office, labelled with the
// client's name, its link sealed to the client's own key so only their portal can use it.
import type { JSX } from 'preact';
import { useCallback } from 'preact/hooks';
import { approveClient, getClient, type ClientDetail, type ClientSummary } from '../../api/clients';
import { useEngine } from '../../crypto/context';
import { useI18n } from '../../i18n/context';
import { FingerprintApproval } from '../admin/FingerprintApproval';
import { clientKeys, personalDropFields } from './personal-drop';

export function ApproveClientDialog({
  client,
  office,
  onClose,
  onApproved,
}: {
  readonly client: ClientSummary & { readonly userId: string };
  readonly office: string;
  readonly onClose: () => void;
  readonly onApproved: () => void;
}): JSX.Element {
  const { t } = useI18n();
  const engine = useEngine();
  const load = useCallback(async () => {
    const detail = await getClient(client.userId);
    return { detail, keys: clientKeys(detail) };
  }, [client.userId]);

  const certify = async (detail: ClientDetail): Promise<void> => {
    const made = await engine.call('certifyClient', {
      client: clientKeys(detail),
      currentVersion: detail.certificateVersion,
      label: detail.name.slice(0, 200),
    });
    await approveClient(detail.userId, {
      certificate: made.certificate,
      drop: { ...made.drop, ...personalDropFields(t('clients.drop.title', { office })) },
    });
  };

  return (
    <FingerprintApproval<ClientDetail>
      title={t('clients.approve.title', { name: client.name })}
      testid="approve-client-dialog"
      load={load}
      certify={certify}
      intro={(detail) => t('clients.approve.intro', { name: detail.name, email: detail.email })}
      step1={(detail) => t('clients.approve.step1', { name: detail.name })}
      warning={t('clients.approve.warning')}
      certifying={t('clients.approve.certifying')}
      onClose={onClose}
      onApproved={onApproved}
    />
  );
}
