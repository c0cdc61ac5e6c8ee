// A part over a slow link (shared/wire/uploads.ts, server/uploads/timeouts.ts). The client
// asks for small parts; the server limits how long a part may stay idle, not how long it
// takes. Here with short limits so the test runs in seconds: headers within 2 s, any other
// request within 3 s, a part idle at most 2 s. A part trickling in at 16 KiB/s for about
// 10 s arrives and the upload completes with its hash; a part that stops sending, a request
// body that stops, and a connection that never finishes its headers are closed. With Node's
// whole-request limit (the old server: requestTimeout for every request), the trickling part
// got a 408 after 3 s.
import { createServer, request as httpRequest, type RequestListener, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { toBase64Url } from '../../shared/crypto/index.js';
import { UPLOAD_PART_SIZES, UploadCreateResponse, UploadStatus } from '../../shared/wire/index.js';
import { applyHttpTimeouts } from '../../server/uploads/timeouts.js';
import { TEST_ORIGIN } from '../helpers/app.js';
import { makeFile, randomPlaintext } from '../helpers/browser-shares.js';
import { expectError } from '../helpers/expect.js';
import { httpSuite } from '../helpers/suite.js';

const suite = httpSuite();

const LIMITS = { headersMs: 2000, requestMs: 3000, partIdleMs: 2000 };
const SMALLEST_PART = UPLOAD_PART_SIZES[0];
/** 16 KiB/s: 4 KiB every 250 ms. */
const PIECE_BYTES = 4 * 1024;
const PIECE_EVERY_MS = 250;

async function listening(app: RequestListener): Promise<{ server: Server; port: number }> {
  // Node checks the headers limit on this interval (30 s by default).
  const server = createServer({ connectionsCheckingInterval: 250 });
  applyHttpTimeouts(server, LIMITS);
  server.on('request', app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port };
}

interface Sent {
  /** The status, or the error the connection ended with. */
  readonly outcome: number | string;
  /** Milliseconds from the last byte sent to the end. */
  readonly afterLastByte: number;
  readonly elapsed: number;
}

/** Sends `body` in pieces at 16 KiB/s, or only its first `stopAfter` bytes and then nothing. */
function trickle(
  port: number,
  method: string,
  path: string,
  headers: Record<string, string>,
  body: Uint8Array,
  stopAfter = body.length,
): Promise<Sent> {
  return new Promise((resolve) => {
    const began = Date.now();
    let lastByte = began;
    let timer: NodeJS.Timeout | undefined;
    const finish = (outcome: number | string) => {
      clearTimeout(timer);
      resolve({ outcome, afterLastByte: Date.now() - lastByte, elapsed: Date.now() - began });
    };
    const req = httpRequest(
      { host: '127.0.0.1', port, method, path, headers: { ...headers, 'Content-Length': String(body.length) } },
      (res) => {
        res.resume();
        res.on('end', () => finish(res.statusCode ?? 0));
      },
    );
    req.on('error', (error: NodeJS.ErrnoException) => finish(error.code ?? error.message));
    let sent = 0;
    const next = () => {
      if (sent >= stopAfter) return;
      const piece = body.subarray(sent, Math.min(stopAfter, sent + PIECE_BYTES));
      req.write(piece);
      sent += piece.length;
      lastByte = Date.now();
      if (sent === body.length) req.end();
      else timer = setTimeout(next, PIECE_EVERY_MS);
    };
    req.flushHeaders();
    next();
  });
}

describe('a part over a slow link', () => {
  it('arrives at 16 KiB/s over ~10 s (past the 3 s request limit), and the upload completes', async () => {
    const o = await suite.office();
    const { server, port } = await listening(o.t.app);
    try {
      // 160 KiB of container: one part of the smallest size.
      const file = makeFile(randomPlaintext(160 * 1024 - 100));
      const created = await o.admin.tab.post('/api/v1/uploads', {
        size: file.container.length,
        partSize: SMALLEST_PART,
      });
      expect(created.status).toBe(201);
      const upload = UploadCreateResponse.parse(created.body);
      expect(upload).toMatchObject({ partSize: SMALLEST_PART, partCount: 1 });
      const headers = {
        Origin: TEST_ORIGIN,
        Cookie: `__Host-coffer-session=${o.admin.tab.token as string}`,
        'Content-Type': 'application/octet-stream',
      };
      const sent = await trickle(port, 'PUT', `/api/v1/uploads/${upload.uploadId}/parts/0`, headers, file.container);
      expect(sent.outcome).toBe(204);
      expect(sent.elapsed).toBeGreaterThan(LIMITS.requestMs * 2);
      const done = await o.admin.tab.post(`/api/v1/uploads/${upload.uploadId}/complete`, {});
      expect(done.status).toBe(200);
      expect(done.body).toEqual({ uploadId: upload.uploadId, ciphertextHash: toBase64Url(file.ciphertextHash) });
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  }, 60_000);

  it('closes a part that sends nothing for longer than the idle limit, and records nothing', async () => {
    const o = await suite.office();
    const { server, port } = await listening(o.t.app);
    try {
      const file = makeFile(randomPlaintext(100_000));
      const upload = UploadCreateResponse.parse(
        (await o.admin.tab.post('/api/v1/uploads', { size: file.container.length, partSize: SMALLEST_PART })).body,
      );
      const headers = {
        Origin: TEST_ORIGIN,
        Cookie: `__Host-coffer-session=${o.admin.tab.token as string}`,
        'Content-Type': 'application/octet-stream',
      };
      const stalled = await trickle(
        port,
        'PUT',
        `/api/v1/uploads/${upload.uploadId}/parts/0`,
        headers,
        file.container,
        3 * PIECE_BYTES,
      );
      // A 408 (or the connection closed under it), about the idle limit after the last byte.
      expect([408, 'ECONNRESET', 'socket hang up']).toContain(stalled.outcome);
      expect(stalled.afterLastByte).toBeGreaterThanOrEqual(LIMITS.partIdleMs - 100);
      expect(stalled.afterLastByte).toBeLessThan(LIMITS.partIdleMs + 2000);
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(UploadStatus.parse((await o.admin.tab.get(`/api/v1/uploads/${upload.uploadId}`)).body).received).toEqual(
        [],
      );
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  }, 30_000);

  it('closes any other request whose body stops, and a connection that never finishes its headers', async () => {
    const o = await suite.office();
    const { server, port } = await listening(o.t.app);
    try {
      const headers = {
        Origin: TEST_ORIGIN,
        Cookie: `__Host-coffer-session=${o.admin.tab.token as string}`,
        'Content-Type': 'application/json',
      };
      const body = new TextEncoder().encode(JSON.stringify({ size: 100_000, padding: 'x'.repeat(100) }));
      const stalled = await trickle(port, 'POST', '/api/v1/uploads', headers, body, 10);
      expect([408, 'ECONNRESET', 'socket hang up']).toContain(stalled.outcome);
      expect(stalled.elapsed).toBeGreaterThanOrEqual(LIMITS.requestMs - 100);
      expect(stalled.elapsed).toBeLessThan(LIMITS.requestMs + 2000);

      const closedAfter = await new Promise<number>((resolve) => {
        const began = Date.now();
        const socket = connect(port, '127.0.0.1', () => socket.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n'));
        socket.on('error', () => undefined);
        socket.on('close', () => resolve(Date.now() - began));
        socket.resume();
      });
      expect(closedAfter).toBeGreaterThanOrEqual(LIMITS.headersMs - 100);
      expect(closedAfter).toBeLessThan(LIMITS.headersMs + 2000);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  }, 30_000);

  it('refuses a part size that is not one of the allowed ones', async () => {
    const o = await suite.office();
    const file = makeFile(randomPlaintext(5000));
    for (const partSize of [100_000, 128 * 1024, 16 * 1024 * 1024, 0, '1MiB'])
      expectError(
        await o.admin.tab.post('/api/v1/uploads', { size: file.container.length, partSize }),
        400,
        'invalid_input',
      );
    for (const partSize of UPLOAD_PART_SIZES) {
      const created = await o.admin.tab.post('/api/v1/uploads', { size: file.container.length, partSize });
      expect(UploadCreateResponse.parse(created.body).partSize).toBe(partSize);
    }
  });
});
