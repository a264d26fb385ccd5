import type { Client, DatabaseError } from 'pg';

import { quoteIdent } from '../../db/connection';
import { UserError } from '../../errors';
import { checkColumns, ensureSchema, insertRows, rebindStagingViews } from '../aws-authz/write';
import { createTableSql } from '../cloudquery-schema';
import { cloudQueryId } from '../cq-id';
import type { ParsedKubectlList, Row } from './parse';
import { kubernetesRbacTables } from './tables';

export interface KubectlImportSummary {
  context: string;
  schema: string;
  /** Rows written per table, in table order. */
  counts: Array<{ table: string; rows: number }>;
}

const sourceName = 'openciem-import-kubectl';

/**
 * Replaces the context's rows in CloudQuery's Kubernetes RBAC and service account tables,
 * creating the tables first when they do not exist. Runs in one transaction: on any error
 * nothing changes.
 */
export async function writeKubectlList(
  client: Client,
  schema: string,
  parsed: ParsedKubectlList
): Promise<KubectlImportSummary> {
  const syncTime = new Date().toISOString().replace('Z', '');

  await client.query('BEGIN');
  try {
    await ensureSchema(client, schema);
    const counts: KubectlImportSummary['counts'] = [];
    for (const table of kubernetesRbacTables) {
      await client.query(createTableSql(schema, table, quoteIdent));
      await checkColumns(client, schema, table);
      await client.query(`DELETE FROM ${quoteIdent(schema)}.${quoteIdent(table.name)} WHERE context = $1`, [
        parsed.context,
      ]);
      const rows = withIds(parsed.rows.get(table.name) ?? [], table.keyColumns, syncTime);
      await insertRows(client, schema, table, rows).catch((error: unknown) => {
        throw explainConflict(error, schema, table.name, parsed.context);
      });
      counts.push({ table: table.name, rows: rows.length });
    }
    await rebindStagingViews(client, schema);
    await client.query('COMMIT');
    return { context: parsed.context, schema, counts };
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  }
}

/** Adds the `_cq_*` columns; two objects with one uid collapse to the last, as an upsert on `_cq_id` does. */
function withIds(rows: Row[], keyColumns: string[], syncTime: string): Row[] {
  const byId = new Map<string, Row>();
  for (const row of rows) {
    const id = cloudQueryId(row, keyColumns);
    byId.set(id, { ...row, _cq_sync_time: syncTime, _cq_source_name: sourceName, _cq_id: id, _cq_parent_id: null });
  }
  return [...byId.values()];
}

/**
 * Turns a unique violation into an error the user can act on. A table that CloudQuery created
 * keeps uid as its primary key, so the same objects cannot be imported there under a second context.
 */
function explainConflict(error: unknown, schema: string, table: string, context: string): unknown {
  if ((error as DatabaseError).code !== '23505') {
    return error;
  }
  return new UserError(
    `objects of the file are already in ${schema}.${table} under another context (${(error as DatabaseError).detail ?? 'duplicate key'}), so they cannot be imported as context "${context}"`,
    'Import under the context name used before, or into another schema with --source-schema.'
  );
}
