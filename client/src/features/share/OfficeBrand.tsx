// The office's name and logo at the top of a page someone outside the office opens (a guest's
// link, a drop's upload page), so they recognise who is asking.
import type { JSX } from 'preact';
import { useI18n } from '../../i18n/context';

export function OfficeBrand({
  office,
  testid,
}: {
  readonly office: { readonly name: string; readonly logoUrl?: string | undefined };
  readonly testid: string;
}): JSX.Element {
  const { t } = useI18n();
  // Only the office's own logo endpoint: the server names it, and img-src allows nothing else.
  const logo = office.logoUrl !== undefined && office.logoUrl.startsWith('/api/') ? office.logoUrl : null;
  return (
    <div class="office-brand" data-testid={testid}>
      {logo && (
        <img
          class="office-brand__logo"
          src={logo}
          alt={t('logo.alt', { office: office.name })}
          data-testid={`${testid}-logo`}
        />
      )}
      <span class="office-brand__name">{office.name}</span>
    </div>
  );
}
