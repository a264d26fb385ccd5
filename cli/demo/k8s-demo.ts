import type { Client } from 'pg';

import { parseKubectlList } from '../import/kubectl/parse';
import { writeKubectlList } from '../import/kubectl/write';
import { ClusterBuilder, group, serviceAccount, user, type KubeObject } from './k8s-builders';
import { addKubernetesDefaults } from './k8s-defaults';

/** The kube context of the demo organisation's production cluster. */
export const demoClusterContext = 'acme-prod';

// Namespaces whose default service account the defaults add; payments adds its own below.
const namespaces = ['default', 'kube-system', 'ci', 'monitoring', 'external-secrets'];

/**
 * Builds the demo production cluster: Kubernetes' defaults plus the bindings of a platform that
 * grew without review, so that each Kubernetes finding rule has something to report. Returns
 * the List that `kubectl get roles,clusterroles,rolebindings,clusterrolebindings,serviceaccounts -A -o json` prints.
 */
export function generateKubernetesDemo(): KubeObject {
  const cluster = addKubernetesDefaults(new ClusterBuilder(), namespaces);

  // A CI deployer bound to cluster-admin (admin_equivalent), and an on-call group with
  // cluster-admin inside one namespace.
  cluster
    .serviceAccount('ci', 'deployer')
    .clusterRoleBinding('ci-deployer-admin', 'cluster-admin', [serviceAccount('ci', 'deployer')])
    .roleBinding('payments', 'oncall-admin', { kind: 'ClusterRole', name: 'cluster-admin' }, [
      group('payments-oncall'),
    ]);

  // Wildcards: every verb on every apps and batch resource, and read access to everything.
  cluster
    .clusterRole('platform-operator', [{ apiGroups: ['apps', 'batch'], resources: ['*'], verbs: ['*'] }])
    .clusterRoleBinding('platform-operator', 'platform-operator', [group('platform-team')])
    .clusterRole('read-everything', [{ apiGroups: ['*'], resources: ['*'], verbs: ['get', 'list', 'watch'] }])
    .clusterRoleBinding('auditor-read-everything', 'read-everything', [user('auditor@acme.example')]);

  // A secrets controller that reads secrets in every namespace.
  cluster
    .serviceAccount('external-secrets', 'controller')
    .clusterRole('secret-sync', [
      { apiGroups: [''], resources: ['secrets'], verbs: ['get', 'list', 'watch', 'create', 'update'] },
    ])
    .clusterRoleBinding('external-secrets-sync', 'secret-sync', [serviceAccount('external-secrets', 'controller')]);

  // Public access: pod status for unauthenticated requests, and view for every authenticated user.
  cluster
    .clusterRole('pod-status-reader', [{ apiGroups: [''], resources: ['pods', 'pods/status'], verbs: ['get', 'list'] }])
    .clusterRoleBinding('anonymous-pod-status', 'pod-status-reader', [user('system:anonymous')])
    .clusterRoleBinding('authenticated-view', 'view', [group('system:authenticated')]);

  // Escalation: RBAC managers with escalate and bind, support staff who impersonate, a debugger
  // with exec, and a release bot that mints service account tokens.
  cluster
    .role('payments', 'rbac-manager', [
      {
        apiGroups: ['rbac.authorization.k8s.io'],
        resources: ['roles', 'rolebindings'],
        verbs: ['get', 'list', 'create', 'update', 'bind', 'escalate'],
      },
    ])
    .roleBinding('payments', 'rbac-manager', { kind: 'Role', name: 'rbac-manager' }, [user('bob@acme.example')])
    .clusterRole('support-impersonator', [{ apiGroups: [''], resources: ['users', 'groups'], verbs: ['impersonate'] }])
    .clusterRoleBinding('support-impersonation', 'support-impersonator', [group('support')])
    .role('payments', 'debugger', [
      { apiGroups: [''], resources: ['pods', 'pods/log', 'pods/exec'], verbs: ['get', 'list', 'create'] },
    ])
    .roleBinding('payments', 'debugger', { kind: 'Role', name: 'debugger' }, [user('carol@acme.example')])
    .serviceAccount('ci', 'release-bot')
    .role('ci', 'token-minter', [{ apiGroups: [''], resources: ['serviceaccounts/token'], verbs: ['create'] }])
    .roleBinding('ci', 'token-minter', { kind: 'Role', name: 'token-minter' }, [serviceAccount('ci', 'release-bot')]);

  // A team admin through the aggregated admin role, and a CI bot trusted from another namespace.
  cluster
    .roleBinding('payments', 'alice-admin', { kind: 'ClusterRole', name: 'admin' }, [user('alice@acme.example')])
    .role('payments', 'deployer', [
      { apiGroups: ['apps'], resources: ['deployments'], verbs: ['get', 'list', 'create', 'update', 'patch'] },
    ])
    .roleBinding('payments', 'ci-release', { kind: 'Role', name: 'deployer' }, [serviceAccount('ci', 'release-bot')]);

  // A legacy app runs as the default service account, with edit in its namespace. The payments
  // default service account is locked down as CIS 5.1.5 recommends.
  cluster
    .roleBinding('default', 'legacy-app-edit', { kind: 'ClusterRole', name: 'edit' }, [
      serviceAccount('default', 'default'),
    ])
    .serviceAccount('payments', 'default', { automountServiceAccountToken: false })
    .serviceAccount('monitoring', 'prometheus', { automountServiceAccountToken: true });

  return cluster.build();
}

/** Writes the demo cluster into the Kubernetes tables of sourceSchema, as `openciem import kubectl` would. */
export async function writeKubernetesDemo(client: Client, sourceSchema: string): Promise<void> {
  await writeKubectlList(client, sourceSchema, parseKubectlList(generateKubernetesDemo(), demoClusterContext));
}
