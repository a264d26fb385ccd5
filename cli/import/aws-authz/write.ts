import type { Client } from 'pg';

import { quoteIdent } from '../../db/connection';
import { UserError } from '../../errors';
import { awsIamTables, createTableSql, internalColumns, sqlType, type TableSpec } from '../cloudquery-schema';
import { cloudQueryId } from '../cq-id';
import type { ParsedExport, Row } from './parse';

export interface ImportSummary {
  accountId: string;
  schema: string;
  /** Rows written per table, in table order. */
  counts: Array<{ table: string; rows: number }>;
}

const sourceName = 'openciem-import-aws-authz';

/**
 * Replaces the imported account's rows in the CloudQuery AWS IAM tables, creating the tables
 * first when they do not exist. Runs in one transaction: on any error nothing changes.
 */
export async function writeExport(client: Client, schema: string, parsed: ParsedExport): Promise<ImportSummary> {
  const syncTime = new Date().toISOString().replace('Z', '');
  const tableRows = assignIds(parsed, syncTime);

  await client.query('BEGIN');
  try {
    await ensureSchema(client, schema);
    const counts: ImportSummary['counts'] = [];
    for (const table of awsIamTables) {
      await client.query(createTableSql(schema, table, quoteIdent));
      await checkColumns(client, schema, table);
      await client.query(`DELETE FROM ${quoteIdent(schema)}.${quoteIdent(table.name)} WHERE account_id = $1`, [
        parsed.accountId,
      ]);
      const rows = tableRows.get(table.name) ?? [];
      await insertRows(client, schema, table, rows);
      counts.push({ table: table.name, rows: rows.length });
    }
    await rebindStagingViews(client, schema);
    await client.query('COMMIT');
    return { accountId: parsed.accountId, schema, counts };
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  }
}

/**
 * Adds `_cq_*` columns. Rows that share a `_cq_id` (say, two attached policies with one name but
 * different paths) collapse to the last one, as CloudQuery's upsert on `_cq_id` does.
 */
function assignIds(parsed: ParsedExport, syncTime: string): Map<string, Row[]> {
  const result = new Map<string, Row[]>();
  for (const table of awsIamTables) {
    const byId = new Map<string, Row>();
    for (const row of parsed.rows.get(table.name) ?? []) {
      const { _parent: parent, ...values } = row;
      const id = cloudQueryId(values, table.keyColumns);
      // Parents are earlier in awsIamTables, so their _cq_id is already set on the parent object.
      const parentId = parent ? ((parent as Row)._cq_id as string) : null;
      row._cq_id = id;
      byId.set(id, {
        ...values,
        _cq_sync_time: syncTime,
        _cq_source_name: sourceName,
        _cq_id: id,
        _cq_parent_id: parentId,
      });
    }
    result.set(table.name, [...byId.values()]);
  }
  return result;
}

export async function ensureSchema(client: Client, schema: string): Promise<void> {
  const found = await client.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema]);
  if (found.rowCount === 0) {
    await client.query(`CREATE SCHEMA ${quoteIdent(schema)}`);
  }
}

/** Rejects tables whose shape differs from CloudQuery's, before any row is written to them. */
export async function checkColumns(client: Client, schema: string, table: TableSpec): Promise<void> {
  const result = await client.query<{ column_name: string }>(
    'SELECT column_name FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2',
    [schema, table.name]
  );
  const present = new Set(result.rows.map((row) => row.column_name));
  const missing = [...internalColumns, ...table.columns].map((column) => column.name).filter((name) => !present.has(name));
  if (missing.length > 0) {
    throw new UserError(
      `table ${schema}.${table.name} exists but lacks the columns ${missing.join(', ')}`,
      'It was not created by CloudQuery or by this importer. Import into another schema with --source-schema, or drop the table.'
    );
  }
}

/** Inserts all rows of one table in a single statement through jsonb_to_recordset. */
export async function insertRows(client: Client, schema: string, table: TableSpec, rows: Row[]): Promise<void> {
  if (rows.length === 0) {
    return;
  }
  const columns = [...internalColumns, ...table.columns];
  const names = columns.map((column) => quoteIdent(column.name)).join(', ');
  const recordType = columns.map((column) => `${quoteIdent(column.name)} ${sqlType(column.type)}`).join(', ');
  await client.query(
    `INSERT INTO ${quoteIdent(schema)}.${quoteIdent(table.name)} (${names})
     SELECT ${names} FROM jsonb_to_recordset($1::jsonb) AS r(${recordType})`,
    [JSON.stringify(rows)]
  );
}

/**
 * Points ciem's staging views at tables this import has just created. Without it, a database
 * migrated before its first import keeps views that read nothing until the next migrate.
 */
export async function rebindStagingViews(client: Client, schema: string): Promise<void> {
  const result = await client.query<{ bound: string | null }>(
    "SELECT CASE WHEN to_regprocedure('ciem.bind_sources(text)') IS NOT NULL THEN 'yes' END AS bound"
  );
  if (result.rows[0].bound === null) {
    return;
  }
  const current = await client.query<{ schema: string }>('SELECT ciem.source_schema() AS schema');
  if (current.rows[0].schema === schema) {
    await client.query('SELECT ciem.bind_sources($1)', [schema]);
  }
}
