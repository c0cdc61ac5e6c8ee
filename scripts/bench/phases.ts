// The measurements made once per run, on an office of their own (a fresh server and Chromium,
// like each size's): click to link, and what a phone downloads before the pages a client opens
// from a mail can be used (the guest page, a drop page, the sign-in page to the portal). Each is one entry of OFFICE_PHASES: how it runs and which figures it adds to the
// summary. A new measurement of the same kind is one more entry; the batch figure ("200 files
// of 150 KiB to 200 recipients"), once the batch page exists, will be
//
//   phase({ name: 'batch', title: 'Batch: 200 files of 150 KiB to 200 recipients',
//           run: (office, context) => timeBatch(office, context), figures: (b) => [...] })
//
// with timeBatch (a module of its own) driving that page as link.ts drives the Send page, and
// reading the server's memory around it as transfer.ts does.
import type { BenchConfig } from './config.js';
import { clickToLink, letterLink, type ClickToLink } from './link.js';
import { boundDropLink } from './drop.js';
import { clientInvitationLink } from './invitation.js';
import { measurePhonePage, type PhonePage, type PhoneTarget } from './phone.js';
import type { Office } from './office.js';

/** One line of the summary: what was measured, its value for a reader, and as a number (or text) for JSON. */
export interface Figure {
  readonly label: string;
  readonly text: string;
  readonly value: number | string | null;
}

interface PhaseContext {
  /** A folder of the run's own, for files to send. */
  readonly work: string;
  readonly config: BenchConfig;
}

export interface OfficePhase<T = unknown> {
  readonly name: string;
  /** The summary's heading for the phase's figures. */
  readonly title: string;
  run(office: Office, context: PhaseContext): Promise<T>;
  figures(result: T): Figure[];
  /** Lines for the detailed report before the summary, if the phase has more to say. */
  details?(result: T): string[];
}

/** Declares a phase with its result type checked between run and figures. */
function phase<T>(definition: OfficePhase<T>): OfficePhase {
  return definition;
}

const kib = (bytes: number): string => `${(bytes / 1024).toFixed(1)} KiB`;

/** What a phone downloads before a page is usable (phone.ts), as one phase: its figures and its file list. */
function phonePhase(options: {
  readonly name: string;
  readonly title: string;
  readonly target: (office: Office, work: string) => Promise<PhoneTarget>;
  /** The moment counted to, for the file list's heading. */
  readonly until: string;
}): OfficePhase {
  const inBackground = (r: PhonePage): number =>
    r.later.reduce((total, f) => total + (f.kind === 'other' ? 0 : (f.sentBr?.bytes ?? 0)), 0);
  return phase<PhonePage>({
    name: options.name,
    title: options.title,
    run: async (office, { work }) => measurePhonePage(office, await options.target(office, work)),
    figures: (r) => [
      {
        label: `scripts + wasm (${r.scripts.count} files) as the server sends them for Accept-Encoding: br, gzip`,
        text: `${kib(r.scripts.sentBr)} (${r.serverEncoding ?? 'uncompressed: the server does not compress'})`,
        value: r.scripts.sentBr,
      },
      {
        label: 'scripts + wasm as sent for Accept-Encoding: gzip',
        text: kib(r.scripts.sentGzip),
        value: r.scripts.sentGzip,
      },
      {
        label: 'scripts + wasm as this Chromium received them',
        text: kib(r.scripts.wire),
        value: r.scripts.wire,
      },
      { label: 'scripts + wasm, decoded', text: kib(r.scripts.decoded), value: r.scripts.decoded },
      {
        label: 'everything (page, styles, icons, API answers) as sent for br, gzip',
        text: kib(r.all.sentBr),
        value: r.all.sentBr,
      },
      {
        label:
          'then in the background: scripts + wasm as sent for br, gzip (the crypto worker, and what else the page loads)',
        text: kib(inBackground(r)),
        value: inBackground(r),
      },
      { label: 'server compresses scripts', text: r.serverEncoding ?? 'no', value: r.serverEncoding ?? 'no' },
      {
        label: 'time to usable on loopback, no throttling',
        text: `${r.usableAfterSeconds.toFixed(2)} s`,
        value: r.usableAfterSeconds,
      },
    ],
    details: (r) => {
      const kibOr = (bytes: number | undefined): string => (bytes === undefined ? '–' : kib(bytes)).padStart(11);
      const line = (f: PhonePage['resources'][number]): string =>
        `  ${`${f.kind} ${new URL(f.name).pathname}`.padEnd(60)} ${kibOr(f.sentBr?.bytes)} ${kibOr(f.sentGzip?.bytes)} ${kibOr(f.encodedBodySize)} ${kibOr(f.decodedBodySize)}`;
      return [
        `What the phone fetched for the ${r.page} before ${options.until} (sent for br, gzip / for gzip / as Chromium received / decoded):`,
        ...r.resources.map(line),
        'Started after it, in the background:',
        ...(r.later.length > 0 ? r.later.map(line) : ['  (nothing within a minute)']),
      ];
    },
  });
}

export const OFFICE_PHASES: readonly OfficePhase[] = [
  phase<ClickToLink>({
    name: 'clickToLink',
    title: 'Click to link: one 200 KiB file to one guest (Send click → link shown)',
    run: (office, { work, config }) => clickToLink(office, work, config.linkRuns),
    figures: (r) => [
      { label: `median of ${r.seconds.length}`, text: `${r.medianSeconds.toFixed(2)} s`, value: r.medianSeconds },
      { label: 'each run', text: r.seconds.map((s) => `${s.toFixed(2)} s`).join(', '), value: r.seconds.join(',') },
    ],
  }),
  phonePhase({
    name: 'phoneGuestPage',
    title: 'A phone opening a guest link: bytes until "Send me a code" is enabled (fresh context, nothing cached)',
    target: async (office, work) => ({
      page: 'guest page',
      link: await letterLink(office, work),
      control: 'guest-request-code',
    }),
    until: '"Send me a code" was enabled',
  }),
  phonePhase({
    name: 'phoneDropPage',
    title:
      'A phone opening a drop link bound to its address: bytes until "Send me a code" is enabled (fresh context, nothing cached)',
    target: async (office) => ({
      page: 'drop page',
      link: await boundDropLink(office),
      control: 'drop-upload-request-code',
    }),
    until: '"Send me a code" was enabled',
  }),
  phonePhase({
    name: 'phoneInvitePage',
    title:
      'A client’s phone opening an invitation (the first way to the portal): bytes until "Create my account" is enabled',
    target: async (office) => ({
      page: 'invitation page',
      link: await clientInvitationLink(office),
      control: 'invite-submit',
    }),
    until: '"Create my account" was enabled',
  }),
  phonePhase({
    name: 'phoneSignInPage',
    title: 'A client’s phone opening the sign-in page (the way to the portal): bytes until "Sign in" is enabled',
    target: (office) =>
      Promise.resolve({ page: 'sign-in page', link: `${office.coffer.origin}/login`, control: 'login-submit' }),
    until: '"Sign in" was enabled',
  }),
];
