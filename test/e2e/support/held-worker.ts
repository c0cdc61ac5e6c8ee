// The crypto worker's script (libsodium with Argon2id, most of what a page downloads) held back
// until a test releases it, and a page's own chunk slowed down as on a phone network: how the
// browser tests check that a page shows its first control before it asks for the worker, and
// what it does while the worker is still on its way.
import type { BrowserContext, Page } from 'playwright-core';

export interface HeldWorker {
  /** How many times the page asked for the worker's script. */
  readonly asked: () => number;
  /** When it first asked (this machine's wall clock, ms); 0 before. */
  readonly askedAt: () => number;
  /** Lets the held script (and any later request for it) through. */
  readonly release: () => void;
}

/** Holds the crypto worker's script for every page of `target` until released. */
export async function holdCryptoWorker(target: BrowserContext | Page): Promise<HeldWorker> {
  let asked = 0;
  let askedAt = 0;
  let release = (): void => undefined;
  const released = new Promise<void>((resolve) => (release = resolve));
  await target.route(/\/assets\/worker-[\w-]+\.js$/, async (route) => {
    asked++;
    if (askedAt === 0) askedAt = Date.now();
    await released;
    await route.fallback();
  });
  return { asked: () => asked, askedAt: () => askedAt, release };
}

/** Answers the page chunk named `name` (as `/assets/<name>-<hash>.js`) `ms` late, as on a slow network. */
export async function slowPageChunk(target: BrowserContext | Page, name: string, ms: number): Promise<void> {
  await target.route(new RegExp(`/assets/${name}-[\\w-]+\\.js$`), async (route) => {
    await new Promise((resolve) => setTimeout(resolve, ms));
    await route.fallback();
  });
}
