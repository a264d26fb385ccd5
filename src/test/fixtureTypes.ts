import type { ResultColumn } from './dsQuery';

/**
 * The result of one of the pages' queries on real PostgreSQL, captured by tests/plugin/page-fixtures.test.ts: its
 * columns and rows as Grafana's data frame contains them (times in epoch ms), or the error PostgreSQL raised.
 */
export interface QueryFixture {
  /** Which database and identity the query ran on. */
  note: string;
  sql: string;
  columns?: ResultColumn[];
  rows?: unknown[][];
  error?: { message: string; code: string };
}
