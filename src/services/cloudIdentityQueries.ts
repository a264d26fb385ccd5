// SQL of the Identity page for Kubernetes, Google Cloud and Azure identities: the identity's rows, its grants, and its
// effective-permission tree over the functions of migration 0031. Every value is quoted with quoteLiteral, because
// Grafana's /api/ds/query takes raw SQL without bind parameters, and the ids contain '/', ':' and '@'.
import { quoteLiteral } from './queries';

/** The identity whose grants and permissions the page reads. */
export interface CloudIdentityScope {
  /** kubernetes, gcp or azure; the 0031 functions raise for any other value. */
  cloud: string;
  identityId: string;
  /** The Kubernetes cluster; null for a Google Cloud member or Azure principal, which are read in every account. */
  accountId: string | null;
}

/** Builds the query for the rows of ciem.identities with this id: of one cloud, or of every cloud when cloud is null. */
export function buildIdentityRowsQuery(identityId: string, cloud: string | null): string {
  const conditions = [`identity_id = ${quoteLiteral(identityId)}`];
  if (cloud !== null) {
    conditions.push(`cloud = ${quoteLiteral(cloud)}`);
  }

  return [
    'SELECT cloud, account_id, identity_id, identity_type, display_name, path, created_at, last_used_at,',
    '  permissions_boundary_arn, is_service_linked',
    'FROM ciem.identities',
    `WHERE ${conditions.join(' AND ')}`,
    'ORDER BY cloud, account_id',
  ].join('\n');
}

/** Builds the query for the roles and policies the identity holds, each at its scope, from ciem.identity_grants. */
export function buildIdentityGrantsQuery(scope: CloudIdentityScope): string {
  return [
    'SELECT account_id, role_id, role_name, scope_type, scope, via, condition::text AS condition, is_conditional,',
    '  grant_id',
    'FROM ciem.identity_grants',
    `WHERE ${scopeConditions(scope)}`,
    'ORDER BY account_id, scope, role_name, grant_id',
  ].join('\n');
}

/** Builds the query for the first level of the tree: permission counts per group. */
export function buildCloudPermissionSummaryQuery(scope: CloudIdentityScope): string {
  return [
    'SELECT permission_group, permissions, allowed, conditional, denied, scopes',
    `FROM ciem.cloud_permission_summary(${functionArguments(scope)})`,
    'ORDER BY lower(permission_group)',
  ].join('\n');
}

/** Builds the query for the permissions of one group, the second level of the tree. */
export function buildCloudPermissionNodesQuery(scope: CloudIdentityScope, permissionGroup: string): string {
  // jsonb travels as text, so the result does not depend on how the datasource encodes it.
  return [
    'SELECT permission, account_id, scope_type, scope, decision, granted_by::text AS granted_by, detail::text AS detail',
    `FROM ciem.cloud_permission_nodes(${functionArguments(scope, permissionGroup)})`,
    'ORDER BY permission, account_id, scope_type, scope, granted_by',
  ].join('\n');
}

/** Returns the arguments of the 0031 functions: cloud, identity, then `middle` (the group), then the account. */
function functionArguments({ cloud, identityId, accountId }: CloudIdentityScope, ...middle: string[]): string {
  const account = accountId === null ? 'NULL' : quoteLiteral(accountId);

  return [cloud, identityId, ...middle].map(quoteLiteral).concat(account).join(', ');
}

function scopeConditions({ cloud, identityId, accountId }: CloudIdentityScope): string {
  const conditions = [`cloud = ${quoteLiteral(cloud)}`, `identity_id = ${quoteLiteral(identityId)}`];
  if (accountId !== null) {
    conditions.push(`account_id = ${quoteLiteral(accountId)}`);
  }

  return conditions.join(' AND ');
}
