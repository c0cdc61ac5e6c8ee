// Headless Chromium driven over the DevTools protocol directly (a pipe, as Playwright does it),
// for the benchmark only. Playwright enables the Network domain on every page and worker it
// attaches to, whatever the script asks, and with that on, a worker's 8 MiB part uploads ran
// at 12–15 MiB/s here against 150–350 MiB/s without it: the benchmark would measure DevTools.
// So this driver enables nothing it does not need: no Network domain, no interception.
//
// It knows just enough to use Coffer's pages the way a person does: open a URL (in a fresh
// browser context for a guest, on a phone-sized screen if asked), wait for an element, click,
// type, choose a file, save a download, evaluate in the page or its workers, and read memory
// figures (the JS heap of the page and of its workers, Chromium's process list) and CPU profiles.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { Readable, Writable } from 'node:stream';
import { CHROMIUM } from '../../test/e2e/support/browser.js';

/** Keeps Chromium off the network (the switches test/e2e/support/browser.ts launches with), headless, on a pipe. */
const SWITCHES = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-default-apps',
  '--disable-extensions',
];

type Params = Record<string, unknown>;
type Listener = (params: Params, sessionId: string | undefined) => void;

/** One DevTools connection: commands to the browser or to an attached session, and events. */
export class Cdp {
  private nextId = 1;
  private readonly waiting = new Map<
    number,
    { resolve(result: Params): void; reject(error: Error): void; method: string }
  >();
  private readonly listeners = new Map<string, Set<Listener>>();
  private buffered = '';
  closed = false;

  constructor(
    private readonly input: Writable,
    output: Readable,
  ) {
    output.setEncoding('utf8');
    output.on('data', (text: string) => {
      // Messages are JSON, each ended by a NUL byte.
      this.buffered += text;
      for (let end = this.buffered.indexOf('\0'); end >= 0; end = this.buffered.indexOf('\0')) {
        const message = JSON.parse(this.buffered.slice(0, end)) as {
          id?: number;
          method?: string;
          params?: Params;
          result?: Params;
          error?: { message: string };
          sessionId?: string;
        };
        this.buffered = this.buffered.slice(end + 1);
        if (message.id !== undefined) {
          const waiter = this.waiting.get(message.id);
          this.waiting.delete(message.id);
          if (message.error) waiter?.reject(new Error(`${waiter.method}: ${message.error.message}`));
          else waiter?.resolve(message.result ?? {});
        } else if (message.method !== undefined) {
          for (const listener of this.listeners.get(message.method) ?? [])
            listener(message.params ?? {}, message.sessionId);
        }
      }
    });
    output.on('close', () => {
      this.closed = true;
      for (const waiter of this.waiting.values()) waiter.reject(new Error('Chromium closed the connection'));
      this.waiting.clear();
    });
  }

  send<T = Params>(method: string, params: Params = {}, sessionId?: string): Promise<T> {
    if (this.closed) return Promise.reject(new Error('Chromium is gone'));
    const id = this.nextId++;
    const answer = new Promise<Params>((resolve, reject) => this.waiting.set(id, { resolve, reject, method }));
    this.input.write(`${JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) })}\0`);
    return answer as Promise<T>;
  }

  on(method: string, listener: Listener): () => void {
    let set = this.listeners.get(method);
    if (!set) this.listeners.set(method, (set = new Set()));
    set.add(listener);
    return () => set.delete(listener);
  }
}

export interface Chromium {
  readonly cdp: Cdp;
  readonly pid: number;
  version(): Promise<string>;
  /** A tab, in the default browser context or in `context` (from newContext). */
  newPage(context?: string): Promise<PageDriver>;
  /** A fresh browser context (an incognito-like profile: no cookies, no cache, no service workers); its id. */
  newContext(): Promise<string>;
  /** Closes a context from newContext and everything in it. */
  closeContext(context: string): Promise<void>;
  /** Saves downloads in `dir` as <guid>, and reports them (see PageDriver.download); per context if given. */
  allowDownloads(dir: string, context?: string): Promise<void>;
  close(): Promise<void>;
}

export async function launch(userDataDir: string): Promise<Chromium> {
  if (!existsSync(CHROMIUM))
    throw new Error(`Chromium not found at ${CHROMIUM}: apt-get install -y chromium (or set CHROMIUM_PATH)`);
  const child: ChildProcess = spawn(
    CHROMIUM,
    [...SWITCHES, '--headless', '--remote-debugging-pipe', `--user-data-dir=${userDataDir}`, '--no-startup-window'],
    {
      stdio: ['ignore', 'ignore', 'pipe', 'pipe', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (text: string) => {
    stderr = (stderr + text).slice(-4000);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const cdp = new Cdp(child.stdio[3] as Writable, child.stdio[4] as Readable);
  try {
    await cdp.send('Browser.getVersion');
  } catch (error) {
    child.kill('SIGKILL');
    throw new Error(`Chromium did not start: ${(error as Error).message}\n${stderr}`, { cause: error });
  }
  return {
    cdp,
    pid: child.pid ?? 0,
    async version() {
      return (await cdp.send<{ product: string }>('Browser.getVersion')).product;
    },
    async newPage(context) {
      const { targetId } = await cdp.send<{ targetId: string }>('Target.createTarget', {
        url: 'about:blank',
        ...(context === undefined ? {} : { browserContextId: context }),
      });
      const { sessionId } = await cdp.send<{ sessionId: string }>('Target.attachToTarget', { targetId, flatten: true });
      return new PageDriver(cdp, sessionId);
    },
    async newContext() {
      return (await cdp.send<{ browserContextId: string }>('Target.createBrowserContext')).browserContextId;
    },
    async closeContext(context) {
      await cdp.send('Target.disposeBrowserContext', { browserContextId: context });
    },
    async allowDownloads(dir, context) {
      await cdp.send('Browser.setDownloadBehavior', {
        behavior: 'allowAndName',
        downloadPath: dir,
        eventsEnabled: true,
        ...(context === undefined ? {} : { browserContextId: context }),
      });
    },
    async close() {
      if (child.exitCode === null && child.signalCode === null) {
        await Promise.race([
          cdp.send('Browser.close').catch(() => undefined),
          new Promise((resolve) => setTimeout(resolve, 5_000)),
        ]);
        const timer = setTimeout(() => child.kill('SIGKILL'), 5_000); // only the process launched here
        await exited;
        clearTimeout(timer);
      }
    },
  };
}

/** A CSS selector for `data-testid` (and optionally more attribute conditions). */
export function testId(id: string, attributes: Record<string, string> = {}): string {
  return `[data-testid="${id}"]${Object.entries(attributes)
    .map(([name, value]) => `[${name}="${value}"]`)
    .join('')}`;
}

export interface Download {
  readonly guid: string;
  readonly suggestedFilename: string;
  /** Resolves once the browser finished writing the file, with its state. */
  readonly finished: Promise<'completed' | 'canceled'>;
}

/** One tab, through a flattened session. */
export class PageDriver {
  /** Console errors and uncaught exceptions, as lines. */
  readonly problems: string[] = [];
  /** Dedicated workers (Coffer's crypto worker) attached to this page, by session id. */
  readonly workers = new Map<string, string>();

  constructor(
    readonly cdp: Cdp,
    readonly sessionId: string,
  ) {
    cdp.on('Runtime.exceptionThrown', (params, session) => {
      if (session !== sessionId) return;
      const details = params['exceptionDetails'] as { text: string; exception?: { description?: string } };
      this.problems.push(`page error: ${details.exception?.description ?? details.text}`);
    });
    cdp.on('Runtime.consoleAPICalled', (params, session) => {
      if (session !== sessionId || (params['type'] !== 'error' && params['type'] !== 'warning')) return;
      const args = params['args'] as { value?: unknown; description?: string }[];
      const text = args.map((a) => (a.value === undefined ? (a.description ?? '') : JSON.stringify(a.value)));
      this.problems.push(`console.${String(params['type'])}: ${text.join(' ')}`);
    });
    cdp.on('Target.attachedToTarget', (params, session) => {
      const info = params['targetInfo'] as { type: string; url: string };
      if (session === sessionId && info.type === 'worker') this.workers.set(params['sessionId'] as string, info.url);
    });
    cdp.on('Target.detachedFromTarget', (params) => {
      this.workers.delete(params['sessionId'] as string);
    });
  }

  async start(): Promise<void> {
    await this.send('Page.enable');
    await this.send('Runtime.enable');
    // Workers are attached as they start, so their heaps can be read; they are not paused.
    await this.send('Target.setAutoAttach', { autoAttach: true, waitForDebuggerOnStart: false, flatten: true });
  }

  send<T = Params>(method: string, params: Params = {}): Promise<T> {
    return this.cdp.send<T>(method, params, this.sessionId);
  }

  async goto(url: string): Promise<void> {
    const loaded = new Promise<void>((resolve) => {
      const off = this.cdp.on('Page.loadEventFired', (_params, session) => {
        if (session !== this.sessionId) return;
        off();
        resolve();
      });
    });
    const { errorText } = await this.send<{ errorText?: string }>('Page.navigate', { url });
    if (errorText) throw new Error(`could not open ${url}: ${errorText}`);
    await loaded;
  }

  /** Evaluates `expression` in the page (awaiting a promise) and returns its value. */
  evaluate<T>(expression: string): Promise<T> {
    return this.evaluateIn<T>(this.sessionId, expression);
  }

  /** Evaluates `expression` in each of the page's dedicated workers; their values. */
  async evaluateInWorkers<T>(expression: string): Promise<T[]> {
    const values: T[] = [];
    for (const session of this.workers.keys()) values.push(await this.evaluateIn<T>(session, expression));
    return values;
  }

  /** As a phone: a 390 × 844 CSS-pixel touch screen at 3× and a phone browser's user agent. */
  async emulatePhone(): Promise<void> {
    await this.send('Emulation.setDeviceMetricsOverride', {
      width: 390,
      height: 844,
      deviceScaleFactor: 3,
      mobile: true,
    });
    await this.send('Emulation.setTouchEmulationEnabled', { enabled: true, maxTouchPoints: 5 });
    const desktop = await this.evaluate<string>('navigator.userAgent');
    // Chromium's own agent with a phone's platform: pages that look at it see a phone.
    const userAgent = `${desktop.replace(/\([^)]*\)/, '(Linux; Android 14; Pixel 8)')} Mobile`;
    await this.send('Emulation.setUserAgentOverride', { userAgent, platform: 'Android' });
  }

  /** Closes this tab. */
  async close(): Promise<void> {
    const { targetInfo } = await this.send<{ targetInfo: { targetId: string } }>('Target.getTargetInfo');
    await this.cdp.send('Target.closeTarget', { targetId: targetInfo.targetId });
  }

  private async evaluateIn<T>(sessionId: string, expression: string): Promise<T> {
    const { result, exceptionDetails } = await this.cdp.send<{
      result: { value?: T };
      exceptionDetails?: { text: string; exception?: { description?: string } };
    }>(
      'Runtime.evaluate',
      {
        expression,
        awaitPromise: true,
        returnByValue: true,
      },
      sessionId,
    );
    if (exceptionDetails)
      throw new Error(`in the page: ${exceptionDetails.exception?.description ?? exceptionDetails.text}`);
    return result.value as T;
  }

  /** Waits until `selector` matches an element; returns which of several selectors matched first. */
  async waitFor(selectors: string | readonly string[], timeoutMs = 30_000): Promise<string> {
    const list = typeof selectors === 'string' ? [selectors] : selectors;
    const started = Date.now();
    for (;;) {
      const found = await this.evaluate<string | null>(
        `${JSON.stringify(list)}.find((s) => document.querySelector(s) !== null) ?? null`,
      );
      if (found !== null) return found;
      if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${list.join(' or ')}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  async click(selector: string): Promise<void> {
    await this.waitFor(selector);
    await this.evaluate(`document.querySelector(${JSON.stringify(selector)}).click()`);
  }

  /** Focuses the field, clears it and types `text` (as one insertion, with real input events). */
  async fill(selector: string, text: string): Promise<void> {
    await this.waitFor(selector);
    await this.evaluate(
      `(() => { const field = document.querySelector(${JSON.stringify(selector)}); field.focus(); field.select(); })()`,
    );
    await this.send('Input.insertText', { text });
  }

  async attribute(selector: string, name: string): Promise<string | null> {
    return this.evaluate<string | null>(
      `document.querySelector(${JSON.stringify(selector)})?.getAttribute(${JSON.stringify(name)}) ?? null`,
    );
  }

  async text(selector: string): Promise<string | null> {
    return this.evaluate<string | null>(`document.querySelector(${JSON.stringify(selector)})?.innerText ?? null`);
  }

  /** Chooses files in a file input by path, as a person picking them would (the browser reads them from disk). */
  async setInputFiles(selector: string, paths: readonly string[]): Promise<void> {
    await this.waitFor(selector);
    const { result } = await this.send<{ result: { objectId?: string } }>('Runtime.evaluate', {
      expression: `document.querySelector(${JSON.stringify(selector)})`,
    });
    if (!result.objectId) throw new Error(`no element ${selector}`);
    await this.send('DOM.setFileInputFiles', { files: paths, objectId: result.objectId });
  }

  /** Resolves with the next download the browser starts (after allowDownloads). */
  nextDownload(timeoutMs: number): Promise<Download> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        off();
        reject(new Error('no download started'));
      }, timeoutMs);
      const off = this.cdp.on('Browser.downloadWillBegin', (params) => {
        off();
        clearTimeout(timer);
        const guid = params['guid'] as string;
        const finished = new Promise<'completed' | 'canceled'>((done) => {
          const stop = this.cdp.on('Browser.downloadProgress', (progress) => {
            if (progress['guid'] !== guid || progress['state'] === 'inProgress') return;
            stop();
            done(progress['state'] as 'completed' | 'canceled');
          });
        });
        resolve({ guid, suggestedFilename: params['suggestedFilename'] as string, finished });
      });
    });
  }
}
