// The parts of Grafana dashboard JSON that the dashboard tests and the dashboard benchmark read, and the
// dashboard files of the repository.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

import { packageRoot } from '../../../cli/package-root';

// packageRoot finds the folder both from the TypeScript under jest and from the benchmark compiled into lib/.
export const dashboardsDir = path.join(packageRoot(), 'dashboards');

export interface DatasourceRef {
  type?: string;
  uid?: string;
}

export interface DashboardTarget {
  refId?: string;
  datasource?: DatasourceRef;
  format?: string;
  rawSql?: string;
  rawQuery?: boolean;
  editorMode?: string;
}

export interface DataLink {
  title?: string;
  url?: string;
}

export interface FieldOverride {
  matcher: { id: string; options?: unknown };
  properties: Array<{ id: string; value?: unknown }>;
}

export interface DashboardPanel {
  id?: number;
  type: string;
  title?: string;
  datasource?: DatasourceRef;
  targets?: DashboardTarget[];
  fieldConfig?: { defaults?: { links?: DataLink[] }; overrides?: FieldOverride[] };
  options?: Record<string, unknown>;
  transformations?: Array<{ id: string; options?: Record<string, unknown> }>;
  panels?: DashboardPanel[];
}

export interface DashboardVariable {
  name: string;
  type: string;
  label?: string;
  query?: unknown;
  definition?: string;
  datasource?: DatasourceRef;
  current?: { text?: unknown; value?: unknown };
  multi?: boolean;
  includeAll?: boolean;
  allValue?: string | null;
}

export interface Dashboard {
  id: unknown;
  uid: string;
  title: string;
  revision: number;
  version?: number;
  time?: { from: string; to: string };
  templating?: { list?: DashboardVariable[] };
  panels?: DashboardPanel[];
}

export interface DashboardFile {
  /** File name in dashboards/, such as overview.json. */
  file: string;
  dashboard: Dashboard;
}

/** Reads every dashboard JSON file of dashboards/, in file name order. */
export function readDashboardFiles(directory: string = dashboardsDir): DashboardFile[] {
  return readdirSync(directory)
    .filter((file) => file.endsWith('.json'))
    .sort()
    .map((file) => ({ file, dashboard: JSON.parse(readFileSync(path.join(directory, file), 'utf8')) as Dashboard }));
}

/** Returns the panels of a dashboard, those nested in rows included, and no row panels. */
export function allPanels(panels: DashboardPanel[] = []): DashboardPanel[] {
  return panels.flatMap((panel) => [...(panel.type === 'row' ? [] : [panel]), ...allPanels(panel.panels)]);
}

export function variablesOf(dashboard: Dashboard): DashboardVariable[] {
  return dashboard.templating?.list ?? [];
}

/** Returns the SQL of a query variable: the query string, or the query field of a query object. */
export function variableSql(variable: DashboardVariable): string | undefined {
  if (typeof variable.query === 'string') {
    return variable.query;
  }
  if (typeof variable.query === 'object' && variable.query !== null) {
    const query =
      (variable.query as { query?: unknown; rawSql?: unknown }).query ??
      (variable.query as { rawSql?: unknown }).rawSql;
    return typeof query === 'string' ? query : undefined;
  }
  return undefined;
}
