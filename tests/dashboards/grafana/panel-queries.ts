// The SQL that each panel of a dashboard sends, built as Grafana builds it (template interpolation in the browser,
// macro expansion in the datasource), and run as the datasource runs it: one simple-protocol query per target.
import type { Client, FieldDef } from 'pg';

import { allPanels, type DashboardFile, type DashboardPanel, type DashboardTarget } from './dashboard-model';
import { expandSqlMacros, type TimeRange } from './sql-macros';
import { interpolateQuery, type ResolvedVariable } from './template-interpolation';

export interface PanelQuery {
  file: string;
  panel: DashboardPanel;
  target: DashboardTarget;
  /** The rawSql of the target, before interpolation. */
  template: string;
  /** "file / panel id and title / refId", for messages. */
  label: string;
}

export interface QueryOutcome {
  fields: FieldDef[];
  rows: Array<Record<string, unknown>>;
}

/** Lists every SQL target of every panel of a dashboard. */
export function panelQueries({ file, dashboard }: DashboardFile): PanelQuery[] {
  return allPanels(dashboard.panels).flatMap((panel) =>
    (panel.targets ?? [])
      .filter((target) => typeof target.rawSql === 'string')
      .map((target) => ({
        file,
        panel,
        target,
        template: target.rawSql as string,
        label: `${file} / panel ${panel.id} ${panel.title ?? ''} / ${target.refId ?? 'A'}`,
      }))
  );
}

/** Builds the SQL that reaches PostgreSQL for a panel target. */
export function panelSql(
  query: PanelQuery,
  variables: ReadonlyMap<string, ResolvedVariable>,
  range: TimeRange
): string {
  return expandSqlMacros(interpolateQuery(query.template, variables), range);
}

/**
 * Runs SQL as the datasource does: the simple query protocol, which would run several statements, so a result per
 * statement is an error here.
 */
export async function runPanelSql(client: Client, sql: string): Promise<QueryOutcome> {
  const result: unknown = await client.query(sql);
  if (Array.isArray(result)) {
    throw new Error(`the SQL ran ${result.length} statements; a panel query must be one`);
  }
  const { fields, rows } = result as { fields: FieldDef[]; rows: Array<Record<string, unknown>> };
  return { fields, rows };
}

// PostgreSQL type OIDs (pg_type) that the datasource reads as numbers, text or time.
const numericTypes = new Set([20, 21, 23, 700, 701, 1700]);
const textTypes = new Set([19, 25, 1042, 1043]);
const timeTypes = new Set([1082, 1114, 1184]);

export function isNumericField(field: FieldDef): boolean {
  return numericTypes.has(field.dataTypeID);
}

export function isTextField(field: FieldDef): boolean {
  return textTypes.has(field.dataTypeID);
}

export function isTimeField(field: FieldDef): boolean {
  return timeTypes.has(field.dataTypeID);
}
