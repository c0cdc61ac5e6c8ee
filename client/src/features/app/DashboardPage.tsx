// /app: who is signed in, whether an admin still has to approve them (and the fingerprint
// to compare with that admin), and the way to each section (sending first, then drop links).
import type { JSX } from 'preact';
import type { SessionInfo } from '../../api/accounts';
import { useI18n } from '../../i18n/context';
import { Link } from '../../router';
import type { UnlockedKeys } from '../../session/store';
import { Notice } from '../../ui/Alert';
import { Fingerprint } from '../../ui/Fingerprint';
import { PageHeading } from '../../ui/PageHeading';
import { roleLabel } from '../../ui/labels';
import { allowedSections } from './sections';

export function DashboardPage({
  info,
  keys,
}: {
  readonly info: SessionInfo;
  readonly keys: UnlockedKeys;
}): JSX.Element {
  const { t } = useI18n();
  const sections = allowedSections(info);
  const pending = info.me.approval === 'pending';
  return (
    <>
      <PageHeading>{t('dashboard.title', { name: info.me.name })}</PageHeading>
      <p class="lead">{t('dashboard.intro', { office: info.office.name, role: roleLabel(t, info.me.role) })}</p>
      {pending && (
        <Notice tone="warning" testid="approval-pending">
          <h2 class="alert__title">{t('dashboard.pending.title')}</h2>
          <p>{t(info.me.role === 'client' ? 'dashboard.pending.client' : 'dashboard.pending.text')}</p>
          <p class="fingerprint-line">
            <span class="fingerprint-line__label">{t('fingerprint.yours')}</span>
            <Fingerprint value={keys.fingerprint} large testid="pending-fingerprint" />
          </p>
          <p>{t('dashboard.pending.after')}</p>
        </Notice>
      )}
      <ul class="card-list">
        {sections.includes('send') && (
          <li class="card">
            <h2 class="card__title">
              <Link href="/app/send" testid="dashboard-send">
                {t('nav.send')}
              </Link>
            </h2>
            <p>{t('dashboard.send')}</p>
          </li>
        )}
        {sections.includes('sent') && (
          <li class="card">
            <h2 class="card__title">
              <Link href="/app/sent">{t('nav.sent')}</Link>
            </h2>
            <p>{t('dashboard.sent')}</p>
          </li>
        )}
        {sections.includes('received') && (
          <li class="card">
            <h2 class="card__title">
              <Link href="/app/received">{t('nav.received')}</Link>
            </h2>
            <p>{t('dashboard.received')}</p>
          </li>
        )}
        {sections.includes('drops') && (
          <li class="card">
            <h2 class="card__title">
              <Link href="/app/drops" testid="dashboard-drops">
                {t('nav.drops')}
              </Link>
            </h2>
            <p>{t('dashboard.drops')}</p>
          </li>
        )}
        <li class="card">
          <h2 class="card__title">
            <Link href="/app/security" testid="dashboard-security">
              {t('nav.security')}
            </Link>
          </h2>
          <p>{info.me.twoFactor ? t('dashboard.security.on') : t('dashboard.security.off')}</p>
        </li>
        {sections.includes('colleagues') && (
          <li class="card">
            <h2 class="card__title">
              <Link href="/app/colleagues">{t('nav.colleagues')}</Link>
            </h2>
            <p>{t('dashboard.colleagues')}</p>
          </li>
        )}
        {sections.includes('users') && (
          <li class="card">
            <h2 class="card__title">
              <Link href="/app/admin">{t('nav.users')}</Link>
            </h2>
            <p>{t('dashboard.users')}</p>
          </li>
        )}
        {sections.includes('invitations') && (
          <li class="card">
            <h2 class="card__title">
              <Link href="/app/admin/invitations">{t('nav.invitations')}</Link>
            </h2>
            <p>{t('dashboard.invitations')}</p>
          </li>
        )}
        {sections.includes('office') && (
          <li class="card">
            <h2 class="card__title">
              <Link href="/app/admin/office">{t('nav.office')}</Link>
            </h2>
            <p>{t('dashboard.office')}</p>
          </li>
        )}
      </ul>
    </>
  );
}
