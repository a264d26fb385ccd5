import { fetchError, queryError } from '../test/dsQuery';
import { readQueryFailure } from './queryErrors';

describe('readQueryFailure', () => {
  test('prefers the error of the query result', () => {
    const failure = readQueryFailure(queryError('pq: permission denied for schema ciem'));

    expect(failure).toEqual({ status: 400, message: 'pq: permission denied for schema ciem' });
  });

  test('falls back to the message of Grafana', () => {
    const failure = readQueryFailure(fetchError(403, { message: 'Access denied to data source' }, 'Forbidden'));

    expect(failure).toEqual({ status: 403, message: 'Access denied to data source' });
  });

  test('falls back to the status text', () => {
    const failure = readQueryFailure(fetchError(502, '<html>Bad gateway</html>', 'Bad Gateway'));

    expect(failure).toEqual({ status: 502, message: 'Bad Gateway' });
  });

  test('reads a plain Error', () => {
    expect(readQueryFailure(new Error('network down'))).toEqual({ message: 'network down' });
  });
});
