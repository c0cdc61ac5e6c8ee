// Request validation with the endpoint's schema from shared/wire. A failure names the paths of
// the fields that were wrong, never the values that were sent.
import type { Request } from 'express';
import type { z } from 'zod';
import { CryptoError, fromBase64Url, idFromWire, type Id } from '../../../shared/crypto/index.js';
import { invalidInput, notFound } from './errors.js';

export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const fields = [
    ...new Set(
      result.error.issues.map((issue) => (issue.path.length === 0 ? '(body)' : issue.path.map(String).join('.'))),
    ),
  ];
  throw invalidInput(fields);
}

/**
 * Bytes from a base64url field the wire schema already shaped. The strict decoder also
 * refuses non-canonical text (stray bits in the last character), named by its field.
 */
export function bytesIn(text: string, field: string): Uint8Array {
  try {
    return fromBase64Url(text);
  } catch (error) {
    if (error instanceof CryptoError) throw invalidInput([field]);
    throw error;
  }
}

/** An id from a path parameter. Anything that is not an id answers 404, like an unknown one. */
export function idParam(req: Request, name: string): Id {
  const value = req.params[name];
  if (typeof value !== 'string') throw notFound();
  try {
    return idFromWire(value);
  } catch (error) {
    if (error instanceof CryptoError) throw notFound();
    throw error;
  }
}

/** The client address as Express sees it (TRUST_PROXY decides whose word counts). */
export function clientAddress(req: Request): string {
  return req.ip ?? req.socket.remoteAddress ?? 'unknown';
}

/**
 * A capability token (a download grant): `Authorization: Bearer <grant>` from a browser, or the
 * `Coffer-Grant` header from an enrolled device, whose Authorization holds its own token.
 */
export function bearer(req: Request): string | undefined {
  const grant = req.headers['coffer-grant'];
  if (typeof grant === 'string') return /^[A-Za-z0-9_.-]{16,2048}$/.test(grant) ? grant : undefined;
  const match = /^Bearer ([A-Za-z0-9_.-]{16,2048})$/.exec(req.headers.authorization ?? '');
  return match?.[1];
}
