import {
  ClusterBuilder,
  group,
  serviceAccount,
  user,
  type KubeObject,
  type PolicyRule,
  type Subject,
} from '../cli/demo/k8s-builders';
import { addKubernetesDefaults } from '../cli/demo/k8s-defaults';
import { unevenAccountSizes } from './cloud-mix';
import { teams } from './customer-policies';
import { Random, ZipfSampler } from './random';

// Shape of the clusters. The numbers are estimates of a platform that runs many teams on shared
// clusters, not measured statistics.
const identitiesPerCluster = 500;
const minimumClusters = 2;
const identitiesPerNamespace = 25;
const serviceAccountFraction = 0.6;
const userFraction = 0.25;
const identitiesPerCustomClusterRole = 40;
const clusterWideBindingFraction = 0.04;
const clusterAdminFraction = 0.005;
const crossNamespaceFraction = 0.05;
const noAutomountFraction = 0.3;
const defaultServiceAccountBindingFraction = 0.1;

export interface ClusterPlan {
  index: number;
  context: string;
  /** Service accounts, users and groups the generator creates, besides Kubernetes' defaults. */
  identities: number;
}

export interface ClusterCounts {
  namespaces: number;
  serviceAccounts: number;
  users: number;
  groups: number;
  roles: number;
  clusterRoles: number;
  roleBindings: number;
  clusterRoleBindings: number;
  /** Distinct identity ids of the List as ciem.k8s_identities derives them: service accounts and binding subjects. */
  identityIds: number;
}

export interface GeneratedCluster {
  context: string;
  /** The List that `kubectl get roles,clusterroles,rolebindings,clusterrolebindings,serviceaccounts -A -o json` prints. */
  list: KubeObject;
  counts: ClusterCounts;
  /** Identity ids (User:, Group:, ServiceAccount:) the generator created, for choosing what to read. */
  identityIds: string[];
}

/** Splits Kubernetes identities over clusters of uneven size: one cluster per 500 identities, at least two. */
export function planClusters(identities: number, seed: number): ClusterPlan[] {
  const random = new Random(seed).fork('kubernetes plan');
  const sizes = unevenAccountSizes(identities, identitiesPerCluster, minimumClusters, random);
  return sizes.map((size, index) => ({
    index,
    context: `bench-k8s-${String(index + 1).padStart(2, '0')}`,
    identities: size,
  }));
}

// Rules of namespace Roles, each a job a team gives its workloads and people.
const namespaceRoles: Record<string, PolicyRule[]> = {
  deployer: [
    {
      apiGroups: ['apps'],
      resources: ['deployments', 'statefulsets'],
      verbs: ['get', 'list', 'create', 'update', 'patch'],
    },
    { apiGroups: [''], resources: ['configmaps', 'services'], verbs: ['get', 'list', 'create', 'update'] },
  ],
  reader: [{ apiGroups: ['', 'apps', 'batch'], resources: ['*'], verbs: ['get', 'list', 'watch'] }],
  'secret-reader': [{ apiGroups: [''], resources: ['secrets'], verbs: ['get', 'list'] }],
  debugger: [{ apiGroups: [''], resources: ['pods', 'pods/log', 'pods/exec'], verbs: ['get', 'list', 'create'] }],
  'job-runner': [{ apiGroups: ['batch'], resources: ['jobs', 'cronjobs'], verbs: ['*'] }],
  'config-owner': [
    {
      apiGroups: [''],
      resources: ['configmaps'],
      resourceNames: ['app-config', 'feature-flags'],
      verbs: ['get', 'update', 'patch'],
    },
  ],
};

// Rules that custom ClusterRoles draw from: wildcards, sensitive resources, escalation verbs and
// non-resource URLs, as operators, controllers and CI systems ask for them.
const clusterRuleChoices: PolicyRule[][] = [
  [{ apiGroups: ['apps', 'batch'], resources: ['*'], verbs: ['*'] }],
  [{ apiGroups: ['*'], resources: ['*'], verbs: ['get', 'list', 'watch'] }],
  [{ apiGroups: [''], resources: ['secrets'], verbs: ['get', 'list', 'watch'] }],
  [{ apiGroups: [''], resources: ['pods', 'pods/exec', 'pods/attach'], verbs: ['get', 'create'] }],
  [
    {
      apiGroups: ['rbac.authorization.k8s.io'],
      resources: ['roles', 'rolebindings'],
      verbs: ['get', 'list', 'bind', 'escalate'],
    },
  ],
  [{ apiGroups: [''], resources: ['users', 'groups', 'serviceaccounts'], verbs: ['impersonate'] }],
  [{ apiGroups: [''], resources: ['serviceaccounts/token'], verbs: ['create'] }],
  [
    {
      apiGroups: ['networking.k8s.io'],
      resources: ['ingresses', 'networkpolicies'],
      verbs: ['get', 'list', 'create', 'update', 'delete'],
    },
  ],
  [{ apiGroups: [''], resources: ['nodes', 'nodes/proxy'], verbs: ['get', 'list'] }],
  [{ nonResourceURLs: ['/metrics', '/debug/*'], verbs: ['get'] }],
  [
    {
      apiGroups: ['admissionregistration.k8s.io'],
      resources: ['validatingwebhookconfigurations', 'mutatingwebhookconfigurations'],
      verbs: ['*'],
    },
  ],
  [
    {
      apiGroups: ['cert-manager.io'],
      resources: ['certificates', 'issuers'],
      verbs: ['get', 'list', 'watch', 'create', 'update'],
    },
  ],
];

/**
 * Generates one cluster: Kubernetes' default roles, bindings and service accounts, then the
 * teams' namespaces with service accounts, users and groups bound to namespace Roles, to the
 * aggregated admin, edit and view ClusterRoles, and to custom ClusterRoles. A few bindings give
 * cluster-admin, reach another namespace's service account, bind a namespace's default service
 * account, or grant every authenticated user.
 */
export function generateCluster(seed: number, plan: ClusterPlan): GeneratedCluster {
  const random = new Random(seed).fork(`cluster-${plan.index}`);
  const namespaceCount = Math.max(2, Math.ceil(plan.identities / identitiesPerNamespace));
  const namespaces = Array.from(
    { length: namespaceCount },
    (_, index) => `${teams[index % teams.length]}-${String(index).padStart(3, '0')}`
  );
  const cluster = addKubernetesDefaults(new ClusterBuilder(), ['default', 'kube-system', ...namespaces]);

  const customRoles = Array.from(
    { length: Math.max(3, Math.ceil(plan.identities / identitiesPerCustomClusterRole)) },
    (_, index) => {
      const name = `${random.pick(teams)}-operator-${String(index).padStart(3, '0')}`;
      const rules = random.sample(clusterRuleChoices, random.integer(1, 3)).flat();
      // One custom role in five extends the aggregated roles, as CRD operators do.
      const aggregate = random.chance(0.2) ? random.pick(['view', 'edit']) : undefined;
      cluster.clusterRole(name, rules, {
        labels: aggregate ? { [`rbac.authorization.k8s.io/aggregate-to-${aggregate}`]: 'true' } : undefined,
      });
      return name;
    }
  );
  const customSampler = new ZipfSampler(customRoles.length, 1.0);
  for (const namespace of namespaces) {
    for (const [name, rules] of Object.entries(namespaceRoles)) {
      cluster.role(namespace, name, rules);
    }
  }

  const counts: ClusterCounts = {
    namespaces: namespaceCount + 2,
    serviceAccounts: 0,
    users: 0,
    groups: 0,
    roles: namespaceCount * Object.keys(namespaceRoles).length,
    clusterRoles: customRoles.length,
    roleBindings: 0,
    clusterRoleBindings: 0,
    identityIds: 0,
  };
  const identityIds: string[] = [];
  const serviceAccountCount = Math.round(plan.identities * serviceAccountFraction);
  const userCount = Math.round(plan.identities * userFraction);
  const groupCount = plan.identities - serviceAccountCount - userCount;
  let bindingNumber = 0;
  const bindingName = (prefix: string) => `${prefix}-${String(bindingNumber++).padStart(6, '0')}`;

  // 55 % of namespace grants use the namespace's Roles, the rest view, edit, admin or a custom ClusterRole.
  const drawRoleRef = (): { kind: 'Role' | 'ClusterRole'; name: string } => {
    const draw = random.next();
    if (draw < 0.55) {
      return { kind: 'Role', name: random.pick(Object.keys(namespaceRoles)) };
    }
    if (draw < 0.75) {
      return { kind: 'ClusterRole', name: 'view' };
    }
    if (draw < 0.92) {
      return { kind: 'ClusterRole', name: 'edit' };
    }
    if (draw < 0.97) {
      return { kind: 'ClusterRole', name: 'admin' };
    }
    return { kind: 'ClusterRole', name: customRoles[customSampler.draw(random)] };
  };

  const bind = (subject: Subject, home: string) => {
    if (random.chance(clusterAdminFraction)) {
      cluster.clusterRoleBinding(bindingName('admin'), 'cluster-admin', [subject]);
      counts.clusterRoleBindings += 1;
    } else if (random.chance(clusterWideBindingFraction)) {
      cluster.clusterRoleBinding(bindingName('cluster'), customRoles[customSampler.draw(random)], [subject]);
      counts.clusterRoleBindings += 1;
    }
    const bindings = random.integer(1, 2);
    for (let index = 0; index < bindings; index++) {
      // Most grants are in the subject's own namespace; a few reach another team's.
      const namespace = random.chance(crossNamespaceFraction) ? random.pick(namespaces) : home;
      const roleRef = drawRoleRef();
      cluster.roleBinding(namespace, bindingName(roleRef.name), roleRef, [subject]);
      counts.roleBindings += 1;
    }
  };

  for (let index = 0; index < serviceAccountCount; index++) {
    const namespace = namespaces[index % namespaceCount];
    const name = `svc-${String(index).padStart(5, '0')}`;
    cluster.serviceAccount(
      namespace,
      name,
      random.chance(noAutomountFraction) ? { automountServiceAccountToken: false } : {}
    );
    identityIds.push(`ServiceAccount:${namespace}/${name}`);
    bind(serviceAccount(namespace, name), namespace);
  }
  for (let index = 0; index < userCount; index++) {
    const namespace = namespaces[index % namespaceCount];
    const name = `${namespace.split('-')[0]}.user${String(index).padStart(5, '0')}@bench.example`;
    identityIds.push(`User:${name}`);
    bind(user(name), namespace);
  }
  for (let index = 0; index < groupCount; index++) {
    const namespace = namespaces[index % namespaceCount];
    const name = `${namespace}-devs-${String(index).padStart(4, '0')}`;
    identityIds.push(`Group:${name}`);
    bind(group(name), namespace);
  }
  counts.serviceAccounts = serviceAccountCount;
  counts.users = userCount;
  counts.groups = groupCount;

  // Legacy workloads running as their namespace's default service account with edit, and one
  // grant to every authenticated user: both are findings a real cluster tends to have.
  for (const namespace of namespaces) {
    if (random.chance(defaultServiceAccountBindingFraction)) {
      cluster.roleBinding(namespace, bindingName('legacy-edit'), { kind: 'ClusterRole', name: 'edit' }, [
        serviceAccount(namespace, 'default'),
      ]);
      counts.roleBindings += 1;
    }
  }
  cluster.clusterRoleBinding('authenticated-view', 'view', [group('system:authenticated')]);
  counts.clusterRoleBindings += 1;

  const list = cluster.build();
  counts.identityIds = countIdentityIds(list);
  return { context: plan.context, list, counts, identityIds };
}

/**
 * Counts the distinct identity ids of a List the way ciem.k8s_identities derives them: every
 * service account, and every User, Group and ServiceAccount subject of a binding.
 */
export function countIdentityIds(list: KubeObject): number {
  const ids = new Set<string>();
  for (const item of list.items as KubeObject[]) {
    const metadata = item.metadata as { name: string; namespace?: string };
    if (item.kind === 'ServiceAccount') {
      ids.add(`ServiceAccount:${metadata.namespace}/${metadata.name}`);
    }
    for (const subject of (item.subjects as Subject[] | undefined) ?? []) {
      ids.add(
        subject.kind === 'ServiceAccount'
          ? `ServiceAccount:${subject.namespace ?? metadata.namespace}/${subject.name}`
          : `${subject.kind}:${subject.name}`
      );
    }
  }
  return ids.size;
}
