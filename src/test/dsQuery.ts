// Builders for the bodies and errors that Grafana's /api/ds/query returns, shaped like Grafana 12.4 responses to
// table-format PostgreSQL queries. Tests that mock getBackendSrv use them.
import { of, throwError, type Observable } from 'rxjs';
import type { BackendDataSourceResponse, BackendSrvRequest, FetchError, FetchResponse } from '@grafana/runtime';

/** A result column: its name and the frame type that Grafana's SQL datasources give PostgreSQL types. */
export interface ResultColumn {
  name: string;
  type: 'string' | 'number' | 'time' | 'boolean';
}

const FRAME_TYPES: Record<ResultColumn['type'], string> = {
  string: 'string',
  number: 'int64',
  time: 'time.Time',
  boolean: 'bool',
};

/** Builds a successful response body with one table frame for refId A. Rows hold time values as epoch ms. */
export function tableResponse(rawSql: string, columns: ResultColumn[], rows: unknown[][]): BackendDataSourceResponse {
  return {
    results: {
      A: {
        status: 200,
        frames: [
          {
            schema: {
              refId: 'A',
              meta: { typeVersion: [0, 0], executedQueryString: rawSql },
              fields: columns.map(({ name, type }) => ({
                name,
                type,
                typeInfo: { frame: FRAME_TYPES[type], nullable: true },
              })),
            },
            data: { values: columns.map((_, index) => rows.map((row) => row[index])) },
          },
        ],
      },
    },
  } as unknown as BackendDataSourceResponse;
}

/** Builds the error that getBackendSrv().fetch throws when PostgreSQL rejects the query (HTTP 400). */
export function queryError(message: string): FetchError {
  return fetchError(400, { results: { A: { error: message, errorSource: 'downstream', status: 400 } } });
}

/** Builds the error that getBackendSrv().fetch throws for an HTTP error status. */
export function fetchError(status: number, data: unknown, statusText = ''): FetchError {
  return { status, statusText, data, config: { url: '/api/ds/query' } } as FetchError;
}

/** Wraps a body the way getBackendSrv().fetch emits it. */
export function respondWith<T>(data: T): Observable<FetchResponse<T>> {
  return of({ data, status: 200, ok: true } as FetchResponse<T>);
}

/** Makes getBackendSrv().fetch fail with `error`. */
export function failWith(error: unknown): Observable<never> {
  return throwError(() => error);
}

/** Returns the SQL that a mocked fetch received for refId A. */
export function sqlOf(request: BackendSrvRequest): string {
  const data = request.data as { queries: Array<{ rawSql: string }> };

  return data.queries[0].rawSql;
}
