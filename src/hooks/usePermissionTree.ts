import { useCallback, useState } from 'react';

import type { AccessLevel } from '../services/permissionQueries';
import { fetchExplanation, fetchNodeActions } from '../services/permissions';
import { settle } from '../services/loadState';
import { EMPTY_TREE_STATE, levelKey, type TreeState } from '../services/permissionTree';

/** The tree's open nodes and the callbacks that open and close them. */
export interface PermissionTreeControls {
  state: TreeState;
  toggleService: (service: string) => void;
  /** Opens or closes a level; opening it the first time fetches its actions. */
  toggleLevel: (service: string, accessLevel: AccessLevel) => void;
  /** Opens or closes an action; opening it the first time fetches its statements from ciem.explain. */
  toggleAction: (action: string) => void;
  /** Fetches the actions of a level again after a failure. */
  retryLevel: (service: string, accessLevel: AccessLevel) => void;
}

/**
 * Keeps the open nodes of one identity's permission tree and fetches what a node needs when it opens. The caller mounts
 * the tree again (with a new key) for another identity or datasource, so the state never mixes two identities.
 */
export function usePermissionTree(datasourceUid: string, identityArn: string): PermissionTreeControls {
  const [state, setState] = useState<TreeState>(EMPTY_TREE_STATE);

  const loadLevel = useCallback(
    (service: string, accessLevel: AccessLevel) => {
      const key = levelKey(service, accessLevel);
      setState((current) => ({
        ...current,
        levelActions: withEntry(current.levelActions, key, { status: 'loading' }),
      }));

      settle(fetchNodeActions(datasourceUid, identityArn, service, accessLevel)).then((loaded) => {
        setState((current) => ({ ...current, levelActions: withEntry(current.levelActions, key, loaded) }));
      });
    },
    [datasourceUid, identityArn]
  );

  const toggleService = useCallback((service: string) => {
    setState((current) => ({ ...current, expandedServices: toggled(current.expandedServices, service) }));
  }, []);

  const toggleLevel = useCallback(
    (service: string, accessLevel: AccessLevel) => {
      const key = levelKey(service, accessLevel);
      const opening = !state.expandedLevels.has(key);
      setState((current) => ({ ...current, expandedLevels: toggled(current.expandedLevels, key) }));

      // Loaded actions stay cached, so closing and opening a level costs no query. A failed load runs again.
      if (opening && state.levelActions.get(key)?.status !== 'done') {
        loadLevel(service, accessLevel);
      }
    },
    [loadLevel, state.expandedLevels, state.levelActions]
  );

  const toggleAction = useCallback(
    (action: string) => {
      const opening = !state.expandedActions.has(action);
      setState((current) => ({ ...current, expandedActions: toggled(current.expandedActions, action) }));
      const cached = state.explanations.get(action);
      if (!opening || (cached !== undefined && cached.status !== 'failed')) {
        return;
      }

      setState((current) => ({
        ...current,
        explanations: withEntry(current.explanations, action, { status: 'loading' }),
      }));
      settle(fetchExplanation(datasourceUid, identityArn, action)).then((loaded) => {
        setState((current) => ({ ...current, explanations: withEntry(current.explanations, action, loaded) }));
      });
    },
    [datasourceUid, identityArn, state.expandedActions, state.explanations]
  );

  return { state, toggleService, toggleLevel, toggleAction, retryLevel: loadLevel };
}

function toggled(set: ReadonlySet<string>, key: string): ReadonlySet<string> {
  const next = new Set(set);
  if (next.has(key)) {
    next.delete(key);
  } else {
    next.add(key);
  }

  return next;
}

function withEntry<T>(map: ReadonlyMap<string, T>, key: string, value: T): ReadonlyMap<string, T> {
  const next = new Map(map);
  next.set(key, value);

  return next;
}
