import type { Client } from 'pg';

import { quoteIdent } from '../../db/connection';
import type { Row } from '../aws-authz/parse';
import { checkColumns, ensureSchema, insertRows, rebindStagingViews } from '../aws-authz/write';
import { createTableSql } from '../cloudquery-schema';
import { cloudQueryId } from '../cq-id';
import { gcpTable, gcpTables } from './tables';

/** Rows per GCP table, keyed by table name. A row may set `_cq_parent_id`. */
export type GcpRows = Partial<Record<string, Row[]>>;

/** Rows written per table, in table order. */
export type GcpWriteCounts = Array<{ table: string; rows: number }>;

/**
 * Writes rows into CloudQuery's GCP tables, creating each table first when it does not exist.
 * The rows of a table replace the rows that share their scope column value (the same project,
 * folder or organisation), so writing a project twice leaves one copy. Tables left out of `rows`
 * are not touched. Runs in one transaction: on any error nothing changes.
 */
export async function writeGcpRows(
  client: Client,
  schema: string,
  rows: GcpRows,
  sourceName: string
): Promise<GcpWriteCounts> {
  for (const name of Object.keys(rows)) {
    gcpTable(name);
  }

  const syncTime = new Date().toISOString().replace('Z', '');
  const counts: GcpWriteCounts = [];
  await client.query('BEGIN');
  try {
    await ensureSchema(client, schema);
    for (const table of gcpTables) {
      const tableRows = rows[table.name];
      if (tableRows === undefined) {
        continue;
      }

      await client.query(createTableSql(schema, table, quoteIdent));
      await checkColumns(client, schema, table);

      const scopes = [...new Set(tableRows.map((row) => String(row[table.scopeColumn])))];
      await client.query(
        `DELETE FROM ${quoteIdent(schema)}.${quoteIdent(table.name)} WHERE ${quoteIdent(table.scopeColumn)} = ANY ($1)`,
        [scopes]
      );

      const withIds = tableRows.map((row) => ({
        ...row,
        _cq_sync_time: syncTime,
        _cq_source_name: sourceName,
        _cq_id: cloudQueryId(row, table.keyColumns),
        _cq_parent_id: row._cq_parent_id ?? null,
      }));
      await insertRows(client, schema, table, withIds);
      counts.push({ table: table.name, rows: withIds.length });
    }
    await rebindStagingViews(client, schema);
    await client.query('COMMIT');
    return counts;
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  }
}

/** Computes the `_cq_id` that writeGcpRows gives a row of the table, for `_cq_parent_id` links. */
export function gcpRowId(tableName: string, row: Row): string {
  return cloudQueryId(row, gcpTable(tableName).keyColumns);
}
