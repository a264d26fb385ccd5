// Hostile variable values cannot leave the SQL string literal they are interpolated into. Every variable reference of
// the dashboards' SQL is '${name:percentencode}' inside ciem.variable_value(...) or ciem.variable_values(...); for
// each reference and hostile value, the query that Grafana would send must behave exactly like the same query with
// the value passed as a bind parameter, which PostgreSQL never parses as SQL.
import type { Client } from 'pg';

import { readDashboardFiles, variableSql, variablesOf, type DashboardFile } from './grafana/dashboard-model';
import { panelQueries, runPanelSql } from './grafana/panel-queries';
import { expandSqlMacros, type TimeRange } from './grafana/sql-macros';
import { formatValue, interpolateQuery, variableUsages, type ResolvedVariable } from './grafana/template-interpolation';
import { resolveVariables } from './grafana/variables';
import { defaultTimeRange, useDashboardDatabase } from './support';

const hostileValues = [
  "'",
  "''",
  "x' OR '1'='1",
  "'; DROP VIEW ciem.identities; --",
  '"',
  'a"b',
  '\\',
  "\\'",
  "\\' OR true --",
  'ends with a backslash\\',
  '$$',
  '$$; SELECT 1; $$',
  '$1',
  '$__timeFrom()',
  "$__timeFilter(x) OR '1'='1",
  '$__unixEpochFrom()',
  '$__interval',
  '${account}',
  '$account',
  '[[account]]',
  'line\nbreak',
  'carriage\rreturn',
  'tab\tand\vvertical',
  '%',
  '%27',
  '%zz',
  '{a,b}',
  'a,b',
  '',
  ' leading and trailing ',
  'ünïcødé ☃ 🔐',
  '\u202Eright-to-left override',
  '\uFF07 fullwidth apostrophe \uFF07',
  'zero\u200Bwidth',
  'arn:aws:iam::111122223333:role/path/$weird(role)',
  'x'.repeat(5000) + "'",
];

const dashboards = readDashboardFiles();

const database = useDashboardDatabase({ realExports: false });

interface SqlSource {
  label: string;
  template: string;
}

/** Lists every SQL of a dashboard: its query variables and its panel targets. */
function sqlSources(dashboardFile: DashboardFile): SqlSource[] {
  const variableQueries = variablesOf(dashboardFile.dashboard)
    .filter((variable) => variable.type === 'query')
    .map((variable) => ({
      label: `${dashboardFile.file} / variable ${variable.name}`,
      template: variableSql(variable) ?? '',
    }));
  const panels = panelQueries(dashboardFile).map((query) => ({ label: query.label, template: query.template }));
  return [...variableQueries, ...panels];
}

function dashboardVariableNames(dashboardFile: DashboardFile): Set<string> {
  return new Set(variablesOf(dashboardFile.dashboard).map((variable) => variable.name));
}

/** Sets a hostile value as the only value of a single-value variable, or as the first of a multi-value one. */
function withHostileValue(variable: ResolvedVariable, hostile: string): ResolvedVariable {
  if (!variable.multi && !variable.includeAll) {
    return { ...variable, value: hostile, text: hostile };
  }
  const others = Array.isArray(variable.value) ? variable.value : [variable.value];
  return { ...variable, value: [hostile, ...others], text: [hostile, ...others] };
}

type Outcome = { rows: string } | { error: string };

/** Runs both forms of a query in one read-only transaction, so that now() is the same for both. */
async function runBoth(
  client: Client,
  interpolated: string,
  parameterised: string,
  parameter: string
): Promise<[Outcome, Outcome]> {
  const attempt = async (name: string, run: () => Promise<{ rows: unknown[] }>): Promise<Outcome> => {
    await client.query(`SAVEPOINT ${name}`);
    try {
      const result = await run();
      await client.query(`RELEASE SAVEPOINT ${name}`);
      return { rows: JSON.stringify(result.rows) };
    } catch (error) {
      await client.query(`ROLLBACK TO SAVEPOINT ${name}`);
      return { error: (error as Error).message };
    }
  };

  await client.query('BEGIN READ ONLY');
  try {
    const first = await attempt('interpolated', () => runPanelSql(client, interpolated));
    const second = await attempt('parameterised', () => client.query(parameterised, [parameter]));
    return [first, second];
  } finally {
    await client.query('ROLLBACK');
  }
}

describe.each(dashboards)('$file', (dashboardFile) => {
  const names = dashboardVariableNames(dashboardFile);

  // The hostile values below reach a variable only through the SQL that names it, so an unnamed one goes untested.
  test('names the cloud variable and every other variable in its SQL', () => {
    const used = new Set(
      sqlSources(dashboardFile).flatMap((source) => variableUsages(source.template).map((usage) => usage.name))
    );
    const declared = variablesOf(dashboardFile.dashboard)
      .filter((variable) => variable.type !== 'datasource')
      .map((variable) => variable.name);

    expect(declared).toContain('cloud');
    expect(declared.filter((name) => !used.has(name))).toEqual([]);
  });

  test.each(sqlSources(dashboardFile).map((source) => [source.label, source] as const))(
    '%s names variables only as percent-encoded literals',
    (_label, source) => {
      const problems: string[] = [];
      for (const usage of variableUsages(source.template)) {
        if (!names.has(usage.name)) {
          // Only the datasource's macros may remain; the emulation rejects those it does not expand.
          if (!usage.name.startsWith('__')) {
            problems.push(`${usage.match} names no variable of the dashboard`);
          }
          continue;
        }
        const before = source.template.slice(0, usage.index);
        const after = source.template.slice(usage.index + usage.match.length);
        const multi =
          variablesOf(dashboardFile.dashboard).find((variable) => variable.name === usage.name)?.multi === true;
        const decoder = multi ? "ciem.variable_values('" : "ciem.variable_value('";
        if (usage.match !== `\${${usage.name}:percentencode}` || !before.endsWith(decoder) || !after.startsWith("')")) {
          problems.push(`${usage.match} is not written as ${decoder}\${${usage.name}:percentencode}')`);
        }
      }
      expect(problems).toEqual([]);
    }
  );

  test.each(sqlSources(dashboardFile).map((source) => [source.label, source] as const))(
    '%s keeps hostile values in one literal',
    async (_label, source) => {
      const range: TimeRange = defaultTimeRange(dashboardFile.dashboard);
      const { variables } = await resolveVariables(database().reader, dashboardFile.dashboard, range);
      const used = [...new Set(variableUsages(source.template).map((usage) => usage.name))].filter((name) =>
        names.has(name)
      );

      const differences: string[] = [];
      for (const name of used) {
        const placeholder = `'\${${name}:percentencode}'`;
        for (const hostile of hostileValues) {
          const hostileVariables = new Map(variables);
          const variable = withHostileValue(variables.get(name) as ResolvedVariable, hostile);
          hostileVariables.set(name, variable);

          const interpolated = expandSqlMacros(interpolateQuery(source.template, hostileVariables), range);
          const parameterised = expandSqlMacros(
            interpolateQuery(source.template.split(placeholder).join('$1'), variables),
            range
          );
          const [sent, bound] = await runBoth(
            database().reader,
            interpolated,
            parameterised,
            formatValue(variable, 'percentencode')
          );

          if (JSON.stringify(sent) !== JSON.stringify(bound)) {
            differences.push(
              `${name} = ${JSON.stringify(hostile)}: sent ${JSON.stringify(sent)}, bound ${JSON.stringify(bound)}`
            );
          }
        }
      }
      expect(differences).toEqual([]);
    },
    120_000
  );
});

describe('percent-encoded literals', () => {
  const single: ResolvedVariable = {
    name: 'identity',
    type: 'query',
    multi: false,
    includeAll: false,
    value: '',
    text: '',
  };
  const multi: ResolvedVariable = {
    name: 'account',
    type: 'query',
    multi: true,
    includeAll: true,
    value: [],
    text: [],
  };

  test.each(hostileValues.map((value) => [JSON.stringify(value).slice(0, 60), value] as const))(
    'decode back to %s',
    async (_shown, hostile) => {
      const variables = new Map([
        ['identity', { ...single, value: hostile }],
        ['account', { ...multi, value: [hostile, '111122223333'] }],
      ]);
      const sql = interpolateQuery(
        "SELECT ciem.variable_value('${identity:percentencode}') AS one, ciem.variable_values('${account:percentencode}') AS many",
        variables
      );

      const result = await database().reader.query<{ one: string; many: string[] }>(sql);

      // Grafana joins a multi-value selection with commas, so a comma inside a value splits it.
      expect(result.rows).toEqual([{ one: hostile, many: [...hostile.split(','), '111122223333'] }]);
    }
  );

  test('NUL is rejected with an error', async () => {
    const variables = new Map([['identity', { ...single, value: 'a\u0000b' }]]);
    const sql = interpolateQuery("SELECT ciem.variable_value('${identity:percentencode}')", variables);

    await expect(database().reader.query(sql)).rejects.toThrow(/invalid byte sequence/);
  });

  test('text that is not percent-encoded is rejected', async () => {
    await expect(database().reader.query("SELECT ciem.variable_value('%2')")).rejects.toThrow(/is not percent-encoded/);
  });

  test('a lone surrogate fails before any SQL is built', () => {
    // encodeURIComponent throws a URIError for it, in Grafana as here, so such a value never reaches the database.
    const variables = new Map([['identity', { ...single, value: '\uD800' }]]);

    expect(() => interpolateQuery("SELECT ciem.variable_value('${identity:percentencode}')", variables)).toThrow(
      URIError
    );
  });

  test('all of no options selects nothing', async () => {
    const variables = new Map([['account', { ...multi, value: [] }]]);
    const sql = interpolateQuery("SELECT ciem.variable_values('${account:percentencode}') AS many", variables);

    expect((await database().reader.query(sql)).rows).toEqual([{ many: [] }]);
  });
});

describe('sqlstring, which the dashboards do not use', () => {
  // The reason for percentencode: Grafana expands the datasource's macros after interpolating the variables, inside
  // string literals too, so a sqlstring-quoted value that looks like a macro splits its literal.
  test('lets a macro in a value split the literal', async () => {
    const variable: ResolvedVariable = {
      name: 'identity',
      type: 'query',
      multi: false,
      includeAll: false,
      value: '$__timeFrom()',
      text: '',
    };
    const range = { from: new Date('2026-01-01T00:00:00Z'), to: new Date('2026-02-01T00:00:00Z') };
    const sql = expandSqlMacros(
      interpolateQuery('SELECT ${identity:sqlstring} AS value', new Map([['identity', variable]])),
      range
    );

    expect(sql).toBe("SELECT ''2026-01-01T00:00:00Z'' AS value");
    await expect(database().reader.query(sql)).rejects.toThrow(/syntax error|trailing junk/);
  });
});
