import type { Row } from '../cli/import/aws-authz/parse';
import type { AzureRows } from '../cli/import/azure/write-rows';
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
  type RoleDefinition,
} from '../cli/demo/azure-rows';
import { unevenAccountSizes } from './cloud-mix';
import { teams } from './customer-policies';
import { Random, ZipfSampler } from './random';

/** Fixed so that assignment dates are the same in every run. */
const asOf = new Date('2026-11-01T00:00:00Z');

// Shape of the Azure estate. The fractions are estimates of a tenant with a subscription per
// team and environment under a few management groups, not measured statistics.
const identitiesPerSubscription = 250;
const minimumSubscriptions = 2;
const subscriptionsPerManagementGroup = 4;
const userFraction = 0.4;
const groupFraction = 0.15;
const servicePrincipalFraction = 0.3;
const resourceGroupsPerSubscription = 8;
const identitiesPerCustomRole = 50;
const conditionFraction = 0.05;

export const azureTenant = {
  tenantId: '0b1e2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d',
  domains: ['benchcorp.onmicrosoft.com', 'bench-azure.example'],
  partnerTenantId: '9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a',
};

export interface SubscriptionPlan {
  index: number;
  subscriptionId: string;
  /** The management group scope the subscription sits under. */
  managementGroup: string;
  /** Users, groups, service principals and managed identities assigned roles in the subscription. */
  identities: number;
}

export interface AzurePlan {
  seed: number;
  rootGroup: string;
  managementGroups: string[];
  subscriptions: SubscriptionPlan[];
}

export interface SubscriptionCounts {
  users: number;
  groups: number;
  servicePrincipals: number;
  managedIdentities: number;
  assignments: number;
  /** Assignments listed for the subscription from a management group above it. */
  inheritedAssignments: number;
  roleDefinitions: number;
  customRoles: number;
  classicAdministrators: number;
}

export interface GeneratedSubscription {
  subscriptionId: string;
  rows: AzureRows;
  counts: SubscriptionCounts;
  /** Principal ids of the subscription's identities, for choosing what to read. */
  identityIds: string[];
}

/**
 * Splits Azure identities over subscriptions of uneven size, one per 250 identities and at least
 * two, under management groups of four subscriptions below the tenant root group.
 */
export function planSubscriptions(identities: number, seed: number): AzurePlan {
  const random = new Random(seed).fork('azure plan');
  const sizes = unevenAccountSizes(identities, identitiesPerSubscription, minimumSubscriptions, random);
  const group = (name: string) => `/providers/Microsoft.Management/managementGroups/${name}`;
  const managementGroups = Array.from(
    { length: Math.ceil(sizes.length / subscriptionsPerManagementGroup) },
    (_, index) => group(`bench-${teams[index % teams.length]}-${index}`)
  );
  const subscriptions = sizes.map((size, index) => ({
    index,
    subscriptionId: random.guid(),
    managementGroup: managementGroups[Math.floor(index / subscriptionsPerManagementGroup)],
    identities: size,
  }));
  return { seed, rootGroup: group(azureTenant.tenantId), managementGroups, subscriptions };
}

// Resource providers the synthetic built-in roles cover, each with a Reader, a Contributor and a
// Data role, beside the real built-in roles of ../cli/demo/azure-rows.
const providers = [
  'Compute',
  'Storage',
  'Network',
  'Sql',
  'KeyVault',
  'Web',
  'ContainerService',
  'ContainerRegistry',
  'DocumentDB',
  'EventHub',
  'ServiceBus',
  'Insights',
  'OperationalInsights',
  'Cache',
  'DataFactory',
  'Databricks',
  'CognitiveServices',
  'MachineLearningServices',
  'Logic',
  'ApiManagement',
  'Search',
  'Synapse',
  'Batch',
  'Automation',
  'RecoveryServices',
];

/** Builds the built-in roles the bench lists for each subscription; the same on every call. */
export function builtInRoleCatalogue(): RoleDefinition[] {
  const guidOf = (provider: number, kind: number) =>
    `b0000000-0000-4000-8000-${String(provider).padStart(6, '0')}${String(kind).padStart(6, '0')}`;
  const synthetic = providers.flatMap((provider, index): RoleDefinition[] => [
    {
      guid: guidOf(index, 1),
      roleName: `${provider} Reader`,
      permissions: [
        { actions: [`Microsoft.${provider}/*/read`, 'Microsoft.Resources/subscriptions/resourceGroups/read'] },
      ],
    },
    {
      guid: guidOf(index, 2),
      roleName: `${provider} Contributor`,
      permissions: [
        {
          actions: [`Microsoft.${provider}/*`, 'Microsoft.Resources/deployments/*', 'Microsoft.Insights/alertRules/*'],
          notActions: [`Microsoft.${provider}/*/delete`],
        },
      ],
    },
    {
      guid: guidOf(index, 3),
      roleName: `${provider} Data Owner`,
      permissions: [{ actions: [`Microsoft.${provider}/*/read`], dataActions: [`Microsoft.${provider}/*`] }],
    },
  ]);
  return [...builtInDefinitions, ...synthetic];
}

/**
 * Generates one subscription with the built-in catalogue and custom roles listed for it. Its
 * principals hold roles at resource group, subscription and resource scope, some under an ABAC
 * condition, and the management-group assignments above it are listed too. Managed identities
 * belong to virtual machines and web apps. The subscription also has classic administrators and
 * a PIM policy for Owner.
 */
export function generateSubscription(
  plan: AzurePlan,
  subscription: SubscriptionPlan,
  catalogue = builtInRoleCatalogue()
): GeneratedSubscription {
  const random = new Random(plan.seed).fork(`subscription-${subscription.index}`);
  const days = (count: number) => new Date(asOf.getTime() - count * 86_400_000).toISOString();
  const id = subscription.subscriptionId;
  const team = teams[subscription.index % teams.length];
  const resourceGroups = Array.from({ length: resourceGroupsPerSubscription }, (_, index) =>
    resourceGroupScope(id, `${team}-rg-${index}`)
  );

  const customRoles: RoleDefinition[] = Array.from(
    { length: Math.max(1, Math.ceil(subscription.identities / identitiesPerCustomRole)) },
    (_, index) => customRole(random, id, team, index)
  );
  const definitions = [...catalogue, ...customRoles];
  const synthetic = catalogue.filter((definition) => !builtInDefinitions.includes(definition));
  const syntheticSampler = new ZipfSampler(synthetic.length, 0.8);
  const byGuid = (guid: string) => catalogue.find((definition) => definition.guid === guid) as RoleDefinition;
  // Cumulative shares of the real built-in roles. The rest go to custom roles and the synthetic ones.
  const builtInShares: Array<[number, RoleDefinition]> = [
    [0.02, byGuid(builtInRoles.owner)],
    [0.1, byGuid(builtInRoles.contributor)],
    [0.25, byGuid(builtInRoles.reader)],
    [0.27, byGuid(builtInRoles.userAccessAdministrator)],
    [0.28, byGuid(builtInRoles.roleBasedAccessControlAdministrator)],
    [0.31, byGuid(builtInRoles.storageBlobDataReader)],
  ];
  const drawRole = () => {
    const draw = random.next();
    const builtIn = builtInShares.find(([share]) => draw < share);
    if (builtIn) {
      return builtIn[1];
    }
    return draw < 0.41 ? random.pick(customRoles) : synthetic[syntheticSampler.draw(random)];
  };

  const counts: SubscriptionCounts = {
    users: Math.round(subscription.identities * userFraction),
    groups: Math.round(subscription.identities * groupFraction),
    servicePrincipals: Math.round(subscription.identities * servicePrincipalFraction),
    managedIdentities: 0,
    assignments: 0,
    inheritedAssignments: 0,
    roleDefinitions: definitions.length,
    customRoles: customRoles.length,
    classicAdministrators: 0,
  };
  counts.managedIdentities = subscription.identities - counts.users - counts.groups - counts.servicePrincipals;

  const assignments: Row[] = [];
  const identityIds: string[] = [];
  const virtualMachines: Row[] = [];
  const webApps: Row[] = [];
  const assign = (principalId: string, principalType: string) => {
    for (let count = random.integer(1, 2); count > 0; count--) {
      const role = drawRole();
      const draw = random.next();
      const resourceGroup = random.pick(resourceGroups);
      const scope =
        draw < 0.5
          ? resourceGroup
          : draw < 0.8
            ? subscriptionScope(id)
            : `${resourceGroup}/providers/Microsoft.Storage/storageAccounts/${team}st${random.integer(0, 9)}`;
      const dataRole = role.permissions.some((block) => (block.dataActions ?? []).length > 0);
      assignments.push(
        assignmentRow({
          subscription: id,
          name: random.guid(),
          principalId,
          principalType,
          role: role.guid,
          scope,
          createdOn: days(random.integer(1, 1500)),
          condition:
            dataRole && random.chance(conditionFraction * 4)
              ? "((!(ActionMatches{'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read'})) OR (@Resource[Microsoft.Storage/storageAccounts/blobServices/containers:name] StringEquals 'reports'))"
              : undefined,
        })
      );
    }
  };

  const add = (count: number, principalType: string) => {
    for (let index = 0; index < count; index++) {
      const principalId = random.guid();
      identityIds.push(principalId);
      assign(principalId, principalType);
    }
  };
  add(counts.users, 'User');
  add(counts.groups, 'Group');
  add(counts.servicePrincipals, 'ServicePrincipal');
  for (let index = 0; index < counts.managedIdentities; index++) {
    const principalId = random.guid();
    identityIds.push(principalId);
    assign(principalId, 'ServicePrincipal');
    const resourceGroup = random.pick(resourceGroups);
    const identity = { type: 'SystemAssigned', principalId, tenantId: azureTenant.tenantId };
    if (random.chance(0.6)) {
      const name = `${team}-vm-${index}`;
      virtualMachines.push({
        subscription_id: id,
        id: `${resourceGroup}/providers/Microsoft.Compute/virtualMachines/${name}`,
        name,
        type: 'Microsoft.Compute/virtualMachines',
        identity,
      });
    } else {
      const name = `${team}-app-${index}`;
      webApps.push({
        subscription_id: id,
        id: `${resourceGroup}/providers/Microsoft.Web/sites/${name}`,
        name,
        type: 'Microsoft.Web/sites',
        identity,
      });
    }
  }
  // A partner's admin agents hold Owner on one subscription in five (cross-tenant trust).
  if (random.chance(0.2)) {
    const partner = random.guid();
    identityIds.push(partner);
    assignments.push(
      assignmentRow({
        subscription: id,
        name: random.guid(),
        principalId: partner,
        principalType: 'ForeignGroup',
        role: builtInRoles.owner,
        scope: subscriptionScope(id),
        createdOn: days(800),
      })
    );
  }
  counts.assignments = assignments.length;

  // ListForSubscription also returns the assignments of the management groups above: platform
  // administrators at the root group, and each management group's operators.
  const inherited = [
    {
      name: 'a0000000-0000-4000-8000-000000000001',
      principal: 'c0000000-0000-4000-8000-000000000001',
      type: 'Group',
      role: builtInRoles.owner,
      scope: plan.rootGroup,
    },
    {
      name: 'a0000000-0000-4000-8000-000000000002',
      principal: 'c0000000-0000-4000-8000-000000000002',
      type: 'Group',
      role: builtInRoles.reader,
      scope: plan.rootGroup,
    },
    {
      name: `a0000000-0000-4000-8000-${String(plan.managementGroups.indexOf(subscription.managementGroup) + 100).padStart(12, '0')}`,
      principal: `c0000000-0000-4000-8000-${String(plan.managementGroups.indexOf(subscription.managementGroup) + 100).padStart(12, '0')}`,
      type: 'Group',
      role: builtInRoles.contributor,
      scope: subscription.managementGroup,
    },
  ];
  for (const entry of inherited) {
    assignments.push(
      assignmentRow({
        subscription: id,
        name: entry.name,
        principalId: entry.principal,
        principalType: entry.type,
        role: entry.role,
        scope: entry.scope,
        createdOn: days(1200),
      })
    );
  }
  counts.inheritedAssignments = inherited.length;

  const classic = [
    classicAdministratorRow(id, `finance@${azureTenant.domains[1]}`, 'ServiceAdministrator;AccountAdministrator'),
  ];
  if (random.chance(0.3)) {
    classic.push(classicAdministratorRow(id, `legacy.ops${subscription.index}@contractor.example`, 'CoAdministrator'));
  }
  counts.classicAdministrators = classic.length;

  const rows: AzureRows = {
    azure_subscription_subscriptions: [
      subscriptionRow(
        id,
        azureTenant.tenantId,
        `${team}-${subscription.index}`,
        random.chance(0.1) ? [azureTenant.partnerTenantId] : []
      ),
    ],
    azure_authorization_role_definitions: definitions.map((definition) => roleDefinitionRow(definition, id, days(600))),
    azure_authorization_role_assignments: assignments,
    azure_authorization_classic_administrators: classic,
    azure_role_management_policy_assignments: [
      roleManagementPolicyRow(id, `owner-policy-${subscription.index}`, builtInRoles.owner, {
        activeAssignmentExpires: random.chance(0.5),
        maximumDuration: 'P180D',
        activationRequiresMfa: random.chance(0.7),
        activationRequiresApproval: random.chance(0.3),
      }),
    ],
    azure_compute_virtual_machines: virtualMachines,
    azure_appservice_web_apps: webApps,
  };
  return { subscriptionId: id, rows, counts, identityIds };
}

/** Builds the tenant row, written once for every subscription. */
export function tenantRows(): Row[] {
  return [tenantRow(azureTenant.tenantId, 'Bench Corp', azureTenant.domains)];
}

/**
 * Builds a custom role assignable at the subscription: a provider's actions with NotActions, sometimes
 * data actions, and one in ten broad ("*" minus the authorization writes).
 */
function customRole(random: Random, subscription: string, team: string, index: number): RoleDefinition {
  const provider = random.pick(providers);
  const broad = random.chance(0.1);
  return {
    guid: random.guid(),
    roleName: `${team} ${provider} operator ${index}`,
    type: 'CustomRole',
    assignableScopes: [subscriptionScope(subscription)],
    permissions: [
      broad
        ? { actions: ['*'], notActions: ['Microsoft.Authorization/*/Write', 'Microsoft.Authorization/*/Delete'] }
        : {
            actions: [`Microsoft.${provider}/*`, `Microsoft.${random.pick(providers)}/*/read`],
            notActions: [`Microsoft.${provider}/*/delete`, `Microsoft.${provider}/locks/*`],
            dataActions: random.chance(0.3) ? [`Microsoft.${provider}/*/read`] : [],
          },
    ],
  };
}
