import type { Client } from 'pg';

import { quoteIdent } from '../db/connection';
import { UserError } from '../errors';
import { checkColumns, insertRows, rebindStagingViews } from './aws-authz/write';
import type { Row } from './aws-authz/parse';
import { hygieneTables } from './cloudquery-hygiene-tables';
import { createTableSql } from './cloudquery-schema';
import { cloudQueryId } from './cq-id';

/** Rows for the hygiene tables, keyed by table name. A row may set `_cq_parent_id`. */
export type HygieneRows = Partial<Record<string, Row[]>>;

const sourceName = 'openciem-hygiene';

/**
 * Replaces the given accounts' rows in the CloudQuery hygiene tables (credential reports, account
 * summaries, password policies, MFA devices, server certificates, analyzers, regions, alternate
 * contacts), creating the tables first. Tables left out of `rows` are not created, so a test can
 * leave a table absent. Runs in one transaction: on any error nothing changes.
 */
export async function writeHygieneRows(
  client: Client,
  schema: string,
  accountIds: string[],
  rows: HygieneRows
): Promise<void> {
  const unknown = Object.keys(rows).filter((name) => !hygieneTables.some((table) => table.name === name));
  if (unknown.length > 0) {
    throw new UserError(
      `no hygiene table is named ${unknown.join(', ')}`,
      `Use one of ${hygieneTables.map((table) => table.name).join(', ')}.`
    );
  }

  const syncTime = new Date().toISOString().replace('Z', '');
  await client.query('BEGIN');
  try {
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(schema)}`);
    for (const table of hygieneTables) {
      const tableRows = rows[table.name];
      if (tableRows === undefined) {
        continue;
      }
      await client.query(createTableSql(schema, table, quoteIdent));
      await checkColumns(client, schema, table);
      await deleteAccounts(client, schema, table.name, accountIds);
      await insertRows(
        client,
        schema,
        table,
        tableRows.map((row) => withIds(row, table.keyColumns, syncTime))
      );
    }
    await rebindStagingViews(client, schema);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  }
}

/** Deletes the accounts' rows. The credential report has no account_id column, so its ARN names the account. */
async function deleteAccounts(client: Client, schema: string, table: string, accountIds: string[]): Promise<void> {
  const account = table === 'aws_iam_credential_reports' ? "split_part(arn, ':', 5)" : 'account_id';
  await client.query(`DELETE FROM ${quoteIdent(schema)}.${quoteIdent(table)} WHERE ${account} = ANY($1)`, [accountIds]);
}

function withIds(row: Row, keyColumns: string[], syncTime: string): Row {
  return {
    ...row,
    _cq_sync_time: syncTime,
    _cq_source_name: sourceName,
    _cq_id: cloudQueryId(row, keyColumns),
    _cq_parent_id: row._cq_parent_id ?? null,
  };
}
