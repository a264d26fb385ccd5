import type { Command } from 'commander';

import { connect } from '../db/connection';
import { migrate, type MigrateResult } from '../migrate/run';

interface MigrateCommandOptions {
  databaseUrl?: string;
  sourceSchema: string;
}

export function registerMigrate(program: Command): void {
  program
    .command('migrate')
    .description('Create or update the ciem schema: apply pending sql-views/ migrations and bind the CloudQuery tables')
    .option('--database-url <url>', 'PostgreSQL URL (default: DATABASE_URL, else the PG* variables)')
    .option('--source-schema <schema>', 'schema that holds the CloudQuery tables', 'public')
    .action(async (options: MigrateCommandOptions) => {
      const client = await connect(options);
      try {
        const result = await migrate(client, { sourceSchema: options.sourceSchema });
        printMigrateResult(result, options.sourceSchema);
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

  const missing = result.sources.filter((source) => !source.present && !source.optional).map((source) => source.table_name);
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
