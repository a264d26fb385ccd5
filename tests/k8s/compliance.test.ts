import { bootstrapLabels, group, serviceAccount, user } from '../../cli/demo/k8s-builders';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { createViewOfMigration, rowDifferences } from '../compliance/stored-results';
import { cluster, loadClusters } from './fixture';

// CIS Kubernetes Benchmark v1.9.0, section 5.1 (RBAC and Service Accounts). Titles and audits as
// kube-bench reproduces them (cfg/cis-1.9/policies.yaml): 5.1.1 reviews ClusterRoleBindings to
// cluster-admin, 5.1.2 and 5.1.4 run kubectl auth can-i --as=system:authenticated, 5.1.3 looks
// for "*" in the rules of Roles and ClusterRoles, 5.1.5 wants automountServiceAccountToken: false
// and no bindings on default service accounts, 5.1.8 to 5.1.13 review who holds a permission.

const benchmark = 'CIS Kubernetes Benchmark';
const clusterAdmin = [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }];

const clean = cluster('clean');
clean.builder
  .clusterRole('cluster-admin', clusterAdmin, { labels: bootstrapLabels })
  .clusterRoleBinding('cluster-admin', 'cluster-admin', [group('system:masters')], bootstrapLabels)
  .clusterRole('pod-reader', [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }])
  .roleBinding('app', 'pod-reader', { kind: 'ClusterRole', name: 'pod-reader' }, [user('dev')])
  .clusterRole(
    'system:controller:clusterrole-aggregation-controller',
    [{ apiGroups: ['rbac.authorization.k8s.io'], resources: ['clusterroles'], verbs: ['escalate'] }],
    { labels: bootstrapLabels }
  )
  .clusterRoleBinding(
    'system:controller:clusterrole-aggregation-controller',
    'system:controller:clusterrole-aggregation-controller',
    [serviceAccount('kube-system', 'clusterrole-aggregation-controller')],
    bootstrapLabels
  )
  .serviceAccount('app', 'default', { automountServiceAccountToken: false });

const messy = cluster('messy');
messy.builder
  .clusterRole('cluster-admin', clusterAdmin, { labels: bootstrapLabels })
  .clusterRoleBinding('cluster-admin', 'cluster-admin', [group('system:masters'), user('ops')], bootstrapLabels)
  .clusterRoleBinding('ci-admin', 'cluster-admin', [serviceAccount('ci', 'deployer')])
  .clusterRole('secret-reader', [{ apiGroups: [''], resources: ['secrets'], verbs: ['list'] }])
  .clusterRoleBinding('everyone-secrets', 'secret-reader', [group('system:authenticated')])
  .clusterRole('pod-creator', [{ apiGroups: [''], resources: ['pods'], verbs: ['create'] }])
  .clusterRoleBinding('anonymous-pods', 'pod-creator', [user('system:anonymous')])
  .role('app', 'wild-verbs', [{ apiGroups: [''], resources: ['configmaps'], verbs: ['*'] }])
  .role('app', 'tame', [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get'] }])
  .clusterRole('pv-maker', [{ apiGroups: [''], resources: ['persistentvolumes'], verbs: ['create'] }])
  .clusterRoleBinding('pv-maker', 'pv-maker', [user('storage-admin')])
  .clusterRole('node-proxy', [{ apiGroups: [''], resources: ['nodes/proxy'], verbs: ['get'] }])
  .clusterRoleBinding('node-proxy', 'node-proxy', [user('metrics')])
  .clusterRole('csr-approver', [
    { apiGroups: ['certificates.k8s.io'], resources: ['certificatesigningrequests/approval'], verbs: ['update'] },
  ])
  .clusterRoleBinding('csr-approver', 'csr-approver', [user('pki')])
  .clusterRole('webhooks', [
    { apiGroups: ['admissionregistration.k8s.io'], resources: ['mutatingwebhookconfigurations'], verbs: ['patch'] },
  ])
  .clusterRoleBinding('webhooks', 'webhooks', [user('mesh')])
  .role('app', 'tokens', [{ apiGroups: [''], resources: ['serviceaccounts/token'], verbs: ['create'] }])
  .roleBinding('app', 'tokens', { kind: 'Role', name: 'tokens' }, [serviceAccount('app', 'minter')])
  .serviceAccount('app', 'default')
  .serviceAccount('web', 'default', { automountServiceAccountToken: false })
  .roleBinding('web', 'default-reader', { kind: 'Role', name: 'tame' }, [serviceAccount('web', 'default')]);

// Service accounts only: no ClusterRoleBindings to judge the per-cluster controls.
const partial = cluster('partial');
partial.builder.serviceAccount('app', 'default', { automountServiceAccountToken: false });

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
  await loadClusters(db.client, [clean, messy, partial]);
}, 180_000);

afterAll(async () => {
  await db.drop();
});

async function statuses(context: string, controlId: string): Promise<Record<string, string>> {
  const result = await db.client.query(
    'SELECT resource, status FROM ciem.k8s_compliance_results WHERE account_id = $1 AND control_id = $2 ORDER BY resource',
    [context, controlId]
  );
  return Object.fromEntries(result.rows.map((row) => [row.resource, row.status]));
}

async function evidence(context: string, controlId: string, resource: string): Promise<Record<string, any>> {
  const result = await db.client.query(
    'SELECT evidence FROM ciem.k8s_compliance_results WHERE account_id = $1 AND control_id = $2 AND resource = $3',
    [context, controlId, resource]
  );
  return result.rows[0].evidence;
}

describe('controls catalogue', () => {
  test('lists the 13 controls of section 5.1', async () => {
    const rows = await db.client.query(
      'SELECT control_id, profile, decidable FROM ciem.compliance_controls WHERE benchmark = $1 AND version = $2 ORDER BY position',
      [benchmark, '1.9.0']
    );
    expect(rows.rows.map((row) => row.control_id)).toEqual(
      Array.from({ length: 13 }, (_, index) => `5.1.${index + 1}`)
    );
    expect(rows.rows.filter((row) => !row.decidable).map((row) => row.control_id)).toEqual(['5.1.6', '5.1.7']);
  });

  test('every decidable control judges a cluster', async () => {
    const rows = await db.client.query(
      `SELECT c.control_id FROM ciem.compliance_controls c
        WHERE c.benchmark = $1 AND c.decidable
          AND NOT EXISTS (SELECT 1 FROM ciem.k8s_compliance_results r WHERE r.control_id = c.control_id AND r.account_id = 'messy')`,
      [benchmark]
    );
    expect(rows.rows).toEqual([]);
  });
});

test('5.1.1 fails cluster-admin bindings beyond the default', async () => {
  expect(await statuses('clean', '5.1.1')).toEqual({ 'ClusterRoleBinding:cluster-admin': 'pass' });
  expect(await statuses('messy', '5.1.1')).toEqual({
    'ClusterRoleBinding:ci-admin': 'fail',
    // The default binding with a subject added is no longer the default.
    'ClusterRoleBinding:cluster-admin': 'fail',
  });
});

test('5.1.2 fails secrets for all authenticated users', async () => {
  expect(await statuses('clean', '5.1.2')).toEqual({ clean: 'pass' });
  expect(await statuses('messy', '5.1.2')).toEqual({ messy: 'fail' });
  const holders = (await evidence('messy', '5.1.2', 'messy')).holders.map(
    (holder: { identity: string }) => holder.identity
  );
  // Every authenticated user holds what system:authenticated holds, so all of them are listed.
  expect(holders).toEqual([
    'Group:system:authenticated',
    'Group:system:masters',
    'ServiceAccount:app/default',
    'ServiceAccount:app/minter',
    'ServiceAccount:ci/deployer',
    'ServiceAccount:web/default',
    'User:mesh',
    'User:metrics',
    'User:ops',
    'User:pki',
    'User:storage-admin',
  ]);
});

test('5.1.3 fails roles with wildcards', async () => {
  expect(await statuses('messy', '5.1.3')).toEqual({
    'ClusterRole:cluster-admin': 'fail',
    'ClusterRole:csr-approver': 'pass',
    'ClusterRole:node-proxy': 'pass',
    'ClusterRole:pod-creator': 'pass',
    'ClusterRole:pv-maker': 'pass',
    'ClusterRole:secret-reader': 'pass',
    'ClusterRole:webhooks': 'pass',
    'Role:app/tame': 'pass',
    'Role:app/tokens': 'pass',
    'Role:app/wild-verbs': 'fail',
  });
  expect(await evidence('messy', '5.1.3', 'Role:app/wild-verbs')).toEqual({
    built_in: false,
    wildcard_rules: [
      { verbs: ['*'], apiGroups: [''], resources: ['configmaps'], resourceNames: [], nonResourceURLs: [] },
    ],
  });
});

test('5.1.4 fails pod creation for anonymous', async () => {
  expect(await statuses('clean', '5.1.4')).toEqual({ clean: 'pass' });
  expect(await statuses('messy', '5.1.4')).toEqual({ messy: 'fail' });
});

test('5.1.5 fails used default service accounts', async () => {
  expect(await statuses('clean', '5.1.5')).toEqual({ 'ServiceAccount:app/default': 'pass' });
  expect(await statuses('messy', '5.1.5')).toEqual({
    // automountServiceAccountToken not set: Kubernetes mounts the token.
    'ServiceAccount:app/default': 'fail',
    'ServiceAccount:web/default': 'fail',
  });
  expect(await evidence('messy', '5.1.5', 'ServiceAccount:web/default')).toEqual({
    automount_service_account_token: false,
    bindings: [{ binding: 'RoleBinding:web/default-reader', role: 'Role:web/tame' }],
  });
});

test('5.1.8 passes built-in holders only', async () => {
  expect(await statuses('clean', '5.1.8')).toEqual({ clean: 'pass' });
  const holders = (await evidence('clean', '5.1.8', 'clean')).holders;
  expect(holders).toEqual([
    {
      identity: 'Group:system:masters',
      identity_type: 'group',
      built_in: true,
      scope_type: 'cluster',
      scope: 'clean',
      requests: [
        'bind rbac.authorization.k8s.io/clusterroles',
        'bind rbac.authorization.k8s.io/roles',
        'escalate rbac.authorization.k8s.io/clusterroles',
        'escalate rbac.authorization.k8s.io/roles',
        'impersonate authentication.k8s.io/uids',
        'impersonate groups',
        'impersonate serviceaccounts',
        'impersonate users',
      ],
      bindings: ['ClusterRoleBinding:cluster-admin'],
    },
    {
      identity: 'ServiceAccount:kube-system/clusterrole-aggregation-controller',
      identity_type: 'service_account',
      built_in: true,
      scope_type: 'cluster',
      scope: 'clean',
      requests: ['escalate rbac.authorization.k8s.io/clusterroles'],
      bindings: ['ClusterRoleBinding:system:controller:clusterrole-aggregation-controller'],
    },
  ]);
  expect(await statuses('messy', '5.1.8')).toEqual({ messy: 'fail' });
});

test('5.1.9 to 5.1.13 name the holders', async () => {
  for (const [controlId, holder] of [
    ['5.1.9', 'User:storage-admin'],
    ['5.1.10', 'User:metrics'],
    ['5.1.11', 'User:pki'],
    ['5.1.12', 'User:mesh'],
    ['5.1.13', 'ServiceAccount:app/minter'],
  ]) {
    expect({ controlId, clean: await statuses('clean', controlId) }).toEqual({ controlId, clean: { clean: 'pass' } });
    expect({ controlId, messy: await statuses('messy', controlId) }).toEqual({ controlId, messy: { messy: 'fail' } });
    const identities = (await evidence('messy', controlId, 'messy')).holders.map(
      (item: { identity: string }) => item.identity
    );
    expect({ controlId, identities }).toEqual({ controlId, identities: expect.arrayContaining([holder]) });
  }
});

test('missing bindings make cluster controls unknown', async () => {
  expect(await statuses('partial', '5.1.2')).toEqual({ partial: 'unknown' });
  expect(await statuses('partial', '5.1.8')).toEqual({ partial: 'unknown' });
  expect(await statuses('partial', '5.1.5')).toEqual({ 'ServiceAccount:app/default': 'pass' });
  expect(await evidence('partial', '5.1.8', 'partial')).toEqual({
    missing: 'no ClusterRoleBindings of the cluster in k8s_rbac_cluster_role_bindings',
  });
});

test('failed controls become findings', async () => {
  const rows = await db.client.query(
    `SELECT identity_arn, severity, title FROM ciem.findings
      WHERE cloud = 'kubernetes' AND category = 'compliance' AND account_id = 'messy' AND evidence ->> 'control_id' IN ('5.1.1', '5.1.3')
      ORDER BY identity_arn`
  );
  expect(rows.rows).toEqual([
    {
      identity_arn: 'ClusterRole:cluster-admin',
      severity: 'info',
      title: 'CIS Kubernetes 1.9.0 5.1.3 failed: Minimize wildcard use in Roles and ClusterRoles',
    },
    {
      identity_arn: 'ClusterRoleBinding:ci-admin',
      severity: 'high',
      title: 'CIS Kubernetes 1.9.0 5.1.1 failed: Ensure that the cluster-admin role is only used where required',
    },
    {
      identity_arn: 'ClusterRoleBinding:cluster-admin',
      severity: 'high',
      title: 'CIS Kubernetes 1.9.0 5.1.1 failed: Ensure that the cluster-admin role is only used where required',
    },
    {
      identity_arn: 'Role:app/wild-verbs',
      severity: 'medium',
      title: 'CIS Kubernetes 1.9.0 5.1.3 failed: Minimize wildcard use in Roles and ClusterRoles',
    },
  ]);
});

test('stored results equal migration 0025', async () => {
  const original = await createViewOfMigration(db.client, '0025_kubernetes.sql', 'k8s_compliance_results');
  expect(await rowDifferences(db.client, 'ciem.k8s_compliance_results', original)).toBe(0);
});
