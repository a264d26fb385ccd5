import { bootstrapLabels, group, serviceAccount, user } from '../../cli/demo/k8s-builders';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { cluster, findingsOf, loadClusters } from './fixture';

// Kubernetes finding rules, with behaviour cited from "Using RBAC Authorization"
// (https://kubernetes.io/docs/reference/access-authn-authz/rbac/). cluster-admin "allows
// super-user access to perform any action on any resource", and through a RoleBinding it gives
// "full control over every resource in the rolebinding's namespace". escalate and bind are in
// Privilege escalation prevention and bootstrapping. Impersonation and anonymous requests are in
// "Authenticating" (https://kubernetes.io/docs/reference/access-authn-authz/authentication/).

const clusterAdmin = [
  { apiGroups: ['*'], resources: ['*'], verbs: ['*'] },
  { nonResourceURLs: ['*'], verbs: ['*'] },
];

const admins = cluster('admins');
admins.builder
  .clusterRole('cluster-admin', clusterAdmin, { labels: bootstrapLabels })
  .clusterRoleBinding('cluster-admin', 'cluster-admin', [group('system:masters')], bootstrapLabels)
  .serviceAccount('ci', 'deployer')
  .clusterRoleBinding('ci-admin', 'cluster-admin', [serviceAccount('ci', 'deployer')])
  .roleBinding('team', 'team-admin', { kind: 'ClusterRole', name: 'cluster-admin' }, [group('team-leads')])
  .clusterRole('everything-else', [
    { apiGroups: ['rbac.authorization.k8s.io'], resources: ['*'], verbs: ['*'] },
    { apiGroups: [''], resources: ['secrets', 'pods/exec'], verbs: ['*'] },
  ])
  .clusterRoleBinding('ci-everything-else', 'everything-else', [serviceAccount('ci', 'deployer')])
  .roleBinding('team', 'team-everything-else', { kind: 'ClusterRole', name: 'everything-else' }, [group('team-leads')]);

const wildcards = cluster('wildcards');
wildcards.builder
  .clusterRole('apps-anything', [{ apiGroups: ['apps'], resources: ['deployments'], verbs: ['*'] }])
  .clusterRoleBinding('apps-anything', 'apps-anything', [group('deployers')])
  .clusterRole('write-everything', [{ apiGroups: ['batch'], resources: ['*'], verbs: ['create'] }])
  .roleBinding('jobs', 'write-everything', { kind: 'ClusterRole', name: 'write-everything' }, [user('scheduler')])
  .clusterRole('read-everything', [{ apiGroups: ['*'], resources: ['*'], verbs: ['get', 'list', 'watch'] }])
  .clusterRoleBinding('read-everything', 'read-everything', [user('auditor'), user('operator')])
  .clusterRoleBinding('operator-apps', 'apps-anything', [user('operator')])
  .clusterRole('named-wildcard', [
    { apiGroups: [''], resources: ['configmaps'], resourceNames: ['settings'], verbs: ['*'] },
  ])
  .clusterRoleBinding('named-wildcard', 'named-wildcard', [user('configurator')]);

const secrets = cluster('secrets');
secrets.builder
  .clusterRole('secret-lister', [{ apiGroups: [''], resources: ['secrets'], verbs: ['list'] }])
  .clusterRoleBinding('secret-lister', 'secret-lister', [user('lister')])
  .clusterRole('secret-getter', [{ apiGroups: [''], resources: ['secrets'], verbs: ['get'] }])
  .clusterRoleBinding('secret-getter', 'secret-getter', [user('getter')])
  .roleBinding('app', 'secret-lister', { kind: 'ClusterRole', name: 'secret-lister' }, [user('local')])
  .clusterRole('one-secret', [{ apiGroups: [''], resources: ['secrets'], resourceNames: ['tls'], verbs: ['get'] }])
  .clusterRoleBinding('one-secret', 'one-secret', [user('named')])
  .clusterRole('core-reader', [{ apiGroups: [''], resources: ['*'], verbs: ['watch'] }])
  .clusterRoleBinding('core-reader', 'core-reader', [user('watcher')]);

const escalation = cluster('escalation');
escalation.builder
  .role('team', 'role-writer', [
    { apiGroups: ['rbac.authorization.k8s.io'], resources: ['roles'], verbs: ['create', 'escalate'] },
  ])
  .roleBinding('team', 'role-writer', { kind: 'Role', name: 'role-writer' }, [user('escalator')])
  .clusterRole('role-granter', [
    { apiGroups: ['rbac.authorization.k8s.io'], resources: ['clusterroles'], verbs: ['bind'] },
  ])
  .clusterRoleBinding('role-granter', 'role-granter', [user('binder')])
  // The role-grantor example of the RBAC page: bind limited to admin, edit and view.
  .clusterRole('role-grantor', [
    { apiGroups: ['rbac.authorization.k8s.io'], resources: ['rolebindings'], verbs: ['create'] },
    {
      apiGroups: ['rbac.authorization.k8s.io'],
      resources: ['clusterroles'],
      verbs: ['bind'],
      resourceNames: ['admin', 'edit', 'view'],
    },
  ])
  .roleBinding('user-1-namespace', 'role-grantor-binding', { kind: 'ClusterRole', name: 'role-grantor' }, [
    user('user-1'),
  ])
  .clusterRole('impersonator', [
    { apiGroups: [''], resources: ['users', 'groups', 'serviceaccounts'], verbs: ['impersonate'] },
  ])
  .clusterRoleBinding('impersonator', 'impersonator', [group('support')])
  .role('team', 'debugger', [{ apiGroups: [''], resources: ['pods/exec'], verbs: ['create'] }])
  .roleBinding('team', 'debugger', { kind: 'Role', name: 'debugger' }, [user('debugger')])
  .role('team', 'token-minter', [{ apiGroups: [''], resources: ['serviceaccounts/token'], verbs: ['create'] }])
  .roleBinding('team', 'token-minter', { kind: 'Role', name: 'token-minter' }, [serviceAccount('team', 'bot')])
  .clusterRole('rbac-star', [{ apiGroups: ['rbac.authorization.k8s.io'], resources: ['clusterroles'], verbs: ['*'] }])
  .clusterRoleBinding('rbac-star', 'rbac-star', [user('rbac-admin')])
  .clusterRole('pod-reader', [{ apiGroups: [''], resources: ['pods', 'pods/log'], verbs: ['get', 'create'] }])
  .clusterRoleBinding('pod-reader', 'pod-reader', [user('reader')])
  .clusterRole(
    'system:controller:clusterrole-aggregation-controller',
    [
      {
        apiGroups: ['rbac.authorization.k8s.io'],
        resources: ['clusterroles'],
        verbs: ['escalate', 'get', 'list', 'patch', 'update', 'watch'],
      },
    ],
    { labels: bootstrapLabels }
  )
  .clusterRoleBinding(
    'system:controller:clusterrole-aggregation-controller',
    'system:controller:clusterrole-aggregation-controller',
    [serviceAccount('kube-system', 'clusterrole-aggregation-controller')],
    bootstrapLabels
  );

const defaults = cluster('defaults');
defaults.builder
  .serviceAccount('app', 'default')
  .serviceAccount('quiet', 'default', { automountServiceAccountToken: false })
  .serviceAccount('app', 'worker')
  .clusterRole('edit-lite', [{ apiGroups: [''], resources: ['configmaps'], verbs: ['update'] }])
  .roleBinding('app', 'default-edit', { kind: 'ClusterRole', name: 'edit-lite' }, [serviceAccount('app', 'default')])
  .roleBinding('app', 'worker-edit', { kind: 'ClusterRole', name: 'edit-lite' }, [serviceAccount('app', 'worker')])
  .roleBinding(
    'quiet',
    'system:quiet-default',
    { kind: 'ClusterRole', name: 'edit-lite' },
    [serviceAccount('quiet', 'default')],
    bootstrapLabels
  );

const trust = cluster('trust');
trust.builder
  .clusterRole('system:public-info-viewer', [{ nonResourceURLs: ['/healthz', '/version'], verbs: ['get'] }], {
    labels: bootstrapLabels,
  })
  .clusterRoleBinding(
    'system:public-info-viewer',
    'system:public-info-viewer',
    [group('system:authenticated'), group('system:unauthenticated')],
    bootstrapLabels
  )
  .clusterRole('system:discovery', [{ nonResourceURLs: ['/api', '/apis'], verbs: ['get'] }], {
    labels: bootstrapLabels,
  })
  .clusterRoleBinding('system:discovery', 'system:discovery', [group('system:authenticated')], bootstrapLabels)
  .clusterRole('pod-status', [{ apiGroups: [''], resources: ['pods'], verbs: ['list'] }])
  .clusterRoleBinding('anonymous-pods', 'pod-status', [user('system:anonymous')])
  .roleBinding('web', 'unauthenticated-pods', { kind: 'ClusterRole', name: 'pod-status' }, [
    group('system:unauthenticated'),
  ])
  .clusterRoleBinding('everyone-pods', 'pod-status', [group('system:authenticated')])
  .role('web', 'deployer', [{ apiGroups: ['apps'], resources: ['deployments'], verbs: ['update'] }])
  .roleBinding('web', 'ci-deployer', { kind: 'Role', name: 'deployer' }, [
    serviceAccount('ci', 'deployer'),
    serviceAccount('web', 'local'),
    group('system:serviceaccounts:ci'),
    group('system:serviceaccounts:web'),
  ])
  .roleBinding('web', 'all-service-accounts', { kind: 'Role', name: 'deployer' }, [group('system:serviceaccounts')])
  .clusterRoleBinding('ci-cluster-wide', 'pod-status', [serviceAccount('ci', 'deployer')]);

// Two clusters with identities of the same names.
const first = cluster('first');
first.builder.clusterRole('cluster-admin', clusterAdmin).clusterRoleBinding('admins', 'cluster-admin', [user('admin')]);
const second = cluster('second');
second.builder
  .clusterRole('cluster-admin', clusterAdmin)
  .clusterRoleBinding('admins', 'cluster-admin', [user('admin')]);

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
  await loadClusters(db.client, [admins, wildcards, secrets, escalation, defaults, trust, first, second]);
}, 180_000);

afterAll(async () => {
  await db.drop();
});

const summary = (rows: Array<{ identity_arn: string; category: string; severity: string; title: string }>) =>
  rows.map((row) => `${row.category} ${row.severity} ${row.identity_arn}: ${row.title}`);

describe('admin-equivalent', () => {
  test('cluster-admin bindings are admin-equivalent', async () => {
    const rows = await findingsOf(db.client, 'admins', 'admin_equivalent');
    expect(summary(rows)).toEqual([
      'admin_equivalent info Group:system:masters: Allowed every verb on every resource in the cluster',
      'admin_equivalent high Group:team-leads: Allowed every verb on every resource in namespace team',
      'admin_equivalent critical ServiceAccount:ci/deployer: Allowed every verb on every resource in the cluster',
    ]);
    const deployer = rows.find((row) => row.identity_arn === 'ServiceAccount:ci/deployer');
    expect(deployer?.evidence).toMatchObject({ cluster_admin: true, scope_type: 'cluster', scope: 'admins' });
    expect(deployer?.evidence.granted_by).toEqual([
      expect.objectContaining({
        role: 'ClusterRole:cluster-admin',
        binding: 'ClusterRoleBinding:ci-admin',
        via: 'direct',
      }),
    ]);
  });

  // system:masters is bound to cluster-admin by the default binding, which the API server
  // restores at every start (Auto-reconciliation).
  test('built-in masters group stays at info', async () => {
    const [masters] = (await findingsOf(db.client, 'admins', 'admin_equivalent')).filter(
      (row) => row.identity_arn === 'Group:system:masters'
    );
    expect(masters.evidence).toMatchObject({ built_in: true, user_changeable: false });
  });

  test('admins get no other over-privilege findings', async () => {
    const rows = await findingsOf(db.client, 'admins');
    expect(rows.filter((row) => row.category !== 'admin_equivalent' && row.category !== 'compliance')).toEqual([]);
  });
});

describe('wildcards', () => {
  // A "*" verb covers every verb, writes included.
  test('star verb is infrastructure modification', async () => {
    const rows = await findingsOf(db.client, 'wildcards', 'infrastructure_modification');
    expect(summary(rows)).toEqual([
      'infrastructure_modification high Group:deployers: Wildcard verbs or resources (* apps/deployments) across the cluster',
      'infrastructure_modification high User:operator: Wildcard verbs or resources (* apps/deployments) across the cluster',
      'infrastructure_modification medium User:scheduler: Wildcard verbs or resources (create batch/*) in namespace jobs',
    ]);
  });

  test('read-only star resource is data exfiltration', async () => {
    const rows = await findingsOf(db.client, 'wildcards', 'data_exfiltration');
    expect(summary(rows)).toEqual([
      'data_exfiltration high User:auditor: Reads every resource (get */*, list */*, watch */*) across the cluster',
      'data_exfiltration high User:operator: Reads every resource (get */*, list */*, watch */*) across the cluster',
    ]);
  });

  test('writes and reads give two findings', async () => {
    const rows = (await findingsOf(db.client, 'wildcards')).filter(
      (row) => row.identity_arn === 'User:operator' && row.category !== 'credentials_exposure'
    );
    expect(summary(rows)).toEqual([
      'data_exfiltration high User:operator: Reads every resource (get */*, list */*, watch */*) across the cluster',
      'infrastructure_modification high User:operator: Wildcard verbs or resources (* apps/deployments) across the cluster',
    ]);
  });

  test('wildcard on named objects is not reported', async () => {
    const rows = await findingsOf(db.client, 'wildcards');
    expect(rows.filter((row) => row.identity_arn === 'User:configurator')).toEqual([]);
  });
});

describe('secrets across namespaces', () => {
  test('cluster-wide secret reads expose credentials', async () => {
    const rows = await findingsOf(db.client, 'secrets', 'credentials_exposure');
    expect(summary(rows)).toEqual([
      'credentials_exposure high User:getter: Reads secrets in every namespace (get secrets)',
      'credentials_exposure critical User:lister: Reads secrets in every namespace (list secrets)',
      'credentials_exposure critical User:watcher: Reads secrets in every namespace (watch secrets)',
    ]);
  });

  test('namespace and named grants are not reported', async () => {
    const arns = (await findingsOf(db.client, 'secrets')).map((row) => row.identity_arn);
    expect(arns).not.toContain('User:local');
    expect(arns).not.toContain('User:named');
  });
});

describe('privilege escalation', () => {
  test('escalate, bind and impersonate verbs', async () => {
    const rows = (await findingsOf(db.client, 'escalation', 'privilege_escalation')).filter((row) =>
      ['escalate', 'bind', 'impersonate'].includes(row.evidence.method)
    );
    expect(summary(rows)).toEqual([
      'privilege_escalation critical Group:support: Can escalate privileges with impersonation of users, groups or service accounts across the cluster',
      'privilege_escalation info ServiceAccount:kube-system/clusterrole-aggregation-controller: Can escalate privileges with the escalate verb on roles across the cluster',
      'privilege_escalation critical User:binder: Can escalate privileges with the bind verb on roles across the cluster',
      'privilege_escalation high User:escalator: Can escalate privileges with the escalate verb on roles in namespace team',
      'privilege_escalation critical User:rbac-admin: Can escalate privileges with the bind verb on roles across the cluster',
      'privilege_escalation critical User:rbac-admin: Can escalate privileges with the escalate verb on roles across the cluster',
      'privilege_escalation medium User:user-1: Can escalate privileges with the bind verb on roles in namespace user-1-namespace',
    ]);
  });

  test('bind limited to named roles lists them', async () => {
    const [grantor] = (await findingsOf(db.client, 'escalation', 'privilege_escalation')).filter(
      (row) => row.identity_arn === 'User:user-1'
    );
    expect(grantor.evidence).toMatchObject({ method: 'bind', only_named_objects: true });
    expect(grantor.evidence.permissions).toEqual([
      expect.objectContaining({
        permission: 'bind rbac.authorization.k8s.io/clusterroles',
        resource_names: ['admin', 'edit', 'view'],
      }),
    ]);
  });

  test('exec and token creation', async () => {
    const rows = (await findingsOf(db.client, 'escalation', 'privilege_escalation')).filter((row) =>
      ['pods_exec', 'serviceaccount_token'].includes(row.evidence.method)
    );
    expect(summary(rows)).toEqual([
      'privilege_escalation high ServiceAccount:team/bot: Can escalate privileges with service account tokens in namespace team',
      'privilege_escalation high User:debugger: Can escalate privileges with exec into pods in namespace team',
    ]);
  });

  test('create on pods alone is no exec', async () => {
    const arns = (await findingsOf(db.client, 'escalation')).map((row) => row.identity_arn);
    expect(arns).not.toContain('User:reader');
  });
});

describe('default service accounts', () => {
  test('bound default service account is reported', async () => {
    const rows = await findingsOf(db.client, 'defaults', 'privilege_escalation');
    const defaultAccounts = rows.filter((row) => row.evidence.bindings !== undefined);
    expect(summary(defaultAccounts)).toEqual([
      'privilege_escalation medium ServiceAccount:app/default: Default service account has role bindings that every pod of its namespace without a service account receives',
    ]);
    expect(defaultAccounts[0].evidence).toEqual({
      bindings: [
        {
          binding: 'RoleBinding:app/default-edit',
          role: 'ClusterRole:edit-lite',
          scope_type: 'namespace',
          scope: 'app',
        },
      ],
      automount_service_account_token: null,
      service_account_synced: true,
    });
  });
});

describe('trust', () => {
  test('anonymous and unauthenticated bindings are public', async () => {
    const rows = await findingsOf(db.client, 'trust', 'public_trust');
    expect(summary(rows)).toEqual([
      'public_trust high Group:system:authenticated: ClusterRoleBinding:everyone-pods grants ClusterRole:pod-status to every authenticated user',
      'public_trust info Group:system:unauthenticated: ClusterRoleBinding:system:public-info-viewer grants ClusterRole:system:public-info-viewer to unauthenticated requests',
      'public_trust critical Group:system:unauthenticated: RoleBinding:web/unauthenticated-pods grants ClusterRole:pod-status to unauthenticated requests',
      'public_trust critical User:system:anonymous: ClusterRoleBinding:anonymous-pods grants ClusterRole:pod-status to unauthenticated requests',
    ]);
    const builtIn = rows.find((row) => row.severity === 'info');
    expect(builtIn?.evidence).toMatchObject({ default_binding: true, user_changeable: false });
  });

  // A RoleBinding "may also reference" subjects of other namespaces: a service account's namespace
  // is its own ("For the default service account in the kube-system namespace").
  test('service accounts of other namespaces are cross-namespace', async () => {
    const rows = await findingsOf(db.client, 'trust', 'cross_account_trust');
    expect(summary(rows)).toEqual([
      'cross_account_trust high Group:system:serviceaccounts: RoleBinding:web/all-service-accounts grants Role:web/deployer to every service account of the cluster',
      'cross_account_trust medium Group:system:serviceaccounts:ci: RoleBinding:web/ci-deployer grants Role:web/deployer to an identity of namespace ci',
      'cross_account_trust medium ServiceAccount:ci/deployer: RoleBinding:web/ci-deployer grants Role:web/deployer to an identity of namespace ci',
    ]);
    const trusted = await db.client.query(
      "SELECT identity_id, trusted_from, classification FROM ciem.k8s_cross_boundary_trust WHERE account_id = 'trust' AND classification = 'other_namespace' ORDER BY 1"
    );
    expect(trusted.rows).toEqual([
      { identity_id: 'Group:system:serviceaccounts:ci', trusted_from: 'ci', classification: 'other_namespace' },
      { identity_id: 'ServiceAccount:ci/deployer', trusted_from: 'ci', classification: 'other_namespace' },
    ]);
  });
});

describe('findings model', () => {
  test('same identity in two clusters gives two findings', async () => {
    const rows = await db.client.query(
      "SELECT account_id, finding_id FROM ciem.findings WHERE cloud = 'kubernetes' AND identity_arn = 'User:admin' AND category = 'admin_equivalent' ORDER BY 1"
    );
    expect(rows.rows.map((row) => row.account_id)).toEqual(['first', 'second']);
    expect(new Set(rows.rows.map((row) => row.finding_id)).size).toBe(2);
  });

  test('every rule is registered', async () => {
    const rows = await db.client.query(
      "SELECT source_name, relation FROM ciem.finding_sources WHERE relation LIKE 'ciem.k8s%' ORDER BY 1"
    );
    expect(rows.rows).toEqual([
      { source_name: 'cis_kubernetes_v1_9_rbac', relation: 'ciem.k8s_compliance_findings' },
      { source_name: 'k8s_admin_equivalent', relation: 'ciem.k8s_admin_findings' },
      { source_name: 'k8s_default_service_accounts', relation: 'ciem.k8s_default_service_account_findings' },
      { source_name: 'k8s_privilege_escalation', relation: 'ciem.k8s_escalation_findings' },
      { source_name: 'k8s_secret_access', relation: 'ciem.k8s_secret_access_findings' },
      { source_name: 'k8s_trust', relation: 'ciem.k8s_trust_findings' },
      { source_name: 'k8s_wildcards', relation: 'ciem.k8s_wildcard_findings' },
    ]);
  });
});
