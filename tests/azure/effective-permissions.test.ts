import { createTestDatabase, type TestDatabase } from '../support/database';
import {
  assignmentRow,
  builtInDefinitions,
  builtInRoles,
  decision,
  loadAzure,
  managementGroupScope,
  resourceGroupScope,
  roleDefinitionRow,
  subscriptionId,
  subscriptionRow,
  subscriptionScope,
} from './fixture';

// Effective permissions from role definitions through role assignments, following "Understand
// Azure role definitions" (https://learn.microsoft.com/en-us/azure/role-based-access-control/role-definitions)
// and "Understand scope for Azure RBAC" (https://learn.microsoft.com/en-us/azure/role-based-access-control/scope-overview).

const computeOperator = 'c0000000-0000-4000-8000-000000000001';
const mixedHolder = 'c0000000-0000-4000-8000-000000000002';
const contributorUser = 'c0000000-0000-4000-8000-000000000003';
const blobReader = 'c0000000-0000-4000-8000-000000000004';
const inheritedReader = 'c0000000-0000-4000-8000-000000000005';
const conditionalReader = 'c0000000-0000-4000-8000-000000000006';

const computeNoDelete = {
  guid: 'd1000000-0000-4000-8000-000000000001',
  roleName: 'Compute Operator',
  type: 'CustomRole' as const,
  assignableScopes: [subscriptionScope()],
  permissions: [{ actions: ['Microsoft.Compute/*'], notActions: ['Microsoft.Compute/virtualMachines/delete'] }],
};
const computeDeleter = {
  guid: 'd1000000-0000-4000-8000-000000000002',
  roleName: 'Compute Deleter',
  type: 'CustomRole' as const,
  assignableScopes: [subscriptionScope()],
  permissions: [{ actions: ['Microsoft.Compute/virtualMachines/delete'] }],
};
const storageData = {
  guid: 'd1000000-0000-4000-8000-000000000003',
  roleName: 'Blob Reader Not Delete',
  type: 'CustomRole' as const,
  assignableScopes: [subscriptionScope()],
  permissions: [
    {
      actions: ['Microsoft.Storage/*/read'],
      dataActions: ['Microsoft.Storage/storageAccounts/blobServices/containers/blobs/*'],
      notDataActions: ['Microsoft.Storage/storageAccounts/blobServices/containers/blobs/delete'],
    },
  ],
};

const condition =
  "((!(ActionMatches{'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read'})) OR (@Resource[Microsoft.Storage/storageAccounts/blobServices/containers:name] StringEquals 'reports'))";

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
  const definitions = [...builtInDefinitions, computeNoDelete, computeDeleter, storageData];
  await loadAzure(db.client, {
    azure_subscription_subscriptions: [subscriptionRow()],
    azure_authorization_role_definitions: definitions.map((definition) => roleDefinitionRow(definition)),
    azure_authorization_role_assignments: [
      assignmentRow({
        name: 'a-01',
        principalId: computeOperator,
        principalType: 'User',
        role: computeNoDelete.guid,
        scope: subscriptionScope(),
      }),
      assignmentRow({
        name: 'a-02',
        principalId: mixedHolder,
        principalType: 'User',
        role: computeNoDelete.guid,
        scope: subscriptionScope(),
      }),
      assignmentRow({
        name: 'a-03',
        principalId: mixedHolder,
        principalType: 'User',
        role: computeDeleter.guid,
        scope: resourceGroupScope('web'),
      }),
      assignmentRow({
        name: 'a-04',
        principalId: contributorUser,
        principalType: 'User',
        role: builtInRoles.contributor,
        scope: subscriptionScope(),
      }),
      assignmentRow({
        name: 'a-05',
        principalId: blobReader,
        principalType: 'User',
        role: storageData.guid,
        scope: resourceGroupScope('data'),
      }),
      assignmentRow({
        name: 'a-06',
        principalId: inheritedReader,
        principalType: 'Group',
        role: builtInRoles.reader,
        scope: managementGroupScope,
      }),
      assignmentRow({
        name: 'a-07',
        principalId: conditionalReader,
        principalType: 'User',
        role: builtInRoles.storageBlobDataReader,
        scope: resourceGroupScope('data'),
        condition,
      }),
    ],
  });
}, 180_000);

afterAll(async () => {
  await db.drop();
});

const vm = `${resourceGroupScope('web')}/providers/Microsoft.Compute/virtualMachines/web-1`;
const otherVm = `${resourceGroupScope('batch')}/providers/Microsoft.Compute/virtualMachines/batch-1`;
const account = `${resourceGroupScope('data')}/providers/Microsoft.Storage/storageAccounts/acmedata`;

describe('wildcards', () => {
  test('Microsoft.Compute/* covers every Compute action', async () => {
    expect(await decision(db.client, computeOperator, 'Microsoft.Compute/virtualMachines/start/action', vm)).toBe(
      'allowed'
    );
    expect(await decision(db.client, computeOperator, 'Microsoft.Compute/disks/write', vm)).toBe('allowed');
  });

  test('Microsoft.Compute/* does not cover other providers', async () => {
    expect(await decision(db.client, computeOperator, 'Microsoft.Network/virtualNetworks/write', vm)).toBe(
      'implicit_deny'
    );
  });

  test('pattern stays unexpanded in effective permissions', async () => {
    const rows = await db.client.query(
      'SELECT permission, excluded_permissions, is_data_action FROM ciem.azure_effective_permissions WHERE identity_id = $1',
      [computeOperator]
    );
    expect(rows.rows).toEqual([
      {
        permission: 'Microsoft.Compute/*',
        excluded_permissions: ['Microsoft.Compute/virtualMachines/delete'],
        is_data_action: false,
      },
    ]);
  });
});

describe('NotActions', () => {
  test('subtract from the same role', async () => {
    expect(await decision(db.client, computeOperator, 'Microsoft.Compute/virtualMachines/delete', vm)).toBe(
      'implicit_deny'
    );
  });

  test('do not subtract from another role', async () => {
    // Role definitions article: NotActions is not a deny; a second role assignment that grants the
    // excluded action lets the user perform it.
    expect(await decision(db.client, mixedHolder, 'Microsoft.Compute/virtualMachines/delete', vm)).toBe('allowed');
  });

  test('leave the other role to its own scope', async () => {
    expect(await decision(db.client, mixedHolder, 'Microsoft.Compute/virtualMachines/delete', otherVm)).toBe(
      'implicit_deny'
    );
  });

  test('match without regard to case', async () => {
    // Contributor's NotActions spell Microsoft.Authorization/*/Write; the operation is .../write.
    expect(await decision(db.client, contributorUser, 'Microsoft.Authorization/roleAssignments/write', vm)).toBe(
      'implicit_deny'
    );
    expect(await decision(db.client, contributorUser, 'Microsoft.Compute/virtualMachines/write', vm)).toBe('allowed');
  });
});

describe('data actions', () => {
  test('are marked apart from actions', async () => {
    const rows = await db.client.query(
      'SELECT permission, is_data_action FROM ciem.azure_effective_permissions WHERE identity_id = $1 ORDER BY is_data_action, permission',
      [blobReader]
    );
    expect(rows.rows).toEqual([
      { permission: 'Microsoft.Storage/*/read', is_data_action: false },
      { permission: 'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/*', is_data_action: true },
    ]);
  });

  test('NotDataActions subtract from DataActions only', async () => {
    const blobs = 'Microsoft.Storage/storageAccounts/blobServices/containers/blobs';
    expect(await decision(db.client, blobReader, `${blobs}/read`, account, true)).toBe('allowed');
    expect(await decision(db.client, blobReader, `${blobs}/delete`, account, true)).toBe('implicit_deny');
  });

  test('are not granted by control-plane Actions', async () => {
    // Contributor's "*" is an Actions entry: data-plane reads need a DataActions grant.
    expect(
      await decision(
        db.client,
        contributorUser,
        'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read',
        account,
        true
      )
    ).toBe('implicit_deny');
  });
});

describe('scope inheritance', () => {
  test('subscription grant reaches resource groups and resources', async () => {
    expect(await decision(db.client, contributorUser, 'Microsoft.Compute/virtualMachines/write', otherVm)).toBe(
      'allowed'
    );
  });

  test('resource group grant does not reach a sibling group', async () => {
    expect(
      await decision(
        db.client,
        blobReader,
        'Microsoft.Storage/storageAccounts/read',
        `${resourceGroupScope('web')}/providers/Microsoft.Storage/storageAccounts/webdata`
      )
    ).toBe('implicit_deny');
  });

  test('management group grant reaches the subscription it was listed for', async () => {
    expect(await decision(db.client, inheritedReader, 'Microsoft.Compute/virtualMachines/read', vm)).toBe('allowed');
  });

  test('keeps the grant scope and says how children inherit', async () => {
    const rows = await db.client.query(
      'SELECT scope_type, scope, inherited_by FROM ciem.azure_effective_permissions WHERE identity_id = $1',
      [inheritedReader]
    );
    expect(rows.rows).toEqual([
      {
        scope_type: 'management_group',
        scope: managementGroupScope,
        inherited_by: 'every child management group, subscription, resource group and resource',
      },
    ]);
  });
});

describe('conditions', () => {
  test('make the grant conditional', async () => {
    const blobs = 'Microsoft.Storage/storageAccounts/blobServices/containers/blobs';
    expect(await decision(db.client, conditionalReader, `${blobs}/read`, account, true)).toBe('conditional');
  });

  test('are kept on the grant as Azure stores them', async () => {
    const rows = await db.client.query(
      'SELECT condition, is_conditional, scope_type FROM ciem.azure_identity_grants WHERE identity_id = $1',
      [conditionalReader]
    );
    expect(rows.rows).toEqual([
      { condition: { condition, conditionVersion: '2.0' }, is_conditional: true, scope_type: 'resource_group' },
    ]);
  });
});

test('effective permissions name the granting assignment', async () => {
  const rows = await db.client.query(
    "SELECT decision, granted_by ->> 'role_name' AS role_name, granted_by ->> 'grant_id' AS grant_id FROM ciem.azure_effective_permissions WHERE identity_id = $1",
    [contributorUser]
  );
  expect(rows.rows).toEqual([
    {
      decision: 'allowed',
      role_name: 'Contributor',
      grant_id: `/subscriptions/${subscriptionId}/providers/Microsoft.Authorization/roleAssignments/a-04`,
    },
  ]);
});
