import type { Client } from 'pg';

import type { Row } from '../../cli/import/aws-authz/parse';
import { gcpRowId, writeGcpRows, type GcpRows } from '../../cli/import/gcp/write';
import { migrate } from '../../cli/migrate/run';

// Small handwritten Google Cloud data in the shape CloudQuery's GCP plugin writes.

const dayMs = 86_400_000;

/** Returns a CloudQuery timestamp (UTC without a zone) `days` before now. */
export function daysAgo(days: number): string {
  return new Date(Date.now() - days * dayMs).toISOString().replace('Z', '');
}

export interface Binding {
  role: string;
  members: string[];
  condition?: { title?: string; expression: string };
}

export const binding = (role: string, members: string[], condition?: Binding['condition']): Binding =>
  condition ? { role, members, condition } : { role, members };

export function projectPolicy(projectId: string, bindings: Binding[]): Row {
  return {
    project_id: projectId,
    bindings,
    etag: 'BwXhqDjz2yU=',
    version: bindings.some((b) => b.condition) ? 3 : 1,
    audit_configs: null,
  };
}

export function folderPolicy(folderNumber: string, bindings: Binding[]): Row {
  return { folder_id: folderNumber, bindings, etag: 'BwXfolder00=', version: 1, audit_configs: null };
}

export function organizationPolicy(organizationNumber: string, bindings: Binding[]): Row {
  return { organization_id: organizationNumber, bindings, etag: 'BwXorgpol00=', version: 1, audit_configs: null };
}

export function project(projectId: string, projectNumber: string, parent: string | null): Row {
  return {
    project_id: projectId,
    name: `projects/${projectNumber}`,
    parent,
    state: 'ACTIVE',
    display_name: projectId,
    labels: {},
  };
}

export function folder(folderNumber: string, parent: string, organizationNumber: string): Row {
  return {
    organization_id: organizationNumber,
    name: `folders/${folderNumber}`,
    parent,
    display_name: `folder ${folderNumber}`,
    state: 'ACTIVE',
  };
}

export function organization(organizationNumber: string, domain: string, customerId = 'C0example'): Row {
  return {
    name: `organizations/${organizationNumber}`,
    display_name: domain,
    lifecycle_state: 'ACTIVE',
    creation_time: '2019-05-01T10:00:00.000Z',
    owner: { directoryCustomerId: customerId },
  };
}

/** Builds a user-managed service account NAME@PROJECT.iam.gserviceaccount.com. */
export function serviceAccount(projectId: string, name: string, options: { disabled?: boolean } = {}): Row {
  const email = `${name}@${projectId}.iam.gserviceaccount.com`;
  return {
    project_id: projectId,
    unique_id: uniqueId(email),
    name: `projects/${projectId}/serviceAccounts/${email}`,
    email,
    display_name: name,
    description: null,
    oauth2_client_id: uniqueId(email),
    disabled: options.disabled ?? false,
  };
}

export function serviceAccountMember(projectId: string, name: string): string {
  return `serviceAccount:${name}@${projectId}.iam.gserviceaccount.com`;
}

export interface KeyOptions {
  id: string;
  ageDays: number;
  type?: 'USER_MANAGED' | 'SYSTEM_MANAGED';
  disabled?: boolean;
  /** Days until expiry; user-managed keys default to ten years after creation. */
  expiresInDays?: number;
}

export function serviceAccountKey(account: Row, options: KeyOptions): Row {
  const type = options.type ?? 'USER_MANAGED';
  const expiresInDays = options.expiresInDays ?? (type === 'USER_MANAGED' ? 3650 - options.ageDays : 10);
  return {
    _cq_parent_id: gcpRowId('gcp_iam_service_accounts', account),
    project_id: account.project_id,
    service_account_unique_id: account.unique_id,
    name: `projects/${account.project_id}/serviceAccounts/${account.email}/keys/${options.id}`,
    key_algorithm: 'KEY_ALG_RSA_2048',
    valid_after_time: daysAgo(options.ageDays),
    valid_before_time: daysAgo(-expiresInDays),
    key_origin: 'GOOGLE_PROVIDED',
    key_type: type,
    disabled: options.disabled ?? false,
  };
}

export interface RoleOptions {
  title?: string;
  stage?: string;
  deleted?: boolean;
}

/** Builds a role row. CloudQuery lists predefined roles once per synced project. */
export function role(projectId: string, name: string, permissions: string[], options: RoleOptions = {}): Row {
  return {
    project_id: projectId,
    name,
    title: options.title ?? name.replace(/^.*\//, ''),
    description: null,
    included_permissions: permissions,
    stage: options.stage ?? 'GA',
    deleted: options.deleted ?? false,
  };
}

export interface DenyRule {
  deniedPrincipals: string[];
  deniedPermissions: string[];
  exceptionPrincipals?: string[];
  exceptionPermissions?: string[];
  denialCondition?: { expression: string; title?: string };
}

/**
 * Builds a deny policy row. Shape `rest` writes rules as the REST API and gcloud print them, and
 * `cloudquery` as CloudQuery's plugin marshals the Go protobuf struct (snake_case keys under
 * Kind.DenyRule). Shape `unread` leaves the rules out, as ListPolicies returns them.
 */
export function denyPolicy(
  projectId: string,
  projectNumber: string,
  id: string,
  rules: DenyRule[],
  shape: 'rest' | 'cloudquery' | 'unread' = 'rest'
): Row {
  const restRules = rules.map((rule) => ({ description: `rule of ${id}`, denyRule: rule }));
  const goRules = rules.map((rule) => ({
    description: `rule of ${id}`,
    Kind: {
      DenyRule: {
        denied_principals: rule.deniedPrincipals,
        exception_principals: rule.exceptionPrincipals,
        denied_permissions: rule.deniedPermissions,
        exception_permissions: rule.exceptionPermissions,
        denial_condition: rule.denialCondition,
      },
    },
  }));
  const rulesByShape = { rest: restRules, cloudquery: goRules, unread: null };
  return {
    project_id: projectId,
    name: `policies/cloudresourcemanager.googleapis.com%2Fprojects%2F${projectNumber}/denypolicies/${id}`,
    uid: uniqueId(id),
    kind: 'DenyPolicy',
    display_name: id,
    annotations: {},
    etag: 'MTc=',
    create_time: daysAgo(30),
    update_time: daysAgo(30),
    delete_time: null,
    rules: rulesByShape[shape],
    managing_authority: null,
  };
}

/** Writes the rows, then migrates, which binds the staging views and ends with ciem.refresh(). */
export async function loadGcp(client: Client, rows: GcpRows): Promise<void> {
  await writeGcpRows(client, 'public', rows, 'openciem-test');
  await migrate(client, { sourceSchema: 'public' });
}

/** Merges row sets of several cases into one set per table. */
export function mergeRows(...sets: GcpRows[]): GcpRows {
  const merged: GcpRows = {};
  for (const set of sets) {
    for (const [table, rows] of Object.entries(set)) {
      merged[table] = [...(merged[table] ?? []), ...(rows ?? [])];
    }
  }
  return merged;
}

function uniqueId(seed: string): string {
  let hash = 0n;
  for (const character of seed) {
    hash = (hash * 131n + BigInt(character.codePointAt(0) ?? 0)) % 10n ** 21n;
  }
  return String(hash).padStart(21, '1');
}
