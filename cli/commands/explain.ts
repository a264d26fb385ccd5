import type { Command } from 'commander';
import type { DatabaseError } from 'pg';

import { connect } from '../db/connection';
import { UserError } from '../errors';
import { formatExplanation, type Explanation } from '../engine/explanation';

interface ExplainCommandOptions {
  databaseUrl?: string;
  identity: string;
  action: string;
  resource: string;
  json?: boolean;
}

export function registerExplain(program: Command): void {
  program
    .command('explain')
    .description('Show whether an identity may perform an action, and the policy statements that decide it')
    .requiredOption('--identity <arn>', 'ARN of the IAM user or role')
    .requiredOption('--action <action>', 'action as service:ActionName, for example s3:GetObject')
    .option('--resource <arn>', 'resource ARN; "*" asks whether the action is allowed on some resource', '*')
    .option('--json', 'print one JSON object whose field decision is allowed, conditional, explicit_deny or implicit_deny')
    .option('--database-url <url>', 'PostgreSQL URL (default: DATABASE_URL, else the PG* variables)')
    .action(async (options: ExplainCommandOptions) => {
      const client = await connect(options);
      try {
        const result = await client.query<{ explanation: Explanation }>('SELECT ciem.explain($1, $2, $3) AS explanation', [
          options.identity,
          options.action,
          options.resource,
        ]);
        const explanation = result.rows[0].explanation;
        console.log(options.json ? JSON.stringify(explanation, null, 2) : formatExplanation(explanation));
      } catch (error) {
        const database = error as DatabaseError;
        if (database.code === 'P0001') {
          throw new UserError(database.message, database.hint);
        }
        if (database.code === '42883') {
          throw new UserError('the database has no ciem.explain function', 'Run openciem migrate first.');
        }
        throw error;
      } finally {
        await client.end();
      }
    });
}
