// The effective-permission tree of the Identity page as a flat list of visible rows: a service, its access levels, the
// actions of an expanded level, and the statements of an expanded action. The list is what the virtualised view draws,
// so only the rows on screen reach the DOM however many actions the identity has.
import type { LoadState } from './loadState';
import { ACCESS_LEVELS } from './permissionQueries';
import type { ActionDecision, Explanation, PermissionSummaryRow } from './permissions';

/** Action counts of one access level of a service. */
export interface LevelSummary {
  accessLevel: string;
  allowed: number;
  conditional: number;
  denied: number;
  unused: number;
}

/** A service with the counts of its access levels, riskiest level first. */
export interface ServiceSummary extends Omit<LevelSummary, 'accessLevel'> {
  service: string;
  serviceName: string | null;
  levels: LevelSummary[];
  serviceUsage: string | null;
  serviceLastUsedAt: number | null;
}

/** The open nodes of the tree and the data they loaded. */
export interface TreeState {
  expandedServices: ReadonlySet<string>;
  /** Keys made by levelKey. */
  expandedLevels: ReadonlySet<string>;
  levelActions: ReadonlyMap<string, LoadState<ActionDecision[]>>;
  expandedActions: ReadonlySet<string>;
  explanations: ReadonlyMap<string, LoadState<Explanation>>;
}

export type TreeRow =
  | { kind: 'service'; key: string; depth: 1; service: ServiceSummary; expanded: boolean }
  | { kind: 'level'; key: string; depth: 2; service: string; level: LevelSummary; expanded: boolean }
  | {
      kind: 'level-status';
      key: string;
      depth: 3;
      service: string;
      accessLevel: string;
      state: LoadState<ActionDecision[]>;
    }
  | { kind: 'action'; key: string; depth: 3; action: ActionDecision; expanded: boolean }
  | { kind: 'explanation'; key: string; depth: 4; action: string; state: LoadState<Explanation> };

export const EMPTY_TREE_STATE: TreeState = {
  expandedServices: new Set(),
  expandedLevels: new Set(),
  levelActions: new Map(),
  expandedActions: new Set(),
  explanations: new Map(),
};

export function levelKey(service: string, accessLevel: string): string {
  return `${service}/${accessLevel}`;
}

/** Groups the summary rows by service, in service order, with the levels of each service riskiest first. */
export function groupByService(rows: PermissionSummaryRow[]): ServiceSummary[] {
  const services = new Map<string, ServiceSummary>();

  for (const row of rows) {
    let summary = services.get(row.service);
    if (summary === undefined) {
      summary = {
        service: row.service,
        serviceName: row.serviceName,
        levels: [],
        allowed: 0,
        conditional: 0,
        denied: 0,
        unused: 0,
        serviceUsage: row.serviceUsage,
        serviceLastUsedAt: row.serviceLastUsedAt,
      };
      services.set(row.service, summary);
    }

    summary.levels.push({
      accessLevel: row.accessLevel,
      allowed: row.allowed,
      conditional: row.conditional,
      denied: row.denied,
      unused: row.unused,
    });
    summary.allowed += row.allowed;
    summary.conditional += row.conditional;
    summary.denied += row.denied;
    summary.unused += row.unused;
  }

  for (const summary of services.values()) {
    summary.levels.sort((a, b) => levelRank(a.accessLevel) - levelRank(b.accessLevel));
  }

  return [...services.values()].sort((a, b) => a.service.localeCompare(b.service));
}

/** Adds up the counts of every service. */
export function totalCounts(services: ServiceSummary[]): Omit<LevelSummary, 'accessLevel'> & { services: number } {
  return services.reduce(
    (totals, service) => ({
      services: totals.services + 1,
      allowed: totals.allowed + service.allowed,
      conditional: totals.conditional + service.conditional,
      denied: totals.denied + service.denied,
      unused: totals.unused + service.unused,
    }),
    { services: 0, allowed: 0, conditional: 0, denied: 0, unused: 0 }
  );
}

/** Keeps the services whose prefix or name contains `filter`, case-insensitively. */
export function filterServices(services: ServiceSummary[], filter: string): ServiceSummary[] {
  const text = filter.trim().toLowerCase();
  if (text === '') {
    return services;
  }

  return services.filter(
    (service) =>
      service.service.toLowerCase().includes(text) || (service.serviceName ?? '').toLowerCase().includes(text)
  );
}

/** Returns the rows that the open nodes make visible, in display order. */
export function buildTreeRows(services: ServiceSummary[], state: TreeState): TreeRow[] {
  const rows: TreeRow[] = [];

  for (const service of services) {
    const serviceExpanded = state.expandedServices.has(service.service);
    rows.push({ kind: 'service', key: `service:${service.service}`, depth: 1, service, expanded: serviceExpanded });
    if (!serviceExpanded) {
      continue;
    }

    for (const level of service.levels) {
      const key = levelKey(service.service, level.accessLevel);
      const levelExpanded = state.expandedLevels.has(key);
      rows.push({
        kind: 'level',
        key: `level:${key}`,
        depth: 2,
        service: service.service,
        level,
        expanded: levelExpanded,
      });
      if (levelExpanded) {
        rows.push(...actionRows(service.service, level.accessLevel, state));
      }
    }
  }

  return rows;
}

function actionRows(service: string, accessLevel: string, state: TreeState): TreeRow[] {
  const key = levelKey(service, accessLevel);
  const loaded = state.levelActions.get(key) ?? { status: 'loading' };
  if (loaded.status !== 'done' || loaded.value.length === 0) {
    return [{ kind: 'level-status', key: `status:${key}`, depth: 3, service, accessLevel, state: loaded }];
  }

  const rows: TreeRow[] = [];
  for (const action of loaded.value) {
    const expanded = state.expandedActions.has(action.action);
    rows.push({ kind: 'action', key: `action:${action.action}`, depth: 3, action, expanded });
    if (expanded) {
      rows.push({
        kind: 'explanation',
        key: `explanation:${action.action}`,
        depth: 4,
        action: action.action,
        state: state.explanations.get(action.action) ?? { status: 'loading' },
      });
    }
  }

  return rows;
}

function levelRank(accessLevel: string): number {
  const rank = ACCESS_LEVELS.findIndex((level) => level === accessLevel);

  return rank === -1 ? ACCESS_LEVELS.length : rank;
}
