import type { Client } from 'pg';

import { AccountBuilder } from '../../cli/demo/account-builder';
import { parseAuthorizationDetails } from '../../cli/import/aws-authz/parse';
import { writeExport } from '../../cli/import/aws-authz/write';
import { migrate } from '../../cli/migrate/run';
import { writeActivity, type ActivityRows } from '../../cli/unused/write-activity';

export const account = '100000000016';

/** A date the given number of days before the test runs; thresholds sit far from every offset used. */
export function daysAgo(days: number): Date {
  return new Date(Date.now() - days * 86_400_000);
}

/** An account whose identities' ages count from now, like the activity dates. */
export function accountBuilder(accountId = account): AccountBuilder {
  return new AccountBuilder(accountId, `unused-${accountId}`, new Date());
}

export const userArn = (name: string, accountId = account) => `arn:aws:iam::${accountId}:user/${name}`;
export const roleArn = (name: string, accountId = account) => `arn:aws:iam::${accountId}:role/${name}`;
export const groupArn = (name: string, accountId = account) => `arn:aws:iam::${accountId}:group/${name}`;

/** Writes the accounts and their activity into the CloudQuery tables, then migrates (which refreshes). */
export async function load(client: Client, builders: AccountBuilder[], activity: Record<string, ActivityRows>): Promise<void> {
  for (const builder of builders) {
    await writeExport(client, 'public', parseAuthorizationDetails(builder.build(), builder.accountId));
    await writeActivity(client, 'public', builder.accountId, activity[builder.accountId] ?? {});
  }
  await migrate(client, { sourceSchema: 'public' });
}

/** Rows of a query, for assertions. */
export async function rows<T>(client: Client, sql: string, params: unknown[] = []): Promise<T[]> {
  return (await client.query(sql, params)).rows as T[];
}
