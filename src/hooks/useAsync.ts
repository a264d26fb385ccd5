import { useEffect, useState } from 'react';

/** State of a promise that a component waits for. */
export type AsyncState<T> = { status: 'loading' } | { status: 'done'; value: T } | { status: 'failed'; error: Error };

interface Settled<T> {
  load: () => Promise<T>;
  state: AsyncState<T>;
}

/**
 * Runs `load` and returns its state. Runs it again whenever `load` changes identity, so callers wrap it in useCallback.
 *
 * A result that arrives after `load` has changed, or after unmount, is dropped.
 */
export function useAsync<T>(load: () => Promise<T>): AsyncState<T> {
  const [settled, setSettled] = useState<Settled<T> | undefined>(undefined);

  useEffect(() => {
    let current = true;

    load().then(
      (value) => current && setSettled({ load, state: { status: 'done', value } }),
      (error: unknown) => current && setSettled({ load, state: { status: 'failed', error: toError(error) } })
    );

    return () => {
      current = false;
    };
  }, [load]);

  // A result of an earlier `load` is stale, so the new one counts as loading until it settles.
  if (settled === undefined || settled.load !== load) {
    return { status: 'loading' };
  }

  return settled.state;
}

function toError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
