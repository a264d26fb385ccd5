import { useCallback, useState } from 'react';

import type { CloudIdentityScope } from '../../services/cloudIdentityQueries';
import { fetchCloudPermissionNodes } from '../../services/cloudPermissions';
import { EMPTY_CLOUD_TREE_STATE, type CloudTreeState } from '../../services/cloudPermissionTree';
import { settle } from '../../services/loadState';

/** The open nodes of a cloud identity's tree and the callbacks that open and close them. */
export interface CloudPermissionTreeControls {
  state: CloudTreeState;
  /** Opens or closes a group; opening it the first time fetches its permissions. */
  toggleGroup: (group: string) => void;
  /** Fetches the permissions of a group again after a failure. */
  retryGroup: (group: string) => void;
  /** Opens or closes the grants of a permission, which its group already loaded. */
  togglePermission: (permissionKey: string) => void;
}

/**
 * Keeps the open nodes of one identity's tree and fetches a group's permissions when it opens. The caller mounts the
 * tree again (with a new key) for another identity or datasource, so the state never mixes two identities.
 */
export function useCloudPermissionTree(datasourceUid: string, scope: CloudIdentityScope): CloudPermissionTreeControls {
  const [state, setState] = useState<CloudTreeState>(EMPTY_CLOUD_TREE_STATE);

  const loadGroup = useCallback(
    (group: string) => {
      setState((current) => ({ ...current, groupPermissions: withValue(current.groupPermissions, group, LOADING) }));

      settle(fetchCloudPermissionNodes(datasourceUid, scope, group)).then((loaded) => {
        setState((current) => ({ ...current, groupPermissions: withValue(current.groupPermissions, group, loaded) }));
      });
    },
    [datasourceUid, scope]
  );

  const toggleGroup = useCallback(
    (group: string) => {
      const opening = !state.expandedGroups.has(group);
      setState((current) => ({ ...current, expandedGroups: flip(current.expandedGroups, group) }));

      // Loaded permissions stay cached, so closing and opening a group costs no query. A failed load runs again.
      if (opening && state.groupPermissions.get(group)?.status !== 'done') {
        loadGroup(group);
      }
    },
    [loadGroup, state.expandedGroups, state.groupPermissions]
  );

  const togglePermission = useCallback((permissionKey: string) => {
    setState((current) => ({ ...current, expandedPermissions: flip(current.expandedPermissions, permissionKey) }));
  }, []);

  return { state, toggleGroup, retryGroup: loadGroup, togglePermission };
}

const LOADING = { status: 'loading' } as const;

/** Returns a copy of the set with `key` added, or removed when present. */
function flip(set: ReadonlySet<string>, key: string): ReadonlySet<string> {
  const next = new Set(set);
  return next.delete(key) ? next : next.add(key);
}

function withValue<T>(map: ReadonlyMap<string, T>, key: string, value: T): ReadonlyMap<string, T> {
  return new Map(map).set(key, value);
}
