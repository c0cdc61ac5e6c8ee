// Spawning the real server and command line (through tsx from the repository root, or any
// program from any folder), with a clean environment, and reading what they print. Only the
// child spawned here is ever signalled.
import { spawn, type ChildProcess } from 'node:child_process';
import { projectPaths } from '../../server/kernel/paths.js';

export const ROOT = projectPaths().root;

export interface Spawned {
  readonly child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves with the first match of `pattern` in stdout; rejects if the process exits first or on timeout. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** The server or command line from source (`server/<entry>.ts` under tsx), with PATH, TMPDIR and `env` only. */
export function spawnCoffer(entry: 'main' | 'cli', args: readonly string[], env: Record<string, string>): Spawned {
  return spawnProcess(process.execPath, ['--import', 'tsx', `server/${entry}.ts`, ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', ...(process.env.TMPDIR ? { TMPDIR: process.env.TMPDIR } : {}), ...env },
  });
}

/** Any program, in `cwd`, with exactly the environment `env` (nothing is inherited). */
export function spawnProcess(
  command: string,
  args: readonly string[],
  options: { cwd: string; env: Record<string, string> },
): Spawned {
  const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  const listeners = new Set<() => void>();
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    out += chunk;
    for (const listener of listeners) listener();
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    err += chunk;
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on('close', (code: number | null, signal: NodeJS.Signals | null) => {
      resolve({ code, signal });
      for (const listener of listeners) listener();
    });
  });

  return {
    child,
    stdout: () => out,
    stderr: () => err,
    exited,
    waitFor(pattern, timeoutMs = 30_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const match = pattern.exec(out);
          if (match) return finish(() => resolve(match));
          if (child.exitCode !== null || child.signalCode !== null) {
            return finish(() =>
              reject(new Error(`process exited before printing ${pattern}\nstdout:\n${out}\nstderr:\n${err}`)),
            );
          }
        };
        const timer = setTimeout(
          () => finish(() => reject(new Error(`timed out waiting for ${pattern}\nstdout:\n${out}\nstderr:\n${err}`))),
          timeoutMs,
        );
        const finish = (settle: () => void) => {
          clearTimeout(timer);
          listeners.delete(check);
          settle();
        };
        listeners.add(check);
        check();
      });
    },
  };
}

/** Runs a command to completion. */
export async function runCoffer(
  entry: 'main' | 'cli',
  args: readonly string[],
  env: Record<string, string>,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const spawned = spawnCoffer(entry, args, env);
  const { code } = await spawned.exited;
  return { code, stdout: spawned.stdout(), stderr: spawned.stderr() };
}
