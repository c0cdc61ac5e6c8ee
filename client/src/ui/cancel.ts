// A long operation the person can stop (an upload, a download): one at a time per page, with
// a cancel button wired to its AbortSignal, and stopped when the page goes away so no transfer
// keeps running for a page nobody sees.
import { useEffect, useRef } from 'preact/hooks';

export interface Cancellable {
  /** A signal for a new run, or null while one runs already. */
  readonly begin: () => AbortSignal | null;
  /** Marks the run finished (call it in a `finally`). */
  readonly end: () => void;
  /** Stops the running operation, if any. */
  readonly cancel: () => void;
  /** True while a run is under way. */
  readonly running: () => boolean;
}

export function useCancellable(): Cancellable {
  const controller = useRef<AbortController | null>(null);
  useEffect(() => () => controller.current?.abort(), []);
  const api = useRef<Cancellable>({
    begin: () => {
      if (controller.current) return null;
      controller.current = new AbortController();
      return controller.current.signal;
    },
    end: () => {
      controller.current = null;
    },
    cancel: () => controller.current?.abort(),
    running: () => controller.current !== null,
  });
  return api.current;
}
