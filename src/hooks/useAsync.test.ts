import { act, renderHook } from '@testing-library/react';

import { useAsync } from './useAsync';

/** Returns a promise with its resolve and reject functions, so a test decides when it settles. */
function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((onResolve, onReject) => {
    resolve = onResolve;
    reject = onReject;
  });

  return { promise, resolve, reject };
}

describe('useAsync', () => {
  test('reports loading, then the value', async () => {
    const pending = deferred<string>();
    const load = () => pending.promise;

    const { result } = renderHook(() => useAsync(load));
    expect(result.current).toEqual({ status: 'loading' });

    await act(async () => pending.resolve('rows'));

    expect(result.current).toEqual({ status: 'done', value: 'rows' });
  });

  test('wraps a rejection that is not an Error', async () => {
    const pending = deferred<string>();
    const load = () => pending.promise;

    const { result } = renderHook(() => useAsync(load));
    await act(async () => pending.reject('timeout'));

    expect(result.current).toEqual({ status: 'failed', error: new Error('timeout') });
  });

  test('drops the result of a replaced load', async () => {
    const first = deferred<string>();
    const second = deferred<string>();
    const loadFirst = () => first.promise;
    const loadSecond = () => second.promise;

    const { result, rerender } = renderHook(({ load }) => useAsync(load), { initialProps: { load: loadFirst } });
    rerender({ load: loadSecond });
    expect(result.current).toEqual({ status: 'loading' });

    await act(async () => second.resolve('new search'));
    await act(async () => first.resolve('old search'));

    expect(result.current).toEqual({ status: 'done', value: 'new search' });
  });
});
