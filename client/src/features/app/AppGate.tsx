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
import { ReceivedListPage } from '../received/ReceivedListPage';
import { ReceivedSharePage } from '../received/ReceivedSharePage';
import { SendPage } from '../send/SendPage';
import { SentListPage } from '../sent/SentListPage';
import { SentSharePage } from '../sent/SentSharePage';
import { EnrolTwoFactorPage } from '../security/EnrolTwoFactorPage';
import { SecurityPage } from '../security/SecurityPage';
import { DashboardPage } from './DashboardPage';
import { SignedOutNotice } from './SignedOutNotice';
import { UnlockPage } from './UnlockPage';

export const APP_SECTIONS = {
  '/app': 'dashboard',
  '/app/send': 'send',
  '/app/sent': 'sent',
  '/app/received': 'received',
  '/app/security': 'security',
  '/app/colleagues': 'colleagues',
  '/app/admin': 'users',
  '/app/admin/invitations': 'invitations',
  '/app/admin/office': 'office',
} as const;
export type AppSection = (typeof APP_SECTIONS)[keyof typeof APP_SECTIONS];

/** A page under /app: its section, and the share it shows (/app/sent/<id>, /app/received/<id>). */
export interface AppRoute {
  readonly section: AppSection;
  readonly shareId?: string;
}

export function appRoute(path: string): AppRoute | null {
  const section = APP_SECTIONS[path as keyof typeof APP_SECTIONS] as AppSection | undefined;
  if (section) return { section };
  const share = /^\/app\/(sent|received)\/([A-Za-z0-9_-]{22})$/.exec(path);
  if (share) return { section: share[1] as 'sent' | 'received', shareId: share[2] as string };
  return null;
}

const SECTION_PATHS: Record<AppSection, string> = {
  dashboard: '/app',
  send: '/app/send',
  sent: '/app/sent',
  received: '/app/received',
  security: '/app/security',
  colleagues: '/app/colleagues',
  users: '/app/admin',
  invitations: '/app/admin/invitations',
  office: '/app/admin/office',
};

const SECTION_LABELS: Record<AppSection, MessageKey> = {
  dashboard: 'nav.dashboard',
  send: 'nav.send',
  sent: 'nav.sent',
  received: 'nav.received',
  security: 'nav.security',
  colleagues: 'nav.colleagues',
  users: 'nav.users',
  invitations: 'nav.invitations',
  office: 'nav.office',
};

/**
 * Sections this user may open. Sending and the office's shares need approved staff or an
 * approved admin; receiving, any approved account; admin pages, an approved admin (the server
 * checks the same).
 */
export function allowedSections(info: SessionInfo): AppSection[] {
  const { role, approval } = info.me;
  const approved = approval === 'approved';
  const office = role === 'staff' || role === 'admin';
  const sections: AppSection[] = ['dashboard'];
  if (approved && office) sections.push('send', 'sent');
  if (approved) sections.push('received');
  sections.push('security');
  if (office) sections.push('colleagues');
  if (role === 'admin' && approval === 'approved') sections.push('users', 'invitations', 'office');
  return sections;
}

export function AppGate({ route, path }: { readonly route: AppRoute; readonly path: string }): JSX.Element {
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
      return <AppShell route={route} info={state.info} keys={state.keys} />;
  }
}

function AppShell({ route, info, keys }: { readonly route: AppRoute; readonly info: SessionInfo; readonly keys: UnlockedKeys }): JSX.Element {
  const { t } = useI18n();
  const { section } = route;
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
      <div class="app-shell__content">{allowed ? <Section route={route} info={info} keys={keys} /> : <NotAllowed />}</div>
    </div>
  );
}

function Section({ route, info, keys }: { readonly route: AppRoute; readonly info: SessionInfo; readonly keys: UnlockedKeys }): JSX.Element {
  switch (route.section) {
    case 'dashboard':
      return <DashboardPage info={info} keys={keys} />;
    case 'send':
      return <SendPage info={info} />;
    case 'sent':
      return route.shareId ? <SentSharePage key={route.shareId} info={info} shareId={route.shareId} /> : <SentListPage info={info} />;
    case 'received':
      return route.shareId ? <ReceivedSharePage key={route.shareId} info={info} shareId={route.shareId} /> : <ReceivedListPage />;
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
