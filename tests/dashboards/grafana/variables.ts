// Resolution of dashboard variables as a Grafana 12 dashboard does it when it opens: each variable in order, query
// variables by running their SQL through the datasource, the saved value kept when it is one of the options.
// Sources (read for this file): grafana/scenes packages/scenes/src/variables/variants/MultiValueVariable.ts
// (getStateUpdateGivenNewOptions and the URL sync that keeps a value given in the URL), CustomVariable.ts, and
// grafana/grafana packages/grafana-sql/src/ResponseParser.ts (transformMetricFindResponse, options unique by text).
import type { Client } from 'pg';

import { variableSql, variablesOf, type Dashboard, type DashboardVariable } from './dashboard-model';
import { expandSqlMacros, type TimeRange } from './sql-macros';
import { interpolateQuery, type ResolvedVariable, type VariableValue } from './template-interpolation';

export const allValue = '$__all';

export interface VariableOption {
  text: string;
  value: string;
}

/** Values given for variables, as a link's var-name=value parameters give them: kept even when not an option. */
export type VariableSelection = Record<string, VariableValue>;

export interface ResolvedDashboardVariables {
  variables: Map<string, ResolvedVariable>;
  /** The options each query and custom variable offered. */
  options: Map<string, VariableOption[]>;
  /** The SQL that each query variable ran, after interpolation and macro expansion. */
  executedSql: Map<string, string>;
}

/** Resolves every variable of a dashboard in order, running the query variables on client. */
export async function resolveVariables(
  client: Client,
  dashboard: Dashboard,
  range: TimeRange,
  selection: VariableSelection = {}
): Promise<ResolvedDashboardVariables> {
  const variables = new Map<string, ResolvedVariable>();
  const options = new Map<string, VariableOption[]>();
  const executedSql = new Map<string, string>();

  for (const variable of variablesOf(dashboard)) {
    if (variable.allValue) {
      // A custom all value is inserted unformatted, so it would bypass the escaping the dashboards rely on.
      throw new Error(`variable ${variable.name} sets allValue, which the dashboards must not use`);
    }

    if (variable.type === 'datasource') {
      const uid = String(selection[variable.name] ?? currentValues(variable)[0] ?? '');
      variables.set(variable.name, {
        name: variable.name,
        type: variable.type,
        multi: false,
        includeAll: false,
        value: uid,
        text: uid,
      });
      continue;
    }

    let variableOptions: VariableOption[];
    if (variable.type === 'query') {
      const sql = variableQuerySql(variable, variables, range);
      executedSql.set(variable.name, sql);
      variableOptions = metricFindOptions(await client.query({ text: sql, rowMode: 'array' }));
    } else if (variable.type === 'custom') {
      variableOptions = customOptions(String(variable.query ?? ''));
    } else {
      throw new Error(
        `variable ${variable.name} has type ${variable.type}, which the dashboard emulation does not resolve`
      );
    }

    options.set(variable.name, variableOptions);
    variables.set(variable.name, chooseValue(variable, variableOptions, selection[variable.name]));
  }

  return { variables, options, executedSql };
}

/** Builds the SQL a query variable sends: interpolated with the variables before it, then macro-expanded. */
export function variableQuerySql(
  variable: DashboardVariable,
  resolved: ReadonlyMap<string, ResolvedVariable>,
  range: TimeRange
): string {
  const sql = variableSql(variable);
  if (sql === undefined) {
    throw new Error(`query variable ${variable.name} has no SQL`);
  }
  if (sql.includes('$__searchFilter')) {
    throw new Error(`variable ${variable.name} uses $__searchFilter, which the dashboard emulation does not provide`);
  }
  return expandSqlMacros(interpolateQuery(sql, resolved), range);
}

// transformMetricFindResponse: __text and __value columns give text and value; otherwise the first column gives both.
function metricFindOptions(result: { fields: Array<{ name: string }>; rows: unknown[][] }): VariableOption[] {
  const names = result.fields.map((field) => field.name);
  const textIndex = names.indexOf('__text');
  const valueIndex = names.indexOf('__value');
  const [textAt, valueAt] = textIndex >= 0 && valueIndex >= 0 ? [textIndex, valueIndex] : [0, 0];

  const options: VariableOption[] = [];
  const seenTexts = new Set<string>();
  for (const row of result.rows) {
    const option = { text: String(row[textAt]), value: String(row[valueAt]) };
    // lodash uniqBy(values, 'text') keeps the first option of each text.
    if (!seenTexts.has(option.text)) {
      seenTexts.add(option.text);
      options.push(option);
    }
  }
  return options;
}

// CustomVariable: comma-separated, "\," for a comma inside a value, "text : value" for a pair.
function customOptions(query: string): VariableOption[] {
  return (query.match(/(?:\\,|[^,])+/g) ?? []).map((item) => {
    const text = item.replace(/\\,/g, ',');
    const pair = /^\s*(.+)\s:\s(.+)$/.exec(text);
    return pair ? { text: pair[1].trim(), value: pair[2].trim() } : { text: text.trim(), value: text.trim() };
  });
}

function currentValues(variable: DashboardVariable): string[] {
  const value = variable.current?.value;
  if (value === undefined || value === null) {
    return [];
  }
  return (Array.isArray(value) ? value : [value]).map(String);
}

function chooseValue(
  variable: DashboardVariable,
  options: VariableOption[],
  fromUrl: VariableValue | undefined
): ResolvedVariable {
  const multi = variable.multi === true;
  const includeAll = variable.includeAll === true;
  const resolved = (value: VariableValue | typeof allValue, text: VariableValue): ResolvedVariable => ({
    name: variable.name,
    type: variable.type,
    multi,
    includeAll,
    value: value === allValue ? options.map((option) => option.value) : value,
    text: value === allValue ? 'All' : text,
  });
  const textOf = (value: string) => options.find((option) => option.value === value)?.text ?? value;

  // A value from the URL survives the first validation even when it is not an option.
  if (fromUrl !== undefined) {
    const values = Array.isArray(fromUrl) ? fromUrl : [fromUrl];
    if (values[0] === allValue && includeAll) {
      return resolved(allValue, 'All');
    }
    return multi ? resolved(values, values.map(textOf)) : resolved(values[0], textOf(values[0]));
  }

  const saved = currentValues(variable);
  if (options.length === 0) {
    if (includeAll) {
      return resolved(allValue, 'All');
    }
    return multi ? resolved([], []) : resolved('', '');
  }
  if (saved[0] === allValue) {
    return includeAll ? resolved(allValue, 'All') : firstOption(options, multi, resolved);
  }

  if (multi) {
    const valid = saved.filter((value) => options.some((option) => option.value === value));
    return valid.length > 0 ? resolved(valid, valid.map(textOf)) : firstOption(options, multi, resolved);
  }

  const match =
    options.find((option) => option.value === saved[0]) ??
    options.find((option) => option.text === String(variable.current?.text));
  return match ? resolved(match.value, match.text) : firstOption(options, multi, resolved);
}

function firstOption(
  options: VariableOption[],
  multi: boolean,
  resolved: (value: VariableValue, text: VariableValue) => ResolvedVariable
): ResolvedVariable {
  const [first] = options;
  return multi ? resolved([first.value], [first.text]) : resolved(first.value, first.text);
}
