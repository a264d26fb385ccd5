import { parseKubectlList } from '../cli/import/kubectl/parse';
import type { KubeObject } from '../cli/demo/k8s-builders';
import { generateCluster, planClusters } from './kubernetes-clusters';

const itemsOf = (list: KubeObject) => list.items as KubeObject[];
const kinds = (list: KubeObject, kind: string) => itemsOf(list).filter((item) => item.kind === kind);

describe('planClusters', () => {
  test('splits every identity over clusters', () => {
    const plans = planClusters(2_000, 1);
    expect(plans).toHaveLength(4);
    expect(plans.reduce((sum, plan) => sum + plan.identities, 0)).toBe(2_000);
  });

  test('gives small scales two clusters', () => {
    expect(planClusters(40, 1)).toHaveLength(2);
  });
});

describe('generateCluster', () => {
  const plan = planClusters(1_000, 5)[0];
  const cluster = generateCluster(5, plan);

  test('is deterministic for one seed', () => {
    expect(JSON.stringify(generateCluster(5, plan).list)).toBe(JSON.stringify(cluster.list));
  });

  test('writes a List the importer accepts without warnings', () => {
    const parsed = parseKubectlList(cluster.list, cluster.context);
    expect(parsed.warnings).toEqual([]);
    expect(parsed.rows.get('k8s_rbac_role_bindings')).toHaveLength(cluster.counts.roleBindings);
  });

  test('creates the planned identities', () => {
    expect(cluster.identityIds).toHaveLength(plan.identities);
    expect(cluster.counts.serviceAccounts + cluster.counts.users + cluster.counts.groups).toBe(plan.identities);
  });

  test('counts the defaults among identity ids', () => {
    // Kubernetes' own subjects (system:masters, system:authenticated, default service accounts) come on top.
    expect(cluster.counts.identityIds).toBeGreaterThan(plan.identities);
  });

  test('grants cluster-admin to someone besides system:masters', () => {
    const admins = kinds(cluster.list, 'ClusterRoleBinding').filter(
      (binding) => (binding.roleRef as { name: string }).name === 'cluster-admin'
    );
    expect(admins.length).toBeGreaterThan(1);
  });

  test('extends aggregated roles with custom ClusterRoles', () => {
    const aggregating = kinds(cluster.list, 'ClusterRole').filter(
      (role) =>
        Object.keys((role.metadata as { labels?: Record<string, string> }).labels ?? {}).some(
          (label) =>
            label === 'rbac.authorization.k8s.io/aggregate-to-edit' ||
            label === 'rbac.authorization.k8s.io/aggregate-to-view'
        ) && !(role.metadata as { name: string }).name.startsWith('system:')
    );
    expect(aggregating.length).toBeGreaterThan(0);
  });

  test('binds service accounts of other namespaces', () => {
    const crossing = kinds(cluster.list, 'RoleBinding').filter((binding) =>
      (binding.subjects as Array<{ kind: string; namespace?: string }>).some(
        (subject) =>
          subject.kind === 'ServiceAccount' &&
          subject.namespace !== (binding.metadata as { namespace: string }).namespace
      )
    );
    expect(crossing.length).toBeGreaterThan(0);
  });

  test('binds some default service accounts', () => {
    const bound = kinds(cluster.list, 'RoleBinding').filter((binding) =>
      (binding.subjects as Array<{ kind: string; name: string }>).some(
        (subject) => subject.kind === 'ServiceAccount' && subject.name === 'default'
      )
    );
    expect(bound.length).toBeGreaterThan(0);
  });

  test('limits some rules to resource names', () => {
    const limited = kinds(cluster.list, 'Role').filter((role) =>
      (role.rules as Array<{ resourceNames?: string[] }>).some((rule) => (rule.resourceNames ?? []).length > 0)
    );
    expect(limited.length).toBeGreaterThan(0);
  });
});
