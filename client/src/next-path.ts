// Where to go after signing in: the `next` parameter of /login?next=… if it names a page of
// the signed-in app (never another origin, never a path outside /app; a share's page ends in
// its id), else the dashboard.

export function nextPath(search: string): string {
  const next = new URLSearchParams(search).get('next');
  return next !== null && /^\/app(?:\/[a-z-]+)*(?:\/[A-Za-z0-9_-]{22})?$/.test(next) ? next : '/app';
}
