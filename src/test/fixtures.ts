// Responses of /api/ds/query built from the results of the pages' real queries (src/test/fixtures/*.json). Jest
// reads the files at run time, so a test names the query result it needs.
import { readFileSync } from 'node:fs';
import path from 'node:path';

import type { Observable } from 'rxjs';
import type { BackendDataSourceResponse, BackendSrvRequest, FetchResponse } from '@grafana/runtime';

import { failWith, queryError, respondWith, sqlOf, tableResponse } from './dsQuery';
import type { QueryFixture } from './fixtureTypes';

export function readFixture(name: string): QueryFixture {
  return JSON.parse(readFileSync(path.join(__dirname, 'fixtures', `${name}.json`), 'utf8')) as QueryFixture;
}

/** Returns the rows of a fixture as objects keyed by column name. */
export function fixtureRows(name: string): Array<Record<string, unknown>> {
  const { columns = [], rows = [] } = readFixture(name);

  return rows.map((row) => Object.fromEntries(columns.map((column, index) => [column.name, row[index]])));
}

/** Builds the response that Grafana returns for the fixture's query: its frame, or the PostgreSQL error. */
export function fixtureResponse(name: string): Observable<FetchResponse<BackendDataSourceResponse>> {
  const fixture = readFixture(name);
  if (fixture.error !== undefined) {
    // Grafana's PostgreSQL datasource (pgx) reports a server error as "ERROR: message (SQLSTATE code)".
    return failWith(queryError(`ERROR: ${fixture.error.message} (SQLSTATE ${fixture.error.code})`));
  }

  return respondWith(tableResponse(fixture.sql, fixture.columns ?? [], fixture.rows ?? []));
}

/**
 * Returns a fetch implementation that responds to each request with the fixture of the same SQL, and throws for SQL that
 * no fixture has.
 */
export function answerWithFixtures(
  names: string[]
): (request: BackendSrvRequest) => ReturnType<typeof fixtureResponse> {
  const bySql = new Map(names.map((name) => [readFixture(name).sql, name]));

  return (request) => {
    const sql = sqlOf(request);
    const name = bySql.get(sql);
    if (name === undefined) {
      throw new Error(`No fixture has this SQL:\n${sql}`);
    }

    return fixtureResponse(name);
  };
}
