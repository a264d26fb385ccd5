import type { Client } from 'pg';

import { AccountBuilder } from '../../cli/demo/account-builder';
import { policyDocument, trustPolicy, type ManagedPolicy, type PolicyDocument } from '../../cli/demo/iam-builders';
import { parseAuthorizationDetails } from '../../cli/import/aws-authz/parse';
import { writeExport } from '../../cli/import/aws-authz/write';
import { migrate } from '../../cli/migrate/run';

export const caseAccount = '100000000001';

export type Statement = Record<string, unknown>;

/** A policy document with the 2012-10-17 version and the given statements. */
export const allow = (action: unknown, resource: unknown = '*', extra: Statement = {}): Statement => ({ Effect: 'Allow', Action: action, Resource: resource, ...extra });
export const deny = (action: unknown, resource: unknown = '*', extra: Statement = {}): Statement => ({ Effect: 'Deny', Action: action, Resource: resource, ...extra });
export const doc = (...statements: Statement[]): PolicyDocument => policyDocument(...statements);

export function managed(name: string, ...versions: PolicyDocument[]): ManagedPolicy {
  return { name, owner: caseAccount, versions };
}

export function roleArn(name: string, account = caseAccount): string {
  return `arn:aws:iam::${account}:role/${name}`;
}

export function userArn(name: string, account = caseAccount): string {
  return `arn:aws:iam::${account}:user/${name}`;
}

/** Builds an account of one principal per evaluation case. */
export function caseAccountBuilder(account = caseAccount): AccountBuilder {
  return new AccountBuilder(account, `cases-${account}`, new Date('2026-11-01T00:00:00Z'));
}

export const ec2Trust = trustPolicy({ Service: 'ec2.amazonaws.com' });

/** Writes the accounts into the CloudQuery tables and migrates, which ends with ciem.refresh(). */
export async function loadAccounts(client: Client, ...accounts: AccountBuilder[]): Promise<void> {
  for (const account of accounts) {
    await writeExport(client, 'public', parseAuthorizationDetails(account.build(), account.accountId));
  }
  await migrate(client, { sourceSchema: 'public' });
}

export interface Explanation {
  decision: string;
  allowed_resource_patterns: string[];
  denied_resource_patterns: string[];
  allowing: Array<Record<string, unknown>>;
  denying: Array<Record<string, unknown>>;
}

export async function explain(client: Client, identity: string, action: string, resource = '*'): Promise<Explanation> {
  const result = await client.query<{ e: Explanation }>('SELECT ciem.explain($1, $2, $3) AS e', [identity, action, resource]);
  return result.rows[0].e;
}

export async function decision(client: Client, identity: string, action: string, resource = '*'): Promise<string> {
  return (await explain(client, identity, action, resource)).decision;
}
