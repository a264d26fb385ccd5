import { bootstrapLabels, group, serviceAccount, type ClusterBuilder, type PolicyRule } from './k8s-builders';

const read = ['get', 'list', 'watch'];
const write = ['create', 'delete', 'deletecollection', 'patch', 'update'];

const aggregateTo = (...roles: string[]): Record<string, string> => ({
  ...bootstrapLabels,
  ...Object.fromEntries(roles.map((role) => [`rbac.authorization.k8s.io/aggregate-to-${role}`, 'true'])),
});

// A shortened copy of Kubernetes' bootstrap policy (plugin/pkg/auth/authorizer/rbac/bootstrappolicy
// in kubernetes/kubernetes): the rules the user-facing roles receive through aggregation.
const viewRules: PolicyRule[] = [
  {
    apiGroups: [''],
    resources: ['configmaps', 'endpoints', 'persistentvolumeclaims', 'pods', 'pods/log', 'services'],
    verbs: read,
  },
  { apiGroups: ['apps'], resources: ['deployments', 'replicasets', 'statefulsets', 'daemonsets'], verbs: read },
  { apiGroups: ['batch'], resources: ['cronjobs', 'jobs'], verbs: read },
];

const editRules: PolicyRule[] = [
  { apiGroups: [''], resources: ['serviceaccounts'], verbs: ['impersonate'] },
  { apiGroups: [''], resources: ['pods', 'pods/attach', 'pods/exec', 'pods/portforward', 'pods/proxy'], verbs: write },
  {
    apiGroups: [''],
    resources: ['configmaps', 'endpoints', 'persistentvolumeclaims', 'secrets', 'services', 'serviceaccounts'],
    verbs: write,
  },
  { apiGroups: [''], resources: ['serviceaccounts/token'], verbs: ['create'] },
  {
    apiGroups: ['apps'],
    resources: ['deployments', 'deployments/scale', 'replicasets', 'statefulsets', 'daemonsets'],
    verbs: write,
  },
  { apiGroups: ['batch'], resources: ['cronjobs', 'jobs'], verbs: write },
];

const adminRules: PolicyRule[] = [
  { apiGroups: ['rbac.authorization.k8s.io'], resources: ['rolebindings', 'roles'], verbs: [...read, ...write] },
  { apiGroups: ['authorization.k8s.io'], resources: ['localsubjectaccessreviews'], verbs: ['create'] },
];

/**
 * Adds the default ClusterRoles, ClusterRoleBindings and service accounts that every cluster has,
 * as an API server creates them (labelled kubernetes.io/bootstrapping=rbac-defaults). The
 * aggregated roles admin, edit and view carry empty rules, as in a manifest before the
 * clusterrole-aggregation controller fills them.
 */
export function addKubernetesDefaults(cluster: ClusterBuilder, namespaces: string[]): ClusterBuilder {
  cluster
    .clusterRole(
      'cluster-admin',
      [
        { apiGroups: ['*'], resources: ['*'], verbs: ['*'] },
        { nonResourceURLs: ['*'], verbs: ['*'] },
      ],
      { labels: bootstrapLabels }
    )
    .clusterRoleBinding('cluster-admin', 'cluster-admin', [group('system:masters')], bootstrapLabels);

  for (const [name, aggregatesFrom] of [
    ['admin', 'admin'],
    ['edit', 'edit'],
    ['view', 'view'],
  ]) {
    cluster.clusterRole(name, [], {
      labels: bootstrapLabels,
      aggregationRule: {
        clusterRoleSelectors: [
          { matchLabels: { [`rbac.authorization.k8s.io/aggregate-to-${aggregatesFrom}`]: 'true' } },
        ],
      },
    });
  }
  cluster
    .clusterRole('system:aggregate-to-admin', adminRules, { labels: aggregateTo('admin') })
    .clusterRole('system:aggregate-to-edit', editRules, { labels: aggregateTo('admin', 'edit') })
    .clusterRole('system:aggregate-to-view', viewRules, { labels: aggregateTo('admin', 'edit', 'view') });

  cluster
    .clusterRole(
      'system:public-info-viewer',
      [{ nonResourceURLs: ['/healthz', '/livez', '/readyz', '/version', '/version/'], verbs: ['get'] }],
      { labels: bootstrapLabels }
    )
    .clusterRoleBinding(
      'system:public-info-viewer',
      'system:public-info-viewer',
      [group('system:authenticated'), group('system:unauthenticated')],
      bootstrapLabels
    )
    .clusterRole(
      'system:discovery',
      [
        {
          nonResourceURLs: [
            '/api',
            '/api/*',
            '/apis',
            '/apis/*',
            '/healthz',
            '/openapi',
            '/openapi/*',
            '/version',
            '/version/',
          ],
          verbs: ['get'],
        },
      ],
      { labels: bootstrapLabels }
    )
    .clusterRoleBinding('system:discovery', 'system:discovery', [group('system:authenticated')], bootstrapLabels)
    .clusterRole(
      'system:basic-user',
      [
        {
          apiGroups: ['authorization.k8s.io'],
          resources: ['selfsubjectaccessreviews', 'selfsubjectrulesreviews'],
          verbs: ['create'],
        },
      ],
      { labels: bootstrapLabels }
    )
    .clusterRoleBinding('system:basic-user', 'system:basic-user', [group('system:authenticated')], bootstrapLabels);

  // The controller that fills aggregated roles needs escalate on clusterroles.
  cluster
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
    )
    .serviceAccount('kube-system', 'clusterrole-aggregation-controller');

  for (const namespace of namespaces) {
    cluster.serviceAccount(namespace, 'default');
  }
  return cluster;
}
