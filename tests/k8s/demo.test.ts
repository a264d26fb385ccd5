import { demoClusterContext, writeKubernetesDemo } from '../../cli/demo/k8s-demo';
import { migrate } from '../../cli/migrate/run';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { findingsOf } from './fixture';

// The demo organisation's Kubernetes cluster: Kubernetes' defaults (aggregated admin, edit and
// view with empty rules, as in manifests) and bindings that each finding rule reports.

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
  await writeKubernetesDemo(db.client, 'public');
  await migrate(db.client, { sourceSchema: 'public' });
}, 180_000);

afterAll(async () => {
  await db.drop();
});

test('demo cluster triggers every rule', async () => {
  const rows = await db.client.query(
    `SELECT f.source_name, count(*)::int AS findings
       FROM ciem.finding_records f
      WHERE f.cloud = 'kubernetes' AND f.resolved_at IS NULL AND f.account_id = $1
      GROUP BY f.source_name ORDER BY 1`,
    [demoClusterContext]
  );
  expect(rows.rows.map((row) => row.source_name)).toEqual([
    'cis_kubernetes_v1_9_rbac',
    'k8s_admin_equivalent',
    'k8s_default_service_accounts',
    'k8s_privilege_escalation',
    'k8s_secret_access',
    'k8s_trust',
    'k8s_wildcards',
  ]);
});

test('demo findings cover each category', async () => {
  const categories = new Set((await findingsOf(db.client, demoClusterContext)).map((row) => row.category));
  expect([...categories].sort()).toEqual([
    'admin_equivalent',
    'compliance',
    'credentials_exposure',
    'cross_account_trust',
    'data_exfiltration',
    'infrastructure_modification',
    'privilege_escalation',
    'public_trust',
  ]);
});

// The admin RoleBinding reaches pods/exec only through the aggregated admin role.
test('aggregated admin role grants exec', async () => {
  const rows = (await findingsOf(db.client, demoClusterContext, 'privilege_escalation')).filter(
    (row) => row.identity_arn === 'User:alice@acme.example'
  );
  expect(rows.map((row) => row.evidence.method).sort()).toEqual(['impersonate', 'pods_exec', 'serviceaccount_token']);
  const exec = rows.find((row) => row.evidence.method === 'pods_exec');
  expect(exec?.evidence.permissions[0].granted_by[0]).toMatchObject({
    role: 'ClusterRole:admin',
    aggregated_from: ['system:aggregate-to-edit'],
  });
});

test('demo compliance has passes and failures', async () => {
  const rows = await db.client.query(
    `SELECT control_id, resource, status FROM ciem.k8s_compliance_results
      WHERE account_id = $1 AND control_id IN ('5.1.1', '5.1.2', '5.1.5') ORDER BY control_id, resource`,
    [demoClusterContext]
  );
  expect(rows.rows).toEqual([
    { control_id: '5.1.1', resource: 'ClusterRoleBinding:ci-deployer-admin', status: 'fail' },
    { control_id: '5.1.1', resource: 'ClusterRoleBinding:cluster-admin', status: 'pass' },
    { control_id: '5.1.2', resource: demoClusterContext, status: 'pass' },
    { control_id: '5.1.5', resource: 'ServiceAccount:ci/default', status: 'fail' },
    { control_id: '5.1.5', resource: 'ServiceAccount:default/default', status: 'fail' },
    { control_id: '5.1.5', resource: 'ServiceAccount:external-secrets/default', status: 'fail' },
    { control_id: '5.1.5', resource: 'ServiceAccount:kube-system/default', status: 'fail' },
    { control_id: '5.1.5', resource: 'ServiceAccount:monitoring/default', status: 'fail' },
    { control_id: '5.1.5', resource: 'ServiceAccount:payments/default', status: 'pass' },
  ]);
});
