// A test-framework-free way to write the crypto suite once and run it in two places:
// vitest registers every case in Node (test/unit/crypto.test.ts), and a page built by Vite
// runs the same cases in real Chromium, on the page and in a Worker, under the production
// CSP (test/e2e/crypto-browser.test.ts). Assertions throw plain Errors.
import { CryptoError } from '../../shared/crypto/index.js';

export interface CryptoCase {
  readonly suite: string;
  readonly name: string;
  readonly run: () => void | Promise<void>;
}

export function defineSuite(suite: string, cases: Record<string, () => void | Promise<void>>): CryptoCase[] {
  return Object.entries(cases).map(([name, run]) => ({ suite, name, run }));
}

export function assert(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(`assertion failed: ${message}`);
}

export function assertEqual<T>(actual: T, expected: T, message: string): void {
  if (actual !== expected)
    throw new Error(`assertion failed: ${message}: expected ${String(expected)}, got ${String(actual)}`);
}

function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

export function assertBytes(actual: Uint8Array, expected: Uint8Array, message: string): void {
  if (actual.length !== expected.length)
    throw new Error(`assertion failed: ${message}: length ${actual.length} ≠ ${expected.length}`);
  for (let i = 0; i < actual.length; i++) {
    if (actual[i] !== expected[i]) {
      const from = Math.max(0, i - 4);
      throw new Error(
        `assertion failed: ${message}: differs at byte ${i} (${hex(actual.subarray(from, i + 4))} vs ${hex(expected.subarray(from, i + 4))})`,
      );
    }
  }
}

export function assertNotBytes(actual: Uint8Array, other: Uint8Array, message: string): void {
  if (actual.length === other.length && actual.every((b, i) => b === other[i]))
    throw new Error(`assertion failed: ${message}: values are equal`);
}

type ErrorClass = abstract new (...args: never[]) => CryptoError;

/** The call must throw an instance of `errorClass` (a typed crypto error), and nothing else. */
export function assertThrows(fn: () => unknown, errorClass: ErrorClass, message: string): CryptoError {
  let caught: unknown;
  try {
    fn();
  } catch (error) {
    caught = error;
  }
  if (caught === undefined) throw new Error(`assertion failed: ${message}: nothing was thrown`);
  if (!(caught instanceof errorClass)) {
    const got =
      caught instanceof Error ? `${caught.name}: ${caught.message}` : (JSON.stringify(caught) ?? typeof caught);
    throw new Error(`assertion failed: ${message}: expected ${errorClass.name}, got ${got}`);
  }
  return caught;
}

/** Like assertThrows, but any typed crypto error is accepted (when the class depends on where a random bit landed). */
export function assertCryptoError(fn: () => unknown, message: string): CryptoError {
  return assertThrows(fn, CryptoError, message);
}

/** Deterministic filler for plaintexts: not random, but every chunk differs. */
export function patternBytes(length: number, seed = 1): Uint8Array {
  const out = new Uint8Array(length);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}
