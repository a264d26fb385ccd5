import type { Client } from 'pg';

import { policyDocument, type PolicyDocument } from '../../cli/demo/iam-builders';

export const ownAccount = '300000000001';
export const orgAccount = '300000000002';
export const vendorAccount = '300000000003';
export const strangerAccount = '300000000004';
export const organizationId = 'o-trust00001';

export type Statement = Record<string, unknown>;

/** A trust policy of the given statements. */
export const trust = (...statements: Statement[]): PolicyDocument => policyDocument(...statements);

/** An Allow of sts:AssumeRole (or the given action) to the principal element. */
export function allowAssume(principal: unknown, extra: Statement = {}, action: unknown = 'sts:AssumeRole'): Statement {
  return { Effect: 'Allow', Principal: principal, Action: action, ...extra };
}

export function denyAssume(principal: unknown, extra: Statement = {}, action: unknown = 'sts:AssumeRole'): Statement {
  return { Effect: 'Deny', Principal: principal, Action: action, ...extra };
}

export const root = (account: string) => `arn:aws:iam::${account}:root`;

/**
 * Creates CloudQuery's Organizations tables with one organisation of ownAccount and orgAccount,
 * listed from ownAccount as the management account.
 */
export async function createOrganization(client: Client): Promise<void> {
  await client.query(
    'CREATE TABLE aws_organizations (_cq_id uuid, request_account_id text, arn text, id text, master_account_id text)'
  );
  await client.query(
    'CREATE TABLE aws_organizations_accounts (_cq_id uuid, request_account_id text, arn text, id text, name text, status text)'
  );
  await client.query('INSERT INTO aws_organizations (request_account_id, id, master_account_id) VALUES ($1, $2, $1)', [
    ownAccount,
    organizationId,
  ]);
  for (const [account, name] of [
    [ownAccount, 'trust-own'],
    [orgAccount, 'trust-sibling'],
  ]) {
    await client.query(
      "INSERT INTO aws_organizations_accounts (request_account_id, id, name, status) VALUES ($1, $2, $3, 'ACTIVE')",
      [ownAccount, account, name]
    );
  }
}

/** The CloudQuery tables that hold resource-based policies, with the columns the staging views read. */
const resourceTables: Record<string, string> = {
  aws_s3_bucket_policies:
    '_cq_id uuid, _cq_sync_time timestamp, account_id text, bucket_arn text, policy_json jsonb, policy text',
  aws_s3_bucket_public_access_blocks:
    '_cq_id uuid, account_id text, bucket_arn text, public_access_block_configuration jsonb',
  aws_s3_accounts:
    '_cq_id uuid, account_id text, block_public_acls boolean, restrict_public_buckets boolean, config_exists boolean',
  aws_kms_keys: '_cq_id uuid, account_id text, arn text, key_manager text',
  aws_kms_key_policies: '_cq_id uuid, _cq_sync_time timestamp, account_id text, key_arn text, name text, policy jsonb',
  aws_lambda_functions: '_cq_id uuid, _cq_sync_time timestamp, account_id text, arn text, policy_document jsonb',
  aws_sqs_queues: '_cq_id uuid, _cq_sync_time timestamp, account_id text, arn text, policy jsonb',
  aws_sns_topics: '_cq_id uuid, _cq_sync_time timestamp, account_id text, arn text, policy jsonb',
  aws_ecr_repository_policies:
    '_cq_id uuid, _cq_sync_time timestamp, account_id text, repository_arn text, policy_json jsonb',
  aws_secretsmanager_secrets: '_cq_id uuid, _cq_sync_time timestamp, account_id text, arn text, policy jsonb',
};

export async function createResourceTables(client: Client): Promise<void> {
  for (const [table, columns] of Object.entries(resourceTables)) {
    await client.query(`CREATE TABLE ${table} (${columns})`);
  }
}

/** The table and columns that hold each resource type's policy. */
const policyColumns: Record<string, { table: string; arn: string; policy: string }> = {
  s3_bucket: { table: 'aws_s3_bucket_policies', arn: 'bucket_arn', policy: 'policy_json' },
  kms_key: { table: 'aws_kms_key_policies', arn: 'key_arn', policy: 'policy' },
  lambda_function: { table: 'aws_lambda_functions', arn: 'arn', policy: 'policy_document' },
  sqs_queue: { table: 'aws_sqs_queues', arn: 'arn', policy: 'policy' },
  sns_topic: { table: 'aws_sns_topics', arn: 'arn', policy: 'policy' },
  ecr_repository: { table: 'aws_ecr_repository_policies', arn: 'repository_arn', policy: 'policy_json' },
  secretsmanager_secret: { table: 'aws_secretsmanager_secrets', arn: 'arn', policy: 'policy' },
};

export async function insertResourcePolicy(
  client: Client,
  resourceType: keyof typeof policyColumns,
  arn: string,
  policy: PolicyDocument,
  account = ownAccount
): Promise<void> {
  const { table, arn: arnColumn, policy: policyColumn } = policyColumns[resourceType];
  const name = resourceType === 'kms_key' ? ', name' : '';
  const nameValue = resourceType === 'kms_key' ? ", 'default'" : '';
  await client.query(
    `INSERT INTO ${table} (_cq_id, account_id, ${arnColumn}, ${policyColumn}${name}) VALUES (gen_random_uuid(), $1, $2, $3${nameValue})`,
    [account, arn, JSON.stringify(policy)]
  );
}

export interface PolicyPrincipalRow {
  resource_arn: string;
  statement_index: number;
  effect: string;
  is_not_principal: boolean;
  principal_type: string;
  trusted_principal: string;
  principal_kind: string;
  trusted_account_id: string | null;
  classification: string;
  narrowed_by: string[];
  denied_by: number[];
  conditionally_denied_by: number[];
  grants_access: boolean;
}

/** The rows of ciem.aws_resource_policy_principals for one role or resource, in statement order. */
export async function principalsOf(client: Client, resourceArn: string): Promise<PolicyPrincipalRow[]> {
  const result = await client.query<PolicyPrincipalRow>(
    `SELECT resource_arn, statement_index, effect, is_not_principal, principal_type, trusted_principal, principal_kind,
            trusted_account_id, classification, narrowed_by, denied_by, conditionally_denied_by, grants_access
       FROM ciem.aws_resource_policy_principals
      WHERE resource_arn = $1
      ORDER BY statement_index, is_not_principal, principal_type, trusted_principal`,
    [resourceArn]
  );
  return result.rows;
}

/** The single Allow row of a role or resource; fails the test when there is not exactly one. */
export async function onlyGrant(client: Client, resourceArn: string): Promise<PolicyPrincipalRow> {
  const rows = (await principalsOf(client, resourceArn)).filter((row) => row.effect === 'Allow');
  if (rows.length !== 1) {
    throw new Error(`expected one Allow principal for ${resourceArn}, found ${rows.length}: ${JSON.stringify(rows)}`);
  }
  return rows[0];
}

export interface FindingRow {
  category: string;
  severity: string;
  title: string;
  identity_type: string;
  evidence: Record<string, unknown>;
}

/** The open findings of one role or resource, from ciem.findings after a refresh. */
/** The trust findings of one role or resource; other rules (admin, unused access) report on the same fixtures. */
export async function findingsOf(client: Client, arn: string): Promise<FindingRow[]> {
  const result = await client.query<FindingRow>(
    `SELECT category, severity, title, identity_type, evidence
       FROM ciem.findings
      WHERE identity_arn = $1 AND category IN ('public_trust', 'cross_account_trust')
      ORDER BY category, severity_rank DESC, title`,
    [arn]
  );
  return result.rows;
}
