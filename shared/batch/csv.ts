// Reading a batch list: a CSV file that says which file goes to whom, as an office exports it
// from its payroll or client system. The first row names the columns, in Dutch or English: the
// file name, the address, and optionally the recipient's name and a message. Dutch Excel
// separates with semicolons, English with commas; both are read, chosen from the header row.
// Quoted fields may hold separators, doubled quotes and line breaks (RFC 4180). The whole list
// stays in the browser: the server only ever sees the addresses, item by item.
import { Email } from '../wire/common.js';
import { MAX_BATCH_ITEMS } from '../wire/shares.js';

/** One row of the list, with the line it starts on (1 = the header) for messages. */
export interface BatchListRow {
  readonly line: number;
  readonly file: string;
  readonly email: string;
  readonly name: string;
  readonly message: string;
}

export type BatchListProblem =
  'empty' | 'noFileColumn' | 'noAddressColumn' | 'unclosedQuote' | 'badAddress' | 'noFileName' | 'tooManyRows';

/** Why the list cannot be read, and where (the line in the file as a spreadsheet shows it). */
export class BatchListError extends Error {
  override readonly name = 'BatchListError';
  constructor(
    readonly problem: BatchListProblem,
    readonly line: number,
  ) {
    super(`${problem} on line ${line}`);
  }
}

/** Header names, lower case without spaces, dashes or underscores. */
const COLUMNS = {
  file: ['file', 'filename', 'bestand', 'bestandsnaam', 'document'],
  email: ['email', 'emailaddress', 'address', 'mail', 'emailadres', 'adres', 'mailadres'],
  name: ['name', 'naam', 'recipient', 'ontvanger'],
  message: ['message', 'bericht', 'note', 'notitie', 'toelichting'],
} as const;

function headerKey(cell: string): string {
  return cell
    .trim()
    .toLowerCase()
    .replace(/[\s_-]+/g, '');
}

/** The separator the header row uses most, outside quotes: `;`, `,` or a tab. */
function separatorOf(text: string): string {
  const counts = new Map<string, number>([
    [';', 0],
    [',', 0],
    ['\t', 0],
  ]);
  let quoted = false;
  for (const char of text) {
    if (char === '"') quoted = !quoted;
    else if (!quoted && (char === '\n' || char === '\r')) break;
    else if (!quoted && counts.has(char)) counts.set(char, (counts.get(char) ?? 0) + 1);
  }
  let best = ',';
  let most = 0;
  for (const [separator, count] of counts) {
    if (count > most) {
      best = separator;
      most = count;
    }
  }
  return best;
}

interface RawRow {
  readonly line: number;
  readonly cells: string[];
}

/** Splits the text into rows of cells, keeping the line each row starts on. */
function splitRows(text: string, separator: string): RawRow[] {
  const rows: RawRow[] = [];
  let cells: string[] = [];
  let cell = '';
  let quoted = false;
  let line = 1;
  let rowLine = 1;
  let quoteLine = 1;
  for (let i = 0; i < text.length; i++) {
    const char = text[i] as string;
    if (quoted) {
      if (char === '"') {
        if (text[i + 1] === '"') {
          cell += '"';
          i++;
        } else quoted = false;
      } else {
        if (char === '\n') line++;
        cell += char;
      }
      continue;
    }
    if (char === '"' && cell.trim() === '') {
      quoted = true;
      quoteLine = line;
      cell = '';
    } else if (char === separator) {
      cells.push(cell);
      cell = '';
    } else if (char === '\n' || char === '\r') {
      if (char === '\r' && text[i + 1] === '\n') i++;
      cells.push(cell);
      rows.push({ line: rowLine, cells });
      cells = [];
      cell = '';
      line++;
      rowLine = line;
    } else cell += char;
  }
  if (quoted) throw new BatchListError('unclosedQuote', quoteLine);
  cells.push(cell);
  rows.push({ line: rowLine, cells });
  return rows.filter((row) => row.cells.some((c) => c.trim() !== ''));
}

function columnIndex(header: readonly string[], names: readonly string[]): number {
  return header.findIndex((cell) => names.includes(headerKey(cell)));
}

/** Reads a batch list; throws BatchListError with the line of the first problem. */
export function parseBatchList(input: string): BatchListRow[] {
  const text = input.startsWith('\uFEFF') ? input.slice(1) : input;
  const rows = splitRows(text, separatorOf(text));
  const [header, ...body] = rows;
  if (header === undefined) throw new BatchListError('empty', 1);
  const fileColumn = columnIndex(header.cells, COLUMNS.file);
  if (fileColumn < 0) throw new BatchListError('noFileColumn', header.line);
  const emailColumn = columnIndex(header.cells, COLUMNS.email);
  if (emailColumn < 0) throw new BatchListError('noAddressColumn', header.line);
  const nameColumn = columnIndex(header.cells, COLUMNS.name);
  const messageColumn = columnIndex(header.cells, COLUMNS.message);
  if (body.length === 0) throw new BatchListError('empty', header.line + 1);
  if (body.length > MAX_BATCH_ITEMS) throw new BatchListError('tooManyRows', body[MAX_BATCH_ITEMS]?.line ?? 0);
  const cell = (row: RawRow, column: number): string => (column < 0 ? '' : (row.cells[column] ?? '').trim());
  return body.map((row) => {
    const file = cell(row, fileColumn);
    if (file === '') throw new BatchListError('noFileName', row.line);
    const email = Email.safeParse(cell(row, emailColumn));
    if (!email.success) throw new BatchListError('badAddress', row.line);
    return {
      line: row.line,
      file,
      email: email.data,
      name: cell(row, nameColumn),
      message: cell(row, messageColumn),
    };
  });
}

/**
 * A CSV file for a spreadsheet or a mail merge: the separator Excel expects in that language
 * (a semicolon in Dutch), every cell quoted, and a cell that starts like a formula prefixed with
 * an apostrophe, so a name like "=HYPERLINK(…)" stays text.
 */
export function toCsv(rows: readonly (readonly (string | number)[])[], lang: 'nl' | 'en'): string {
  const separator = lang === 'nl' ? ';' : ',';
  const cell = (value: string | number): string => {
    const text = String(value);
    const safe = /^[=+\-@\t\r]/.test(text) && typeof value === 'string' ? `'${text}` : text;
    return `"${safe.replace(/"/g, '""')}"`;
  };
  return `\uFEFF${rows.map((row) => row.map(cell).join(separator)).join('\r\n')}\r\n`;
}
