// An answer lost on the way back: the first request a test picks reaches the real server, which
// does what it asks, and the connection is reset before the answer gets to the page (a proxy
// restarting, a server killed just after it committed). How the browser tests check that a page
// asks whether such a request landed before it sends it again.
import type { Page, Request } from 'playwright-core';
import { expect } from 'vitest';

export interface LostAnswer {
  /** "dropped <status>" for the first request picked (the server's answer), then "passed" for each later one. */
  readonly seen: string[];
  /** The request whose answer was dropped, once it was. */
  readonly dropped: () => Request | null;
}

/** Drops the answer to the first request to `url` (a glob) that `picks`; later ones pass. */
export async function loseFirstAnswer(
  page: Page,
  url: string,
  picks: (request: Request) => boolean = () => true,
): Promise<LostAnswer> {
  const seen: string[] = [];
  let dropped: Request | null = null;
  await page.route(url, async (route) => {
    const request = route.request();
    if (!picks(request)) {
      await route.continue();
      return;
    }
    if (dropped !== null) {
      seen.push('passed');
      await route.continue();
      return;
    }
    // Set before the first await: requests made at the same moment must not all be picked.
    dropped = request;
    const answer = await route.fetch();
    seen.unshift(`dropped ${answer.status()}`);
    await route.abort('connectionreset');
  });
  return { seen, dropped: () => dropped };
}

/**
 * Takes the lines a cut connection left in a browser session's problems (the request failed, the
 * console said so), after checking there are some: the one failure a lost-answer test expects.
 */
export function acceptCutConnections(problems: string[]): void {
  const cut = problems.filter((line) => /ERR_CONNECTION_RESET/.test(line));
  expect(cut.length).toBeGreaterThan(0);
  problems.splice(0, problems.length, ...problems.filter((line) => !cut.includes(line)));
}
