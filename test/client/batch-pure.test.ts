// Pure parts of the batch page: reading the list an office exports (Dutch and English headers,
// semicolons or commas, quotes, a byte-order mark, errors with their line), the file-name rule
// (a reference number or an address as a whole token, optionally one organisation's contacts),
// the preview that says per file who gets it, how, and what to look at, and the batch runner's
// retries, which make each item's share once even when an answer is lost.
import { describe, expect, it, vi } from 'vitest';
import { ApiError } from '../../client/src/api/http';
import { withRetry } from '../../client/src/features/batch/batch-runner';
import { BatchListError, parseBatchList, toCsv } from '../../shared/batch/csv.js';
import { itemRedoStep, itemShareStep } from '../../shared/batch/item-share.js';
import { matchFiles, planMatchesServer } from '../../shared/batch/resume.js';
import {
  assignByName,
  assignFromList,
  buildPreview,
  type Addressee,
  type ChosenFile,
} from '../../shared/batch/preview.js';

function problemOf(text: string): { problem: string; line: number } {
  try {
    parseBatchList(text);
  } catch (error) {
    if (error instanceof BatchListError) return { problem: error.problem, line: error.line };
    throw error;
  }
  throw new Error('the list was accepted');
}

describe('the batch list', () => {
  it('reads a Dutch Excel export: BOM, semicolons, Dutch headers, quoted fields with separators and quotes', () => {
    const text =
      '\uFEFFBestand;E-mailadres;Naam;Bericht\r\n' +
      'loonstrook-10234.pdf;Jan@Example.NL;"Jansen; J.";"Uw ""loonstrook"" van maart"\r\n' +
      '\r\n' +
      'loonstrook-10235.pdf;piet@example.nl;;\r\n';
    expect(parseBatchList(text)).toEqual([
      {
        line: 2,
        file: 'loonstrook-10234.pdf',
        email: 'jan@example.nl',
        name: 'Jansen; J.',
        message: 'Uw "loonstrook" van maart',
      },
      { line: 4, file: 'loonstrook-10235.pdf', email: 'piet@example.nl', name: '', message: '' },
    ]);
  });

  it('reads an English export with commas and columns in any order; name and message are optional', () => {
    const text = 'email,file\nann@example.com,"payslip, March.pdf"\n';
    expect(parseBatchList(text)).toEqual([
      { line: 2, file: 'payslip, March.pdf', email: 'ann@example.com', name: '', message: '' },
    ]);
  });

  it('keeps counting lines through a quoted line break, so an error names the line a spreadsheet shows', () => {
    const text = 'file;address;message\na.pdf;a@example.nl;"two\nlines"\nb.pdf;not-an-address;\n';
    expect(problemOf(text)).toEqual({ problem: 'badAddress', line: 4 });
  });

  it('names each problem with its line', () => {
    expect(problemOf('')).toEqual({ problem: 'empty', line: 1 });
    expect(problemOf('file;email\n')).toEqual({ problem: 'empty', line: 2 });
    expect(problemOf('naam;email\nx;y@example.nl')).toEqual({ problem: 'noFileColumn', line: 1 });
    expect(problemOf('bestand;naam\nx;y')).toEqual({ problem: 'noAddressColumn', line: 1 });
    expect(problemOf('file;email\na.pdf;a@example.nl\n;b@example.nl')).toEqual({ problem: 'noFileName', line: 3 });
    expect(problemOf('file;email\na.pdf;a@example.nl\nb.pdf;"b@example.nl')).toEqual({
      problem: 'unclosedQuote',
      line: 3,
    });
  });

  it('refuses more rows than one batch may hold', () => {
    const rows = Array.from({ length: 2501 }, (_, i) => `f${i}.pdf;p${i}@example.nl`);
    expect(problemOf(['file;email', ...rows].join('\n'))).toEqual({ problem: 'tooManyRows', line: 2502 });
  });
});

const people: Addressee[] = [
  {
    email: 'jan@example.nl',
    name: 'Jan Jansen',
    kind: 'account',
    reference: '10234',
    organisation: null,
    standingCode: false,
    ready: true,
  },
  {
    email: 'piet@example.nl',
    name: 'Piet Smit',
    kind: 'contact',
    reference: '10235',
    organisation: 'Bakkerij Smit',
    standingCode: true,
    ready: false,
  },
  {
    email: 'kees@example.nl',
    name: 'Kees de Vries',
    kind: 'contact',
    reference: '102',
    organisation: 'Bakkerij Smit',
    standingCode: false,
    ready: false,
  },
  {
    email: 'nieuw@example.nl',
    name: 'Nog Niet',
    kind: 'account',
    reference: null,
    organisation: null,
    standingCode: false,
    ready: false,
  },
];

const files: ChosenFile[] = [
  { name: 'payslip-10234.pdf', size: 100 },
  { name: 'payslip_10235_march.pdf', size: 200 },
  { name: 'payslip-102.pdf', size: 300 },
  { name: 'payslip-1023.pdf', size: 400 },
  { name: 'kees@example.nl.pdf', size: 500 },
];

describe('the file-name rule', () => {
  it('finds a reference number or an address as a whole token, never inside a longer number', () => {
    const { assignments, unmatched } = assignByName(files, people, { organisation: null }, 'Maart');
    expect(assignments.map((a) => [a.fileIndex, a.email])).toEqual([
      [0, 'jan@example.nl'],
      [1, 'piet@example.nl'],
      [2, 'kees@example.nl'],
      [4, 'kees@example.nl'],
    ]);
    // 1023 is part of no reference as a whole token: nobody gets that file.
    expect(unmatched).toEqual([3]);
    expect(assignments.every((a) => a.message === 'Maart')).toBe(true);
  });

  it('looks only among the contacts of one organisation when asked', () => {
    const { assignments, unmatched } = assignByName(files, people, { organisation: 'Bakkerij Smit' }, '');
    expect(assignments.map((a) => a.email)).toEqual(['piet@example.nl', 'kees@example.nl', 'kees@example.nl']);
    expect(unmatched).toEqual([0, 3]);
  });

  it('flags a file whose name holds two people', () => {
    const { assignments } = assignByName([{ name: '10234-10235.pdf', size: 1 }], people, { organisation: null }, '');
    expect(assignments[0]?.flags).toEqual(['ambiguous']);
    const preview = buildPreview([{ name: '10234-10235.pdf', size: 1 }], assignments, people);
    expect(preview.blocked).toBe(true);
  });
});

describe('the preview', () => {
  it('says per file who gets it and how, and flags what to look at', () => {
    const { assignments, unmatched } = assignByName(files, people, { organisation: null }, '');
    const preview = buildPreview(files, assignments, people, unmatched);
    expect(preview.items.map((i) => [i.fileName, i.name, i.delivery, i.size, i.flags])).toEqual([
      ['payslip-10234.pdf', 'Jan Jansen', 'account', 100, []],
      ['payslip_10235_march.pdf', 'Piet Smit', 'mail', 200, []],
      ['payslip-102.pdf', 'Kees de Vries', 'export', 300, ['copiedLink', 'duplicateAddress']],
      ['kees@example.nl.pdf', 'Kees de Vries', 'export', 500, ['copiedLink', 'duplicateAddress']],
    ]);
    expect(preview.unmatched).toEqual([3]);
    expect(preview.blocked).toBe(false);
  });

  it('from a list: unknown addresses, files not chosen, a file listed twice, an account not ready', () => {
    const rows = parseBatchList(
      [
        'file;email;name',
        'payslip-10234.pdf;jan@example.nl;',
        'payslip-10234.pdf;stranger@example.org;Vreemde',
        'gone.pdf;piet@example.nl;',
        'payslip-102.pdf;nieuw@example.nl;',
      ].join('\n'),
    );
    const preview = buildPreview(files, assignFromList(rows, files), people);
    expect(preview.items.map((i) => [i.fileIndex, i.name, i.delivery, i.flags])).toEqual([
      [0, 'Jan Jansen', 'account', ['fileTwice']],
      [0, 'Vreemde', 'export', ['copiedLink', 'unknownAddress', 'fileTwice']],
      [null, 'Piet Smit', 'mail', ['missingFile']],
      [2, 'Nog Niet', 'account', ['notReady']],
    ]);
    expect(preview.unmatched).toEqual([1, 3, 4]);
    expect(preview.blocked).toBe(true);
  });

  it('is not blocked when every row names a chosen file for a ready recipient', () => {
    const rows = parseBatchList('file,email\npayslip-10234.pdf,jan@example.nl\npayslip-102.pdf,piet@example.nl\n');
    const preview = buildPreview(files, assignFromList(rows, files), people);
    expect(preview.blocked).toBe(false);
    expect(preview.items.map((i) => i.delivery)).toEqual(['account', 'mail']);
  });
});

describe('files of one name in different folders', () => {
  // A folder chosen in the browser: each file keeps its path, the chosen folder's name first.
  const folder = [
    { name: 'loonstrook.pdf', size: 10, path: 'Salaris/januari/loonstrook.pdf' },
    { name: 'loonstrook.pdf', size: 20, path: 'Salaris/februari/loonstrook.pdf' },
    { name: 'loonstrook.pdf', size: 30, path: 'Salaris/2025/januari/loonstrook.pdf' },
    { name: 'jaaropgave.pdf', size: 40, path: 'Salaris/jaaropgave.pdf' },
  ];
  const listed = (...names: string[]) =>
    assignFromList(parseBatchList(['file;email', ...names.map((n) => `${n};jan@example.nl`)].join('\n')), folder).map(
      (a) => [a.fileIndex, a.flags],
    );

  it('are told apart by the folder the list names, with / or \\, within the chosen folder or from it', () => {
    expect(listed('januari/loonstrook.pdf', 'februari\\loonstrook.pdf', './2025/januari/loonstrook.pdf')).toEqual([
      [0, []],
      [1, []],
      [2, []],
    ]);
    expect(listed('Salaris/januari/loonstrook.pdf', 'jaaropgave.pdf')).toEqual([
      [0, []],
      [3, []],
    ]);
  });

  it('block a bare name that fits more than one (sameName) and a folder that has no such file (missingFile)', () => {
    const preview = buildPreview(
      folder,
      assignFromList(parseBatchList('file;email\nloonstrook.pdf;jan@example.nl'), folder),
      people,
    );
    expect(preview.items.map((i) => [i.fileIndex, i.flags])).toEqual([[null, ['sameName']]]);
    expect(preview.blocked).toBe(true);
    expect(listed('maart/loonstrook.pdf', 'loonstrook.pdf/januari')).toEqual([
      [null, ['missingFile']],
      [null, ['missingFile']],
    ]);
  });

  it('leave exact paths exact: coffer batch names each file by its path in the batch folder', () => {
    const cli = [
      { name: 'januari/loonstrook.pdf', size: 1 },
      { name: '2025/januari/loonstrook.pdf', size: 2 },
      { name: 'loonstrook.pdf', size: 3 },
    ];
    const rows = parseBatchList(
      'file;email\njanuari/loonstrook.pdf;a@example.nl\n2025/januari/loonstrook.pdf;b@example.nl\nloonstrook.pdf;c@example.nl',
    );
    expect(assignFromList(rows, cli).map((a) => [a.fileIndex, a.flags])).toEqual([
      [0, []],
      [1, []],
      [2, []],
    ]);
  });
});

describe('resuming a batch', () => {
  const plan = [
    {
      itemNo: 0,
      fileName: 'a.pdf',
      size: 10,
      lastModified: 0,
      email: 'a@example.nl',
      delivery: 'account' as const,
      name: '',
      message: '',
    },
    {
      itemNo: 1,
      fileName: 'b.pdf',
      size: 20,
      lastModified: 0,
      email: 'b@example.nl',
      delivery: 'mail' as const,
      name: '',
      message: '',
    },
  ];
  const server = [
    { itemNo: 0, email: 'a@example.nl', delivery: 'account' },
    { itemNo: 1, email: 'b@example.nl', delivery: 'mail' },
  ];

  it('trusts the server’s items only when they are exactly the plan’s', () => {
    expect(planMatchesServer(plan, server)).toBe(true);
    expect(planMatchesServer(plan, [server[0]!, { ...server[1]!, email: 'mallory@example.org' }])).toBe(false);
    expect(planMatchesServer(plan, [server[0]!, { ...server[1]!, delivery: 'export' }])).toBe(false);
    expect(planMatchesServer(plan, [server[0]!])).toBe(false);
    expect(planMatchesServer(plan, [server[0]!, server[0]!])).toBe(false);
    expect(planMatchesServer(plan, [...server, { itemNo: 2, email: 'c@example.nl', delivery: 'export' }])).toBe(false);
  });

  it('finds the files chosen again by name and size', () => {
    const files = [
      { name: 'b.pdf', size: 20 },
      { name: 'a.pdf', size: 11 },
    ];
    const { found, missing } = matchFiles(plan, files);
    expect([...found.entries()]).toEqual([[1, files[0]]]);
    expect(missing.map((m) => m.itemNo)).toEqual([0]);
  });
});

describe('CSV for a spreadsheet', () => {
  it('uses the language’s separator, quotes every cell, and keeps formulas as text', () => {
    expect(
      toCsv(
        [
          ['a;b', 'say "hi"'],
          ['=1+1', 3],
        ],
        'nl',
      ),
    ).toBe('\uFEFF"a;b";"say ""hi"""\r\n"\'=1+1";"3"\r\n');
    expect(toCsv([['x', 'y']], 'en')).toBe('\uFEFF"x","y"\r\n');
  });

  it('reads back what it wrote', () => {
    const text = toCsv(
      [
        ['file', 'email', 'name'],
        ['a, b.pdf', 'a@example.nl', 'A "B"'],
      ],
      'en',
    );
    expect(parseBatchList(text)).toEqual([
      { line: 2, file: 'a, b.pdf', email: 'a@example.nl', name: 'A "B"', message: '' },
    ]);
  });
});

describe('the batch runner’s retries', () => {
  it('tries again after no answer or a 5xx (a server restarting), and says so while it waits', async () => {
    const failures = [new ApiError(0, 'network'), new ApiError(503, 'server_busy')];
    const waiting: boolean[] = [];
    let calls = 0;
    const outcome = await withRetry(
      () => {
        calls++;
        const failure = failures.shift();
        return failure ? Promise.reject(failure) : Promise.resolve('made');
      },
      new AbortController().signal,
      (retrying) => waiting.push(retrying),
    );
    expect(outcome).toEqual({ value: 'made', retried: true });
    expect(calls).toBe(3);
    expect(waiting).toEqual([true, true, false]);
  });

  it('never retries an answer that will not change (a 409 batch_item_taken, a 400), nor after the run was stopped', async () => {
    let calls = 0;
    const taken = new ApiError(409, 'batch_item_taken');
    await expect(
      withRetry(() => {
        calls++;
        return Promise.reject(taken);
      }, new AbortController().signal),
    ).rejects.toBe(taken);
    expect(calls).toBe(1);
    const stopped = new AbortController();
    stopped.abort();
    await expect(withRetry(() => Promise.resolve(1), stopped.signal)).rejects.toThrow('cancelled');
  });

  it('gives up once its window has passed, and not before', async () => {
    // The clock is the test's own: a slow machine must not make the first failure look late.
    vi.useFakeTimers();
    try {
      let calls = 0;
      const attempts: number[] = [];
      const outcome = withRetry(
        () => {
          calls++;
          attempts.push(Date.now());
          return Promise.reject(new ApiError(502, 'bad_gateway'));
        },
        new AbortController().signal,
        () => {},
        1_000,
      );
      const settled = expect(outcome).rejects.toThrow('502');
      await vi.advanceTimersByTimeAsync(10_000);
      await settled;
      // Tries at 0, 0.5 s (within the window) and 1.5 s (past it): the third failure is final.
      expect(calls).toBe(3);
      expect(attempts.map((t) => t - attempts[0]!)).toEqual([0, 500, 1_500]);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('changing a batch item once, whatever happens to the answers', () => {
  /** A server's item and its create: `lose` drops the next answer after (or before) the share was made. */
  function serverItem(holder: string | null = null) {
    const item = { shareId: holder, creates: 0, asked: 0, lose: null as 'after' | 'before' | null };
    const calls = (shareId: string) => ({
      shareId,
      create: () => {
        item.creates++;
        const lose = item.lose;
        item.lose = null;
        if (lose === 'before') return Promise.reject(new ApiError(0, 'network'));
        // A create sent again finds its upload used up (404); another share's item is taken (409).
        if (item.shareId === shareId) return Promise.reject(new ApiError(404, 'not_found'));
        if (item.shareId !== null) return Promise.reject(new ApiError(409, 'batch_item_taken'));
        item.shareId = shareId;
        return lose === 'after' ? Promise.reject(new ApiError(0, 'network')) : Promise.resolve({ shareId });
      },
      itemShare: () => {
        item.asked++;
        return Promise.resolve(item.shareId);
      },
      taken: (error: unknown) => error instanceof ApiError && error.code === 'batch_item_taken',
    });
    return { item, calls };
  }

  it('counts its own create whose answer was lost as made, without sending it again', async () => {
    const { item, calls } = serverItem();
    item.lose = 'after';
    const outcome = await withRetry(itemShareStep(calls('share-1')), new AbortController().signal);
    expect(outcome).toEqual({ value: 'ours', retried: true });
    expect(item).toMatchObject({ shareId: 'share-1', creates: 1, asked: 1 });
  });

  it('sends the create again when the first never reached the server', async () => {
    const { item, calls } = serverItem();
    item.lose = 'before';
    const outcome = await withRetry(itemShareStep(calls('share-1')), new AbortController().signal);
    expect(outcome).toEqual({ value: 'ours', retried: true });
    expect(item).toMatchObject({ shareId: 'share-1', creates: 2, asked: 1 });
  });

  it('leaves an item another run made alone, whether its own create was refused or lost', async () => {
    const refused = serverItem('share-other');
    expect(await itemShareStep(refused.calls('share-1'))()).toBe('taken');
    expect(refused.item).toMatchObject({ shareId: 'share-other', creates: 1, asked: 1 });

    const lost = serverItem();
    lost.item.lose = 'before';
    const step = itemShareStep(lost.calls('share-1'));
    await expect(step()).rejects.toThrow(ApiError);
    lost.item.shareId = 'share-other'; // another tab made it meanwhile
    expect(await step()).toBe('taken');
    expect(lost.item.creates).toBe(1);
  });

  it('withdraws a made item once: a redo whose answer was lost is not sent again, one that never arrived is', async () => {
    for (const lose of ['after', 'before'] as const) {
      const item = { state: 'created', redos: 0, lose: lose as typeof lose | null };
      const redo = () => {
        item.redos++;
        if (item.state !== 'created') return Promise.reject(new ApiError(409, 'wrong_state'));
        const lost = item.lose;
        item.lose = null;
        if (lost !== 'before') item.state = 'pending';
        return lost === null ? Promise.resolve() : Promise.reject(new ApiError(0, 'network'));
      };
      const itemState = () => Promise.resolve(item.state);
      const outcome = await withRetry(itemRedoStep({ redo, itemState }), new AbortController().signal);
      expect(outcome.retried, lose).toBe(true);
      expect(item, lose).toMatchObject({ state: 'pending', redos: lose === 'after' ? 1 : 2 });
    }
  });

  it('passes any other refusal on', async () => {
    const invalid = new ApiError(400, 'invalid_input');
    const step = itemShareStep({
      shareId: 'share-1',
      create: () => Promise.reject(invalid),
      itemShare: () => Promise.resolve(null),
      taken: () => false,
    });
    await expect(step()).rejects.toBe(invalid);
  });
});
