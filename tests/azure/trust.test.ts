import { createTestDatabase, type TestDatabase } from '../support/database';
import {
  assignmentRow,
  builtInDefinitions,
  builtInRoles,
  classicAdministratorRow,
  findingsOf,
  loadAzure,
  otherSubscriptionId,
  otherTenantId,
  roleDefinitionRow,
  subscriptionId,
  subscriptionRow,
  subscriptionScope,
  tenantId,
  tenantRow,
} from './fixture';

// Cross-boundary trust from what the Azure data names of other tenants:
// - ForeignGroup principals: groups of another tenant, such as the admin agents group a Cloud
//   Solution Provider holds Owner through ("Role Assignments - List", principalType ForeignGroup);
// - managedByTenants of a subscription: tenants that manage it through Azure Lighthouse
//   ("Subscriptions - Get", ManagedByTenant.tenantId);
// - classic administrators whose e-mail is not in the tenant's domains, or a guest (#EXT#).

const partnerGroup = 'b0000000-0000-4000-8000-000000000001';
const readerGroup = 'b0000000-0000-4000-8000-000000000002';

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
  await loadAzure(db.client, {
    azure_subscription_tenants: [tenantRow()],
    azure_subscription_subscriptions: [
      subscriptionRow(subscriptionId, [otherTenantId, tenantId]),
      subscriptionRow(otherSubscriptionId),
    ],
    azure_authorization_role_definitions: builtInDefinitions.map((definition) => roleDefinitionRow(definition)),
    azure_authorization_role_assignments: [
      assignmentRow({
        name: 't-01',
        principalId: partnerGroup,
        principalType: 'ForeignGroup',
        role: builtInRoles.owner,
        scope: subscriptionScope(),
      }),
      assignmentRow({
        name: 't-02',
        principalId: readerGroup,
        principalType: 'ForeignGroup',
        role: builtInRoles.reader,
        scope: subscriptionScope(otherSubscriptionId),
        subscription: otherSubscriptionId,
      }),
    ],
    azure_authorization_classic_administrators: [
      classicAdministratorRow('ops@acme.example', 'CoAdministrator'),
      classicAdministratorRow('contractor@gmail.example', 'CoAdministrator'),
      classicAdministratorRow('vendor_partner.example#EXT#@acme.onmicrosoft.com', 'CoAdministrator'),
    ],
  });
}, 180_000);

afterAll(async () => {
  await db.drop();
});

async function trustOf(identity: string): Promise<Array<Record<string, unknown>>> {
  const rows = await db.client.query(
    'SELECT account_id, identity_type, trusted_from, classification, evidence FROM ciem.azure_cross_boundary_trust WHERE identity_id = $1',
    [identity]
  );
  return rows.rows;
}

test('foreign group is external', async () => {
  const [row] = await trustOf(partnerGroup);
  expect(row).toMatchObject({
    identity_type: 'group',
    classification: 'external',
    trusted_from: 'another Microsoft Entra tenant',
  });
  expect(row.evidence).toMatchObject({ kind: 'foreign_group', tenant_id: null });
});

test('foreign group with Owner is a high finding', async () => {
  expect(await findingsOf(db.client, partnerGroup, 'cross_account_trust')).toMatchObject([
    {
      severity: 'high',
      finding_key: 'foreign_group',
      title: `Group of another tenant holds roles in subscription ${subscriptionId}`,
    },
  ]);
});

test('foreign group with Reader is a medium finding', async () => {
  expect(await findingsOf(db.client, readerGroup, 'cross_account_trust')).toMatchObject([
    { severity: 'medium', account_id: otherSubscriptionId },
  ]);
});

test('managing tenant is named by its tenant id', async () => {
  expect(await trustOf(otherTenantId)).toMatchObject([
    {
      account_id: subscriptionId,
      identity_type: 'domain',
      trusted_from: otherTenantId,
      evidence: { kind: 'managing_tenant', subscription_tenant_id: tenantId },
    },
  ]);
});

test('own tenant in managedByTenants is not trust', async () => {
  expect(await trustOf(tenantId)).toEqual([]);
});

test('classic administrator outside the tenant domains', async () => {
  expect(await trustOf('contractor@gmail.example')).toMatchObject([
    {
      trusted_from: 'gmail.example',
      evidence: { kind: 'external_classic_administrator', tenant_domains: ['acme.example', 'acme.onmicrosoft.com'] },
    },
  ]);
  expect(await findingsOf(db.client, 'contractor@gmail.example', 'cross_account_trust')).toMatchObject([
    { severity: 'high' },
  ]);
});

test('guest classic administrator by #EXT#', async () => {
  expect(await trustOf('vendor_partner.example#ext#@acme.onmicrosoft.com')).toMatchObject([
    { evidence: { kind: 'guest_classic_administrator' } },
  ]);
});

test('classic administrator of the tenant domain is not trust', async () => {
  expect(await trustOf('ops@acme.example')).toEqual([]);
});

test('view has the contract columns', async () => {
  const rows = await db.client.query(
    "SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = 'ciem' AND table_name = 'azure_cross_boundary_trust' ORDER BY ordinal_position"
  );
  expect(rows.rows).toEqual([
    { column_name: 'cloud', data_type: 'text' },
    { column_name: 'account_id', data_type: 'text' },
    { column_name: 'identity_id', data_type: 'text' },
    { column_name: 'identity_type', data_type: 'text' },
    { column_name: 'trusted_from', data_type: 'text' },
    { column_name: 'classification', data_type: 'text' },
    { column_name: 'evidence', data_type: 'jsonb' },
  ]);
});
