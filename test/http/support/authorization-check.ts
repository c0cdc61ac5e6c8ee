// Running one row of the authorization matrix (test/http/authorization.test.ts): each caller's
// request sent, the answer judged against the cell, the request log checked, and no id of the
// other side in an answer to someone outside the office.
import { vi } from 'vitest';
import { idToWire } from '../../../shared/crypto/index.js';
import { type RouteSpec } from '../../../server/routes.js';
import { errorCodeOf } from '../../helpers/expect.js';
import { idOf } from '../../helpers/office.js';
import { ACTORS, expectedErrorCode, type Cell, type MatrixRow } from '../authorization-matrix.js';
import { type Side, t, callers } from './authorization-world.js';
import { BUILDERS, send } from './authorization-requests.js';

const TAKEOVERS = "SELECT count(*) AS n FROM audit_log WHERE action IN ('share.takeover', 'drop.takeover')";

const takeovers = () => (t.db.prepare(TAKEOVERS).get() as { n: number }).n;

/** Ids of the target side that only its own people (and the office) may learn. */
function privateIds(side: Side): string[] {
  return [
    side.share.shareId,
    idToWire(side.guest.recipientId),
    idToWire(side.guest.linkId),
    ...side.share.accountRecipients.values(),
    side.memberUploadId,
    side.drop.dropId,
    side.dropUploadId,
    side.personalDropId,
    side.personalUploadId,
    side.personalDropUploadId,
    idOf(side.client),
    side.sessionId,
  ];
}

function judge(cell: Cell, status: number, code: string | undefined, expected: string | undefined, tookOver: boolean) {
  switch (cell) {
    case 'ok':
      return status >= 200 && status < 300 && code === undefined;
    case 'tk':
      return status >= 200 && status < 300 && code === undefined && tookOver;
    default:
      return status === Number(cell) && code === expected;
  }
}

interface RequestLine {
  readonly method: string;
  readonly route: string;
  readonly status: number;
}

/**
 * The server's log lines for the requests answered since `mark` (request-log.ts writes one per
 * request, when the response has finished). A streamed file can reach the client just before
 * the server sees its response finish, so this waits for the line to be written.
 */
export async function requestsLogged(mark: number): Promise<RequestLine[]> {
  return vi.waitFor(
    () => {
      const lines = t.logs.linesSince(mark).filter((line) => line.msg === 'request');
      if (lines.length === 0) throw new Error('the server has not logged the request yet');
      return lines as unknown as RequestLine[];
    },
    { timeout: 5_000, interval: 5 },
  );
}

export async function check(row: MatrixRow, spec: RouteSpec, builder = BUILDERS[row.key]): Promise<string[]> {
  if (builder === undefined) throw new Error(`no request for ${row.key}`);
  const wrong: string[] = [];
  for (const actor of ACTORS) {
    const caller = callers[actor];
    const request = await builder(caller, actor);
    const before = takeovers();
    const mark = t.logs.count();
    const res = await send(caller, spec, request);
    const logged = await requestsLogged(mark);
    const code = errorCodeOf(res);
    const cell = row.cells[actor];
    const expected = expectedErrorCode(row, spec.guard, actor);
    if (!judge(cell, res.status, code, expected, takeovers() > before))
      wrong.push(
        `${actor}: expected ${cell} ${expected ?? ''}, got ${res.status} ${code ?? ''}`.replace(/ +/g, ' ').trim(),
      );
    const matched = logged.map((line) => `${line.method} ${line.route} ${line.status}`);
    if (matched.length !== 1 || matched[0] !== `${spec.method} ${spec.path} ${res.status}`)
      wrong.push(`${actor}: the server logged ${matched.join(', ')}, not ${spec.method} ${spec.path} ${res.status}`);
    if (!caller.office && !(spec.guard === 'public' && res.status < 300)) {
      const text = res.text ?? '';
      const named = `${request.path} ${JSON.stringify(request.body ?? '')}`;
      for (const id of privateIds(caller.target)) {
        if (!named.includes(id) && text.includes(id))
          wrong.push(`${actor}: the answer holds ${id}, an id of the other side`);
      }
    }
  }
  return wrong;
}
