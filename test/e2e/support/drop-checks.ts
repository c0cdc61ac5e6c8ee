// Checks on a drop that the drop tests in real Chromium (test/e2e/drops.test.ts) make in the
// database and on the disk of the Coffer their FlowTest started: the drop's public key, how many
// sessions, uploads and submissions it has, and that its blobs are the containers the client's
// browser sent. The flow is read when a check runs, so dropChecks may be called before flow.start.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from 'vitest';
import { ciphertextLengthOf, createContainerHasher, idFromWire, toHex } from '../../../shared/crypto/index.js';
import type { FileToSend } from './sending.js';
import type { FlowTest } from './sessions.js';
import type { RecordedRequest } from './traces.js';

export function dropChecks(flow: FlowTest) {
  function publicKeyOf(dropId: string): Uint8Array {
    const { db } = flow;
    return new Uint8Array(
      (db.prepare('SELECT public_key FROM drops WHERE id = ?').get(idFromWire(dropId)) as { public_key: Buffer })
        .public_key,
    );
  }

  function countFor(dropId: string): { sessions: number; uploads: number; submissions: number } {
    const { db } = flow;
    const id = idFromWire(dropId);
    const one = (sql: string): number => (db.prepare(sql).get(id) as { n: number }).n;
    return {
      sessions: one('SELECT count(*) AS n FROM drop_sessions WHERE drop_id = ?'),
      uploads: one(
        'SELECT count(*) AS n FROM uploads WHERE drop_session_id IN (SELECT id FROM drop_sessions WHERE drop_id = ?)',
      ),
      submissions: one('SELECT count(*) AS n FROM drop_uploads WHERE drop_id = ?'),
    };
  }

  /**
   * Each file of the drop's one upload is a blob on disk exactly as long as format v1 makes a
   * container of its plaintext, with the hash the server recorded; and the 50 MiB one is the
   * parts the client's browser sent, put together (so the request search saw whole bodies).
   */
  async function expectBlobsAreContainers(
    dropId: string,
    files: readonly FileToSend[],
    uploaded: readonly RecordedRequest[],
  ): Promise<void> {
    const { db, coffer } = flow;
    const rows = db
      .prepare(
        'SELECT f.blob_id, f.size, f.ciphertext_hash FROM drop_files f JOIN drop_uploads u ON u.id = f.drop_upload_id WHERE u.drop_id = ? ORDER BY f.position',
      )
      .all(idFromWire(dropId)) as { blob_id: Buffer; size: number; ciphertext_hash: Buffer }[];
    expect(rows.map((row) => row.size)).toEqual(files.map((file) => ciphertextLengthOf(file.buffer.length)));
    const blobs: Buffer[] = [];
    for (const row of rows) {
      const blob = await readFile(join(coffer.dataDir, 'blobs', toHex(row.blob_id)));
      expect(blob.length).toBe(row.size);
      const hasher = createContainerHasher();
      hasher.update(blob);
      expect(Buffer.from(hasher.digest()).equals(row.ciphertext_hash)).toBe(true);
      blobs.push(blob);
    }
    const parts = new Map<string, Map<number, Buffer>>();
    for (const request of uploaded) {
      const part = new RegExp(`^/api/v1/d/${dropId}/uploads/([A-Za-z0-9_-]+)/parts/(\\d+)$`).exec(
        new URL(request.url).pathname,
      );
      if (request.method !== 'PUT' || !part || !request.body) continue;
      const [, uploadId = '', index = ''] = part;
      if (!parts.has(uploadId)) parts.set(uploadId, new Map());
      parts.get(uploadId)?.set(Number(index), request.body);
    }
    const sent = [...parts.values()].map((byIndex) =>
      Buffer.concat([...byIndex.entries()].sort(([a], [b]) => a - b).map(([, body]) => body)),
    );
    const largest = blobs.reduce((a, b) => (b.length > a.length ? b : a));
    expect(sent.some((container) => container.equals(largest))).toBe(true);
  }

  return { publicKeyOf, countFor, expectBlobsAreContainers };
}
