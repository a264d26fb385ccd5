import type { Client } from 'pg';

import { quoteIdent } from '../db/connection';
import { ensureSchema, insertRows, rebindStagingViews } from '../import/aws-authz/write';
import { awsIamActivityTables, createTableSql, type TableSpec } from '../import/cloudquery-schema';
import { cloudQueryId } from '../import/cq-id';

/** Rows of one activity table, without the `_cq_*` columns. */
export type ActivityRow = Record<string, unknown>;

/** Rows per activity table name (aws_iam_credential_reports, aws_iam_user_access_keys, ...). */
export type ActivityRows = Record<string, ActivityRow[]>;

const sourceName = 'openciem-activity';

/** The parent column whose value is the ARN of the parent user, role or group. */
const parentArnColumns: Record<string, string> = {
  aws_iam_user_access_keys: 'user_arn',
  aws_iam_user_last_accessed_details: 'user_arn',
  aws_iam_role_last_accessed_details: 'role_arn',
  aws_iam_group_last_accessed_details: 'group_arn',
};

/**
 * Replaces one account's rows in CloudQuery's activity tables (credential report, access keys,
 * last accessed details), creating the tables when they do not exist. Runs in one transaction.
 */
export async function writeActivity(client: Client, schema: string, accountId: string, rows: ActivityRows): Promise<void> {
  const unknown = Object.keys(rows).filter((name) => !awsIamActivityTables.some((table) => table.name === name));
  if (unknown.length > 0) {
    throw new Error(`not an activity table: ${unknown.join(', ')}`);
  }

  const syncTime = new Date().toISOString().replace('Z', '');
  await client.query('BEGIN');
  try {
    await ensureSchema(client, schema);
    for (const table of awsIamActivityTables) {
      await client.query(createTableSql(schema, table, quoteIdent));
      await deleteAccountRows(client, schema, table, accountId);
      const tableRows = (rows[table.name] ?? []).map((row) => withCloudQueryColumns(table, row, syncTime));
      await insertRows(client, schema, table, tableRows);
    }
    await rebindStagingViews(client, schema);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  }
}

async function deleteAccountRows(client: Client, schema: string, table: TableSpec, accountId: string): Promise<void> {
  const hasAccountColumn = table.columns.some((column) => column.name === 'account_id');
  // The credential report has no account_id column; the account is the fifth field of the ARN.
  const accountOf = hasAccountColumn ? 'account_id' : "split_part(arn, ':', 5)";
  await client.query(`DELETE FROM ${quoteIdent(schema)}.${quoteIdent(table.name)} WHERE ${accountOf} = $1`, [accountId]);
}

function withCloudQueryColumns(table: TableSpec, row: ActivityRow, syncTime: string): ActivityRow {
  const parentColumn = parentArnColumns[table.name];
  const parentId = parentColumn
    ? cloudQueryId({ account_id: row.account_id, arn: row[parentColumn] }, ['account_id', 'arn'])
    : null;
  return {
    ...row,
    _cq_sync_time: syncTime,
    _cq_source_name: sourceName,
    _cq_id: cloudQueryId(row, table.keyColumns),
    _cq_parent_id: parentId,
  };
}
