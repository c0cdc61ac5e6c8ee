// "Approve all" on the Clients page (docs/threat-model.md, "Client onboarding"): every waiting
// client who activated a link the advisor handed over, approved one after another in this
// browser. For each, the worker opens I from the office's statement and checks the client's key
// proof against the keys the server lists before it certifies anything (useCertify), so a client
// whose keys the server substituted is refused and named, while the others go through.
import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import { getClient, type ClientSummary } from '../../api/clients';
import { EngineError } from '../../crypto/engine';
import { useI18n } from '../../i18n/context';
import { ErrorAlert, Progress, StatusLine } from '../../ui/Alert';
import { errorMessage } from '../../ui/errors';
import { useCertify } from './ApproveClientDialog';

type Outcome = { readonly approved: number; readonly refused: readonly string[]; readonly failed: readonly string[] };

export function BatchApproval({
  clients,
  office,
  onDone,
}: {
  /** Waiting clients with a key proof. */
  readonly clients: readonly (ClientSummary & { readonly userId: string })[];
  readonly office: string;
  readonly onDone: () => void;
}): JSX.Element | null {
  const { t } = useI18n();
  const certify = useCertify(office);
  const [progress, setProgress] = useState<{ readonly done: number; readonly total: number } | null>(null);
  const [outcome, setOutcome] = useState<Outcome | null>(null);

  const approveAll = async (): Promise<void> => {
    const batch = [...clients];
    const refused: string[] = [];
    const failed: string[] = [];
    let approved = 0;
    setOutcome(null);
    for (const [index, client] of batch.entries()) {
      setProgress({ done: index, total: batch.length });
      try {
        const detail = await getClient(client.userId);
        if (detail.handover === null) throw new Error('no key proof');
        await certify(detail, 'proof');
        approved += 1;
      } catch (error) {
        if (error instanceof EngineError && error.code === 'key_proof_invalid') refused.push(client.name);
        else failed.push(`${client.name}: ${errorMessage(t, error)}`);
      }
    }
    setProgress(null);
    setOutcome({ approved, refused, failed });
    onDone();
  };

  if (clients.length === 0 && outcome === null) return null;
  return (
    <section class="panel" aria-labelledby="batch-approval-heading" data-testid="batch-approval">
      <h2 id="batch-approval-heading" class="section-heading">
        {t('clients.batch.title')}
      </h2>
      {clients.length > 0 && progress === null && (
        <>
          <p>{t('clients.batch.text', { n: clients.length })}</p>
          <div class="button-row">
            <button type="button" class="button" onClick={() => void approveAll()} data-testid="batch-approve">
              {t('clients.batch.button', { n: clients.length })}
            </button>
          </div>
        </>
      )}
      {progress && (
        <Progress
          text={t('clients.batch.progress', { done: progress.done + 1, total: progress.total })}
          testid="batch-progress"
        />
      )}
      {outcome && outcome.refused.length > 0 && (
        <ErrorAlert testid="batch-refused">
          <p>
            <strong>{t('clients.batch.refused', { n: outcome.refused.length })}</strong>
          </p>
          <p>{outcome.refused.join(', ')}</p>
          <p>{t('clients.batch.refused.text')}</p>
        </ErrorAlert>
      )}
      {outcome && outcome.failed.length > 0 && (
        <ErrorAlert testid="batch-failed">
          {outcome.failed.map((line) => (
            <p key={line}>{line}</p>
          ))}
        </ErrorAlert>
      )}
      <StatusLine
        text={outcome === null ? '' : t('clients.batch.done', { n: outcome.approved })}
        testid="batch-status"
      />
    </section>
  );
}
