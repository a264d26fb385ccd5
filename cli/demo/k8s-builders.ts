import { v5 as uuidV5 } from 'uuid';

/** A PolicyRule of rbac.authorization.k8s.io/v1. */
export interface PolicyRule {
  verbs: string[];
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
  nonResourceURLs?: string[];
}

/** A binding subject of rbac.authorization.k8s.io/v1. */
export interface Subject {
  kind: 'User' | 'Group' | 'ServiceAccount';
  name: string;
  namespace?: string;
  apiGroup?: string;
}

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: Array<{ key: string; operator: string; values?: string[] }>;
}

export type KubeObject = Record<string, unknown>;

const rbacApiGroup = 'rbac.authorization.k8s.io';
const rbacApiVersion = `${rbacApiGroup}/v1`;

// Fixed namespace so that a builder gives the same uids on every run.
const uidNamespace = '5d8e9a52-7c0c-4b7a-93a4-0a6f0e7e2c11';

export const user = (name: string): Subject => ({ kind: 'User', apiGroup: rbacApiGroup, name });
export const group = (name: string): Subject => ({ kind: 'Group', apiGroup: rbacApiGroup, name });
export const serviceAccount = (namespace: string, name: string): Subject => ({
  kind: 'ServiceAccount',
  name,
  namespace,
});

/** The label Kubernetes puts on its default roles and bindings. */
export const bootstrapLabels = { 'kubernetes.io/bootstrapping': 'rbac-defaults' };

/**
 * Collects the RBAC objects and service accounts of one cluster and writes them as the List that
 * `kubectl get roles,clusterroles,rolebindings,clusterrolebindings,serviceaccounts -A -o json` prints.
 */
export class ClusterBuilder {
  private readonly items: KubeObject[] = [];

  role(namespace: string, name: string, rules: PolicyRule[], labels?: Record<string, string>): this {
    this.items.push({
      apiVersion: rbacApiVersion,
      kind: 'Role',
      metadata: this.metadata('Role', name, namespace, labels),
      rules,
    });
    return this;
  }

  clusterRole(
    name: string,
    rules: PolicyRule[],
    options: { labels?: Record<string, string>; aggregationRule?: { clusterRoleSelectors: LabelSelector[] } } = {}
  ): this {
    const item: KubeObject = {
      apiVersion: rbacApiVersion,
      kind: 'ClusterRole',
      metadata: this.metadata('ClusterRole', name, undefined, options.labels),
      rules,
    };
    if (options.aggregationRule) {
      item.aggregationRule = options.aggregationRule;
    }
    this.items.push(item);
    return this;
  }

  roleBinding(
    namespace: string,
    name: string,
    roleRef: { kind: 'Role' | 'ClusterRole'; name: string },
    subjects: Subject[],
    labels?: Record<string, string>
  ): this {
    this.items.push({
      apiVersion: rbacApiVersion,
      kind: 'RoleBinding',
      metadata: this.metadata('RoleBinding', name, namespace, labels),
      roleRef: { apiGroup: rbacApiGroup, ...roleRef },
      subjects,
    });
    return this;
  }

  clusterRoleBinding(name: string, clusterRole: string, subjects: Subject[], labels?: Record<string, string>): this {
    this.items.push({
      apiVersion: rbacApiVersion,
      kind: 'ClusterRoleBinding',
      metadata: this.metadata('ClusterRoleBinding', name, undefined, labels),
      roleRef: { apiGroup: rbacApiGroup, kind: 'ClusterRole', name: clusterRole },
      subjects,
    });
    return this;
  }

  serviceAccount(namespace: string, name: string, options: { automountServiceAccountToken?: boolean } = {}): this {
    const item: KubeObject = {
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: this.metadata('ServiceAccount', name, namespace),
    };
    if (options.automountServiceAccountToken !== undefined) {
      item.automountServiceAccountToken = options.automountServiceAccountToken;
    }
    this.items.push(item);
    return this;
  }

  /** Adds any object as it is, for inputs the other methods cannot express. */
  raw(item: KubeObject): this {
    this.items.push(item);
    return this;
  }

  build(): KubeObject {
    return { apiVersion: 'v1', kind: 'List', items: this.items, metadata: { resourceVersion: '' } };
  }

  private metadata(kind: string, name: string, namespace?: string, labels?: Record<string, string>): KubeObject {
    const metadata: KubeObject = {
      name,
      uid: uuidV5(`${kind}/${namespace ?? ''}/${name}`, uidNamespace),
      resourceVersion: '1',
    };
    if (namespace !== undefined) {
      metadata.namespace = namespace;
    }
    if (labels) {
      metadata.labels = labels;
    }
    return metadata;
  }
}
