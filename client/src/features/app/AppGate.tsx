// Everything under /app: signed in, keys unlocked, and (if the office requires it) two-factor
// sign-in set up. The gate shows whichever of those is missing; the shell shows the section.
import type { JSX } from 'preact';
import { useEffect } from 'preact/hooks';
import type { SessionInfo } from '../../api/accounts';
import { useI18n } from '../../i18n/context';
import type { MessageKey } from '../../i18n';
import { Link, navigate } from '../../router';
import { useSession } from '../../session/context';
import type { UnlockedKeys } from '../../session/store';
import { Progress } from '../../ui/Alert';
import { PageHeading } from '../../ui/PageHeading';
import { InvitationsPage } from '../admin/InvitationsPage';
import { OfficePage } from '../admin/OfficePage';
import { UsersPage } from '../admin/UsersPage';
import { ColleaguesPage } from '../colleagues/ColleaguesPage';
import { EnrolTwoFactorPage } from '../security/EnrolTwoFactorPage';
import { SecurityPage } from '../security/SecurityPage';
import { DashboardPage } from './DashboardPage';
import { SignedOutNotice } from './SignedOutNotice';
import { UnlockPage } from './UnlockPage';

export const APP_SECTIONS = {
  '/app': 'dashboard',
  '/app/security': 'security',
  '/app/colleagues': 'colleagues',
  '/app/admin': 'users',
  '/app/admin/invitations': 'invitations',
  '/app/admin/office': 'office',
} as const;
export type AppSection = (typeof APP_SECTIONS)[keyof typeof APP_SECTIONS];

const SECTION_PATHS: Record<AppSection, string> = {
  dashboard: '/app',
  security: '/app/security',
  colleagues: '/app/colleagues',
  users: '/app/admin',
  invitations: '/app/admin/invitations',
  office: '/app/admin/office',
};

const SECTION_LABELS: Record<AppSection, MessageKey> = {
  dashboard: 'nav.dashboard',
  security: 'nav.security',
  colleagues: 'nav.colleagues',
  users: 'nav.users',
  invitations: 'nav.invitations',
  office: 'nav.office',
};

/** Sections this user may open. Admin pages need an approved admin (the server checks the same). */
export function allowedSections(info: SessionInfo): AppSection[] {
  const { role, approval } = info.me;
  const sections: AppSection[] = ['dashboard', 'security'];
  if (role === 'staff' || role === 'admin') sections.push('colleagues');
  if (role === 'admin' && approval === 'approved') sections.push('users', 'invitations', 'office');
  return sections;
}

export function AppGate({ section, path }: { readonly section: AppSection; readonly path: string }): JSX.Element {
  const { t } = useI18n();
  const { state, store } = useSession();
  const mustSignIn = state.kind === 'signed-out' && !state.ended;

  useEffect(() => store.check(), [store]);

  useEffect(() => {
    if (mustSignIn) navigate(`/login?next=${encodeURIComponent(path)}`, { replace: true });
  }, [mustSignIn, path]);

  switch (state.kind) {
    case 'checking':
      return (
        <>
          <PageHeading>{t('app.loading.title')}</PageHeading>
          <Progress text={t('app.loading')} testid="app-loading" />
        </>
      );
    case 'signed-out':
      return state.ended ? <SignedOutNotice /> : <Progress text={t('app.toSignIn')} testid="app-loading" />;
    case 'locked':
      return <UnlockPage info={state.info} problem={state.problem} />;
    case 'unlocked':
      if (state.info.me.mustEnrolTwoFactor) return <EnrolTwoFactorPage />;
      return <AppShell section={section} info={state.info} keys={state.keys} />;
  }
}

function AppShell({ section, info, keys }: { readonly section: AppSection; readonly info: SessionInfo; readonly keys: UnlockedKeys }): JSX.Element {
  const { t } = useI18n();
  const sections = allowedSections(info);
  const allowed = sections.includes(section);
  return (
    <div class="app-shell" data-testid="app-shell" data-section={section}>
      <nav class="app-nav" aria-label={t('nav.app')}>
        <ul class="app-nav__list">
          {sections.map((item) => (
            <li key={item}>
              <Link href={SECTION_PATHS[item]} class="app-nav__link" aria-current={item === section ? 'page' : undefined} testid={`nav-${item}`}>
                {t(SECTION_LABELS[item])}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      <div class="app-shell__content">{allowed ? <Section section={section} info={info} keys={keys} /> : <NotAllowed />}</div>
    </div>
  );
}

function Section({ section, info, keys }: { readonly section: AppSection; readonly info: SessionInfo; readonly keys: UnlockedKeys }): JSX.Element {
  switch (section) {
    case 'dashboard':
      return <DashboardPage info={info} keys={keys} />;
    case 'security':
      return <SecurityPage info={info} keys={keys} />;
    case 'colleagues':
      return <ColleaguesPage info={info} />;
    case 'users':
      return <UsersPage info={info} />;
    case 'invitations':
      return <InvitationsPage />;
    case 'office':
      return <OfficePage />;
  }
}

function NotAllowed(): JSX.Element {
  const { t } = useI18n();
  return (
    <>
      <PageHeading>{t('app.notAllowed.title')}</PageHeading>
      <p>{t('app.notAllowed.text')}</p>
      <p>
        <Link href="/app" class="button">
          {t('app.notAllowed.back')}
        </Link>
      </p>
    </>
  );
}
