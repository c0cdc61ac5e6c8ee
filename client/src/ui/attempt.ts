// One request at a time from a page's forms (sign-in, recovery): while one runs, another
// submit does nothing; a progress line says what it is doing; and the problem of the last
// attempt is kept, numbered, so that its alert takes focus again after each new failure.
import { useRef, useState } from 'preact/hooks';

export interface Problem {
  readonly text: string;
  /** A second paragraph under the text. */
  readonly detail?: string;
  readonly n: number;
}

export interface Attempt {
  /** The progress line of the running request; null when none runs. */
  readonly busy: string | null;
  /** A new progress line for the running request (the worker reports its stages). */
  readonly setBusy: (label: string) => void;
  readonly problem: Problem | null;
  readonly fail: (text: string, detail?: string) => void;
  readonly clearProblem: () => void;
  /** True while a request runs, already before the page shows it. */
  readonly working: { readonly current: boolean };
  /** Runs `work` with `label` as its progress line, unless a request runs already. */
  readonly run: (label: string, work: () => Promise<void>) => Promise<void>;
}

export function useAttempt(): Attempt {
  const [busy, setBusy] = useState<string | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  const working = useRef(false);

  const fail = (text: string, detail?: string): void =>
    setProblem({ text, ...(detail ? { detail } : {}), n: (problem?.n ?? 0) + 1 });

  const run = async (label: string, work: () => Promise<void>): Promise<void> => {
    if (working.current) return;
    working.current = true;
    setBusy(label);
    setProblem(null);
    try {
      await work();
    } finally {
      working.current = false;
      setBusy(null);
    }
  };

  return { busy, setBusy, problem, fail, clearProblem: () => setProblem(null), working, run };
}
