import type { Client } from 'pg';

import type { PolicyDocument } from '../../cli/demo/iam-builders';

export interface OrganizationSpec {
  management: string;
  units: Array<{ id: string; name: string; parent: string }>;
  /** Each account with its parent: the root (r-…) or an organisational unit (ou-…). */
  accounts: Array<{ id: string; parent: string }>;
  scps: Record<string, PolicyDocument>;
}

/**
 * Writes CloudQuery's Organizations tables, with the columns the ciem staging views read, for one
 * organisation whose root is r-root. Attach SCPs afterwards through ciem.aws_scp_targets.
 */
export async function writeOrganization(client: Client, spec: OrganizationSpec): Promise<void> {
  const sql = (text: string, values: unknown[] = []) => client.query(text, values);

  await sql('CREATE TABLE aws_organizations (_cq_id uuid, request_account_id text, arn text, id text, master_account_id text)');
  await sql('CREATE TABLE aws_organizations_accounts (_cq_id uuid, request_account_id text, arn text, id text, name text, status text)');
  await sql('CREATE TABLE aws_organizations_account_parents (_cq_id uuid, request_account_id text, id text, parent_id text, type text)');
  await sql('CREATE TABLE aws_organizations_organizational_units (_cq_id uuid, request_account_id text, arn text, id text, name text)');
  await sql('CREATE TABLE aws_organizations_organizational_unit_parents (_cq_id uuid, request_account_id text, id text, parent_id text, type text)');
  await sql('CREATE TABLE aws_organizations_roots (_cq_id uuid, request_account_id text, arn text, id text, name text)');
  await sql('CREATE TABLE aws_organizations_policies (_cq_id uuid, account_id text, content jsonb, arn text, aws_managed boolean, id text, name text, type text)');

  const { management } = spec;
  await sql("INSERT INTO aws_organizations (request_account_id, id, master_account_id) VALUES ($1, 'o-test', $1)", [management]);
  await sql("INSERT INTO aws_organizations_roots (request_account_id, id, name) VALUES ($1, 'r-root', 'Root')", [management]);
  for (const unit of spec.units) {
    await sql('INSERT INTO aws_organizations_organizational_units (request_account_id, id, name) VALUES ($1, $2, $3)', [management, unit.id, unit.name]);
    await sql('INSERT INTO aws_organizations_organizational_unit_parents (request_account_id, id, parent_id, type) VALUES ($1, $2, $3, $4)', [
      management,
      unit.id,
      unit.parent,
      parentType(unit.parent),
    ]);
  }
  for (const account of spec.accounts) {
    await sql("INSERT INTO aws_organizations_accounts (request_account_id, id, status) VALUES ($1, $2, 'ACTIVE')", [management, account.id]);
    await sql('INSERT INTO aws_organizations_account_parents (request_account_id, id, parent_id, type) VALUES ($1, $2, $3, $4)', [
      management,
      account.id,
      account.parent,
      parentType(account.parent),
    ]);
  }
  for (const [id, content] of Object.entries(spec.scps)) {
    await sql("INSERT INTO aws_organizations_policies (account_id, content, id, name, type, aws_managed) VALUES ($1, $2, $3, $3, 'SERVICE_CONTROL_POLICY', false)", [
      management,
      JSON.stringify(content),
      id,
    ]);
  }
}

function parentType(parent: string): string {
  return parent.startsWith('r-') ? 'ROOT' : 'ORGANIZATIONAL_UNIT';
}
