// Words that the Identity page shows for the permissions of Kubernetes, Google Cloud and Azure identities.
import type { CloudDecision, CloudPermission, PermissionGrant } from './cloudPermissions';
import type { LabelColor } from './permissionLabels';

export const CLOUD_DECISION_LABELS: Record<CloudDecision, { text: string; color: LabelColor; tooltip: string }> = {
  allowed: {
    text: 'Allowed',
    color: 'green',
    tooltip: 'A role the identity holds allows it at this scope, and no deny rule in the data removes it.',
  },
  conditional: {
    text: 'Conditional',
    color: 'orange',
    tooltip:
      'Allowed only while an IAM or ABAC condition on the grant holds, or a deny rule with a condition may remove it.',
  },
  denied: {
    text: 'Denied',
    color: 'red',
    tooltip: 'A role grants it, but a Google Cloud deny policy removes it: IAM checks deny policies first.',
  },
};

/** The limits of each cloud's tree, from each cloud's page under docs/. */
export const CLOUD_TREE_NOTES: Record<string, string> = {
  kubernetes:
    'RBAC has no deny rules, so every permission is allowed. Wildcards stay as the roles write them, and groups ' +
    'from the authenticator (OIDC, certificates) are not in the data.',
  gcp:
    'Group membership is not in the data: a group’s permissions are listed on the group, not on its members. ' +
    'Conditions are kept, not evaluated.',
  azure:
    'Wildcard actions stay patterns, NotActions are listed with each permission, and deny assignments and group ' +
    'membership are not in the data.',
};

/** Describes where a permission applies, with its account when the scope does not name it. */
export function describeCloudScope(permission: CloudPermission): string {
  const scope = `${permission.scopeType.replace(/_/g, ' ')} ${permission.scope}`;

  const named = permission.scope === permission.accountId || permission.scope.split('/').includes(permission.accountId);

  return named ? scope : `${scope}, in ${permission.accountId}`;
}

/** Names the roles behind a permission for its row: the first one and how many more. */
export function describeGrantedBy(grants: PermissionGrant[]): string {
  if (grants.length === 0) {
    return 'no grant recorded';
  }

  const [first, ...others] = grants;
  return others.length === 0 ? `by ${first.role}` : `by ${first.role} and ${others.length} more`;
}

/** Describes one grant: the binding or assignment, and the group it came through. */
export function describeGrant(grant: PermissionGrant): string {
  const parts = [grant.grantId ?? 'no binding recorded'];
  if (grant.via === 'group' && grant.subject !== null) {
    parts.push(`through ${grant.subject}`);
  }
  parts.push(...grant.notes);

  return parts.join('; ');
}
