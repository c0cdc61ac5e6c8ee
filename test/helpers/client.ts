// A browser tab for HTTP tests: sends requests as Coffer's own page does (Origin header, JSON),
// keeps the session cookie (and a trusted device's cookie) it is given, and checks the cookies'
// attributes on the way.
// supertest's own cookie jar would not send a Secure cookie over plain http, so this keeps it.
import type { Express } from 'express';
import request, { type Response, type Test } from 'supertest';
import { expect } from 'vitest';
import { TEST_ORIGIN } from './app.js';

const SESSION_COOKIE = '__Host-coffer-session';
const TRUST_COOKIE = '__Host-coffer-trust';

export interface Tab {
  /** The session token the tab holds (undefined when signed out). */
  token: string | undefined;
  /** The trusted-device token the tab holds (undefined when it has none). */
  trust: string | undefined;
  userAgent: string;
  get(path: string): Promise<Response>;
  post(path: string, body?: unknown): Promise<Response>;
  put(path: string, body: unknown): Promise<Response>;
  delete(path: string): Promise<Response>;
  /** A raw supertest request with the tab's Origin and cookie, for multipart and odd cases. */
  raw(method: 'get' | 'post' | 'put' | 'delete', path: string): Test;
}

/** Reads a cookie from a response: the new token, '' when cleared, undefined when untouched. */
function cookieOf(res: Response, name: string): string | undefined {
  const header = res.headers['set-cookie'] as unknown as string[] | undefined;
  const cookie = header?.filter((line) => line.startsWith(`${name}=`)).at(-1);
  if (cookie === undefined) return undefined;
  const attributes = cookie.split(';').map((part) => part.trim());
  expect(attributes).toContain('Path=/');
  expect(attributes).toContain('Secure');
  expect(attributes).toContain('HttpOnly');
  expect(attributes).toContain('SameSite=Strict');
  expect(attributes.some((part) => part.toLowerCase().startsWith('domain='))).toBe(false);
  return (attributes[0] as string).slice(name.length + 1);
}

export function tab(app: Express, userAgent = 'Mozilla/5.0 (X11; Linux x86_64) Gecko/20100101 Firefox/140.0'): Tab {
  const t: Tab = {
    token: undefined,
    trust: undefined,
    userAgent,
    raw(method, path) {
      const req = request(app)[method](path).set('Origin', TEST_ORIGIN).set('User-Agent', t.userAgent);
      const cookies = [
        ...(t.token !== undefined ? [`${SESSION_COOKIE}=${t.token}`] : []),
        ...(t.trust !== undefined ? [`${TRUST_COOKIE}=${t.trust}`] : []),
      ];
      if (cookies.length > 0) req.set('Cookie', cookies.join('; '));
      return req;
    },
    get: (path) => keep(t.raw('get', path)),
    post: (path, body = {}) => keep(t.raw('post', path).send(body as object)),
    put: (path, body) => keep(t.raw('put', path).send(body as object)),
    delete: (path) => keep(t.raw('delete', path)),
  };
  async function keep(pending: Test): Promise<Response> {
    const res = await pending;
    const cookie = cookieOf(res, SESSION_COOKIE);
    if (cookie !== undefined) t.token = cookie === '' ? undefined : cookie;
    const trust = cookieOf(res, TRUST_COOKIE);
    if (trust !== undefined) t.trust = trust === '' ? undefined : trust;
    return res;
  }
  return t;
}
