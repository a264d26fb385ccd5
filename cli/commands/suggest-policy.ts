import type { Command } from 'commander';
import type { DatabaseError } from 'pg';

import { connect } from '../db/connection';
import { UserError } from '../errors';
import { formatPolicyDocument, policySize, type PolicyDocument } from '../unused/policy-document';

interface SuggestPolicyOptions {
  databaseUrl?: string;
  identity: string;
}

// IAM quota for a customer managed policy document, whitespace not counted (IAM User Guide,
// "IAM and AWS STS quotas").
const managedPolicyMaxCharacters = 6144;

export function registerSuggestPolicy(program: Command): void {
  program
    .command('suggest-policy')
    .description(
      'Print a least-privilege IAM policy for a user or role as JSON: the actions it is allowed and used within ' +
        'unused_days, under the resources and conditions of the statements that grant them'
    )
    .requiredOption('--identity <arn>', 'ARN of the IAM user or role')
    .option('--database-url <url>', 'PostgreSQL URL (default: DATABASE_URL, else the PG* variables)')
    .action(async (options: SuggestPolicyOptions) => {
      const client = await connect(options);
      try {
        const result = await client.query<{ policy: PolicyDocument }>('SELECT ciem.suggested_policy($1) AS policy', [options.identity]);
        const policy = result.rows[0].policy;
        console.log(formatPolicyDocument(policy));
        const size = policySize(policy);
        if (size > managedPolicyMaxCharacters) {
          console.error(
            `warning: the policy has ${size} characters without whitespace, more than the ${managedPolicyMaxCharacters} ` +
              'IAM allows in a managed policy; split it into several policies.'
          );
        }
      } catch (error) {
        const database = error as DatabaseError;
        if (database.code === 'P0001') {
          throw new UserError(database.message, database.hint);
        }
        if (database.code === '42883') {
          throw new UserError('the database has no ciem.suggested_policy function', 'Run openciem migrate first.');
        }
        throw error;
      } finally {
        await client.end();
      }
    });
}
