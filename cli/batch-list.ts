// The batch list of `coffer batch`, read from disk before anything is asked of the server: the
// browser's own CSV reader (shared/batch/csv.ts: Dutch or English headers; `;`, `,` or a tab;
// a byte-order mark), and each row's file found relative to the batch folder (--dir, else the
// list's own folder). A path that leaves that folder — `..`, an absolute path, or a link that
// points out of it — is refused outright (a usage error naming the line): a list from another
// system must not be able to send whatever this machine can read. A file that is simply not
// there is left to the preview, which flags it as the browser does.
import { constants } from 'node:fs';
import { access, lstat, readFile, realpath, stat } from 'node:fs/promises';
import { basename, dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import { BatchListError, parseBatchList, type BatchListRow } from '../shared/batch/csv.js';
import { CliError, EXIT } from './errors.js';
import type { Io } from './io.js';
import { metadataName } from './send.js';

/** A row's file on disk. */
export interface ListedFile {
  /** The file's real path, inside the batch folder. */
  readonly path: string;
  /** Its name in the metadata (and the plan): the file's own name, shortened as the browser does. */
  readonly name: string;
  readonly size: number;
  readonly lastModified: number;
}

export interface BatchList {
  readonly rows: readonly BatchListRow[];
  /** The files that exist, by the path the list names them with. */
  readonly files: ReadonlyMap<string, ListedFile>;
}

function inside(folder: string, path: string): boolean {
  const rest = relative(folder, path);
  return rest !== '' && rest !== '..' && !rest.startsWith(`..${sep}`) && !isAbsolute(rest);
}

export async function readBatchList(
  io: Io,
  options: { readonly csv: string; readonly dir: string | null; readonly links: string | null },
): Promise<BatchList> {
  const { m } = io;
  let text: string;
  try {
    text = await readFile(options.csv, 'utf8');
  } catch {
    throw new CliError(EXIT.usage, 'file_unreadable', m.notReadable(options.csv));
  }
  let rows: BatchListRow[];
  try {
    rows = parseBatchList(text);
  } catch (error) {
    if (error instanceof BatchListError)
      throw new CliError(EXIT.usage, 'batch_list', m.batchListProblem(error.line, error.problem));
    throw error;
  }
  const given = options.dir ?? dirname(options.csv);
  const folder = await realpath(given).catch(() => {
    throw new CliError(EXIT.usage, 'file_unreadable', m.notReadable(given));
  });

  const files = new Map<string, ListedFile>();
  for (const row of rows) {
    const outside = new CliError(EXIT.usage, 'outside_folder', m.outsideFolder(row.line, row.file));
    if (isAbsolute(row.file) || !inside(folder, resolve(folder, row.file))) throw outside;
    if (files.has(row.file)) continue;
    const real = await realpath(resolve(folder, row.file)).catch(() => null);
    if (real === null) continue;
    if (!inside(folder, real)) throw outside;
    const info = await stat(real);
    if (!info.isFile()) continue;
    files.set(row.file, {
      path: real,
      name: metadataName(basename(real)),
      size: info.size,
      lastModified: Math.max(0, Math.floor(info.mtimeMs)),
    });
  }

  const links = options.links;
  if (links !== null) {
    const taken = await lstat(links).then(
      () => true,
      () => false,
    );
    if (taken) throw new CliError(EXIT.usage, 'links_file_exists', m.linksFileExists(links));
    await access(dirname(resolve(links)), constants.W_OK).catch(() => {
      throw new CliError(EXIT.usage, 'links_file_unwritable', m.notWritable(links));
    });
  }
  return { rows, files };
}
