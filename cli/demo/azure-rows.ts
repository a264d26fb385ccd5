import type { Row } from '../import/aws-authz/parse';

/**
 * Rows of CloudQuery's Azure tables, shaped as the Azure source plugin writes them: one row per
 * ARM object, with the object's properties in camelCase as the Azure SDK for Go marshals them.
 * The demo and the tests build their Azure data from these.
 */

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

/** The permissions of these built-in roles as "Azure built-in roles" lists them. */
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

export const subscriptionScope = (subscription: string) => `/subscriptions/${subscription}`;
export const resourceGroupScope = (subscription: string, name: string) =>
  `${subscriptionScope(subscription)}/resourceGroups/${name}`;

/** Builds a role definition row as it is listed for one subscription. */
export function roleDefinitionRow(
  definition: RoleDefinition,
  subscription: string,
  createdOn = '2024-01-10T08:00:00Z'
): Row {
  return {
    subscription_id: subscription,
    id: `/subscriptions/${subscription}/providers/Microsoft.Authorization/roleDefinitions/${definition.guid}`,
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
      createdOn,
      updatedOn: createdOn,
    },
  };
}

export interface Assignment {
  subscription: string;
  name: string;
  principalId: string;
  principalType: string;
  role: string;
  scope: string;
  condition?: string;
  createdOn?: string;
  delegatedManagedIdentityResourceId?: string;
}

/** Builds a role assignment row as ListForSubscription returns it for one subscription. */
export function assignmentRow(assignment: Assignment): Row {
  const scopePrefix = assignment.scope === '/' ? '' : assignment.scope;
  const createdOn = assignment.createdOn ?? '2025-03-01T09:30:00Z';
  return {
    subscription_id: assignment.subscription,
    id: `${scopePrefix}/providers/Microsoft.Authorization/roleAssignments/${assignment.name}`,
    name: assignment.name,
    type: 'Microsoft.Authorization/roleAssignments',
    properties: {
      roleDefinitionId: `/subscriptions/${assignment.subscription}/providers/Microsoft.Authorization/roleDefinitions/${assignment.role}`,
      principalId: assignment.principalId,
      principalType: assignment.principalType,
      scope: assignment.scope,
      condition: assignment.condition ?? null,
      conditionVersion: assignment.condition ? '2.0' : null,
      createdOn,
      updatedOn: createdOn,
      createdBy: 'a0a0a0a0-0000-4000-8000-000000000001',
      updatedBy: 'a0a0a0a0-0000-4000-8000-000000000001',
      delegatedManagedIdentityResourceId: assignment.delegatedManagedIdentityResourceId ?? null,
    },
  };
}

/** Builds a classic administrator row. Several classic roles are joined with ";" in `role`. */
export function classicAdministratorRow(subscription: string, email: string, role: string): Row {
  return {
    subscription_id: subscription,
    id: `/subscriptions/${subscription}/providers/Microsoft.Authorization/classicAdministrators/${email}`,
    name: email,
    type: 'Microsoft.Authorization/classicAdministrators',
    properties: { emailAddress: email, role },
  };
}

export function subscriptionRow(
  subscription: string,
  tenant: string,
  displayName: string,
  managedByTenants: string[] = []
): Row {
  return {
    id: `/subscriptions/${subscription}`,
    subscription_id: subscription,
    display_name: displayName,
    state: 'Enabled',
    tenant_id: tenant,
    authorization_source: 'RoleBased',
    managed_by_tenants: managedByTenants.map((id) => ({ tenantId: id })),
    subscription_policies: {
      locationPlacementId: 'Public_2014-09-01',
      quotaId: 'PayAsYouGo_2014-09-01',
      spendingLimit: 'Off',
    },
    tags: {},
  };
}

export function tenantRow(tenant: string, displayName: string, domains: string[]): Row {
  return {
    id: `/tenants/${tenant}`,
    tenant_id: tenant,
    display_name: displayName,
    default_domain: domains[0],
    domains,
    tenant_category: 'Home',
    tenant_type: 'AAD',
    country: 'Netherlands',
    country_code: 'NL',
    tenant_branding_logo_url: null,
  };
}

export interface PolicyRules {
  /** Whether active assignments of the role must end (Expiration_Admin_Assignment). */
  activeAssignmentExpires: boolean;
  maximumDuration: string;
  activationRequiresMfa: boolean;
  activationRequiresApproval: boolean;
}

/** Builds a PIM role management policy assignment for one role at the subscription scope. */
export function roleManagementPolicyRow(subscription: string, name: string, role: string, rules: PolicyRules): Row {
  const scope = subscriptionScope(subscription);
  return {
    subscription_id: subscription,
    id: `${scope}/providers/Microsoft.Authorization/roleManagementPolicyAssignments/${name}`,
    name,
    type: 'Microsoft.Authorization/RoleManagementPolicyAssignment',
    properties: {
      scope,
      roleDefinitionId: `${scope}/providers/Microsoft.Authorization/roleDefinitions/${role}`,
      policyId: `${scope}/providers/Microsoft.Authorization/roleManagementPolicies/${name}`,
      effectiveRules: [
        {
          id: 'Expiration_Admin_Assignment',
          ruleType: 'RoleManagementPolicyExpirationRule',
          isExpirationRequired: rules.activeAssignmentExpires,
          maximumDuration: rules.maximumDuration,
        },
        {
          id: 'Enablement_EndUser_Assignment',
          ruleType: 'RoleManagementPolicyEnablementRule',
          enabledRules: rules.activationRequiresMfa
            ? ['MultiFactorAuthentication', 'Justification']
            : ['Justification'],
        },
        {
          id: 'Approval_EndUser_Assignment',
          ruleType: 'RoleManagementPolicyApprovalRule',
          setting: { isApprovalRequired: rules.activationRequiresApproval },
        },
      ],
    },
  };
}
