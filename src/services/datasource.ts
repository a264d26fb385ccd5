import { lastValueFrom } from 'rxjs';
import { DataFrameView, type DataFrame } from '@grafana/data';
import { getBackendSrv, toDataQueryResponse, type BackendDataSourceResponse } from '@grafana/runtime';

import { POSTGRES_DATASOURCE_TYPE } from '../constants';
import { logger } from './logger';
import { QueryFailedError, readQueryFailure } from './queryErrors';
import { explainQueryFailure, type QueryFailure } from './queryFailure';

/** One result row, keyed by column name. Time columns hold epoch milliseconds. */
export type SqlRow = Record<string, unknown>;

const REF_ID = 'A';

/**
 * Runs one SQL statement on a PostgreSQL datasource through Grafana's /api/ds/query and returns its rows.
 *
 * Throws QueryFailedError, whose message names the fix for the user, when Grafana or PostgreSQL rejects the query.
 */
export async function runSql(datasourceUid: string, rawSql: string): Promise<SqlRow[]> {
  const request = {
    url: '/api/ds/query',
    method: 'POST',
    data: {
      queries: [
        { refId: REF_ID, datasource: { uid: datasourceUid, type: POSTGRES_DATASOURCE_TYPE }, rawSql, format: 'table' },
      ],
    },
    // The pages show their own banner, so Grafana's toast would report the same failure twice.
    showErrorAlert: false,
  };

  let response;
  try {
    response = await lastValueFrom(getBackendSrv().fetch<BackendDataSourceResponse>(request));
  } catch (error) {
    throw toQueryFailedError(readQueryFailure(error), datasourceUid);
  }

  return responseToRows(response, datasourceUid);
}

/**
 * Converts the body of a /api/ds/query response into rows of the query with refId A.
 *
 * Throws QueryFailedError when the response reports an error for the query.
 */
export function responseToRows(response: { data: BackendDataSourceResponse }, datasourceUid: string): SqlRow[] {
  const parsed = toDataQueryResponse(response);
  const [error] = parsed.errors ?? [];
  if (error) {
    throw toQueryFailedError({ status: error.status, message: error.message ?? 'no message' }, datasourceUid);
  }

  const frames: DataFrame[] = parsed.data;

  return frames
    .filter((frame) => frame.refId === REF_ID)
    .flatMap((frame) => new DataFrameView<SqlRow>(frame).toArray());
}

function toQueryFailedError(failure: QueryFailure, datasourceUid: string): QueryFailedError {
  logger.warn('SQL query failed', {
    datasourceUid,
    status: String(failure.status ?? 'none'),
    detail: failure.message,
  });

  return new QueryFailedError(
    explainQueryFailure(failure, datasourceUid),
    datasourceUid,
    failure.message,
    failure.status
  );
}
