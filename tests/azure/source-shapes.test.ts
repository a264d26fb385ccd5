import { createTestDatabase, type TestDatabase } from '../support/database';
import {
  assignmentRow,
  builtInDefinitions,
  builtInRoles,
  findingsOf,
  loadAzure,
  roleDefinitionRow,
  subscriptionId,
  subscriptionRow,
  subscriptionScope,
} from './fixture';
import { roleManagementPolicyRow } from '../../cli/demo/azure-rows';
import type { Row } from '../../cli/import/aws-authz/parse';

// CloudQuery's Azure plugin stores each ARM object under `properties` in the Azure SDK's camelCase
// (tree 000ba33081). Other versions may differ, so the views also read PascalCase keys (Go's
// default field names), properties stored as a JSON string, and assignments without `scope`,
// whose scope is the part of the id before /providers/Microsoft.Authorization/roleAssignments.

const pascalUser = '90000000-0000-4000-8000-000000000001';
const stringUser = '90000000-0000-4000-8000-000000000002';
const noScopeUser = '90000000-0000-4000-8000-000000000003';
const pimOwner = '90000000-0000-4000-8000-000000000004';

function pascalCase(row: Row): Row {
  const properties = row.properties as Record<string, unknown>;
  const renamed = Object.fromEntries(
    Object.entries(properties).map(([key, value]) => [
      key.charAt(0).toUpperCase() + key.slice(1).replace(/Id$/, 'ID'),
      value,
    ])
  );
  return { ...row, properties: renamed };
}

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
  const withoutScope = assignmentRow({
    name: 's-03',
    principalId: noScopeUser,
    principalType: 'User',
    role: builtInRoles.reader,
    scope: subscriptionScope(),
  });
  delete (withoutScope.properties as Record<string, unknown>).scope;
  const asString = assignmentRow({
    name: 's-02',
    principalId: stringUser,
    principalType: 'User',
    role: builtInRoles.owner,
    scope: subscriptionScope(),
  });

  await loadAzure(db.client, {
    azure_subscription_subscriptions: [subscriptionRow()],
    azure_authorization_role_definitions: builtInDefinitions.map((definition) =>
      pascalCase(roleDefinitionRow(definition))
    ),
    azure_authorization_role_assignments: [
      pascalCase(
        assignmentRow({
          name: 's-01',
          principalId: pascalUser,
          principalType: 'User',
          role: builtInRoles.contributor,
          scope: subscriptionScope(),
        })
      ),
      { ...asString, properties: JSON.stringify(asString.properties) },
      withoutScope,
      assignmentRow({
        name: 's-04',
        principalId: pimOwner,
        principalType: 'User',
        role: builtInRoles.owner,
        scope: subscriptionScope(),
      }),
    ],
    azure_role_management_policy_assignments: [
      roleManagementPolicyRow(subscriptionId, 'p-owner', builtInRoles.owner, {
        activeAssignmentExpires: false,
        maximumDuration: 'P180D',
        activationRequiresMfa: true,
        activationRequiresApproval: true,
      }),
    ],
  });
}, 180_000);

afterAll(async () => {
  await db.drop();
});

test('PascalCase keys read as camelCase', async () => {
  const rows = await db.client.query(
    'SELECT role_name, scope_type FROM ciem.azure_identity_grants WHERE identity_id = $1',
    [pascalUser]
  );
  expect(rows.rows).toEqual([{ role_name: 'Contributor', scope_type: 'subscription' }]);
  expect((await findingsOf(db.client, pascalUser)).map((finding) => finding.category)).toEqual([
    'infrastructure_modification',
  ]);
});

test('properties stored as a JSON string', async () => {
  expect((await findingsOf(db.client, stringUser)).map((finding) => finding.category)).toEqual(['admin_equivalent']);
});

test('scope taken from the assignment id', async () => {
  const rows = await db.client.query(
    'SELECT scope, scope_type FROM ciem.azure_identity_grants WHERE identity_id = $1',
    [noScopeUser]
  );
  expect(rows.rows).toEqual([{ scope: subscriptionScope(), scope_type: 'subscription' }]);
});

test('PIM policy shows in the evidence', async () => {
  const [finding] = await findingsOf(db.client, pimOwner);
  expect(finding.evidence.pim_policy).toEqual({
    policy_assignment_id: `${subscriptionScope()}/providers/Microsoft.Authorization/roleManagementPolicyAssignments/p-owner`,
    active_assignment_expiration_required: false,
    active_assignment_maximum_duration: 'P180D',
    activation_requires_mfa: true,
    activation_requires_approval: true,
  });
});

test('absent Azure tables leave the views empty', async () => {
  const empty = await createTestDatabase();
  try {
    await loadAzure(empty.client, {});
    for (const relation of [
      'azure_identities',
      'azure_identity_grants',
      'azure_effective_permissions',
      'azure_compliance_results',
      'azure_cross_boundary_trust',
    ]) {
      const rows = await empty.client.query(`SELECT count(*)::int AS n FROM ciem.${relation}`);
      expect({ relation, rows: rows.rows[0].n }).toEqual({ relation, rows: 0 });
    }
  } finally {
    await empty.drop();
  }
}, 180_000);
