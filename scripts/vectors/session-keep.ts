// Keys kept for a session (docs/protocol.md §29): the key made from the server's and the local
// half, and the account keys of account.json sealed under it with purpose "session". Made last,
// so the older families keep their bytes.
import type { AccountContext } from './accounts.js';
import { c, hex, note, type VectorFiles } from './common.js';

export function sessionKeepFamily(files: VectorFiles, a: AccountContext): void {
  const { userId, account } = a;
  const sessionId = c.newId();
  const serverHalf = c.randomBytes(c.KEEP_HALF_BYTES);
  const localHalf = c.randomBytes(c.KEEP_HALF_BYTES);
  const key = c.sessionKeepKey(serverHalf, localHalf, userId, sessionId);
  files['account.json'] = {
    ...files['account.json'],
    note,
    sessionKeep: {
      sessionId: hex(sessionId),
      serverHalf: hex(serverHalf),
      localHalf: hex(localHalf),
      key: hex(key),
      bundle: hex(c.sealKeyBundle(key, userId, account, 'session')),
    },
  };
}
