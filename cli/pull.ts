// `coffer pull --to DIR`: every upload to the user's own drops (portal uploads by clients, and
// drop links) that this folder does not have yet, checked exactly as the office's browser checks
// it (openDrop: the drop's signed record, its secrets, the upload manifest's MAC with D, each
// file's key, commitment and metadata; then the container hash while downloading) and decrypted
// into DIR/<client or drop label>/<YYYY-MM-DD> <original name>.
//
// - Names come from decrypted metadata, which the uploader wrote: they are made safe for the
//   disk with the browser's own rules (shared/files/disk-name.ts); the folder name likewise.
// - Nothing is overwritten: a taken name gets " (2)", " (3)", …; the file is written under a
//   temporary name in the same folder and linked into place only once it verified whole.
// - DIR/.coffer-state.json (written whole, then renamed) lists what was saved, so a second pull
//   writes nothing; deleting a saved file does not bring it back.
// - A file being downloaded is a hidden `.coffer-partial-<16 hex>` in its folder, listed in the
//   state file with the process id before its first byte is written. A pull stopped hard (killed,
//   a power cut) leaves it behind; the next pull removes the partials the state file lists whose
//   process is gone, and nothing else in DIR (docs/integration.md, "pull and watch").
// - An upload that fails its checks (the server injected or changed it) is refused: nothing of
//   it is written, it is reported (stderr, --json) once, and the exit code is then 3, after the
//   others were pulled. The server is not told from here: a device token may not mark uploads
//   rejected (a stolen one could hide genuine uploads that way); the office's browser marks it
//   when the drop is opened.
import { randomBytes } from 'node:crypto';
import { open, link, mkdir, readFile, rename, rm, unlink, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { z } from 'zod';
import { diskName } from '../shared/files/disk-name.js';
import { DropDetail, DropList } from '../shared/wire/drops.js';
import type { SaveFileHandle } from '../client/src/crypto/protocol.js';
import { asCliError, EXIT, type ExitCode } from './errors.js';
import type { Io } from './io.js';
import type { Session } from './session.js';

const STATE_FILE = '.coffer-state.json';

const PullState = z.object({
  version: z.literal(1),
  /** By drop upload id: the files saved (file id → path under DIR), or that it was refused. */
  uploads: z.record(z.string(), z.object({ files: z.record(z.string(), z.string()), refused: z.boolean().optional() })),
  /** Files being downloaded (`<folder>/.coffer-partial-<hex>` under DIR) and the pull process writing each. */
  partials: z.array(z.object({ path: z.string(), pid: z.number().int() })).optional(),
});
type PullState = z.infer<typeof PullState>;

interface PulledFile {
  readonly dropId: string;
  readonly dropUploadId: string;
  readonly fileId: string;
  /** Relative to DIR. */
  readonly path: string;
  readonly size: number;
}

/** An upload that failed its checks; or, with `dropUploadId` null, a whole drop that did. */
interface RefusedUpload {
  readonly dropId: string;
  readonly dropUploadId: string | null;
  readonly folder: string | null;
  readonly receivedAt: string | null;
}

export interface PullOutcome {
  readonly pulled: readonly PulledFile[];
  readonly refused: readonly RefusedUpload[];
}

async function readState(dir: string): Promise<PullState> {
  let text: string;
  try {
    text = await readFile(join(dir, STATE_FILE), 'utf8');
  } catch {
    return { version: 1, uploads: {} };
  }
  return PullState.parse(JSON.parse(text));
}

const PARTIAL = /^\.coffer-partial-[0-9a-f]{16}$/;

/** Whether process `pid` still runs on this machine. */
function running(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Where a state entry's partial file is: only `<folder>/<partial name>` with the folder directly
 * in DIR, else null. A hand-edited entry cannot reach out of DIR: no `.` or `..`, and no other
 * separator in the folder part (a backslash or a drive's colon on Windows).
 */
export function leftoverPath(dir: string, entry: string): string | null {
  const [folder, name, ...more] = entry.split('/');
  if (!folder || !name || more.length > 0 || !PARTIAL.test(name)) return null;
  if (folder === '.' || folder === '..' || /[\\/:]/.test(folder)) return null;
  const path = resolve(dir, folder, name);
  return dirname(dirname(path)) === resolve(dir) ? path : null;
}

/** Removes the partial files the state lists whose pull is no longer running; only names of the partial pattern, one folder deep. */
async function removeLeftovers(dir: string, state: PullState): Promise<void> {
  const kept: NonNullable<PullState['partials']> = [];
  for (const partial of state.partials ?? []) {
    if (running(partial.pid)) {
      kept.push(partial);
      continue;
    }
    const path = leftoverPath(dir, partial.path);
    if (path !== null) await rm(path, { force: true });
  }
  if (kept.length !== (state.partials ?? []).length) {
    state.partials = kept;
    await writeState(dir, state);
  }
}

async function writeState(dir: string, state: PullState): Promise<void> {
  const path = join(dir, STATE_FILE);
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, `${JSON.stringify(state, null, 2)}\n`);
  await rename(temporary, path);
}

/** YYYY-MM-DD of an instant in this computer's time zone (the office's machine). */
function localDate(iso: string): string {
  const date = new Date(iso);
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

/** `name` with " (n)" before its extension. */
function numbered(name: string, n: number): string {
  if (n === 1) return name;
  const dot = name.lastIndexOf('.');
  return dot > 0 ? `${name.slice(0, dot)} (${n})${name.slice(dot)}` : `${name} (${n})`;
}

/** Links the verified temporary file to the first free name (never replacing a file), then removes the temporary name. */
async function placeFile(folder: string, temporary: string, name: string): Promise<string> {
  for (let n = 1; ; n += 1) {
    const candidate = diskName(numbered(name, n));
    try {
      await link(temporary, join(folder, candidate));
      await unlink(temporary);
      return candidate;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
}

/** A file the download engine writes to (the browser's File System Access shape), here a temporary file. */
function temporaryFile(path: string): SaveFileHandle {
  return {
    async createWritable() {
      const handle = await open(path, 'wx', 0o600);
      return {
        async write(data) {
          await handle.write(data);
        },
        async close() {
          await handle.sync();
          await handle.close();
        },
        async abort() {
          await handle.close().catch(() => undefined);
          await unlink(path).catch(() => undefined);
        },
      };
    },
  };
}

export async function pull(session: Session, io: Io, dir: string): Promise<PullOutcome> {
  await mkdir(dir, { recursive: true });
  const state = await readState(dir);
  await removeLeftovers(dir, state);
  const pulled: PulledFile[] = [];
  const refused: RefusedUpload[] = [];
  const list = await session.api.get('/api/v1/drops?scope=mine', DropList);

  for (const summary of list.drops) {
    if (summary.uploadCount === 0) continue;
    const detail = await session.api.get(`/api/v1/drops/${encodeURIComponent(summary.dropId)}`, DropDetail);
    const waiting = detail.uploads.filter((u) => !done(state, u));
    if (waiting.length === 0) continue;
    let opened;
    try {
      opened = await session.call('openDrop', { drop: detail });
    } catch (error) {
      // The drop itself does not check out (its signed record, keys or label: the server swapped
      // something): nothing of it is opened or written, and the other drops are still pulled.
      if (asCliError(error, io.m).exit !== EXIT.refused) throw error;
      refused.push({ dropId: detail.dropId, dropUploadId: null, folder: null, receivedAt: null });
      io.warn(io.m.refusedDrop(detail.title));
      continue;
    }
    const folderName = diskName(opened.label ?? detail.title);
    try {
      for (const upload of opened.uploads) {
        const view = detail.uploads.find((u) => u.dropUploadId === upload.dropUploadId);
        if (view === undefined || !waiting.includes(view)) continue;
        if (upload.state !== 'opened') {
          // The drop's keys were swept: nothing can be opened any more.
          if (upload.state === 'unavailable') continue;
          refused.push({
            dropId: detail.dropId,
            dropUploadId: upload.dropUploadId,
            folder: folderName,
            receivedAt: view.receivedAt,
          });
          io.warn(io.m.refusedUpload(folderName, view.receivedAt));
          state.uploads[upload.dropUploadId] = { files: {}, refused: true };
          await writeState(dir, state);
          continue;
        }
        const folder = join(dir, folderName);
        await mkdir(folder, { recursive: true });
        const entry = (state.uploads[upload.dropUploadId] ??= { files: {} });
        for (const file of upload.files) {
          if (entry.files[file.fileId] !== undefined) continue;
          const partialName = `.coffer-partial-${randomBytes(8).toString('hex')}`;
          const temporary = join(folder, partialName);
          const partial = { path: `${folderName}/${partialName}`, pid: process.pid };
          (state.partials ??= []).push(partial);
          await writeState(dir, state);
          // The uploader's name is made safe on its own first, so a name that is nothing once made safe
          // ("..") becomes "download" rather than the date alone, and `CON.txt` is seen as a device name.
          const name = `${localDate(view.receivedAt)} ${diskName(file.name)}`;
          try {
            await session.call(
              'downloadFile',
              {
                shareId: upload.dropUploadId,
                fileId: file.fileId,
                url: `/api/v1/drops/${detail.dropId}/uploads/${upload.dropUploadId}/files/${file.fileId}`,
                containerSize: file.containerSize,
                sink: { kind: 'file', handle: temporaryFile(temporary) },
              },
              (progress) => io.progress(io.m.downloading(file.name, Math.floor(progress.percent))),
            );
          } catch (error) {
            // Stopped by an error (not a kill): the engine removed the partial; so does this, and the state forgets it.
            await rm(temporary, { force: true });
            state.partials = state.partials.filter((p) => p !== partial);
            await writeState(dir, state);
            throw error;
          }
          const placed = await placeFile(folder, temporary, name);
          state.partials = state.partials.filter((p) => p !== partial);
          const path = join(folderName, placed);
          entry.files[file.fileId] = path;
          await writeState(dir, state);
          pulled.push({
            dropId: detail.dropId,
            dropUploadId: upload.dropUploadId,
            fileId: file.fileId,
            path,
            size: file.size,
          });
          io.say(io.m.pulled(path));
        }
      }
    } finally {
      for (const upload of opened.uploads)
        if (upload.state === 'opened') await session.call('forgetShare', { shareId: upload.dropUploadId });
    }
  }
  return { pulled, refused };
}

/** Every file of the upload was saved, or it was refused. */
function done(state: PullState, upload: DropDetail['uploads'][number]): boolean {
  const entry = state.uploads[upload.dropUploadId];
  if (entry === undefined) return false;
  return entry.refused === true || upload.files.every((f) => entry.files[f.fileId] !== undefined);
}

export function pullExit(outcome: PullOutcome): ExitCode {
  return outcome.refused.length > 0 ? EXIT.refused : EXIT.ok;
}
