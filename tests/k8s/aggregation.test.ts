import { user } from '../../cli/demo/k8s-builders';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { cluster, loadClusters, permissionsOf } from './fixture';

// Aggregated ClusterRoles ("Using RBAC Authorization", Aggregated ClusterRoles,
// https://kubernetes.io/docs/reference/access-authn-authz/rbac/#aggregated-clusterroles): "The
// permissions of aggregated ClusterRoles are controller-managed, and filled in by unioning the
// rules of any ClusterRole that matches the provided label selector." The controller
// (kubernetes/kubernetes pkg/controller/clusterroleaggregation) skips the aggregated role itself
// and lists the others with each selector built by metav1.LabelSelectorAsSelector.

// The example of the RBAC page: "monitoring" aggregates the roles labelled
// rbac.example.com/aggregate-to-monitoring: "true".
const monitoringLabels = { 'rbac.example.com/aggregate-to-monitoring': 'true' };
const aggregationRule = { clusterRoleSelectors: [{ matchLabels: monitoringLabels }] };
const endpointRules = [
  { apiGroups: [''], resources: ['services', 'endpoints', 'pods'], verbs: ['get', 'list', 'watch'] },
];

const monitoring = cluster('monitoring');
monitoring.builder
  .clusterRole('monitoring', [], { aggregationRule })
  .clusterRole('monitoring-endpoints', endpointRules, { labels: monitoringLabels })
  .clusterRole('unrelated', [{ apiGroups: [''], resources: ['secrets'], verbs: ['get'] }], {
    labels: { 'rbac.example.com/aggregate-to-monitoring': 'false' },
  })
  .clusterRoleBinding('monitoring', 'monitoring', [user('grafana')]);

// The same aggregated role as a live cluster stores it: the controller already wrote the union
// into rules, which CloudQuery and kubectl read back from the API server.
const live = cluster('live');
live.builder
  .clusterRole('monitoring', endpointRules, { aggregationRule })
  .clusterRole('monitoring-endpoints', endpointRules, { labels: monitoringLabels })
  .clusterRoleBinding('monitoring', 'monitoring', [user('grafana')]);

const selectors = cluster('selectors');
selectors.builder
  .clusterRole('picked', [], {
    labels: { tier: 'picked' },
    aggregationRule: {
      clusterRoleSelectors: [
        {
          matchExpressions: [
            { key: 'team', operator: 'In', values: ['blue', 'green'] },
            { key: 'legacy', operator: 'DoesNotExist' },
          ],
        },
        {
          matchExpressions: [
            { key: 'extra', operator: 'Exists' },
            { key: 'env', operator: 'NotIn', values: ['prod'] },
          ],
        },
        // The role's own label: the controller never aggregates a role into itself.
        { matchLabels: { tier: 'picked' } },
      ],
    },
  })
  .clusterRole('blue', [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get'] }], { labels: { team: 'blue' } })
  .clusterRole('blue-legacy', [{ apiGroups: [''], resources: ['secrets'], verbs: ['get'] }], {
    labels: { team: 'blue', legacy: 'yes' },
  })
  .clusterRole('red', [{ apiGroups: [''], resources: ['nodes'], verbs: ['get'] }], { labels: { team: 'red' } })
  .clusterRole('extra-dev', [{ apiGroups: [''], resources: ['services'], verbs: ['get'] }], {
    labels: { extra: 'x', env: 'dev' },
  })
  .clusterRole('extra-unlabelled-env', [{ apiGroups: [''], resources: ['endpoints'], verbs: ['get'] }], {
    labels: { extra: 'x' },
  })
  .clusterRole('extra-prod', [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }], {
    labels: { extra: 'x', env: 'prod' },
  })
  .clusterRoleBinding('picked', 'picked', [user('picker')]);

const chain = cluster('chain');
chain.builder
  .clusterRole('top', [], { aggregationRule: { clusterRoleSelectors: [{ matchLabels: { 'aggregate-to': 'top' } }] } })
  .clusterRole('middle', [], {
    labels: { 'aggregate-to': 'top' },
    aggregationRule: { clusterRoleSelectors: [{ matchLabels: { 'aggregate-to': 'middle' } }] },
  })
  .clusterRole('bottom', [{ apiGroups: ['batch'], resources: ['jobs'], verbs: ['create'] }], {
    labels: { 'aggregate-to': 'middle' },
  })
  .clusterRole('everything', [], { aggregationRule: { clusterRoleSelectors: [{}] } })
  .clusterRoleBinding('top', 'top', [user('chief')])
  .clusterRoleBinding('everything', 'everything', [user('collector')]);

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
  await loadClusters(db.client, [monitoring, live, selectors, chain]);
}, 180_000);

afterAll(async () => {
  await db.drop();
});

const permissionNames = async (context: string, identity: string) =>
  (await permissionsOf(db.client, context, identity)).map((row) => row.permission);

test('aggregated role receives selected rules', async () => {
  expect(await permissionNames('monitoring', 'User:grafana')).toEqual([
    'get endpoints',
    'get pods',
    'get services',
    'list endpoints',
    'list pods',
    'list services',
    'watch endpoints',
    'watch pods',
    'watch services',
  ]);
  const rules = await db.client.query(
    "SELECT stored, aggregated_from FROM ciem.k8s_role_rules WHERE account_id = 'monitoring' AND role_id = 'ClusterRole:monitoring'"
  );
  expect(rules.rows).toEqual([{ stored: false, aggregated_from: ['monitoring-endpoints'] }]);
});

test('stored aggregated rules count once', async () => {
  expect(await permissionNames('live', 'User:grafana')).toEqual(await permissionNames('monitoring', 'User:grafana'));
  const rules = await db.client.query(
    "SELECT stored, aggregated_from FROM ciem.k8s_role_rules WHERE account_id = 'live' AND role_id = 'ClusterRole:monitoring'"
  );
  expect(rules.rows).toEqual([{ stored: true, aggregated_from: ['monitoring-endpoints'] }]);
});

// matchExpressions operators In, NotIn, Exists and DoesNotExist (metav1.LabelSelectorRequirement):
// NotIn also selects objects without the key. Selectors of the list are alternatives.
test('selector expressions pick roles', async () => {
  const aggregated = await db.client.query(
    "SELECT selected_role FROM ciem.k8s_cluster_role_aggregation WHERE account_id = 'selectors' ORDER BY 1"
  );
  expect(aggregated.rows.map((row) => row.selected_role)).toEqual(['blue', 'extra-dev', 'extra-unlabelled-env']);
  expect(await permissionNames('selectors', 'User:picker')).toEqual([
    'get configmaps',
    'get endpoints',
    'get services',
  ]);
});

test('aggregation follows aggregated roles', async () => {
  expect(await permissionNames('chain', 'User:chief')).toEqual(['create batch/jobs']);
  const aggregated = await db.client.query(
    "SELECT selected_role, chain FROM ciem.k8s_cluster_role_aggregation WHERE account_id = 'chain' AND aggregated_role = 'top' ORDER BY 1"
  );
  expect(aggregated.rows).toEqual([
    { selected_role: 'bottom', chain: ['top', 'middle', 'bottom'] },
    { selected_role: 'middle', chain: ['top', 'middle'] },
  ]);
});

// LabelSelectorAsSelector turns a selector without matchLabels and matchExpressions into
// labels.Everything(): it selects every other ClusterRole.
test('empty selector selects every role', async () => {
  const aggregated = await db.client.query(
    "SELECT selected_role FROM ciem.k8s_cluster_role_aggregation WHERE account_id = 'chain' AND aggregated_role = 'everything' ORDER BY 1"
  );
  expect(aggregated.rows.map((row) => row.selected_role)).toEqual(['bottom', 'middle', 'top']);
  expect(await permissionNames('chain', 'User:collector')).toEqual(['create batch/jobs']);
});
