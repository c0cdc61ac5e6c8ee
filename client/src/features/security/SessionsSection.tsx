// The sessions part of /app/security: every device signed in to this account, with a way to
// sign out any other one.
import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import { endSession, listSessions } from '../../api/accounts';
import { useI18n } from '../../i18n/context';
import { ErrorAlert, Notice, StatusLine } from '../../ui/Alert';
import { errorMessage } from '../../ui/errors';
import { formatDateTime } from '../../ui/labels';
import { ListTable } from '../../ui/ListTable';
import { useLoad } from '../../ui/load';

export function SessionsSection(): JSX.Element {
  const { t, locale } = useI18n();
  const [problem, setProblem] = useState<{ readonly text: string; readonly n: number } | null>(null);
  const [status, setStatus] = useState('');
  const [ending, setEnding] = useState<string | null>(null);

  const fail = (text: string): void => setProblem((previous) => ({ text, n: (previous?.n ?? 0) + 1 }));
  const { data: list, reload: load } = useLoad(async (signal) => (await listSessions({ signal })).sessions, [t], {
    keep: true,
    onError: (error) => fail(errorMessage(t, error)),
  });

  const end = async (sessionId: string): Promise<void> => {
    setEnding(sessionId);
    setProblem(null);
    setStatus('');
    try {
      await endSession(sessionId);
      setStatus(t('sessions.ended'));
      await load();
    } catch (error) {
      fail(errorMessage(t, error));
    } finally {
      setEnding(null);
    }
  };

  return (
    <section class="panel panel--wide" aria-labelledby="sessions-heading">
      <h2 id="sessions-heading" class="section-heading">
        {t('sessions.heading')}
      </h2>
      <p>{t('sessions.intro')}</p>
      {problem && (
        <ErrorAlert testid="sessions-error" focusKey={problem.n} focus={false}>
          <p>{problem.text}</p>
        </ErrorAlert>
      )}
      <ListTable
        items={list}
        failed={problem !== null}
        testid="sessions-list"
        loadingTestid="sessions-loading"
        caption={t('sessions.heading')}
        columns={[
          t('sessions.device'),
          t('sessions.created'),
          t('sessions.lastSeen'),
          <span class="visually-hidden">{t('sessions.actions')}</span>,
        ]}
        row={(session) => (
          <tr key={session.sessionId} data-testid="session-row" data-current={session.current ? 'true' : 'false'}>
            <th scope="row" data-label={t('sessions.device')}>
              {session.device || t('sessions.unknownDevice')}
              {session.current && <span class="badge badge--ok"> {t('sessions.current')}</span>}
            </th>
            <td data-label={t('sessions.created')}>{formatDateTime(locale, session.createdAt)}</td>
            <td data-label={t('sessions.lastSeen')}>{formatDateTime(locale, session.lastSeenAt)}</td>
            <td>
              {!session.current && (
                <button
                  type="button"
                  class="button button--small button--secondary"
                  onClick={() => void end(session.sessionId)}
                  disabled={ending !== null}
                  data-testid="session-end"
                  aria-label={t('sessions.endLabel', { device: session.device || t('sessions.unknownDevice') })}
                >
                  {t('sessions.end')}
                </button>
              )}
            </td>
          </tr>
        )}
      />
      <StatusLine text={status} testid="sessions-status" />
      {list !== null && list.length === 1 && <Notice>{t('sessions.onlyThis')}</Notice>}
    </section>
  );
}
