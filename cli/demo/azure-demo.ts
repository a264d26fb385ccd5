import type { Client } from 'pg';

import { writeAzureRows } from '../import/azure/write-rows';
import {
  assignmentRow,
  builtInDefinitions,
  builtInRoles,
  classicAdministratorRow,
  resourceGroupScope,
  roleDefinitionRow,
  roleManagementPolicyRow,
  subscriptionRow,
  subscriptionScope,
  tenantRow,
  type Assignment,
  type RoleDefinition,
} from './azure-rows';
import { daysBefore } from './iam-builders';

/**
 * The Azure part of the demo organisation: one subscription of the Acme tenant, with principals
 * that trigger each Azure rule. Ids are made-up GUIDs, and names use the example domain acme.example.
 * - alice: Owner of the subscription (admin-equivalent; the only user Owner, so CIS 5.27 fails);
 * - platform-admins: Owner at the acme management group (admin-equivalent for every subscription);
 * - bob: User Access Administrator (privilege escalation; CIS 5.3.3 fails);
 * - ci-deployer: a service principal with Contributor (infrastructure modification);
 * - platform-superuser: a custom role with "*" assignable at the subscription (CIS 5.23 fails);
 * - web-1: a VM whose managed identity reads blobs under an ABAC condition;
 * - csp-admin-agents: a Foreign Principal group of a partner tenant with Owner (cross-tenant trust);
 * - a managing tenant through Azure Lighthouse, and classic co-administrators, one outside the
 *   tenant's domains.
 */
export const azureDemo = {
  tenantId: '7a1e4c2b-0d3f-4e5a-9b6c-8d7e6f5a4b3c',
  subscriptionId: '3f2504e0-4f89-41d3-9a0c-0305e82c3301',
  managingTenantId: '5c4b3a29-1807-4f6e-8d5c-4b3a29180706',
  managementGroupScope: '/providers/Microsoft.Management/managementGroups/acme',
  principals: {
    alice: '1d0a5b1e-7c1f-4f0e-9a51-0a11ce000001',
    platformAdmins: '1d0a5b1e-7c1f-4f0e-9a51-0a11ce000002',
    bob: '1d0a5b1e-7c1f-4f0e-9a51-0a11ce000003',
    ciDeployer: '1d0a5b1e-7c1f-4f0e-9a51-0a11ce000004',
    carol: '1d0a5b1e-7c1f-4f0e-9a51-0a11ce000005',
    webIdentity: '1d0a5b1e-7c1f-4f0e-9a51-0a11ce000006',
    cspAdminAgents: '1d0a5b1e-7c1f-4f0e-9a51-0a11ce000007',
    auditors: '1d0a5b1e-7c1f-4f0e-9a51-0a11ce000008',
  },
} as const;

const platformSuperuser: RoleDefinition = {
  guid: '6f8c2d4e-1a3b-4c5d-8e7f-9a0b1c2d3e4f',
  roleName: 'Platform Superuser',
  type: 'CustomRole',
  assignableScopes: [subscriptionScope(azureDemo.subscriptionId)],
  permissions: [{ actions: ['*'] }],
};

// The condition the portal writes to limit a blob reader to one container.
const reportsOnly =
  "((!(ActionMatches{'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read'})) OR (@Resource[Microsoft.Storage/storageAccounts/blobServices/containers:name] StringEquals 'reports'))";

/** Writes the demo subscription into CloudQuery's Azure tables of the schema, dated relative to asOf. */
export async function writeAzureDemo(client: Client, schema: string, asOf: Date): Promise<void> {
  const { subscriptionId, tenantId, managingTenantId, managementGroupScope, principals } = azureDemo;
  const subscription = subscriptionScope(subscriptionId);
  const web = resourceGroupScope(subscriptionId, 'web');
  const assignment = (name: string, ageDays: number, rest: Omit<Assignment, 'subscription' | 'name' | 'createdOn'>) =>
    assignmentRow({ subscription: subscriptionId, name, createdOn: daysBefore(asOf, ageDays), ...rest });

  await writeAzureRows(client, schema, [subscriptionId], {
    azure_subscription_tenants: [tenantRow(tenantId, 'Acme', ['acme.onmicrosoft.com', 'acme.example'])],
    azure_subscription_subscriptions: [
      subscriptionRow(subscriptionId, tenantId, 'acme-azure-production', [managingTenantId]),
    ],
    azure_authorization_role_definitions: [...builtInDefinitions, platformSuperuser].map((definition) =>
      roleDefinitionRow(definition, subscriptionId, daysBefore(asOf, 400))
    ),
    azure_authorization_role_assignments: [
      assignment('5b1c0001-0000-4000-8000-000000000001', 700, {
        principalId: principals.alice,
        principalType: 'User',
        role: builtInRoles.owner,
        scope: subscription,
      }),
      assignment('5b1c0001-0000-4000-8000-000000000002', 650, {
        principalId: principals.platformAdmins,
        principalType: 'Group',
        role: builtInRoles.owner,
        scope: managementGroupScope,
      }),
      assignment('5b1c0001-0000-4000-8000-000000000003', 90, {
        principalId: principals.bob,
        principalType: 'User',
        role: builtInRoles.userAccessAdministrator,
        scope: subscription,
      }),
      assignment('5b1c0001-0000-4000-8000-000000000004', 300, {
        principalId: principals.ciDeployer,
        principalType: 'ServicePrincipal',
        role: builtInRoles.contributor,
        scope: subscription,
      }),
      assignment('5b1c0001-0000-4000-8000-000000000005', 200, {
        principalId: principals.carol,
        principalType: 'User',
        role: platformSuperuser.guid,
        scope: subscription,
      }),
      assignment('5b1c0001-0000-4000-8000-000000000006', 60, {
        principalId: principals.webIdentity,
        principalType: 'ServicePrincipal',
        role: builtInRoles.storageBlobDataReader,
        scope: resourceGroupScope(subscriptionId, 'data'),
        condition: reportsOnly,
      }),
      assignment('5b1c0001-0000-4000-8000-000000000007', 900, {
        principalId: principals.cspAdminAgents,
        principalType: 'ForeignGroup',
        role: builtInRoles.owner,
        scope: subscription,
      }),
      assignment('5b1c0001-0000-4000-8000-000000000008', 500, {
        principalId: principals.auditors,
        principalType: 'Group',
        role: builtInRoles.reader,
        scope: subscription,
      }),
    ],
    azure_authorization_classic_administrators: [
      classicAdministratorRow(subscriptionId, 'finance@acme.example', 'ServiceAdministrator;AccountAdministrator'),
      classicAdministratorRow(subscriptionId, 'legacy.ops@acme.example', 'CoAdministrator'),
      classicAdministratorRow(subscriptionId, 'freelancer@contoso.example', 'CoAdministrator'),
    ],
    azure_role_management_policy_assignments: [
      roleManagementPolicyRow(subscriptionId, 'owner-policy', builtInRoles.owner, {
        activeAssignmentExpires: false,
        maximumDuration: 'P180D',
        activationRequiresMfa: true,
        activationRequiresApproval: false,
      }),
    ],
    azure_compute_virtual_machines: [
      {
        subscription_id: subscriptionId,
        id: `${web}/providers/Microsoft.Compute/virtualMachines/web-1`,
        name: 'web-1',
        type: 'Microsoft.Compute/virtualMachines',
        identity: { type: 'SystemAssigned', principalId: principals.webIdentity, tenantId },
      },
    ],
  });
}
