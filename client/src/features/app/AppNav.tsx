// The navigation of the signed-in app, grouped: the daily work first, the administration, the
// user's own security. On a wide screen it is a column beside the page with every group shown
// under its name. Below 64em a "Menu" button opens and closes it (aria-expanded; Escape closes
// it and returns focus to the button; following a link closes it), and in it the administration
// is behind one entry of its own (open while one of its pages is shown).
import type { JSX } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { useI18n } from '../../i18n/context';
import { Link } from '../../router';
import { ADMIN_SECTIONS, navGroups, SECTION_LABELS, SECTION_PATHS, type AppSection } from './sections';

const MENU_ID = 'app-nav-menu';
const ADMIN_ID = 'app-nav-admin';

export function AppNav({
  sections,
  current,
  path,
}: {
  readonly sections: readonly AppSection[];
  readonly current: AppSection;
  readonly path: string;
}): JSX.Element {
  const { t } = useI18n();
  const groups = navGroups(sections);
  const inAdmin = ADMIN_SECTIONS.includes(current);
  const [menuOpen, setMenuOpen] = useState(false);
  const [adminOpen, setAdminOpen] = useState(inAdmin);
  const toggle = useRef<HTMLButtonElement>(null);
  const menu = useRef<HTMLDivElement>(null);

  // Another page: the phone menu closes (the page's heading takes focus); an admin page opens its group.
  useEffect(() => {
    setMenuOpen(false);
    if (inAdmin) setAdminOpen(true);
  }, [path, inAdmin]);

  const openMenu = (open: boolean): void => {
    setMenuOpen(open);
    if (open) requestAnimationFrame(() => menu.current?.querySelector<HTMLElement>('a, button')?.focus());
  };

  const onKeyDown = (event: KeyboardEvent): void => {
    if (event.key !== 'Escape' || !menuOpen) return;
    event.preventDefault();
    setMenuOpen(false);
    toggle.current?.focus();
  };

  const item = (section: AppSection): JSX.Element => (
    <li key={section}>
      <Link
        href={SECTION_PATHS[section]}
        class="app-nav__link"
        aria-current={section === current ? 'page' : undefined}
        testid={`nav-${section}`}
      >
        {t(SECTION_LABELS[section])}
      </Link>
    </li>
  );

  return (
    <nav class={`app-nav${menuOpen ? ' app-nav--open' : ''}`} aria-label={t('nav.app')} onKeyDown={onKeyDown}>
      <button
        ref={toggle}
        type="button"
        class="app-nav__toggle"
        aria-expanded={menuOpen}
        aria-controls={MENU_ID}
        onClick={() => openMenu(!menuOpen)}
        data-testid="nav-toggle"
      >
        <span class="app-nav__toggle-icon" aria-hidden="true" />
        {t('nav.menu')}
      </button>
      <div class="app-nav__menu" id={MENU_ID} ref={menu} data-testid="nav-menu">
        <ul class="app-nav__list">{groups.work.map(item)}</ul>
        {groups.admin.length > 0 && (
          <div class="app-nav__group">
            <span class="app-nav__group-label" id={`${ADMIN_ID}-label`}>
              {t('nav.admin')}
            </span>
            <button
              type="button"
              class="app-nav__group-toggle"
              aria-expanded={adminOpen}
              aria-controls={ADMIN_ID}
              onClick={() => setAdminOpen(!adminOpen)}
              data-testid="nav-admin-toggle"
            >
              {t('nav.admin')}
            </button>
            <ul
              class={`app-nav__list app-nav__list--sub${adminOpen ? '' : ' app-nav__list--collapsed'}`}
              id={ADMIN_ID}
              aria-labelledby={`${ADMIN_ID}-label`}
            >
              {groups.admin.map(item)}
            </ul>
          </div>
        )}
        <ul class="app-nav__list app-nav__list--account">{groups.account.map(item)}</ul>
      </div>
    </nav>
  );
}
