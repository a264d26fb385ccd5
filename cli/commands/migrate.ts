import type { Command } from 'commander';
import type { Client } from 'pg';

import { connect } from '../db/connection';
import { migrate, type MigrateResult } from '../migrate/run';

interface MigrateCommandOptions {
  databaseUrl?: string;
  sourceSchema?: string;
}

/**
 * Returns the source schema of the last migrate, so that a later run without --source-schema keeps reading the same
 * CloudQuery tables; public, CloudQuery's default, on a database that was never migrated.
 */
export async function lastSourceSchema(client: Client): Promise<string> {
  const ledger = await client.query<{ present: boolean }>(
    "SELECT to_regclass('ciem.source_bindings') IS NOT NULL AS present"
  );
  if (!ledger.rows[0].present) {
    return 'public';
  }

  const bound = await client.query<{ source_schema: string }>(
    'SELECT source_schema FROM ciem.source_bindings ORDER BY bound_at DESC LIMIT 1'
  );
  return bound.rows[0]?.source_schema ?? 'public';
}

export function registerMigrate(program: Command): void {
  program
    .command('migrate')
    .description('Create or update the ciem schema: apply pending sql-views/ migrations and bind the CloudQuery tables')
    .option('--database-url <url>', 'PostgreSQL URL (default: DATABASE_URL, else the PG* variables)')
    .option(
      '--source-schema <schema>',
      'schema that holds the CloudQuery tables (default: the schema of the last migrate, else public)'
    )
    .action(async (options: MigrateCommandOptions) => {
      const client = await connect(options);
      try {
        const sourceSchema = options.sourceSchema ?? (await lastSourceSchema(client));
        const result = await migrate(client, { sourceSchema });
        printMigrateResult(result, sourceSchema);
      } finally {
        await client.end();
      }
    });
}

export function printMigrateResult(result: MigrateResult, sourceSchema: string): void {
  if (result.applied.length === 0) {
    console.log(`ciem schema is up to date (${result.alreadyApplied} migrations applied).`);
  } else {
    console.log(`Applied ${result.applied.length} migration(s): ${result.applied.join(', ')}.`);
  }

  if (result.catalogue.loaded) {
    console.log(`Loaded the AWS action catalogue ${result.catalogue.version} (${result.catalogue.actions} actions).`);
  }

  const missing = result.sources
    .filter((source) => !source.present && !source.optional)
    .map((source) => source.table_name);
  if (missing.length > 0) {
    console.log(
      `Source tables missing from schema ${sourceSchema}: ${missing.join(', ')}.\n` +
        'Views over them return no rows until CloudQuery syncs them (or openciem import aws-authz loads them); run migrate again afterwards.'
    );
  }
  // One line per feature that is off, naming the optional tables it waits for.
  const absentByPurpose = new Map<string, string[]>();
  for (const source of result.sources.filter((item) => !item.present && item.optional)) {
    const purpose = source.purpose ?? 'optional feature';
    absentByPurpose.set(purpose, [...(absentByPurpose.get(purpose) ?? []), source.table_name]);
  }
  for (const [purpose, tables] of absentByPurpose) {
    console.log(`Off until CloudQuery syncs ${tables.join(', ')}: ${purpose}.`);
  }
  for (const source of result.sources.filter((item) => item.present && item.missing_columns.length > 0)) {
    console.log(
      `${sourceSchema}.${source.table_name} lacks the columns ${source.missing_columns.join(', ')}; OpenCIEM reads them as NULL.`
    );
  }
}
