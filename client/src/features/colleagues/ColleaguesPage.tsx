// /app/colleagues: the office's staff and admins with their fingerprints. Each member's keys
// are checked in the crypto worker against the office key (their certificate, then their own
// signature over their encryption key), so a server that swapped someone's keys is caught
// here, and shown loudly.
import type { JSX } from 'preact';
import { getDirectory, type DirectoryEntry, type SessionInfo } from '../../api/accounts';
import { useEngine } from '../../crypto/context';
import type { MemberCheck } from '../../crypto/protocol';
import { useI18n } from '../../i18n/context';
import { ErrorAlert, Notice, Progress } from '../../ui/Alert';
import { useLoad } from '../../ui/load';
import { errorMessage } from '../../ui/errors';
import { Fingerprint } from '../../ui/Fingerprint';
import { roleLabel } from '../../ui/labels';
import { PageHeading } from '../../ui/PageHeading';

interface Colleague {
  readonly entry: DirectoryEntry;
  readonly fingerprint: string;
  readonly check: MemberCheck;
}

export function ColleaguesPage({ info }: { readonly info: SessionInfo }): JSX.Element {
  const { t } = useI18n();
  const engine = useEngine();
  const loaded = useLoad(
    async (signal) => {
      const { members } = await getDirectory({ signal });
      const { members: checks } = await engine.call('verifyMembers', { members });
      const byId = new Map(checks.map((check) => [check.userId, check]));
      return members.map((entry) => {
        const check = byId.get(entry.userId);
        return { entry, fingerprint: check?.fingerprint ?? '', check: check?.check ?? 'failed' } satisfies Colleague;
      });
    },
    [engine],
  );
  const colleagues = loaded.data;
  const problem = loaded.error === null ? null : errorMessage(t, loaded.error);

  const failed = colleagues?.filter((colleague) => colleague.check === 'failed') ?? [];
  return (
    <>
      <PageHeading>{t('colleagues.title')}</PageHeading>
      <p class="lead">{t('colleagues.intro', { office: info.office.name })}</p>
      <p>{t('colleagues.fingerprintWhy')}</p>
      {problem && (
        <ErrorAlert testid="colleagues-error">
          <p>{problem}</p>
        </ErrorAlert>
      )}
      {failed.length > 0 && (
        <ErrorAlert testid="colleague-warning" focus={false}>
          <p>
            <strong>{t('colleagues.failed.title')}</strong>
          </p>
          <p>{t('colleagues.failed.text', { names: failed.map((colleague) => colleague.entry.name).join(', ') })}</p>
        </ErrorAlert>
      )}
      {colleagues === null && !problem && <Progress text={t('colleagues.checking')} testid="colleagues-loading" />}
      {colleagues !== null && (
        <table class="table table--stack" data-testid="colleagues-table">
          <caption class="visually-hidden">{t('colleagues.title')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('colleagues.name')}</th>
              <th scope="col">{t('colleagues.role')}</th>
              <th scope="col">{t('colleagues.status')}</th>
              <th scope="col">{t('colleagues.fingerprint')}</th>
            </tr>
          </thead>
          <tbody>
            {colleagues.map(({ entry, fingerprint, check }) => (
              <tr
                key={entry.userId}
                data-testid="colleague-row"
                data-user-id={entry.userId}
                data-check={check}
                class={check === 'failed' ? 'row--danger' : undefined}
              >
                <th scope="row" data-label={t('colleagues.name')}>
                  <span class="cell-main">{entry.name}</span>
                  <span class="cell-sub">{entry.email}</span>
                  {entry.userId === info.me.userId && <span class="badge badge--muted">{t('colleagues.you')}</span>}
                </th>
                <td data-label={t('colleagues.role')}>{roleLabel(t, entry.role)}</td>
                <td data-label={t('colleagues.status')}>
                  <CheckBadge check={check} />
                </td>
                <td data-label={t('colleagues.fingerprint')}>
                  <Fingerprint value={fingerprint} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {colleagues !== null && colleagues.length === 0 && <Notice>{t('colleagues.none')}</Notice>}
    </>
  );
}

function CheckBadge({ check }: { readonly check: MemberCheck }): JSX.Element {
  const { t } = useI18n();
  switch (check) {
    case 'verified':
      return <span class="badge badge--ok">{t('colleagues.verified')}</span>;
    case 'unverified':
      return <span class="badge badge--muted">{t('colleagues.unverified')}</span>;
    case 'failed':
      return <span class="badge badge--danger">{t('colleagues.failed')}</span>;
  }
}
