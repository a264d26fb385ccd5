import type { Client } from 'pg';

import type { Row } from '../../cli/import/aws-authz/parse';
import { writeAzureRows, type AzureRows } from '../../cli/import/azure/write-rows';
import { migrate } from '../../cli/migrate/run';

// Small handwritten Azure RBAC data in the shape CloudQuery's Azure plugin writes: one row per ARM
// object with the object's properties in camelCase, as the Azure SDK for Go marshals them.

export const tenantId = '0f3c1e2a-5b6d-4c7e-8f90-a1b2c3d4e5f6';
export const otherTenantId = '9e8d7c6b-5a49-4382-a1b0-f9e8d7c6b5a4';
export const subscriptionId = '11111111-2222-4333-8444-555555555555';
export const otherSubscriptionId = '66666666-7777-4888-9999-aaaaaaaaaaaa';
export const managementGroupScope = '/providers/Microsoft.Management/managementGroups/acme-root';

export const subscriptionScope = (subscription = subscriptionId) => `/subscriptions/${subscription}`;
export const resourceGroupScope = (name: string, subscription = subscriptionId) =>
  `${subscriptionScope(subscription)}/resourceGroups/${name}`;

/** Built-in role IDs, "Azure built-in roles" (Microsoft Learn): the same in every subscription and cloud. */
export const builtInRoles = {
  owner: '8e3af657-a8ff-443c-a75c-2fe8c4bcb635',
  contributor: 'b24988ac-6180-42a0-ab88-20f7382dd24c',
  reader: 'acdd72a7-3385-48ef-bd42-f606fba81ae7',
  userAccessAdministrator: '18d7d88d-d35e-4fb5-a5c3-773c6a72b9d9',
  roleBasedAccessControlAdministrator: 'f58310d9-a9f6-439a-9e8d-f62e7b41a168',
  storageBlobDataReader: '2a2b9908-6ea1-4ae2-8e65-a410df84e7d1',
} as const;

export interface PermissionBlock {
  actions?: string[];
  notActions?: string[];
  dataActions?: string[];
  notDataActions?: string[];
}

export interface RoleDefinition {
  guid: string;
  roleName: string;
  type?: 'BuiltInRole' | 'CustomRole';
  permissions: PermissionBlock[];
  assignableScopes?: string[];
}

/** The permissions of the built-in roles as "Azure built-in roles" lists them. */
export const builtInDefinitions: RoleDefinition[] = [
  { guid: builtInRoles.owner, roleName: 'Owner', permissions: [{ actions: ['*'] }] },
  {
    guid: builtInRoles.contributor,
    roleName: 'Contributor',
    permissions: [
      {
        actions: ['*'],
        notActions: [
          'Microsoft.Authorization/*/Delete',
          'Microsoft.Authorization/*/Write',
          'Microsoft.Authorization/elevateAccess/Action',
          'Microsoft.Blueprint/blueprintAssignments/write',
          'Microsoft.Blueprint/blueprintAssignments/delete',
          'Microsoft.Compute/galleries/share/action',
          'Microsoft.Purview/consents/write',
          'Microsoft.Purview/consents/delete',
        ],
      },
    ],
  },
  { guid: builtInRoles.reader, roleName: 'Reader', permissions: [{ actions: ['*/read'] }] },
  {
    guid: builtInRoles.userAccessAdministrator,
    roleName: 'User Access Administrator',
    permissions: [{ actions: ['*/read', 'Microsoft.Authorization/*', 'Microsoft.Support/*'] }],
  },
  {
    guid: builtInRoles.roleBasedAccessControlAdministrator,
    roleName: 'Role Based Access Control Administrator',
    permissions: [
      {
        actions: [
          'Microsoft.Authorization/roleAssignments/write',
          'Microsoft.Authorization/roleAssignments/delete',
          '*/read',
          'Microsoft.Support/*',
        ],
      },
    ],
  },
  {
    guid: builtInRoles.storageBlobDataReader,
    roleName: 'Storage Blob Data Reader',
    permissions: [
      {
        actions: [
          'Microsoft.Storage/storageAccounts/blobServices/containers/read',
          'Microsoft.Storage/storageAccounts/blobServices/generateUserDelegationKey/action',
        ],
        dataActions: ['Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read'],
      },
    ],
  },
];

/** A role definition row as listed for one subscription. */
export function roleDefinitionRow(definition: RoleDefinition, subscription = subscriptionId): Row {
  const id = `/subscriptions/${subscription}/providers/Microsoft.Authorization/roleDefinitions/${definition.guid}`;
  return {
    subscription_id: subscription,
    id,
    name: definition.guid,
    type: 'Microsoft.Authorization/roleDefinitions',
    properties: {
      roleName: definition.roleName,
      type: definition.type ?? 'BuiltInRole',
      description: `${definition.roleName} role`,
      assignableScopes: definition.assignableScopes ?? ['/'],
      permissions: definition.permissions.map((block) => ({
        actions: block.actions ?? [],
        notActions: block.notActions ?? [],
        dataActions: block.dataActions ?? [],
        notDataActions: block.notDataActions ?? [],
      })),
      createdOn: '2024-01-10T08:00:00Z',
      updatedOn: '2024-01-10T08:00:00Z',
    },
  };
}

export interface Assignment {
  name: string;
  principalId: string;
  principalType: string;
  role: string;
  scope: string;
  condition?: string;
  subscription?: string;
  delegatedManagedIdentityResourceId?: string;
}

/** A role assignment row as ListForSubscription returns it for one subscription. */
export function assignmentRow(assignment: Assignment): Row {
  const subscription = assignment.subscription ?? subscriptionId;
  const scopePrefix = assignment.scope === '/' ? '' : assignment.scope;
  return {
    subscription_id: subscription,
    id: `${scopePrefix}/providers/Microsoft.Authorization/roleAssignments/${assignment.name}`,
    name: assignment.name,
    type: 'Microsoft.Authorization/roleAssignments',
    properties: {
      roleDefinitionId: `/subscriptions/${subscription}/providers/Microsoft.Authorization/roleDefinitions/${assignment.role}`,
      principalId: assignment.principalId,
      principalType: assignment.principalType,
      scope: assignment.scope,
      condition: assignment.condition ?? null,
      conditionVersion: assignment.condition ? '2.0' : null,
      createdOn: '2025-03-01T09:30:00Z',
      updatedOn: '2025-03-01T09:30:00Z',
      createdBy: 'a0a0a0a0-0000-4000-8000-000000000001',
      updatedBy: 'a0a0a0a0-0000-4000-8000-000000000001',
      delegatedManagedIdentityResourceId: assignment.delegatedManagedIdentityResourceId ?? null,
    },
  };
}

export function classicAdministratorRow(email: string, role: string, subscription = subscriptionId): Row {
  return {
    subscription_id: subscription,
    id: `/subscriptions/${subscription}/providers/Microsoft.Authorization/classicAdministrators/${email}`,
    name: email,
    type: 'Microsoft.Authorization/classicAdministrators',
    properties: { emailAddress: email, role },
  };
}

export function subscriptionRow(subscription = subscriptionId, managedByTenants: string[] = []): Row {
  return {
    id: `/subscriptions/${subscription}`,
    subscription_id: subscription,
    display_name: `acme-${subscription.slice(0, 4)}`,
    state: 'Enabled',
    tenant_id: tenantId,
    authorization_source: 'RoleBased',
    managed_by_tenants: managedByTenants.map((id) => ({ tenantId: id })),
    subscription_policies: { locationPlacementId: 'Public_2014-09-01', quotaId: 'PayAsYouGo_2014-09-01', spendingLimit: 'Off' },
    tags: {},
  };
}

export function tenantRow(): Row {
  return {
    id: `/tenants/${tenantId}`,
    tenant_id: tenantId,
    display_name: 'Acme',
    default_domain: 'acme.onmicrosoft.com',
    domains: ['acme.onmicrosoft.com', 'acme.example'],
    tenant_category: 'Home',
    tenant_type: 'AAD',
    country: 'Netherlands',
    country_code: 'NL',
    tenant_branding_logo_url: null,
  };
}

/** Writes the rows as a CloudQuery sync would, then migrates (which ends with ciem.refresh()). */
export async function loadAzure(client: Client, rows: AzureRows, subscriptions = [subscriptionId, otherSubscriptionId]): Promise<void> {
  await writeAzureRows(client, 'public', subscriptions, rows);
  await migrate(client, { sourceSchema: 'public' });
}

/** Rewrites the rows and refreshes, for tests that change data after the first load. */
export async function reloadAzure(client: Client, rows: AzureRows, subscriptions = [subscriptionId, otherSubscriptionId]): Promise<void> {
  await writeAzureRows(client, 'public', subscriptions, rows);
  await client.query('SELECT ciem.refresh()');
}

export interface AzureFinding {
  category: string;
  severity: string;
  title: string;
  finding_key: string;
  account_id: string;
  identity_type: string;
  evidence: Record<string, unknown>;
}

/** The open findings of one identity (a principal id, e-mail address or resource). */
export async function findingsOf(client: Client, identity: string, category?: string): Promise<AzureFinding[]> {
  const result = await client.query<AzureFinding>(
    `SELECT f.category, f.severity, f.title, r.finding_key, f.account_id, f.identity_type, f.evidence
       FROM ciem.findings f
       JOIN ciem.finding_records r USING (finding_id)
      WHERE f.cloud = 'azure' AND f.identity_arn = $1 AND ($2::text IS NULL OR f.category = $2)
      ORDER BY f.category, r.finding_key`,
    [identity, category ?? null]
  );
  return result.rows;
}

export async function decision(
  client: Client,
  identity: string,
  action: string,
  scope: string,
  dataAction = false,
  subscription = subscriptionId
): Promise<string> {
  const result = await client.query<{ d: { decision: string } }>(
    'SELECT ciem.azure_permission_decision($1, $2, $3, $4, $5) AS d',
    [subscription, identity, action, scope, dataAction]
  );
  return result.rows[0].d.decision;
}
