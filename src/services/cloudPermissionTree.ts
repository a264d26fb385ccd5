// The effective-permission tree of a Kubernetes, Google Cloud or Azure identity as a flat list of visible rows: a
// permission group, the permissions of an expanded group, and the grants of an expanded permission. As for AWS
// (permissionTree.ts), the virtualised view draws only the rows on screen.
import type { CloudPermission, CloudPermissionGroup } from './cloudPermissions';
import type { LoadState } from './loadState';

/** The open nodes of the tree and the permissions they loaded. */
export interface CloudTreeState {
  expandedGroups: ReadonlySet<string>;
  groupPermissions: ReadonlyMap<string, LoadState<CloudPermission[]>>;
  /** Keys made by permissionKey. */
  expandedPermissions: ReadonlySet<string>;
}

export type CloudTreeRow =
  | { kind: 'group'; key: string; depth: 1; group: CloudPermissionGroup; expanded: boolean }
  | { kind: 'group-status'; key: string; depth: 2; group: string; state: LoadState<CloudPermission[]> }
  | {
      kind: 'permission';
      key: string;
      depth: 2;
      /** The key of permissionKey, which the expanded set holds. */
      permissionKey: string;
      permission: CloudPermission;
      expanded: boolean;
    }
  | { kind: 'grants'; key: string; depth: 3; permission: CloudPermission };

export const EMPTY_CLOUD_TREE_STATE: CloudTreeState = {
  expandedGroups: new Set(),
  groupPermissions: new Map(),
  expandedPermissions: new Set(),
};

/**
 * Returns the key of the permission at `index` of its group's loaded list. A permission can repeat at one scope (an
 * Azure action through two role assignments), so the position identifies the row. The list is loaded once.
 */
export function permissionKey(group: string, index: number): string {
  return `${group}#${index}`;
}

/** Adds up the counts of every group. */
export function totalGroupCounts(groups: CloudPermissionGroup[]) {
  return groups.reduce(
    (totals, group) => ({
      groups: totals.groups + 1,
      permissions: totals.permissions + group.permissions,
      allowed: totals.allowed + group.allowed,
      conditional: totals.conditional + group.conditional,
      denied: totals.denied + group.denied,
    }),
    { groups: 0, permissions: 0, allowed: 0, conditional: 0, denied: 0 }
  );
}

/** Keeps the groups whose name contains `filter`, case-insensitively. */
export function filterGroups(groups: CloudPermissionGroup[], filter: string): CloudPermissionGroup[] {
  const text = filter.trim().toLowerCase();

  return text === '' ? groups : groups.filter((group) => group.group.toLowerCase().includes(text));
}

/** Returns the rows that the open nodes make visible, in display order. */
export function buildCloudTreeRows(groups: CloudPermissionGroup[], state: CloudTreeState): CloudTreeRow[] {
  const rows: CloudTreeRow[] = [];

  for (const group of groups) {
    const expanded = state.expandedGroups.has(group.group);
    rows.push({ kind: 'group', key: `group:${group.group}`, depth: 1, group, expanded });
    if (expanded) {
      rows.push(...permissionRows(group.group, state));
    }
  }

  return rows;
}

function permissionRows(group: string, state: CloudTreeState): CloudTreeRow[] {
  const loaded = state.groupPermissions.get(group) ?? { status: 'loading' };
  if (loaded.status !== 'done' || loaded.value.length === 0) {
    return [{ kind: 'group-status', key: `status:${group}`, depth: 2, group, state: loaded }];
  }

  const rows: CloudTreeRow[] = [];
  loaded.value.forEach((permission, index) => {
    const key = permissionKey(group, index);
    const expanded = state.expandedPermissions.has(key);
    rows.push({ kind: 'permission', key: `permission:${key}`, depth: 2, permissionKey: key, permission, expanded });
    if (expanded) {
      rows.push({ kind: 'grants', key: `grants:${key}`, depth: 3, permission });
    }
  });

  return rows;
}
