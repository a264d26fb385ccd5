import { gcpDemoProjects, writeGcpDemo } from '../../cli/demo/gcp-demo';
import { defaultAsOf } from '../../cli/demo/organisation';
import { migrate } from '../../cli/migrate/run';
import { createTestDatabase, type TestDatabase } from '../support/database';

// The Google Cloud part of the demo organisation triggers every GCP rule and control.

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
  await writeGcpDemo(db.client, 'public', defaultAsOf);
  await migrate(db.client, { sourceSchema: 'public' });
}, 120_000);

afterAll(async () => {
  await db.drop();
});

test('every GCP finding source reports', async () => {
  const result = await db.client.query(
    `SELECT s.source_name, count(r.finding_id)::int AS findings
       FROM ciem.finding_sources s
       LEFT JOIN ciem.finding_records r ON r.source_name = s.source_name AND r.resolved_at IS NULL
      WHERE s.relation LIKE 'ciem.gcp_%'
      GROUP BY s.source_name ORDER BY s.source_name`
  );
  expect(result.rows.map((row) => row.source_name)).toEqual([
    'cis_gcp_v3_iam',
    'gcp_basic_roles',
    'gcp_cross_boundary',
    'gcp_impersonation',
    'gcp_inactive_identities',
    'gcp_key_rotation',
    'gcp_public_members',
  ]);
  for (const row of result.rows) {
    expect({ source: row.source_name, reported: row.findings > 0 }).toEqual({
      source: row.source_name,
      reported: true,
    });
  }
});

test('findings cover the expected categories', async () => {
  const result = await db.client.query("SELECT DISTINCT category FROM ciem.findings WHERE cloud = 'gcp' ORDER BY 1");
  expect(result.rows.map((row) => row.category)).toEqual([
    'admin_equivalent',
    'compliance',
    'cross_account_trust',
    'infrastructure_modification',
    'privilege_escalation',
    'public_trust',
    'unused_credential',
    'unused_identity',
  ]);
});

test('every decidable CIS control fails somewhere and passes somewhere', async () => {
  const result = await db.client.query(
    `SELECT control_id, array_agg(DISTINCT status ORDER BY status) AS statuses
       FROM ciem.gcp_compliance_results GROUP BY control_id ORDER BY control_id`
  );
  expect(result.rows).toEqual([
    { control_id: '1.1', statuses: ['fail', 'pass'] },
    { control_id: '1.11', statuses: ['fail', 'pass'] },
    { control_id: '1.4', statuses: ['fail', 'pass'] },
    { control_id: '1.5', statuses: ['fail', 'pass'] },
    { control_id: '1.6', statuses: ['fail', 'pass'] },
    { control_id: '1.7', statuses: ['fail', 'pass'] },
    { control_id: '1.8', statuses: ['fail', 'pass'] },
  ]);
});

test('the production deny policy protects the project', async () => {
  // The deny rule excepts gcp-admins; the developers group and everyone else are denied.
  const result = await db.client.query(
    `SELECT identity_id, decision FROM ciem.gcp_effective_permissions
      WHERE account_id = $1 AND permission = 'resourcemanager.projects.delete' ORDER BY identity_id`,
    [gcpDemoProjects.production]
  );
  expect(result.rows).toEqual([
    { identity_id: 'serviceAccount:terraform@acme-prod.iam.gserviceaccount.com', decision: 'denied' },
    { identity_id: 'user:alice.admin@example.com', decision: 'denied' },
  ]);
});

test('the data project reports its unread deny policy', async () => {
  const result = await db.client.query(
    'SELECT DISTINCT unread_deny_policies FROM ciem.gcp_effective_permissions WHERE account_id = $1',
    [gcpDemoProjects.data]
  );
  expect(result.rows).toEqual([{ unread_deny_policies: [expect.stringMatching(/denypolicies\/legacy-guard$/)] }]);
});

test('grants at organization, folder and project scope', async () => {
  const result = await db.client.query('SELECT DISTINCT scope_type FROM ciem.gcp_identity_grants ORDER BY 1');
  expect(result.rows.map((row) => row.scope_type)).toEqual(['folder', 'organization', 'project']);
});
