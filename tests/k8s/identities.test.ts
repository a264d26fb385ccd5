import { bootstrapLabels, group, serviceAccount, user } from '../../cli/demo/k8s-builders';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { cluster, loadClusters } from './fixture';

// Kubernetes identities and grants. Subjects are users, groups and service accounts; the prefix
// system: is reserved for Kubernetes, whose default roles and bindings carry the label
// kubernetes.io/bootstrapping=rbac-defaults ("Using RBAC Authorization",
// https://kubernetes.io/docs/reference/access-authn-authz/rbac/, Referring to subjects and
// Default roles and role bindings).

const shop = cluster('shop');
shop.builder
  .serviceAccount('web', 'frontend')
  .serviceAccount('kube-system', 'generic-garbage-collector')
  .serviceAccount('kube-system', 'coredns')
  .clusterRole('cluster-admin', [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }], { labels: bootstrapLabels })
  .clusterRoleBinding('cluster-admin', 'cluster-admin', [group('system:masters')], bootstrapLabels)
  .clusterRole(
    'system:controller:generic-garbage-collector',
    [{ apiGroups: ['*'], resources: ['*'], verbs: ['get', 'list', 'delete'] }],
    {
      labels: bootstrapLabels,
    }
  )
  .clusterRoleBinding(
    'system:controller:generic-garbage-collector',
    'system:controller:generic-garbage-collector',
    [serviceAccount('kube-system', 'generic-garbage-collector')],
    bootstrapLabels
  )
  .clusterRole('dns', [{ apiGroups: [''], resources: ['endpoints', 'services'], verbs: ['list'] }])
  .clusterRoleBinding('coredns', 'dns', [serviceAccount('kube-system', 'coredns')])
  .clusterRole('viewer', [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }])
  .roleBinding('web', 'viewers', { kind: 'ClusterRole', name: 'viewer' }, [
    user('alice@example.com'),
    group('web-devs'),
    serviceAccount('web', 'frontend'),
    serviceAccount('batch', 'ghost'),
  ])
  .clusterRoleBinding('anonymous-viewer', 'viewer', [
    user('system:anonymous'),
    group('system:unauthenticated'),
    group('system:authenticated'),
  ]);

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
  await loadClusters(db.client, [shop]);
}, 180_000);

afterAll(async () => {
  await db.drop();
});

test('identities cover subjects and service accounts', async () => {
  const rows = await db.client.query(
    `SELECT identity_id, identity_type, display_name, path, is_service_linked
       FROM ciem.k8s_identities WHERE account_id = 'shop' ORDER BY identity_id`
  );
  expect(rows.rows).toEqual([
    {
      identity_id: 'Group:system:authenticated',
      identity_type: 'group',
      display_name: 'system:authenticated',
      path: null,
      is_service_linked: false,
    },
    {
      identity_id: 'Group:system:masters',
      identity_type: 'group',
      display_name: 'system:masters',
      path: null,
      is_service_linked: true,
    },
    {
      identity_id: 'Group:system:unauthenticated',
      identity_type: 'public',
      display_name: 'system:unauthenticated',
      path: null,
      is_service_linked: false,
    },
    {
      identity_id: 'Group:web-devs',
      identity_type: 'group',
      display_name: 'web-devs',
      path: null,
      is_service_linked: false,
    },
    // A binding may name a service account that does not exist (yet): it is still granted.
    {
      identity_id: 'ServiceAccount:batch/ghost',
      identity_type: 'service_account',
      display_name: 'ghost',
      path: 'batch',
      is_service_linked: false,
    },
    {
      identity_id: 'ServiceAccount:kube-system/coredns',
      identity_type: 'service_account',
      display_name: 'coredns',
      path: 'kube-system',
      is_service_linked: false,
    },
    {
      identity_id: 'ServiceAccount:kube-system/generic-garbage-collector',
      identity_type: 'service_account',
      display_name: 'generic-garbage-collector',
      path: 'kube-system',
      is_service_linked: true,
    },
    {
      identity_id: 'ServiceAccount:web/frontend',
      identity_type: 'service_account',
      display_name: 'frontend',
      path: 'web',
      is_service_linked: false,
    },
    {
      identity_id: 'User:alice@example.com',
      identity_type: 'user',
      display_name: 'alice@example.com',
      path: null,
      is_service_linked: false,
    },
    {
      identity_id: 'User:system:anonymous',
      identity_type: 'public',
      display_name: 'system:anonymous',
      path: null,
      is_service_linked: false,
    },
  ]);
});

test('identities have the columns of ciem.identities', async () => {
  const columns = async (view: string) =>
    (
      await db.client.query(
        `SELECT attname, format_type(atttypid, atttypmod) AS type FROM pg_attribute
          WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attnum`,
        [view]
      )
    ).rows;
  expect(await columns('ciem.k8s_identities')).toEqual(await columns('ciem.identities'));
  const rows = await db.client.query(
    'SELECT DISTINCT cloud, created_at, last_used_at, permissions_boundary_arn FROM ciem.k8s_identities'
  );
  expect(rows.rows).toEqual([
    { cloud: 'kubernetes', created_at: null, last_used_at: null, permissions_boundary_arn: null },
  ]);
});

test('grants name role, scope and binding', async () => {
  const rows = await db.client.query(
    `SELECT identity_id, role_id, role_name, scope_type, scope, via, condition, is_conditional, grant_id
       FROM ciem.k8s_identity_grants WHERE account_id = 'shop' AND identity_id IN ('User:alice@example.com', 'Group:system:masters')
      ORDER BY identity_id, grant_id`
  );
  expect(rows.rows).toEqual([
    {
      identity_id: 'Group:system:masters',
      role_id: 'ClusterRole:cluster-admin',
      role_name: 'cluster-admin',
      scope_type: 'cluster',
      scope: 'shop',
      via: 'direct',
      condition: null,
      is_conditional: false,
      grant_id: 'ClusterRoleBinding:cluster-admin',
    },
    // Every authenticated user is in system:authenticated.
    {
      identity_id: 'User:alice@example.com',
      role_id: 'ClusterRole:viewer',
      role_name: 'viewer',
      scope_type: 'cluster',
      scope: 'shop',
      via: 'group',
      condition: null,
      is_conditional: false,
      grant_id: 'ClusterRoleBinding:anonymous-viewer',
    },
    {
      identity_id: 'User:alice@example.com',
      role_id: 'ClusterRole:viewer',
      role_name: 'viewer',
      scope_type: 'namespace',
      scope: 'web',
      via: 'direct',
      condition: null,
      is_conditional: false,
      grant_id: 'RoleBinding:web/viewers',
    },
  ]);
});

// Requests without credentials are user system:anonymous in group system:unauthenticated
// ("Authenticating", Anonymous requests).
test('anonymous receives unauthenticated grants as public', async () => {
  const rows = await db.client.query(
    `SELECT via, grant_id FROM ciem.k8s_identity_grants WHERE account_id = 'shop' AND identity_id = 'User:system:anonymous' ORDER BY via`
  );
  expect(rows.rows).toEqual([
    { via: 'direct', grant_id: 'ClusterRoleBinding:anonymous-viewer' },
    { via: 'public', grant_id: 'ClusterRoleBinding:anonymous-viewer' },
  ]);
});

test('grants and permissions have the contract columns', async () => {
  const names = async (view: string) =>
    (
      await db.client.query(
        `SELECT attname, format_type(atttypid, atttypmod) AS type FROM pg_attribute
          WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attnum`,
        [view]
      )
    ).rows.map((row) => `${row.attname} ${row.type}`);
  expect(await names('ciem.k8s_identity_grants')).toEqual([
    'cloud text',
    'account_id text',
    'identity_id text',
    'identity_type text',
    'role_id text',
    'role_name text',
    'scope_type text',
    'scope text',
    'via text',
    'condition jsonb',
    'is_conditional boolean',
    'grant_id text',
  ]);
  expect((await names('ciem.k8s_effective_permissions')).slice(0, 8)).toEqual([
    'cloud text',
    'account_id text',
    'identity_id text',
    'permission text',
    'scope_type text',
    'scope text',
    'decision text',
    'granted_by jsonb',
  ]);
  expect(await names('ciem.k8s_cross_boundary_trust')).toEqual([
    'cloud text',
    'account_id text',
    'identity_id text',
    'identity_type text',
    'trusted_from text',
    'classification text',
    'evidence jsonb',
  ]);
  expect(await names('ciem.k8s_compliance_results')).toEqual(await names('ciem.compliance_results'));
});

// RBAC has only allow rules: "Permissions are purely additive (there are no deny rules)".
test('every permission is allowed', async () => {
  const rows = await db.client.query(
    "SELECT DISTINCT decision FROM ciem.k8s_effective_permissions WHERE account_id = 'shop'"
  );
  expect(rows.rows).toEqual([{ decision: 'allowed' }]);
});
