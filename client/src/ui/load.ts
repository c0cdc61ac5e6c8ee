// Loading what a page shows from the server (or from the crypto worker), in one place: the
// request gets an AbortSignal that fires when the page goes away or its inputs change, so a
// late answer for an old input never lands on the page; `reload` fetches again after a change
// the page made, keeping the current value on screen until the new one arrives.
import { useCallback, useEffect, useRef, useState, type Inputs } from 'preact/hooks';

export interface Load<T> {
  /** The last value loaded for the current inputs; null until it arrives. */
  readonly data: T | null;
  /** Why the last load failed (as thrown, for the page to translate); null when it did not. */
  readonly error: unknown;
  /** True while a load for the current inputs runs and none has finished yet. */
  readonly loading: boolean;
  /** Loads again for the same inputs; resolves when the answer is on the page. */
  readonly reload: () => Promise<void>;
}

export interface LoadOptions<T> {
  /** Told each value as it arrives (for pages that step through states of their own). */
  readonly onLoad?: (data: T) => void;
  /** Told each failure, unless the load was abandoned first. */
  readonly onError?: (error: unknown) => void;
  /**
   * Keeps the value on screen while loading for new inputs, for inputs that do not change what
   * is listed (the language, which only changes how a failure is told).
   */
  readonly keep?: boolean;
}

interface State<T> {
  readonly inputs: Inputs;
  readonly data: T | null;
  readonly error: unknown;
  readonly loading: boolean;
}

function sameInputs(a: Inputs, b: Inputs): boolean {
  return a.length === b.length && a.every((value, i) => Object.is(value, b[i]));
}

/**
 * Runs `fetcher` when the page appears and whenever `inputs` change (aborting the previous
 * run). A `null` fetcher loads nothing (the page has nothing to ask for yet, or a bad link).
 */
export function useLoad<T>(
  fetcher: ((signal: AbortSignal) => Promise<T>) | null,
  inputs: Inputs,
  options: LoadOptions<T> = {},
): Load<T> {
  const [state, setState] = useState<State<T>>({ inputs, data: null, error: null, loading: fetcher !== null });
  const latest = useRef({ fetcher, options, inputs });
  latest.current = { fetcher, options, inputs };
  const running = useRef<AbortController | null>(null);

  const run = useCallback(async (): Promise<void> => {
    running.current?.abort();
    const { fetcher: load, inputs: current } = latest.current;
    if (load === null) {
      running.current = null;
      setState({ inputs: current, data: null, error: null, loading: false });
      return;
    }
    const controller = new AbortController();
    running.current = controller;
    setState((previous) => ({
      inputs: current,
      data: latest.current.options.keep === true || sameInputs(previous.inputs, current) ? previous.data : null,
      error: null,
      loading: true,
    }));
    try {
      const data = await load(controller.signal);
      if (controller.signal.aborted) return;
      setState({ inputs: current, data, error: null, loading: false });
      latest.current.options.onLoad?.(data);
    } catch (error) {
      if (controller.signal.aborted) return;
      setState((previous) => ({ ...previous, error, loading: false }));
      latest.current.options.onError?.(error);
    } finally {
      if (running.current === controller) running.current = null;
    }
  }, []);

  useEffect(() => {
    void run();
    return () => running.current?.abort();
    // The caller's inputs are the dependencies, as with useEffect itself.
  }, inputs);

  const reload = run;
  // Until the effect for new inputs has run, what is held belongs to the old ones.
  const current = options.keep === true || sameInputs(state.inputs, inputs);
  return {
    data: current ? state.data : null,
    error: current ? state.error : null,
    loading: current ? state.loading : fetcher !== null,
    reload,
  };
}
