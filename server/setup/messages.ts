// What the server and the command line print about setup links, for the operator's console.
import type { IssuedSetupLink } from './service.js';

/** `2026-11-23 06:18 UTC` */
function formatTime(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

export function setupLinkBanner(link: IssuedSetupLink): string {
  const rule = '='.repeat(78);
  return [
    rule,
    '  Coffer is not set up yet. Open this link in a browser to create the first',
    `  admin account. It works once and is valid until ${formatTime(link.expiresAt)}:`,
    '',
    `    ${link.url}`,
    '',
    '  Whoever opens it first becomes the admin: do not share it.',
    rule,
  ].join('\n');
}

export function setupPendingLine(expiresAt: number): string {
  return (
    `Setup is not finished: the setup link printed earlier is valid until ${formatTime(expiresAt)}; ` +
    '`npm run coffer -- setup-link` prints a new one.'
  );
}
