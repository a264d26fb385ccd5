import type { Client } from 'pg';

import { quoteIdent } from '../../db/connection';
import { UserError } from '../../errors';
import type { Row } from '../aws-authz/parse';
import { checkColumns, insertRows, rebindStagingViews } from '../aws-authz/write';
import { createTableSql } from '../cloudquery-schema';
import { cloudQueryId } from '../cq-id';
import { azureTables } from './tables';

/** Rows for the Azure tables, keyed by table name. */
export type AzureRows = Partial<Record<string, Row[]>>;

const sourceName = 'openciem-azure';

/**
 * Replaces the given subscriptions' rows in the Azure tables, creating the tables first. Tables
 * left out of `rows` are not created, so a test can leave one absent. Tenants have no
 * subscription, so their rows are replaced by tenant id. Runs in one transaction.
 */
export async function writeAzureRows(
  client: Client,
  schema: string,
  subscriptionIds: string[],
  rows: AzureRows
): Promise<void> {
  const unknown = Object.keys(rows).filter((name) => !azureTables.some((table) => table.name === name));
  if (unknown.length > 0) {
    throw new UserError(
      `no Azure table is named ${unknown.join(', ')}`,
      `Use one of ${azureTables.map((table) => table.name).join(', ')}.`
    );
  }

  const syncTime = new Date().toISOString().replace('Z', '');
  await client.query('BEGIN');
  try {
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(schema)}`);
    for (const table of azureTables) {
      const tableRows = rows[table.name];
      if (tableRows === undefined) {
        continue;
      }
      await client.query(createTableSql(schema, table, quoteIdent));
      await checkColumns(client, schema, table);
      const qualified = `${quoteIdent(schema)}.${quoteIdent(table.name)}`;
      if (table.name === 'azure_subscription_tenants') {
        await client.query(`DELETE FROM ${qualified} WHERE tenant_id = ANY($1)`, [
          tableRows.map((row) => row.tenant_id),
        ]);
      } else {
        await client.query(`DELETE FROM ${qualified} WHERE subscription_id = ANY($1)`, [subscriptionIds]);
      }
      await insertRows(
        client,
        schema,
        table,
        tableRows.map((row) => ({
          ...row,
          _cq_sync_time: syncTime,
          _cq_source_name: sourceName,
          _cq_id: cloudQueryId(row, table.keyColumns),
          _cq_parent_id: null,
        }))
      );
    }
    await rebindStagingViews(client, schema);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  }
}
