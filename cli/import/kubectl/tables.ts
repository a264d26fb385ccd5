import type { ColumnSpec, TableSpec } from '../cloudquery-schema';

/**
 * The Kubernetes RBAC and service account tables as CloudQuery's Kubernetes source plugin writes
 * them through its PostgreSQL destination. Source: cloudquery/cloudquery plugins/source/k8s/docs/tables
 * at tree 9bcb0bd4c0 (plugin v6.2.4, 2024-08-07), the last open tree. The plugin's primary key is
 * uid. The importer derives `_cq_id` from context and uid, so a cluster imported under two contexts
 * gets two sets of rows.
 */

const text = (name: string): ColumnSpec => ({ name, type: 'text' });
const jsonb = (name: string): ColumnSpec => ({ name, type: 'jsonb' });
const bigint = (name: string): ColumnSpec => ({ name, type: 'bigint' });
const boolean = (name: string): ColumnSpec => ({ name, type: 'boolean' });

/** Columns every table of the plugin has: the context, the type and object metadata. */
const objectColumns: ColumnSpec[] = [
  text('context'),
  text('kind'),
  text('api_version'),
  text('name'),
  text('namespace'),
  text('uid'),
  text('resource_version'),
  bigint('generation'),
  bigint('deletion_grace_period_seconds'),
  jsonb('labels'),
  jsonb('annotations'),
  jsonb('owner_references'),
  { name: 'finalizers', type: 'text[]' },
];

const keyColumns = ['context', 'uid'];

export const kubernetesRbacTables: TableSpec[] = [
  { name: 'k8s_rbac_roles', keyColumns, columns: [...objectColumns, jsonb('rules')] },
  {
    name: 'k8s_rbac_cluster_roles',
    keyColumns,
    columns: [...objectColumns, jsonb('rules'), jsonb('aggregation_rule')],
  },
  { name: 'k8s_rbac_role_bindings', keyColumns, columns: [...objectColumns, jsonb('subjects'), jsonb('role_ref')] },
  {
    name: 'k8s_rbac_cluster_role_bindings',
    keyColumns,
    columns: [...objectColumns, jsonb('subjects'), jsonb('role_ref')],
  },
  {
    name: 'k8s_core_service_accounts',
    keyColumns,
    columns: [
      ...objectColumns,
      jsonb('secrets'),
      jsonb('image_pull_secrets'),
      boolean('automount_service_account_token'),
    ],
  },
];

/** The table of each kind that `kubectl get roles,clusterroles,rolebindings,clusterrolebindings,serviceaccounts` lists. */
export const tableOfKind: Record<string, string> = {
  Role: 'k8s_rbac_roles',
  ClusterRole: 'k8s_rbac_cluster_roles',
  RoleBinding: 'k8s_rbac_role_bindings',
  ClusterRoleBinding: 'k8s_rbac_cluster_role_bindings',
  ServiceAccount: 'k8s_core_service_accounts',
};
