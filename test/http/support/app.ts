// What the app test files (test/http/app-*.test.ts) share: fresh apps (each file's afterEach
// closes the ones in `apps`), the setup check's path and an unknown token, a POST as Coffer's own
// page sends it, and the JSON error check.
import request from 'supertest';
import { expect } from 'vitest';
import { ErrorBody } from '../../../shared/wire/index.js';
import { createTestApp, TEST_ORIGIN, type TestApp } from '../../helpers/app.js';

export const VERIFY = '/api/v1/setup/verify';

export const UNKNOWN_TOKEN = 'A'.repeat(43);

export const apps: TestApp[] = [];

export async function testApp(options?: Parameters<typeof createTestApp>[0]): Promise<TestApp> {
  const app = await createTestApp(options);
  apps.push(app);
  return app;
}

/** A POST as Coffer's own page sends it. */
export function post(t: TestApp, path: string) {
  return request(t.app).post(path).set('Origin', TEST_ORIGIN);
}

export function expectError(body: unknown, code: string): void {
  const parsed = ErrorBody.parse(body);
  expect(parsed.error.code).toBe(code);
}
