/** State of data that a page loads on demand. */
export type LoadState<T> = { status: 'loading' } | { status: 'done'; value: T } | { status: 'failed'; error: Error };

/** Waits for a promise and returns its outcome as a LoadState instead of throwing. */
export function settle<T>(promise: Promise<T>): Promise<LoadState<T>> {
  return promise.then(
    (value): LoadState<T> => ({ status: 'done', value }),
    (error: unknown): LoadState<T> => ({
      status: 'failed',
      error: error instanceof Error ? error : new Error(String(error)),
    })
  );
}
