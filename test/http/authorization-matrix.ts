// THE authorization matrix (docs/threat-model.md, promise 3): for every route of
// server/routes.ts, what each kind of caller gets when the request names an object that
// belongs to someone else. The test (authorization.test.ts) reads this table and the app's
// route table side by side: a route missing here, or a row for a route the app does not have,
// fails it.
//
// Who the callers are, and what "someone else's object" means for them:
//
//   anon    nobody: no cookie, no grant
//   cliA    client A, signed in; carries a grant for a share sent to A (and, on the drop
//           link routes, the grant of an upload session on A's personal drop)
//   cliB    client B, the same for B
//   st1     staff member 1, approved
//   st2     staff member 2, approved
//   admin   the office's admin
//   unappr  a staff member who accepted the invitation, not approved yet
//   disab   a staff member who was signed in when an admin disabled them (stale cookie)
//   gPre    a guest holding the link of a share, before the code (no grant)
//   gOth    a guest who confirmed the code on another share (a valid grant for that one)
//   gExp    a guest whose share expired (a grant issued before the expiry)
//
// Every caller targets the objects of the OTHER side of the office: staff 1, client A and the
// guests (whose links belong to side 1) aim at staff 2's shares, drops and uploads and at
// client B's share, uploads and personal drop; staff 2 and client B aim at side 1's. Admin,
// anonymous, unapproved and disabled callers aim at side 2. authorization.test.ts names, per
// route, the object it puts in the path or the body.
//
// Cells, with the error code each refusal carries (expectedErrorCode below):
//   401  signed_out on a guarded route (no live session); grant_invalid on a public route
//        that wants a grant; code_spent on a code's check (no code was asked for);
//        device_not_trusted where a trusted device would stand in for the code
//   403  forbidden: the caller's role may not use the route at all; approval_pending for the
//        unapproved staff member on a route behind `approved` or `office`, which their role
//        may use once approved
//   404  not_found: the object is not the caller's, which answers exactly like a missing one
//        (setup_link_invalid on the setup link's check, which has no owner)
//   tk   allowed, 2xx, and the same request wrote a takeover entry to the audit log: staff
//        and admins hold the office key and may act on a colleague's share or drop
//   ok   allowed, 2xx (the caller's own scope, a public page, or a link's id that is its
//        capability: 128 random bits that only the link carries)
//   400  invalid_input: refused for its (deliberately empty) body, after the guard let the
//        caller through: routes that name no object, where the body is not what this table
//        is about
//   410  the object ended, answered to someone entitled to know (its code, share_expired or
//        drop_closed and the like, named in OWN_CODES)
//
// An allowed cell answers no error body. Every cell is also checked against the server's own
// request log (server/kernel/http/request-log.ts): the route pattern the server matched must be the
// row's, so a request whose path has drifted from its route, which would answer 404 as
// `unmatched`, fails instead of passing as a 404 cell.
//
// A response to anyone who is not an office member never contains an id of the other side's
// objects beyond what the request itself named (checked for every cell).

import type { ErrorCode } from '../../shared/wire/index.js';

export const ACTORS = [
  'anon',
  'cliA',
  'cliB',
  'st1',
  'st2',
  'admin',
  'unappr',
  'disab',
  'gPre',
  'gOth',
  'gExp',
] as const;
export type Actor = (typeof ACTORS)[number];
export type Cell = '401' | '403' | '404' | '410' | '400' | 'ok' | 'tk';

// prettier-ignore
const MATRIX_TEXT = `
route                                                              anon cliA cliB st1  st2  admin unappr disab gPre gOth gExp
GET    /healthz                                                    ok   ok   ok   ok   ok   ok    ok     ok    ok   ok   ok
POST   /api/v1/setup/verify                                        404  404  404  404  404  404   404    404   404  404  404
POST   /api/v1/setup/complete                                      400  400  400  400  400  400   400    400   400  400  400
GET    /api/v1/office                                              ok   ok   ok   ok   ok   ok    ok     ok    ok   ok   ok
GET    /api/v1/office/logo                                         404  404  404  404  404  404   404    404   404  404  404
GET    /api/v1/office/keys                                         401  403  403  ok   ok   ok    403    401   401  401  401
POST   /api/v1/auth/prelogin                                       400  400  400  400  400  400   400    400   400  400  400
POST   /api/v1/auth/login                                          400  400  400  400  400  400   400    400   400  400  400
POST   /api/v1/auth/second-factor                                  400  400  400  400  400  400   400    400   400  400  400
POST   /api/v1/auth/recover                                        400  400  400  400  400  400   400    400   400  400  400
POST   /api/v1/auth/recover/complete                               400  400  400  400  400  400   400    400   400  400  400
POST   /api/v1/auth/logout                                         401  ok   ok   ok   ok   ok    ok     401   401  401  401
GET    /api/v1/session                                             401  ok   ok   ok   ok   ok    ok     401   401  401  401
GET    /api/v1/me/keys                                             401  ok   ok   ok   ok   ok    ok     401   401  401  401
POST   /api/v1/session/keep-half                                   401  ok   ok   ok   ok   ok    ok     401   401  401  401
GET    /api/v1/session/keep-half                                   401  ok   ok   ok   ok   ok    ok     401   401  401  401
GET    /api/v1/sessions                                            401  ok   ok   ok   ok   ok    ok     401   401  401  401
DELETE /api/v1/sessions/:sessionId                                 401  404  404  404  404  404   404    401   401  401  401
POST   /api/v1/me/password                                         401  400  400  400  400  400   400    401   401  401  401
PUT    /api/v1/me/language                                         401  400  400  400  400  400   400    401   401  401  401
POST   /api/v1/me/two-factor/begin                                 401  400  400  400  400  400   400    401   401  401  401
POST   /api/v1/me/two-factor/confirm                               401  400  400  400  400  400   400    401   401  401  401
POST   /api/v1/me/two-factor/disable                               401  400  400  400  400  400   400    401   401  401  401
POST   /api/v1/invitations/lookup                                  400  400  400  400  400  400   400    400   400  400  400
POST   /api/v1/invitations/accept                                  400  400  400  400  400  400   400    400   400  400  400
GET    /api/v1/directory                                           401  403  403  ok   ok   ok    ok     401   401  401  401
GET    /api/v1/admin/users                                         401  403  403  403  403  ok    403    401   401  401  401
GET    /api/v1/admin/users/:userId                                 401  403  403  403  403  ok    403    401   401  401  401
POST   /api/v1/admin/users/:userId/approve                         401  403  403  403  403  ok    403    401   401  401  401
POST   /api/v1/admin/users/:userId/disable                         401  403  403  403  403  ok    403    401   401  401  401
POST   /api/v1/admin/users/:userId/enable                          401  403  403  403  403  ok    403    401   401  401  401
POST   /api/v1/admin/users/:userId/role                            401  403  403  403  403  ok    403    401   401  401  401
POST   /api/v1/admin/users/:userId/reset                           401  403  403  403  403  ok    403    401   401  401  401
GET    /api/v1/admin/invitations                                   401  403  403  403  403  ok    403    401   401  401  401
POST   /api/v1/admin/invitations                                   401  403  403  403  403  ok    403    401   401  401  401
POST   /api/v1/admin/invitations/:invitationId/resend              401  403  403  403  403  ok    403    401   401  401  401
POST   /api/v1/admin/invitations/:invitationId/withdraw            401  403  403  403  403  ok    403    401   401  401  401
GET    /api/v1/admin/settings                                      401  403  403  403  403  ok    403    401   401  401  401
PUT    /api/v1/admin/settings                                      401  403  403  403  403  ok    403    401   401  401  401
PUT    /api/v1/admin/logo                                          401  403  403  403  403  ok    403    401   401  401  401
DELETE /api/v1/admin/logo                                          401  403  403  403  403  ok    403    401   401  401  401
POST   /api/v1/uploads                                             401  403  403  ok   ok   ok    403    401   401  401  401
GET    /api/v1/uploads/:uploadId                                   401  403  403  404  404  404   403    401   401  401  401
PUT    /api/v1/uploads/:uploadId/parts/:index                      401  403  403  404  404  404   403    401   401  401  401
POST   /api/v1/uploads/:uploadId/complete                          401  403  403  404  404  404   403    401   401  401  401
DELETE /api/v1/uploads/:uploadId                                   401  403  403  404  404  404   403    401   401  401  401
POST   /api/v1/recipients/lookup                                   401  403  403  ok   ok   ok    403    401   401  401  401
POST   /api/v1/shares                                              401  403  403  404  404  404   403    401   401  401  401
GET    /api/v1/shares                                              401  403  403  ok   ok   ok    403    401   401  401  401
GET    /api/v1/shares/:shareId                                     401  403  403  tk   tk   tk    403    401   401  401  401
POST   /api/v1/shares/:shareId/revoke                              401  403  403  tk   tk   tk    403    401   401  401  401
POST   /api/v1/shares/:shareId/extend                              401  403  403  tk   tk   tk    403    401   401  401  401
POST   /api/v1/shares/:shareId/recipients/:recipientId/unlock      401  403  403  tk   tk   tk    403    401   401  401  401
POST   /api/v1/shares/:shareId/recipients/:recipientId/mail-link   401  403  403  tk   tk   tk    403    401   401  401  401
GET    /api/v1/shares/:shareId/recipients/:recipientId/trusted-devices 401  403  403  ok   ok   ok    403    401   401  401  401
POST   /api/v1/shares/:shareId/recipients/:recipientId/trusted-devices/revoke 401  403  403  tk   tk   tk    403    401   401  401  401
GET    /api/v1/shares/:shareId/files/:fileId                       401  403  403  tk   tk   tk    403    401   401  401  401
GET    /api/v1/links/:linkId                                       ok   ok   ok   ok   ok   ok    ok     ok    ok   ok   ok
POST   /api/v1/links/:linkId/code                                  ok   ok   ok   ok   ok   ok    ok     ok    ok   ok   ok
POST   /api/v1/links/:linkId/verify                                401  401  401  401  401  401   401    401   401  401  401
POST   /api/v1/links/:linkId/trusted                               401  401  401  401  401  401   401    401   401  401  401
DELETE /api/v1/trusted-device                                      ok   ok   ok   ok   ok   ok    ok     ok    ok   ok   ok
GET    /api/v1/links/:linkId/files/:fileId                         401  404  404  401  401  401   401    401   401  404  404
GET    /api/v1/received                                            401  ok   ok   ok   ok   ok    403    401   401  401  401
GET    /api/v1/received/:shareId                                   401  404  404  404  404  404   403    401   401  401  401
POST   /api/v1/received/:shareId/grant                             401  404  404  404  404  404   403    401   401  401  401
GET    /api/v1/received/:shareId/files/:fileId                     401  404  404  404  404  404   403    401   401  401  401
POST   /api/v1/drops                                               401  403  403  ok   ok   ok    403    401   401  401  401
GET    /api/v1/drops                                               401  403  403  ok   ok   ok    403    401   401  401  401
GET    /api/v1/drops/:dropId                                       401  403  403  tk   tk   tk    403    401   401  401  401
POST   /api/v1/drops/:dropId/close                                 401  403  403  tk   tk   tk    403    401   401  401  401
POST   /api/v1/drops/:dropId/unlock                                401  403  403  tk   tk   tk    403    401   401  401  401
DELETE /api/v1/drops/:dropId                                       401  403  403  tk   tk   tk    403    401   401  401  401
DELETE /api/v1/drops/:dropId/uploads/:dropUploadId                 401  403  403  tk   tk   tk    403    401   401  401  401
POST   /api/v1/drops/:dropId/uploads/:dropUploadId/reject          401  403  403  tk   tk   tk    403    401   401  401  401
GET    /api/v1/drops/:dropId/uploads/:dropUploadId/files/:fileId   401  403  403  tk   tk   tk    403    401   401  401  401
GET    /api/v1/d/:dropId                                           404  404  404  404  404  404   404    404   404  404  404
POST   /api/v1/d/:dropId/code                                      404  404  404  404  404  404   404    404   404  404  404
POST   /api/v1/d/:dropId/verify                                    404  404  404  404  404  404   404    404   404  404  404
POST   /api/v1/d/:dropId/trusted                                   404  404  404  404  404  404   404    404   404  404  404
POST   /api/v1/d/:dropId/start                                     404  404  404  404  404  404   404    404   404  404  404
POST   /api/v1/d/:dropId/uploads                                   401  404  404  401  401  401   401    401   401  401  401
GET    /api/v1/d/:dropId/uploads/:uploadId                         401  404  404  401  401  401   401    401   401  401  401
PUT    /api/v1/d/:dropId/uploads/:uploadId/parts/:index            401  404  404  401  401  401   401    401   401  401  401
POST   /api/v1/d/:dropId/uploads/:uploadId/complete                401  404  404  401  401  401   401    401   401  401  401
DELETE /api/v1/d/:dropId/uploads/:uploadId                         401  404  404  401  401  401   401    401   401  401  401
POST   /api/v1/d/:dropId/submit                                    401  404  404  401  401  401   401    401   401  401  401
POST   /api/v1/d/:dropId/submit (own drop, their uploads in body)  401  404  404  401  401  401   401    401   401  401  401
GET    /api/v1/admin/audit                                         401  403  403  403  403  ok    403    401   401  401  401
GET    /api/v1/admin/audit/export                                  401  403  403  403  403  ok    403    401   401  401  401
POST   /api/v1/clients/invitations                                 401  403  403  ok   ok   ok    403    401   401  401  401
POST   /api/v1/clients/invitations/:invitationId/resend            401  403  403  ok   ok   ok    403    401   401  401  401
POST   /api/v1/clients/invitations/:invitationId/withdraw          401  403  403  ok   ok   ok    403    401   401  401  401
GET    /api/v1/clients                                             401  403  403  ok   ok   ok    403    401   401  401  401
GET    /api/v1/clients/:userId                                     401  403  403  ok   ok   ok    403    401   401  401  401
POST   /api/v1/clients/:userId/approve                             401  403  403  ok   ok   ok    403    401   401  401  401
POST   /api/v1/clients/:userId/keys-checked                        401  403  403  ok   ok   ok    403    401   401  401  401
POST   /api/v1/clients/:userId/advisor                             401  403  403  ok   ok   ok    403    401   401  401  401
POST   /api/v1/clients/:userId/drop                                401  403  403  ok   ok   ok    403    401   401  401  401
GET    /api/v1/portal                                              401  ok   ok   403  403  403   403    401   401  401  401
GET    /api/v1/portal/uploads                                      401  ok   ok   403  403  403   403    401   401  401  401
GET    /api/v1/portal/uploads/:dropUploadId                        401  404  404  403  403  403   403    401   401  401  401
POST   /api/v1/portal/drops/:dropId/start                          401  404  404  403  403  403   403    401   401  401  401
GET    /api/v1/contacts                                            401  403  403  ok   ok   ok    403    401   401  401  401
POST   /api/v1/contacts                                            401  403  403  ok   ok   ok    403    401   401  401  401
PUT    /api/v1/contacts/:contactId                                 401  403  403  ok   ok   ok    403    401   401  401  401
DELETE /api/v1/contacts/:contactId                                 401  403  403  ok   ok   ok    403    401   401  401  401
PUT    /api/v1/contacts/:contactId/code                            401  403  403  ok   ok   ok    403    401   401  401  401
DELETE /api/v1/contacts/:contactId/code                            401  403  403  ok   ok   ok    403    401   401  401  401
GET    /api/v1/recipients/suggestions                              401  403  403  ok   ok   ok    403    401   401  401  401
POST   /api/v1/devices/enrolments                                  400  400  400  400  400  400   400    400   400  400  400
GET    /api/v1/devices/enrolments                                  401  403  403  ok   ok   ok    403    401   401  401  401
POST   /api/v1/devices/enrolments/:enrolmentId/approve             401  403  403  400  400  400   403    401   401  401  401
POST   /api/v1/devices/enrolments/:enrolmentId/claim               404  404  404  404  404  404   404    404   404  404  404
GET    /api/v1/devices                                             401  403  403  ok   ok   ok    403    401   401  401  401
PUT    /api/v1/devices/:deviceId                                   401  403  403  404  404  404   403    401   401  401  401
DELETE /api/v1/devices/:deviceId                                   401  403  403  404  404  404   403    401   401  401  401
POST   /api/v1/devices/:deviceId/tokens                            401  403  403  404  404  404   403    401   401  401  401
DELETE /api/v1/devices/:deviceId/tokens/:tokenId                   401  403  403  404  404  404   403    401   401  401  401
POST   /api/v1/admin/privacy/preview                               401  403  403  403  403  ok    403    401   401  401  401
POST   /api/v1/admin/privacy/export                                401  403  403  403  403  ok    403    401   401  401  401
POST   /api/v1/admin/privacy/erase                                 401  403  403  403  403  ok    403    401   401  401  401
GET    /api/v1/me/pins                                             401  ok   ok   ok   ok   ok    ok     401   401  401  401
PUT    /api/v1/me/pins/:subject/:subjectId                         401  400  400  400  400  400   400    401   401  401  401
GET    /api/v1/me/pin-index                                        401  ok   ok   ok   ok   ok    ok     401   401  401  401
PUT    /api/v1/me/pin-index                                        401  400  400  400  400  400   400    401   401  401  401
PAGES  every page of the browser client (server/routes.ts PAGES)  ok   ok   ok   ok   ok   ok    ok     ok    ok   ok   ok
GET    /sw.js                                                      ok   ok   ok   ok   ok   ok    ok     ok    ok   ok   ok
GET    /assets/*file                                               ok   ok   ok   ok   ok   ok    ok     ok    ok   ok   ok
`;

export interface MatrixRow {
  /** "METHOD /path" as in the route table, or with a " (…)" note for a second request to the same route. */
  readonly key: string;
  readonly route: string;
  readonly cells: Readonly<Record<Actor, Cell>>;
}

const CELLS = new Set<string>(['401', '403', '404', '410', '400', 'ok', 'tk']);

/** Parses MATRIX_TEXT; a malformed line throws, so the table cannot silently lose a row. */
export function parseMatrix(text = MATRIX_TEXT): MatrixRow[] {
  const lines = text.split('\n').filter((line) => line.trim() !== '');
  const [header, ...rows] = lines;
  if (header === undefined || !header.startsWith('route')) throw new Error('the matrix has no header');
  return rows.map((line) => {
    const words = line.trim().split(/\s+/);
    const cellWords = words.slice(-ACTORS.length);
    if (cellWords.length !== ACTORS.length || cellWords.some((cell) => !CELLS.has(cell)))
      throw new Error(`bad matrix line: ${line}`);
    const method = words[0] as string;
    const path = words[1] as string;
    const note = words.slice(2, -ACTORS.length).join(' ');
    const route = `${method} ${path}`;
    const key = method === 'PAGES' ? 'PAGES' : note === '' ? route : `${route} ${note}`;
    const cells = Object.fromEntries(ACTORS.map((actor, index) => [actor, cellWords[index] as Cell])) as Record<
      Actor,
      Cell
    >;
    return { key, route, cells };
  });
}

/** Routes whose refusal of a cell carries a code of its own rather than the status's usual one. */
const OWN_CODES: Readonly<Record<string, Partial<Record<Cell, ErrorCode>>>> = {
  // An unknown setup token: its own 404, which the setup page explains.
  'POST /api/v1/setup/verify': { '404': 'setup_link_invalid' },
  // A code's check with no code asked for: nothing could succeed, "ask for a new code".
  'POST /api/v1/links/:linkId/verify': { '401': 'code_spent' },
  // No caller holds a trusted-device cookie for the other side's guest: "use a code".
  'POST /api/v1/links/:linkId/trusted': { '401': 'device_not_trusted' },
};

/**
 * The error code a cell's answer carries: undefined for the allowed cells (no error body).
 * `guard` is the route's guard in the route table; `actor` tells the two 403s apart.
 */
export function expectedErrorCode(row: MatrixRow, guard: string, actor: Actor): ErrorCode | undefined {
  const cell = row.cells[actor];
  const own = OWN_CODES[row.key]?.[cell];
  if (own !== undefined) return own;
  switch (cell) {
    case 'ok':
    case 'tk':
      return undefined;
    case '400':
      // The routes' deliberately empty (or foreign-naming) bodies fail their schema.
      return 'invalid_input';
    case '401':
      // A guarded route wants a session; a public one that refuses wants a grant.
      return guard === 'public' ? 'grant_invalid' : 'signed_out';
    case '403':
      // The unapproved staff member's role may use the routes behind `approved` and `office`:
      // only the approval is missing. Everyone else's role may not use the route at all.
      return actor === 'unappr' && (guard === 'approved' || guard === 'office') ? 'approval_pending' : 'forbidden';
    case '404':
      return 'not_found';
    case '410':
      throw new Error(`${row.key}: a 410 cell names its code (share_expired, drop_closed…) in OWN_CODES`);
  }
}
