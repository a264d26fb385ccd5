import { readFileSync } from 'node:fs';
import path from 'node:path';

import type { Client } from 'pg';

import { repositoryRoot } from '../support/paths';

// Migration 0033 stores relations that migrations 0025 to 0027 defined as views. These helpers
// create a view as its migration wrote it, under a temporary name, so that a test can hold the
// stored rows to the rows the original definition gives on the same data.

/**
 * Creates the view ciem.<name> of a migration file as the temporary view <name>_<number>. The
 * views named in `renames` are read from their temporary copies, which must exist already.
 */
export async function createViewOfMigration(
  client: Client,
  file: string,
  name: string,
  renames: string[] = []
): Promise<string> {
  const sql = readFileSync(path.join(repositoryRoot, 'sql-views', file), 'utf8');
  const number = file.slice(0, 4);
  const start = sql.indexOf(`CREATE VIEW ciem.${name} AS`);
  const end = sql.indexOf(';\n', start);
  if (start < 0 || end < 0) {
    throw new Error(`view ciem.${name} not found in ${file}`);
  }

  let statement = sql
    .slice(start, end + 1)
    .replace(`CREATE VIEW ciem.${name} AS`, `CREATE TEMP VIEW ${name}_${number} AS`);
  for (const renamed of renames) {
    statement = statement.replaceAll(`ciem.${renamed} `, `pg_temp.${renamed}_${number} `);
  }
  await client.query(statement);
  return `pg_temp.${name}_${number}`;
}

/** Counts the rows of one relation that the other lacks, both ways, duplicates included. */
export async function rowDifferences(client: Client, left: string, right: string): Promise<number> {
  const result = await client.query<{ n: number }>(
    `SELECT (SELECT count(*) FROM (TABLE ${left} EXCEPT ALL TABLE ${right}) a)::int
          + (SELECT count(*) FROM (TABLE ${right} EXCEPT ALL TABLE ${left}) b)::int AS n`
  );
  return result.rows[0].n;
}

/** Counts the rows of a relation. */
export async function rowCount(client: Client, relation: string): Promise<number> {
  const result = await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${relation}`);
  return result.rows[0].n;
}

/**
 * Creates the Azure views of migration 0027 that 0033 stores, and the compliance views that read
 * them, reading each other rather than the stored relations. Returns their temporary names.
 */
export async function createAzureViewsOf0027(client: Client): Promise<Record<string, string>> {
  const file = '0027_azure.sql';
  const stored = ['azure_role_assignments', 'azure_role_definitions'];
  return {
    azure_role_assignments: await createViewOfMigration(client, file, 'azure_role_assignments'),
    azure_role_definitions: await createViewOfMigration(client, file, 'azure_role_definitions'),
    azure_compliance_subscription_data: await createViewOfMigration(
      client,
      file,
      'azure_compliance_subscription_data',
      stored
    ),
    azure_compliance_results: await createViewOfMigration(client, file, 'azure_compliance_results', [
      ...stored,
      'azure_compliance_subscription_data',
    ]),
  };
}
