// Everything under /app: signed in, keys unlocked, and (if the office requires it) two-factor
// sign-in set up. The gate shows whichever of those is missing; the shell shows the section.
import type { JSX } from 'preact';
import { useEffect } from 'preact/hooks';
import type { SessionInfo } from '../../api/accounts';
import { useI18n } from '../../i18n/context';
import { Link, navigate } from '../../router';
import { lazyPage } from '../../lazy-page';
import { useSession } from '../../session/context';
import type { UnlockedKeys } from '../../session/store';
import { Progress } from '../../ui/Alert';
import { PageHeading } from '../../ui/PageHeading';
import { OfficePinGate } from '../portal/OfficePinGate';
import { SignedOutNotice } from './SignedOutNotice';
import { UnlockPage } from './UnlockPage';
import { AppNav } from './AppNav';
import { allowedSections, type AppRoute } from './sections';

// Each section is its own chunk (lazy-page.tsx): a client's portal does not fetch the admin pages.
const InvitationsPage = lazyPage(() => import('../admin/InvitationsPage').then((m) => m.InvitationsPage));
const OfficePage = lazyPage(() => import('../admin/OfficePage').then((m) => m.OfficePage));
const UsersPage = lazyPage(() => import('../admin/UsersPage').then((m) => m.UsersPage));
const AuditPage = lazyPage(() => import('../audit/AuditPage').then((m) => m.AuditPage));
const PrivacyPage = lazyPage(() => import('../privacy/PrivacyPage').then((m) => m.PrivacyPage));
const ColleaguesPage = lazyPage(() => import('../colleagues/ColleaguesPage').then((m) => m.ColleaguesPage));
const ClientsPage = lazyPage(() => import('../clients/ClientsPage').then((m) => m.ClientsPage));
const ContactsPage = lazyPage(() => import('../contacts/ContactsPage').then((m) => m.ContactsPage));
const PortalPage = lazyPage(() => import('../portal/PortalPage').then((m) => m.PortalPage));
const DropCreatePage = lazyPage(() => import('../drops/DropCreatePage').then((m) => m.DropCreatePage));
const DropPage = lazyPage(() => import('../drops/DropPage').then((m) => m.DropPage));
const DropsListPage = lazyPage(() => import('../drops/DropsListPage').then((m) => m.DropsListPage));
const InboxPage = lazyPage(() => import('../received/InboxPage').then((m) => m.InboxPage));
const ReceivedSharePage = lazyPage(() => import('../received/ReceivedSharePage').then((m) => m.ReceivedSharePage));
const SendPage = lazyPage(() => import('../send/SendPage').then((m) => m.SendPage));
const BatchPage = lazyPage(() => import('../batch/BatchPage').then((m) => m.BatchPage));
const BatchView = lazyPage(() => import('../batch/BatchView').then((m) => m.BatchView));
const SentListPage = lazyPage(() => import('../sent/SentListPage').then((m) => m.SentListPage));
const SentSharePage = lazyPage(() => import('../sent/SentSharePage').then((m) => m.SentSharePage));
const EnrolTwoFactorPage = lazyPage(() => import('../security/EnrolTwoFactorPage').then((m) => m.EnrolTwoFactorPage));
const SecurityPage = lazyPage(() => import('../security/SecurityPage').then((m) => m.SecurityPage));
const DashboardPage = lazyPage(() => import('./DashboardPage').then((m) => m.DashboardPage));

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
      return <AppShell route={route} path={path} info={state.info} keys={state.keys} />;
  }
}

function AppShell({
  route,
  path,
  info,
  keys,
}: {
  readonly route: AppRoute;
  readonly path: string;
  readonly info: SessionInfo;
  readonly keys: UnlockedKeys;
}): JSX.Element {
  const { section } = route;
  const sections = allowedSections(info);
  const allowed = sections.includes(section);
  return (
    <div class="app-shell" data-testid="app-shell" data-section={section}>
      <AppNav sections={sections} current={section} path={path} />
      <div class="app-shell__content">
        {!allowed ? (
          <NotAllowed />
        ) : info.me.role === 'client' ? (
          // A client sees nothing before their pin of the office key checked out.
          <OfficePinGate info={info}>
            <Section route={route} info={info} keys={keys} />
          </OfficePinGate>
        ) : (
          <Section route={route} info={info} keys={keys} />
        )}
      </div>
    </div>
  );
}

function Section({
  route,
  info,
  keys,
}: {
  readonly route: AppRoute;
  readonly info: SessionInfo;
  readonly keys: UnlockedKeys;
}): JSX.Element {
  switch (route.section) {
    case 'dashboard':
      return info.me.role === 'client' && info.me.approval === 'approved' ? (
        <PortalPage info={info} />
      ) : (
        <DashboardPage info={info} keys={keys} />
      );
    case 'send':
      return route.newBatch ? <BatchPage info={info} /> : <SendPage info={info} />;
    case 'sent':
      if (route.batchId) return <BatchView key={route.batchId} info={info} batchId={route.batchId} />;
      return route.shareId ? (
        <SentSharePage key={route.shareId} info={info} shareId={route.shareId} />
      ) : (
        <SentListPage info={info} />
      );
    case 'received':
      return route.shareId ? (
        <ReceivedSharePage key={route.shareId} info={info} shareId={route.shareId} />
      ) : (
        <InboxPage info={info} />
      );
    case 'drops':
      if (route.newDrop) return <DropCreatePage info={info} />;
      return route.dropId ? (
        <DropPage key={route.dropId} info={info} dropId={route.dropId} />
      ) : (
        <DropsListPage info={info} />
      );
    case 'security':
      return <SecurityPage info={info} keys={keys} />;
    case 'colleagues':
      return <ColleaguesPage info={info} />;
    case 'clients':
      return <ClientsPage info={info} />;
    case 'contacts':
      return <ContactsPage />;
    case 'users':
      return <UsersPage info={info} />;
    case 'invitations':
      return <InvitationsPage />;
    case 'office':
      return <OfficePage />;
    case 'audit':
      return <AuditPage />;
    case 'privacy':
      return <PrivacyPage />;
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
