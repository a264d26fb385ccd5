import { group, serviceAccount, user } from '../../cli/demo/k8s-builders';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { cluster, decisionOf, loadClusters, permissionsOf } from './fixture';

// Effective permissions of Kubernetes identities. The rules follow "Using RBAC Authorization"
// (https://kubernetes.io/docs/reference/access-authn-authz/rbac/) and the RBAC authorizer's rule
// matching in kubernetes/kubernetes pkg/apis/rbac/v1/evaluation_helpers.go (VerbMatches,
// APIGroupMatches, ResourceMatches, ResourceNameMatches) and pkg/registry/rbac/validation/rule.go
// (which bindings apply to a user).

const wildcards = cluster('wildcards');
wildcards.builder
  .clusterRole('pod-anything', [{ apiGroups: [''], resources: ['pods'], verbs: ['*'] }])
  .clusterRoleBinding('pod-anything', 'pod-anything', [user('verbs')])
  .clusterRole('apps-reader', [{ apiGroups: ['apps'], resources: ['*'], verbs: ['get'] }])
  .clusterRoleBinding('apps-reader', 'apps-reader', [user('resources')])
  .clusterRole('scaler', [{ apiGroups: ['*'], resources: ['*/scale'], verbs: ['update'] }])
  .clusterRoleBinding('scaler', 'scaler', [user('scaler')])
  .clusterRole('any-group-pods', [{ apiGroups: ['*'], resources: ['pods'], verbs: ['list'] }])
  .clusterRoleBinding('any-group-pods', 'any-group-pods', [user('groups')]);

const scopes = cluster('scopes');
scopes.builder
  .clusterRole('secret-reader', [{ apiGroups: [''], resources: ['secrets'], verbs: ['get', 'watch', 'list'] }])
  .roleBinding('development', 'read-secrets', { kind: 'ClusterRole', name: 'secret-reader' }, [user('dave')])
  .clusterRoleBinding('read-secrets-global', 'secret-reader', [group('manager')])
  .role('team-x', 'reader', [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get'] }])
  .roleBinding('team-y', 'reader', { kind: 'Role', name: 'reader' }, [user('yves')])
  .roleBinding('team-x', 'reader', { kind: 'Role', name: 'reader' }, [user('xena')]);

const names = cluster('names');
names.builder
  .role('default', 'configmap-updater', [
    { apiGroups: [''], resources: ['configmaps'], resourceNames: ['my-configmap'], verbs: ['update', 'get'] },
  ])
  .roleBinding('default', 'configmap-updater', { kind: 'Role', name: 'configmap-updater' }, [user('jane')])
  .clusterRole('health', [{ nonResourceURLs: ['/healthz', '/healthz/*'], verbs: ['get', 'post'] }])
  .clusterRoleBinding('health', 'health', [user('prober')])
  .roleBinding('default', 'health', { kind: 'ClusterRole', name: 'health' }, [user('namespaced-prober')]);

const subjects = cluster('subjects');
subjects.builder
  .serviceAccount('apps', 'builder')
  .serviceAccount('other', 'builder')
  .clusterRole('config-reader', [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get'] }])
  .raw({
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: { name: 'local-sa', namespace: 'apps', uid: 'b1' },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'config-reader' },
    subjects: [{ kind: 'ServiceAccount', name: 'builder' }],
  })
  .raw({
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRoleBinding',
    metadata: { name: 'no-namespace', uid: 'b2' },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'config-reader' },
    subjects: [{ kind: 'ServiceAccount', name: 'builder' }],
  })
  .clusterRole('node-reader', [{ apiGroups: [''], resources: ['nodes'], verbs: ['get'] }])
  .clusterRoleBinding('sa-by-user-name', 'node-reader', [user('system:serviceaccount:other:builder')])
  .clusterRole('lease-reader', [{ apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['get'] }])
  .roleBinding('apps', 'apps-service-accounts', { kind: 'ClusterRole', name: 'lease-reader' }, [
    group('system:serviceaccounts:apps'),
  ])
  .clusterRole('event-reader', [{ apiGroups: ['events.k8s.io'], resources: ['events'], verbs: ['list'] }])
  .clusterRoleBinding('all-service-accounts', 'event-reader', [group('system:serviceaccounts')])
  .clusterRole('self-review', [
    { apiGroups: ['authorization.k8s.io'], resources: ['selfsubjectaccessreviews'], verbs: ['create'] },
  ])
  .clusterRoleBinding('authenticated-review', 'self-review', [group('system:authenticated')])
  .clusterRoleBinding('named-builder', 'self-review', [serviceAccount('apps', 'builder')]);

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
  await loadClusters(db.client, [wildcards, scopes, names, subjects]);
}, 180_000);

afterAll(async () => {
  await db.drop();
});

describe('wildcards', () => {
  // "*" in verbs matches every verb (VerbMatches returns true for rbacv1.VerbAll).
  test('star verb covers every verb', async () => {
    expect(await permissionsOf(db.client, 'wildcards', 'User:verbs')).toEqual([
      { permission: '* pods', scope_type: 'cluster', scope: 'wildcards', resource_names: [] },
    ]);
    for (const verb of ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete', 'deletecollection']) {
      expect({
        verb,
        decision: await decisionOf(db.client, 'wildcards', 'User:verbs', { verb, resource: 'pods' }),
      }).toEqual({
        verb,
        decision: 'allowed',
      });
    }
    expect(await decisionOf(db.client, 'wildcards', 'User:verbs', { verb: 'get', resource: 'secrets' })).toBe('denied');
  });

  // "*" in resources matches every resource and subresource of the rule's API groups.
  test('star resource covers its groups only', async () => {
    const can = (apiGroup: string, resource: string) =>
      decisionOf(db.client, 'wildcards', 'User:resources', { verb: 'get', apiGroup, resource });
    expect(await can('apps', 'deployments')).toBe('allowed');
    expect(await can('apps', 'deployments/scale')).toBe('allowed');
    expect(await can('', 'pods')).toBe('denied');
    expect(await permissionsOf(db.client, 'wildcards', 'User:resources')).toEqual([
      { permission: 'get apps/*', scope_type: 'cluster', scope: 'wildcards', resource_names: [] },
    ]);
  });

  // "*/scale" matches the scale subresource of every resource, and not the resource itself.
  test('star subresource covers that subresource', async () => {
    const can = (resource: string) =>
      decisionOf(db.client, 'wildcards', 'User:scaler', { verb: 'update', apiGroup: 'apps', resource });
    expect(await can('deployments/scale')).toBe('allowed');
    expect(await can('statefulsets/scale')).toBe('allowed');
    expect(await can('deployments')).toBe('denied');
    expect(await can('deployments/status')).toBe('denied');
  });

  // "*" in apiGroups matches every API group (APIGroupMatches).
  test('star API group covers every group', async () => {
    const can = (apiGroup: string) =>
      decisionOf(db.client, 'wildcards', 'User:groups', { verb: 'list', apiGroup, resource: 'pods' });
    expect(await can('')).toBe('allowed');
    expect(await can('metrics.k8s.io')).toBe('allowed');
    expect(await permissionsOf(db.client, 'wildcards', 'User:groups')).toEqual([
      { permission: 'list */pods', scope_type: 'cluster', scope: 'wildcards', resource_names: [] },
    ]);
  });
});

describe('binding scope', () => {
  // "dave will only be able to read secrets in the development namespace" (RoleBinding to a ClusterRole).
  test('RoleBinding to ClusterRole stays in its namespace', async () => {
    expect(await permissionsOf(db.client, 'scopes', 'User:dave')).toEqual([
      { permission: 'get secrets', scope_type: 'namespace', scope: 'development', resource_names: [] },
      { permission: 'list secrets', scope_type: 'namespace', scope: 'development', resource_names: [] },
      { permission: 'watch secrets', scope_type: 'namespace', scope: 'development', resource_names: [] },
    ]);
    const can = (namespace?: string) =>
      decisionOf(db.client, 'scopes', 'User:dave', { verb: 'get', resource: 'secrets', namespace });
    expect(await can('development')).toBe('allowed');
    expect(await can('production')).toBe('denied');
    expect(await can()).toBe('denied');
  });

  // "This cluster role binding allows anyone in the group manager to read secrets in any namespace."
  test('ClusterRoleBinding grants every namespace', async () => {
    const can = (namespace?: string) =>
      decisionOf(db.client, 'scopes', 'Group:manager', { verb: 'list', resource: 'secrets', namespace });
    expect(await can('development')).toBe('allowed');
    expect(await can('production')).toBe('allowed');
    expect(await can()).toBe('allowed');
    const rows = await permissionsOf(db.client, 'scopes', 'Group:manager');
    expect(rows.map((row) => `${row.scope_type}:${row.scope}`)).toEqual([
      'cluster:scopes',
      'cluster:scopes',
      'cluster:scopes',
    ]);
  });

  // A RoleBinding "may reference a Role in the same namespace": the authorizer reads the Role of
  // the roleRef name in the binding's namespace, so a Role elsewhere grants nothing.
  test('RoleBinding reads the Role of its own namespace', async () => {
    expect(await permissionsOf(db.client, 'scopes', 'User:yves')).toEqual([]);
    expect(await permissionsOf(db.client, 'scopes', 'User:xena')).toEqual([
      { permission: 'get configmaps', scope_type: 'namespace', scope: 'team-x', resource_names: [] },
    ]);
    const grants = await db.client.query(
      "SELECT role_id, scope_type, scope, grant_id FROM ciem.k8s_identity_grants WHERE account_id = 'scopes' AND identity_id = 'User:yves'"
    );
    expect(grants.rows).toEqual([
      {
        role_id: 'Role:team-y/reader',
        scope_type: 'namespace',
        scope: 'team-y',
        grant_id: 'RoleBinding:team-y/reader',
      },
    ]);
  });
});

describe('resourceNames and nonResourceURLs', () => {
  // "To restrict a subject to only get and update a single configmap" with resourceNames; list,
  // watch, create and deletecollection carry no name, so such a rule never allows them.
  test('resourceNames are kept and limit requests', async () => {
    expect(await permissionsOf(db.client, 'names', 'User:jane')).toEqual([
      { permission: 'get configmaps', scope_type: 'namespace', scope: 'default', resource_names: ['my-configmap'] },
      { permission: 'update configmaps', scope_type: 'namespace', scope: 'default', resource_names: ['my-configmap'] },
    ]);
    const can = (verb: string, name?: string) =>
      decisionOf(db.client, 'names', 'User:jane', { verb, resource: 'configmaps', namespace: 'default', name });
    expect(await can('get', 'my-configmap')).toBe('allowed');
    expect(await can('get', 'other')).toBe('denied');
    expect(await can('list')).toBe('denied');
  });

  // Non-resource URLs "must be in a ClusterRole bound with a ClusterRoleBinding to be effective".
  test('nonResourceURLs are kept for ClusterRoleBindings', async () => {
    expect((await permissionsOf(db.client, 'names', 'User:prober')).map((row) => row.permission)).toEqual([
      'get /healthz',
      'get /healthz/*',
      'post /healthz',
      'post /healthz/*',
    ]);
    expect(await permissionsOf(db.client, 'names', 'User:namespaced-prober')).toEqual([]);
  });
});

describe('subjects', () => {
  // appliesToUser: a ServiceAccount subject without a namespace is in the RoleBinding's
  // namespace, and in a ClusterRoleBinding it matches no one.
  test('service account subject defaults namespace', async () => {
    const rows = await permissionsOf(db.client, 'subjects', 'ServiceAccount:apps/builder');
    expect(rows).toContainEqual({
      permission: 'get configmaps',
      scope_type: 'namespace',
      scope: 'apps',
      resource_names: [],
    });
    expect(rows).not.toContainEqual({
      permission: 'get configmaps',
      scope_type: 'cluster',
      scope: 'subjects',
      resource_names: [],
    });
    const identities = await db.client.query(
      "SELECT identity_id FROM ciem.k8s_identities WHERE account_id = 'subjects' AND identity_id LIKE 'ServiceAccount:%' ORDER BY 1"
    );
    expect(identities.rows.map((row) => row.identity_id)).toEqual([
      'ServiceAccount:apps/builder',
      'ServiceAccount:other/builder',
    ]);
  });

  // "Service Accounts have usernames with the system:serviceaccount: prefix", so a User subject
  // with that name is the service account.
  test('service account user name is the service account', async () => {
    expect(
      await decisionOf(db.client, 'subjects', 'ServiceAccount:other/builder', { verb: 'get', resource: 'nodes' })
    ).toBe('allowed');
    const users = await db.client.query(
      "SELECT count(*)::int AS n FROM ciem.k8s_identities WHERE account_id = 'subjects' AND identity_type = 'user'"
    );
    expect(users.rows[0].n).toBe(0);
  });

  // Service accounts "belong to groups with the system:serviceaccounts: prefix": the group of
  // their namespace and system:serviceaccounts, and every authenticated user is in
  // system:authenticated.
  test('service accounts receive their groups', async () => {
    const grants = await db.client.query(
      `SELECT identity_id, grant_id, via FROM ciem.k8s_identity_grants
        WHERE account_id = 'subjects' AND identity_id LIKE 'ServiceAccount:%' ORDER BY identity_id, grant_id, via`
    );
    expect(grants.rows).toEqual([
      { identity_id: 'ServiceAccount:apps/builder', grant_id: 'ClusterRoleBinding:all-service-accounts', via: 'group' },
      { identity_id: 'ServiceAccount:apps/builder', grant_id: 'ClusterRoleBinding:authenticated-review', via: 'group' },
      { identity_id: 'ServiceAccount:apps/builder', grant_id: 'ClusterRoleBinding:named-builder', via: 'direct' },
      { identity_id: 'ServiceAccount:apps/builder', grant_id: 'RoleBinding:apps/apps-service-accounts', via: 'group' },
      { identity_id: 'ServiceAccount:apps/builder', grant_id: 'RoleBinding:apps/local-sa', via: 'direct' },
      {
        identity_id: 'ServiceAccount:other/builder',
        grant_id: 'ClusterRoleBinding:all-service-accounts',
        via: 'group',
      },
      {
        identity_id: 'ServiceAccount:other/builder',
        grant_id: 'ClusterRoleBinding:authenticated-review',
        via: 'group',
      },
      { identity_id: 'ServiceAccount:other/builder', grant_id: 'ClusterRoleBinding:sa-by-user-name', via: 'direct' },
    ]);
    expect(
      await decisionOf(db.client, 'subjects', 'ServiceAccount:other/builder', {
        verb: 'get',
        apiGroup: 'coordination.k8s.io',
        resource: 'leases',
        namespace: 'apps',
      })
    ).toBe('denied');
  });

  test('granted_by names role, binding and group', async () => {
    const result = await db.client.query(
      `SELECT granted_by FROM ciem.k8s_effective_permissions
        WHERE account_id = 'subjects' AND identity_id = 'ServiceAccount:apps/builder' AND permission = 'get coordination.k8s.io/leases'`
    );
    expect(result.rows).toEqual([
      {
        granted_by: [
          {
            role: 'ClusterRole:lease-reader',
            binding: 'RoleBinding:apps/apps-service-accounts',
            via: 'group',
            subject: 'Group:system:serviceaccounts:apps',
            default_binding: false,
          },
        ],
      },
    ]);
  });
});
