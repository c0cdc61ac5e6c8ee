// Assertions on API answers.
import type { Response } from 'supertest';
import { expect } from 'vitest';
import { ErrorBody } from '../../shared/wire/index.js';

/** The error code of an answer, or undefined when it is not an error. */
export function errorCodeOf(res: Response): string | undefined {
  return (res.body as Partial<ErrorBody> | undefined)?.error?.code;
}

/** The answer is the JSON error `code` with `status`; returns the error body for further checks. */
export function expectError(res: Response, status: number, code: string): ErrorBody {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  const body = ErrorBody.parse(res.body);
  expect(body.error.code).toBe(code);
  expect(res.headers['cache-control']).toBe('no-store');
  return body;
}
