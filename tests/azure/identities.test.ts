import { createTestDatabase, type TestDatabase } from '../support/database';
import {
  assignmentRow,
  builtInDefinitions,
  builtInRoles,
  classicAdministratorRow,
  loadAzure,
  managementGroupScope,
  otherSubscriptionId,
  resourceGroupScope,
  roleDefinitionRow,
  subscriptionId,
  subscriptionRow,
  subscriptionScope,
} from './fixture';

// Principals of role assignments by principalId and principalType ("Role Assignments - List For
// Subscription", Azure REST API: principalType is User, Group, ServicePrincipal, ForeignGroup or
// Device), managed identities named by the identity column of resources, and classic administrators.

const user = 'e0000000-0000-4000-8000-000000000001';
const group = 'e0000000-0000-4000-8000-000000000002';
const servicePrincipal = 'e0000000-0000-4000-8000-000000000003';
const systemAssigned = 'e0000000-0000-4000-8000-000000000004';
const userAssigned = 'e0000000-0000-4000-8000-000000000005';
const device = 'e0000000-0000-4000-8000-000000000006';
const upperCaseUser = 'E0000000-0000-4000-8000-00000000000A';

const userAssignedId = `${resourceGroupScope('identity')}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/deployer`;

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
  await loadAzure(db.client, {
    azure_subscription_subscriptions: [subscriptionRow(), subscriptionRow(otherSubscriptionId)],
    azure_authorization_role_definitions: builtInDefinitions.map((definition) => roleDefinitionRow(definition)),
    azure_authorization_role_assignments: [
      assignmentRow({
        name: 'i-01',
        principalId: user,
        principalType: 'User',
        role: builtInRoles.reader,
        scope: subscriptionScope(),
      }),
      assignmentRow({
        name: 'i-02',
        principalId: group,
        principalType: 'Group',
        role: builtInRoles.reader,
        scope: resourceGroupScope('web'),
      }),
      assignmentRow({
        name: 'i-03',
        principalId: servicePrincipal,
        principalType: 'ServicePrincipal',
        role: builtInRoles.reader,
        scope: subscriptionScope(),
      }),
      assignmentRow({
        name: 'i-04',
        principalId: systemAssigned,
        principalType: 'ServicePrincipal',
        role: builtInRoles.reader,
        scope: resourceGroupScope('web'),
      }),
      assignmentRow({
        name: 'i-05',
        principalId: userAssigned,
        principalType: 'ServicePrincipal',
        role: builtInRoles.contributor,
        scope: resourceGroupScope('web'),
      }),
      assignmentRow({
        name: 'i-06',
        principalId: device,
        principalType: 'Device',
        role: builtInRoles.reader,
        scope: resourceGroupScope('web'),
      }),
      assignmentRow({
        name: 'i-07',
        principalId: upperCaseUser,
        principalType: 'User',
        role: builtInRoles.reader,
        scope: resourceGroupScope('web'),
      }),
      // An assignment at a management group is listed for each subscription below it.
      assignmentRow({
        name: 'i-08',
        principalId: group,
        principalType: 'Group',
        role: builtInRoles.reader,
        scope: managementGroupScope,
      }),
      assignmentRow({
        name: 'i-08',
        principalId: group,
        principalType: 'Group',
        role: builtInRoles.reader,
        scope: managementGroupScope,
        subscription: otherSubscriptionId,
      }),
    ],
    azure_compute_virtual_machines: [
      {
        subscription_id: subscriptionId,
        id: `${resourceGroupScope('web')}/providers/Microsoft.Compute/virtualMachines/web-1`,
        name: 'web-1',
        type: 'Microsoft.Compute/virtualMachines',
        identity: {
          type: 'SystemAssigned, UserAssigned',
          principalId: systemAssigned,
          tenantId: '0f3c1e2a-5b6d-4c7e-8f90-a1b2c3d4e5f6',
          userAssignedIdentities: {
            [userAssignedId]: { principalId: userAssigned, clientId: 'f0000000-0000-4000-8000-000000000001' },
          },
        },
      },
    ],
    azure_authorization_classic_administrators: [
      classicAdministratorRow('owner@acme.example', 'ServiceAdministrator;AccountAdministrator'),
      classicAdministratorRow('helper@acme.example', 'CoAdministrator'),
    ],
  });
}, 180_000);

afterAll(async () => {
  await db.drop();
});

async function identity(identityId: string, account = subscriptionId): Promise<Record<string, unknown>> {
  const rows = await db.client.query('SELECT * FROM ciem.azure_identities WHERE identity_id = $1 AND account_id = $2', [
    identityId,
    account,
  ]);
  expect(rows.rows).toHaveLength(1);
  return rows.rows[0];
}

describe('azure_identities', () => {
  test('has the columns of ciem.identities', async () => {
    const columns = async (view: string) =>
      (
        await db.client.query(
          "SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = 'ciem' AND table_name = $1 ORDER BY ordinal_position",
          [view]
        )
      ).rows;
    expect(await columns('azure_identities')).toEqual(await columns('identities'));
  });

  test('maps principal types', async () => {
    expect((await identity(user)).identity_type).toBe('user');
    expect((await identity(group)).identity_type).toBe('group');
    expect((await identity(servicePrincipal)).identity_type).toBe('service_principal');
  });

  test('tells managed identities apart by resource', async () => {
    expect(await identity(systemAssigned)).toMatchObject({ identity_type: 'managed_identity', display_name: 'web-1' });
    expect(await identity(userAssigned)).toMatchObject({ identity_type: 'managed_identity', display_name: 'deployer' });
  });

  test('reports a device as unknown', async () => {
    expect((await identity(device)).identity_type).toBe('unknown');
  });

  test('lower-cases object ids', async () => {
    expect((await identity(upperCaseUser.toLowerCase())).identity_type).toBe('user');
  });

  test('lists a management group principal per subscription', async () => {
    expect((await identity(group, otherSubscriptionId)).identity_type).toBe('group');
  });

  test('include classic administrators by e-mail', async () => {
    expect(await identity('owner@acme.example')).toMatchObject({
      identity_type: 'user',
      display_name: 'owner@acme.example',
      cloud: 'azure',
    });
  });

  test('leave dates absent', async () => {
    // Neither creation nor sign-in activity of a principal is in the Azure RBAC tables.
    const rows = await db.client.query(
      'SELECT count(*)::int AS dated FROM ciem.azure_identities WHERE created_at IS NOT NULL OR last_used_at IS NOT NULL'
    );
    expect(rows.rows[0].dated).toBe(0);
  });
});

describe('azure_identity_grants', () => {
  test('parses the scope type from the scope string', async () => {
    const rows = await db.client.query(
      'SELECT DISTINCT scope_type, scope FROM ciem.azure_identity_grants WHERE identity_id = $1 ORDER BY scope_type',
      [group]
    );
    expect(rows.rows).toEqual([
      { scope_type: 'management_group', scope: managementGroupScope },
      { scope_type: 'resource_group', scope: resourceGroupScope('web') },
    ]);
  });

  test('names the role and the assignment', async () => {
    const rows = await db.client.query(
      'SELECT role_id, role_name, via, grant_id, is_conditional, condition FROM ciem.azure_identity_grants WHERE identity_id = $1',
      [userAssigned]
    );
    expect(rows.rows).toEqual([
      {
        role_id: builtInRoles.contributor,
        role_name: 'Contributor',
        via: 'direct',
        grant_id: `${resourceGroupScope('web')}/providers/Microsoft.Authorization/roleAssignments/i-05`,
        is_conditional: false,
        condition: null,
      },
    ]);
  });

  test('split classic roles joined by semicolons', async () => {
    const rows = await db.client.query(
      "SELECT role_id, scope_type, scope FROM ciem.azure_identity_grants WHERE identity_id = 'owner@acme.example' ORDER BY role_id"
    );
    expect(rows.rows).toEqual([
      { role_id: 'AccountAdministrator', scope_type: 'subscription', scope: subscriptionScope() },
      { role_id: 'ServiceAdministrator', scope_type: 'subscription', scope: subscriptionScope() },
    ]);
  });

  test('grant Owner-equivalent access to co-administrators only', async () => {
    // "Azure roles, Microsoft Entra roles, and classic subscription administrator roles"
    // (https://learn.microsoft.com/en-us/azure/role-based-access-control/rbac-and-directory-admin-roles):
    // the Service Administrator and Co-Administrators are assigned Owner at the subscription scope,
    // and the Account Administrator is the billing owner.
    const rows = await db.client.query(
      "SELECT identity_id, role_id, permission FROM ciem.azure_effective_permissions WHERE identity_id LIKE '%@acme.example' ORDER BY identity_id, role_id"
    );
    expect(rows.rows).toEqual([
      { identity_id: 'helper@acme.example', role_id: 'CoAdministrator', permission: '*' },
      { identity_id: 'owner@acme.example', role_id: 'ServiceAdministrator', permission: '*' },
    ]);
  });
});

test('scope types follow the Azure scope levels', async () => {
  const rows = await db.client.query(`SELECT s, ciem.azure_scope_type(s) AS scope_type FROM unnest($1::text[]) s`, [
    [
      '/',
      managementGroupScope,
      subscriptionScope(),
      resourceGroupScope('web'),
      `${resourceGroupScope('web')}/providers/Microsoft.Compute/virtualMachines/web-1`,
      '/providers/Microsoft.Capacity/reservationOrders/r1',
      'not-a-scope',
    ],
  ]);
  expect(rows.rows.map((row) => row.scope_type)).toEqual([
    'management_group',
    'management_group',
    'subscription',
    'resource_group',
    'resource',
    'resource',
    null,
  ]);
});
