import { createTestDatabase, type TestDatabase } from '../support/database';
import { createAzureViewsOf0027, rowCount, rowDifferences } from '../compliance/stored-results';
import {
  assignmentRow,
  builtInDefinitions,
  builtInRoles,
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

// CIS Microsoft Azure Foundations Benchmark v5.0.0, section 5 (Identity Services): 5.3.3 "Ensure
// that use of the 'User Access Administrator' role is restricted", 5.23 "Ensure that no custom
// subscription administrator roles exist" and 5.27 "Ensure there are between 2 and 3 subscription
// owners", decided from role assignments and role definitions.

const benchmark = 'CIS Microsoft Azure Foundations Benchmark';
const thirdSubscription = 'cccccccc-dddd-4eee-8fff-000000000000';

const subscriptionAdmin = {
  guid: 'd3000000-0000-4000-8000-000000000001',
  roleName: 'Subscription Admin',
  type: 'CustomRole' as const,
  assignableScopes: [subscriptionScope()],
  permissions: [{ actions: ['*'] }],
};
const groupAdmin = {
  guid: 'd3000000-0000-4000-8000-000000000002',
  roleName: 'Group Admin',
  type: 'CustomRole' as const,
  assignableScopes: [resourceGroupScope('web')],
  permissions: [{ actions: ['*'] }],
};
const vmOperator = {
  guid: 'd3000000-0000-4000-8000-000000000003',
  roleName: 'VM Operator',
  type: 'CustomRole' as const,
  assignableScopes: [managementGroupScope],
  permissions: [{ actions: ['Microsoft.Compute/virtualMachines/*'] }],
};

const user = (n: number) => `a1000000-0000-4000-8000-00000000000${n}`;

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
  await loadAzure(
    db.client,
    {
      azure_subscription_subscriptions: [
        subscriptionRow(),
        subscriptionRow(otherSubscriptionId),
        subscriptionRow(thirdSubscription),
      ],
      azure_authorization_role_definitions: [
        ...[...builtInDefinitions, subscriptionAdmin, groupAdmin, vmOperator].map((definition) =>
          roleDefinitionRow(definition)
        ),
        ...builtInDefinitions.map((definition) => roleDefinitionRow(definition, otherSubscriptionId)),
      ],
      azure_authorization_role_assignments: [
        // Subscription 1: one user Owner, a group Owner that the audit does not count, and a User
        // Access Administrator inherited from a management group.
        assignmentRow({
          name: 'c-01',
          principalId: user(1),
          principalType: 'User',
          role: builtInRoles.owner,
          scope: subscriptionScope(),
        }),
        assignmentRow({
          name: 'c-02',
          principalId: user(2),
          principalType: 'Group',
          role: builtInRoles.owner,
          scope: subscriptionScope(),
        }),
        assignmentRow({
          name: 'c-03',
          principalId: user(3),
          principalType: 'User',
          role: builtInRoles.owner,
          scope: resourceGroupScope('web'),
        }),
        assignmentRow({
          name: 'c-04',
          principalId: user(4),
          principalType: 'User',
          role: builtInRoles.userAccessAdministrator,
          scope: managementGroupScope,
        }),
        // Subscription 2: two user Owners, counted once each, and no User Access Administrator.
        ...[5, 6].map((n) =>
          assignmentRow({
            name: `c-0${n}`,
            principalId: user(n),
            principalType: 'User',
            role: builtInRoles.owner,
            scope: subscriptionScope(otherSubscriptionId),
            subscription: otherSubscriptionId,
          })
        ),
        assignmentRow({
          name: 'c-07',
          principalId: user(5),
          principalType: 'User',
          role: builtInRoles.owner,
          scope: subscriptionScope(otherSubscriptionId).toUpperCase(),
          subscription: otherSubscriptionId,
        }),
      ],
    },
    [subscriptionId, otherSubscriptionId, thirdSubscription]
  );
}, 180_000);

afterAll(async () => {
  await db.drop();
});

async function results(controlId: string, account: string): Promise<Record<string, Record<string, unknown>>> {
  const rows = await db.client.query(
    'SELECT resource, resource_type, status, evidence FROM ciem.azure_compliance_results WHERE control_id = $1 AND account_id = $2',
    [controlId, account]
  );
  return Object.fromEntries(rows.rows.map((row) => [row.resource, row]));
}

describe('compliance_controls', () => {
  test('lists the 43 controls of section 5', async () => {
    const rows = await db.client.query(
      'SELECT count(*)::int AS n FROM ciem.compliance_controls WHERE benchmark = $1 AND version = $2',
      [benchmark, '5.0.0']
    );
    expect(rows.rows[0].n).toBe(43);
  });

  test('decides 5.3.3, 5.23 and 5.27 and says why not for the rest', async () => {
    const rows = await db.client.query(
      'SELECT control_id FROM ciem.compliance_controls WHERE benchmark = $1 AND decidable ORDER BY position',
      [benchmark]
    );
    expect(rows.rows.map((row) => row.control_id)).toEqual(['5.3.3', '5.23', '5.27']);
    const reasons = await db.client.query(
      'SELECT count(*)::int AS n FROM ciem.compliance_controls WHERE benchmark = $1 AND NOT decidable AND length(why_not) > 40',
      [benchmark]
    );
    expect(reasons.rows[0].n).toBe(40);
  });
});

describe('5.3.3 User Access Administrator', () => {
  test('fails with an inherited assignment', async () => {
    const row = (await results('5.3.3', subscriptionId))[subscriptionScope()];
    expect(row.status).toBe('fail');
    expect(row.evidence).toMatchObject({
      user_access_administrator_assignments: [expect.objectContaining({ scope: managementGroupScope })],
    });
  });

  test('passes without one', async () => {
    expect((await results('5.3.3', otherSubscriptionId))[subscriptionScope(otherSubscriptionId)].status).toBe('pass');
  });

  test('is unknown without role assignments', async () => {
    const row = (await results('5.3.3', thirdSubscription))[subscriptionScope(thirdSubscription)];
    expect(row.status).toBe('unknown');
    expect(row.evidence).toEqual({ missing: 'no row for the subscription in azure_authorization_role_assignments' });
  });
});

describe('5.23 custom subscription administrator roles', () => {
  const definitionId = (guid: string) =>
    `/subscriptions/${subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${guid}`;

  test('fails "*" assignable at a subscription', async () => {
    const row = (await results('5.23', subscriptionId))[definitionId(subscriptionAdmin.guid)];
    expect(row).toMatchObject({ status: 'fail', resource_type: 'role_definition' });
  });

  test('passes "*" assignable only in a resource group', async () => {
    expect((await results('5.23', subscriptionId))[definitionId(groupAdmin.guid)].status).toBe('pass');
  });

  test('passes a narrow role at a management group', async () => {
    expect((await results('5.23', subscriptionId))[definitionId(vmOperator.guid)].status).toBe('pass');
  });

  test('passes a subscription without custom roles', async () => {
    expect((await results('5.23', otherSubscriptionId))[subscriptionScope(otherSubscriptionId)]).toMatchObject({
      status: 'pass',
      resource_type: 'subscription',
    });
  });
});

describe('5.27 subscription owners', () => {
  test('fails with one user Owner', async () => {
    const row = (await results('5.27', subscriptionId))[subscriptionScope()];
    expect(row.status).toBe('fail');
    expect(row.evidence).toMatchObject({ user_owner_count: 1 });
  });

  test('passes with two, counted once each', async () => {
    const row = (await results('5.27', otherSubscriptionId))[subscriptionScope(otherSubscriptionId)];
    expect(row.status).toBe('pass');
    expect(row.evidence).toMatchObject({ user_owner_count: 2 });
  });
});

test('failed controls become compliance findings', async () => {
  expect(await findingsOf(db.client, subscriptionScope(), 'compliance')).toMatchObject([
    {
      severity: 'medium',
      finding_key: 'cis-azure-5.0.0:5.27',
      title: 'CIS Azure 5.0.0 5.27 failed: Ensure there are between 2 and 3 subscription owners',
    },
    { severity: 'high', finding_key: 'cis-azure-5.0.0:5.3.3', identity_type: 'subscription' },
  ]);
});

test('results have the columns of ciem.compliance_results', async () => {
  const columns = async (relation: string) =>
    (
      await db.client.query(
        `SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type
           FROM pg_attribute a WHERE a.attrelid = $1::regclass AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum`,
        [relation]
      )
    ).rows;
  expect(await columns('ciem.azure_compliance_results')).toEqual(await columns('ciem.compliance_results'));
});

test('stored relations equal migration 0027', async () => {
  const original = await createAzureViewsOf0027(db.client);
  for (const name of ['azure_role_assignments', 'azure_role_definitions', 'azure_compliance_results']) {
    expect({ name, rows: await rowCount(db.client, `ciem.${name}`) }).toEqual({
      name,
      rows: await rowCount(db.client, original[name]),
    });
    expect({ name, differences: await rowDifferences(db.client, `ciem.${name}`, original[name]) }).toEqual({
      name,
      differences: 0,
    });
  }
});
