import { azureDemo, writeAzureDemo } from '../../cli/demo/azure-demo';
import { defaultAsOf } from '../../cli/demo/organisation';
import { migrate } from '../../cli/migrate/run';
import { createTestDatabase, type TestDatabase } from '../support/database';

// The demo subscription triggers every Azure rule once.

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
  await writeAzureDemo(db.client, 'public', defaultAsOf);
  await migrate(db.client, { sourceSchema: 'public' });
}, 180_000);

afterAll(async () => {
  await db.drop();
});

async function categoriesOf(identity: string): Promise<string[]> {
  const rows = await db.client.query(
    "SELECT DISTINCT category FROM ciem.findings WHERE cloud = 'azure' AND identity_arn = $1 ORDER BY category",
    [identity]
  );
  return rows.rows.map((row) => row.category);
}

test('each principal triggers its rule', async () => {
  const { principals, managingTenantId } = azureDemo;
  expect({
    alice: await categoriesOf(principals.alice),
    platformAdmins: await categoriesOf(principals.platformAdmins),
    bob: await categoriesOf(principals.bob),
    ciDeployer: await categoriesOf(principals.ciDeployer),
    carol: await categoriesOf(principals.carol),
    webIdentity: await categoriesOf(principals.webIdentity),
    cspAdminAgents: await categoriesOf(principals.cspAdminAgents),
    auditors: await categoriesOf(principals.auditors),
    managingTenant: await categoriesOf(managingTenantId),
    coAdministrator: await categoriesOf('legacy.ops@acme.example'),
    freelancer: await categoriesOf('freelancer@contoso.example'),
  }).toEqual({
    alice: ['admin_equivalent'],
    platformAdmins: ['admin_equivalent'],
    bob: ['privilege_escalation'],
    ciDeployer: ['infrastructure_modification'],
    carol: ['admin_equivalent'],
    webIdentity: [],
    cspAdminAgents: ['admin_equivalent', 'cross_account_trust'],
    auditors: [],
    managingTenant: ['cross_account_trust'],
    coAdministrator: ['admin_equivalent'],
    freelancer: ['admin_equivalent', 'cross_account_trust'],
  });
});

test('managed identity and its condition', async () => {
  const rows = await db.client.query(
    'SELECT i.identity_type, i.display_name, g.is_conditional FROM ciem.azure_identities i JOIN ciem.azure_identity_grants g USING (account_id, identity_id) WHERE i.identity_id = $1',
    [azureDemo.principals.webIdentity]
  );
  expect(rows.rows).toEqual([{ identity_type: 'managed_identity', display_name: 'web-1', is_conditional: true }]);
});

test('each decided CIS control fails', async () => {
  const rows = await db.client.query(
    'SELECT control_id, status FROM ciem.azure_compliance_results ORDER BY control_id, resource'
  );
  expect(rows.rows).toEqual([
    { control_id: '5.23', status: 'fail' },
    { control_id: '5.27', status: 'fail' },
    { control_id: '5.3.3', status: 'fail' },
  ]);
});
