import { createTestDatabase, type TestDatabase } from '../support/database';
import {
  assignmentRow,
  builtInDefinitions,
  builtInRoles,
  classicAdministratorRow,
  findingsOf,
  loadAzure,
  managementGroupScope,
  otherSubscriptionId,
  resourceGroupScope,
  roleDefinitionRow,
  subscriptionId,
  subscriptionRow,
  subscriptionScope,
} from './fixture';

// Over-privilege findings on Azure role assignments. Role IDs and permissions as "Azure built-in
// roles" (https://learn.microsoft.com/en-us/azure/role-based-access-control/built-in-roles) lists
// them: Owner allows "*"; Contributor "*" minus Microsoft.Authorization/*/Write and /Delete; User
// Access Administrator allows Microsoft.Authorization/*, so it can write role assignments.

const owner = 'f0000000-0000-4000-8000-000000000001';
const mgOwner = 'f0000000-0000-4000-8000-000000000002';
const rgOwner = 'f0000000-0000-4000-8000-000000000003';
const contributor = 'f0000000-0000-4000-8000-000000000004';
const accessAdmin = 'f0000000-0000-4000-8000-000000000005';
const delegatedAdmin = 'f0000000-0000-4000-8000-000000000006';
const customAdmin = 'f0000000-0000-4000-8000-000000000007';
const customWildcardInGroup = 'f0000000-0000-4000-8000-000000000008';
const reader = 'f0000000-0000-4000-8000-000000000009';
const ownerAndAccessAdmin = 'f0000000-0000-4000-8000-00000000000a';
const contributorInGroup = 'f0000000-0000-4000-8000-00000000000b';

const superuser = {
  guid: 'd2000000-0000-4000-8000-000000000001',
  roleName: 'Platform Superuser',
  type: 'CustomRole' as const,
  assignableScopes: [subscriptionScope()],
  permissions: [{ actions: ['*'] }],
};
const almostEverything = {
  guid: 'd2000000-0000-4000-8000-000000000002',
  roleName: 'Operations Everything',
  type: 'CustomRole' as const,
  assignableScopes: [resourceGroupScope('ops')],
  permissions: [{ actions: ['*'], notActions: ['Microsoft.Authorization/*'] }],
};

// Role Based Access Control Administrator with the condition the portal writes to keep Owner and
// User Access Administrator out of the roles it may assign.
const delegationCondition =
  "((!(ActionMatches{'Microsoft.Authorization/roleAssignments/write'})) OR (@Request[Microsoft.Authorization/roleAssignments:RoleDefinitionId] ForAnyOfAllValues:GuidNotEquals {8e3af657-a8ff-443c-a75c-2fe8c4bcb635, 18d7d88d-d35e-4fb5-a5c3-773c6a72b9d9}))";

const assignmentId = (scope: string, name: string) =>
  `${scope}/providers/Microsoft.Authorization/roleAssignments/${name}`;

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
  const definitions = [...builtInDefinitions, superuser, almostEverything];
  await loadAzure(db.client, {
    azure_subscription_subscriptions: [subscriptionRow(), subscriptionRow(otherSubscriptionId)],
    azure_authorization_role_definitions: definitions.map((definition) => roleDefinitionRow(definition)),
    azure_authorization_role_assignments: [
      assignmentRow({
        name: 'f-01',
        principalId: owner,
        principalType: 'User',
        role: builtInRoles.owner,
        scope: subscriptionScope(),
      }),
      assignmentRow({
        name: 'f-02',
        principalId: mgOwner,
        principalType: 'Group',
        role: builtInRoles.owner,
        scope: managementGroupScope,
      }),
      assignmentRow({
        name: 'f-02',
        principalId: mgOwner,
        principalType: 'Group',
        role: builtInRoles.owner,
        scope: managementGroupScope,
        subscription: otherSubscriptionId,
      }),
      assignmentRow({
        name: 'f-03',
        principalId: rgOwner,
        principalType: 'User',
        role: builtInRoles.owner,
        scope: resourceGroupScope('web'),
      }),
      assignmentRow({
        name: 'f-04',
        principalId: contributor,
        principalType: 'ServicePrincipal',
        role: builtInRoles.contributor,
        scope: subscriptionScope(),
      }),
      assignmentRow({
        name: 'f-05',
        principalId: accessAdmin,
        principalType: 'User',
        role: builtInRoles.userAccessAdministrator,
        scope: subscriptionScope(),
      }),
      assignmentRow({
        name: 'f-06',
        principalId: delegatedAdmin,
        principalType: 'User',
        role: builtInRoles.roleBasedAccessControlAdministrator,
        scope: subscriptionScope(),
        condition: delegationCondition,
      }),
      assignmentRow({
        name: 'f-07',
        principalId: customAdmin,
        principalType: 'User',
        role: superuser.guid,
        scope: subscriptionScope(),
      }),
      assignmentRow({
        name: 'f-08',
        principalId: customWildcardInGroup,
        principalType: 'User',
        role: almostEverything.guid,
        scope: resourceGroupScope('ops'),
      }),
      assignmentRow({
        name: 'f-09',
        principalId: reader,
        principalType: 'User',
        role: builtInRoles.reader,
        scope: subscriptionScope(),
      }),
      assignmentRow({
        name: 'f-10',
        principalId: ownerAndAccessAdmin,
        principalType: 'User',
        role: builtInRoles.owner,
        scope: subscriptionScope(),
      }),
      assignmentRow({
        name: 'f-11',
        principalId: ownerAndAccessAdmin,
        principalType: 'User',
        role: builtInRoles.userAccessAdministrator,
        scope: subscriptionScope(),
      }),
      assignmentRow({
        name: 'f-12',
        principalId: contributorInGroup,
        principalType: 'User',
        role: builtInRoles.contributor,
        scope: resourceGroupScope('web'),
      }),
    ],
    azure_authorization_classic_administrators: [
      classicAdministratorRow('owner@acme.example', 'ServiceAdministrator;AccountAdministrator'),
      classicAdministratorRow('helper@acme.example', 'CoAdministrator'),
      classicAdministratorRow('billing@acme.example', 'AccountAdministrator', otherSubscriptionId),
    ],
  });
}, 180_000);

afterAll(async () => {
  await db.drop();
});

describe('admin_equivalent', () => {
  test('Owner at a subscription', async () => {
    const [finding] = await findingsOf(db.client, owner);
    expect(finding).toMatchObject({
      category: 'admin_equivalent',
      severity: 'critical',
      title: `Allowed every action at subscription ${subscriptionId} through Owner`,
      finding_key: assignmentId(subscriptionScope(), 'f-01'),
      identity_type: 'user',
    });
    expect(finding.evidence).toMatchObject({
      role_id: builtInRoles.owner,
      scope_type: 'subscription',
      custom_role: false,
    });
  });

  test('Owner at a management group once, naming every subscription', async () => {
    const findings = await findingsOf(db.client, mgOwner);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({
      category: 'admin_equivalent',
      account_id: subscriptionId,
      identity_type: 'group',
    });
    expect(findings[0].evidence.subscriptions).toEqual([subscriptionId, otherSubscriptionId]);
  });

  test('custom role with "*" and no NotActions', async () => {
    const [finding] = await findingsOf(db.client, customAdmin);
    expect(finding).toMatchObject({
      category: 'admin_equivalent',
      title: `Allowed every action at subscription ${subscriptionId} through Platform Superuser (custom role)`,
    });
    expect(finding.evidence.custom_role).toBe(true);
  });

  test('classic co-administrators and service administrators', async () => {
    expect(await findingsOf(db.client, 'helper@acme.example')).toMatchObject([
      {
        category: 'admin_equivalent',
        severity: 'critical',
        finding_key: 'classic:coadministrator',
        title: `Classic co-administrator of subscription ${subscriptionId}, with the access of Owner`,
      },
    ]);
    expect((await findingsOf(db.client, 'owner@acme.example')).map((finding) => finding.finding_key)).toEqual([
      'classic:serviceadministrator',
    ]);
  });

  test('not the classic account administrator alone', async () => {
    expect(await findingsOf(db.client, 'billing@acme.example')).toEqual([]);
  });
});

describe('privilege_escalation', () => {
  test('User Access Administrator at a subscription', async () => {
    const [finding] = await findingsOf(db.client, accessAdmin);
    expect(finding).toMatchObject({
      category: 'privilege_escalation',
      severity: 'high',
      title: `Can assign any role at subscription ${subscriptionId} through User Access Administrator`,
    });
    expect(finding.evidence.escalation_methods).toEqual(['role_assignment_write', 'role_definition_write']);
  });

  test('Owner of a resource group can assign roles there', async () => {
    expect(await findingsOf(db.client, rgOwner)).toMatchObject([
      {
        category: 'privilege_escalation',
        severity: 'medium',
        title: 'Can assign any role at resource group web through Owner',
      },
    ]);
  });

  test('conditional delegation lowers the severity', async () => {
    const [finding] = await findingsOf(db.client, delegatedAdmin);
    expect(finding).toMatchObject({ category: 'privilege_escalation', severity: 'medium' });
    expect(finding.evidence).toMatchObject({
      conditional: true,
      condition: delegationCondition,
      escalation_methods: ['role_assignment_write'],
    });
  });

  test('not reported beside an admin-equivalent grant', async () => {
    expect((await findingsOf(db.client, ownerAndAccessAdmin)).map((finding) => finding.category)).toEqual([
      'admin_equivalent',
    ]);
  });
});

describe('infrastructure_modification', () => {
  test('Contributor at a subscription', async () => {
    const [finding] = await findingsOf(db.client, contributor);
    expect(finding).toMatchObject({
      category: 'infrastructure_modification',
      severity: 'high',
      title: `Can change every resource at subscription ${subscriptionId} through Contributor, except 8 excluded actions`,
      identity_type: 'service_principal',
    });
    expect(finding.evidence.excluded_actions).toContain('Microsoft.Authorization/*/Write');
  });

  test('custom role with "*" in a resource group', async () => {
    expect(await findingsOf(db.client, customWildcardInGroup)).toMatchObject([
      { category: 'infrastructure_modification', severity: 'medium', title: expect.stringContaining('(custom role)') },
    ]);
  });

  test('not for Contributor in a resource group', async () => {
    expect(await findingsOf(db.client, contributorInGroup)).toEqual([]);
  });
});

test('Reader has no over-privilege finding', async () => {
  expect(await findingsOf(db.client, reader)).toEqual([]);
});

test('finding ids stay across refreshes', async () => {
  const ids = async () =>
    (await db.client.query("SELECT finding_id FROM ciem.findings WHERE cloud = 'azure' ORDER BY finding_id")).rows;
  const before = await ids();
  await db.client.query('SELECT ciem.refresh()');
  expect(await ids()).toEqual(before);
});
