// Runs every query of every bundled dashboard, variable queries included, as Grafana would send them. Variables are
// resolved and interpolated as a Grafana 12 dashboard does it, and macros expanded as the PostgreSQL datasource does
// it. The database holds the demo organisation and two real IAM exports, and the queries run as a read-only role made
// like Grafana's.
import { readDashboardFiles, variableSql, variablesOf, type DashboardFile } from './grafana/dashboard-model';
import { panelQueries, panelSql, runPanelSql, type QueryOutcome } from './grafana/panel-queries';
import { identityColumnsWithoutLink, nestedPanelFields, resultProblems } from './grafana/panel-requirements';
import { variableQuerySql, resolveVariables, type ResolvedDashboardVariables } from './grafana/variables';
import { defaultTimeRange, useDashboardDatabase } from './support';

const dashboards = readDashboardFiles();

const database = useDashboardDatabase({ realExports: true });
const resolved = new Map<string, ResolvedDashboardVariables>();

async function variablesFor(dashboardFile: DashboardFile): Promise<ResolvedDashboardVariables> {
  const cached = resolved.get(dashboardFile.file);
  if (cached) {
    return cached;
  }
  const result = await resolveVariables(
    database().reader,
    dashboardFile.dashboard,
    defaultTimeRange(dashboardFile.dashboard)
  );
  resolved.set(dashboardFile.file, result);
  return result;
}

describe.each(dashboards)('$file', (dashboardFile) => {
  const queryVariables = variablesOf(dashboardFile.dashboard).filter((variable) => variable.type === 'query');

  test.each(queryVariables.map((variable) => [variable.name, variable] as const))(
    'variable %s returns options with distinct texts',
    async (_name, variable) => {
      const { variables } = await variablesFor(dashboardFile);
      const before = new Map([...variables].slice(0, [...variables.keys()].indexOf(variable.name)));
      const sql = variableQuerySql(variable, before, defaultTimeRange(dashboardFile.dashboard));
      const result = await database().reader.query({ text: sql, rowMode: 'array' });
      const names = result.fields.map((field) => field.name);

      const shape =
        names.includes('__text') && names.includes('__value')
          ? 'text and value'
          : names.length === 1
            ? 'one column'
            : names.join(', ');
      expect({ variable: variable.name, shape }).toEqual({
        variable: variable.name,
        shape: expect.stringMatching(/^(text and value|one column)$/),
      });

      // Grafana keeps the first option of each text, so a repeated text would hide an identity.
      const textAt = names.includes('__text') ? names.indexOf('__text') : 0;
      const texts = result.rows.map((row) => String(row[textAt]));
      expect(texts.length).toBeGreaterThan(0);
      expect(texts.filter((text, index) => texts.indexOf(text) !== index)).toEqual([]);
      expect(variableSql(variable)).not.toMatch(/\$__interval/);
    }
  );

  test.each(panelQueries(dashboardFile).map((query) => [query.label, query] as const))('%s', async (_label, query) => {
    const { variables } = await variablesFor(dashboardFile);
    const sql = panelSql(query, variables, defaultTimeRange(dashboardFile.dashboard));

    let outcome: QueryOutcome;
    try {
      outcome = await runPanelSql(database().reader, sql);
    } catch (error) {
      throw new Error(`${query.label} failed: ${(error as Error).message}\n${sql}`);
    }

    expect({ panel: query.label, problems: resultProblems(query.panel, query.target.format, outcome) }).toEqual({
      panel: query.label,
      problems: [],
    });
    // The nested panels open the Identity dashboard themselves (src/panels/).
    const linkChecked = !(query.panel.type in nestedPanelFields);
    expect({
      panel: query.label,
      identityColumnsWithoutLink: linkChecked ? identityColumnsWithoutLink(query.panel, outcome) : [],
    }).toEqual({
      panel: query.label,
      identityColumnsWithoutLink: [],
    });
  });
});

describe('identity dashboards', () => {
  const adminEquivalent = 'arn:aws:iam::200611803367:role/privesc-high-priv-service-role';

  // An admin-equivalent identity of a real export, which has no last accessed information, exercises the
  // per-service permission views with every service.
  test.each(
    dashboards
      .filter(({ dashboard }) => variablesOf(dashboard).some((variable) => variable.name === 'identity'))
      .map((file) => [file.file, file] as const)
  )('%s answers for an admin-equivalent identity', async (_file, dashboardFile) => {
    const admin = await database().reader.query('SELECT 1 FROM ciem.aws_admin_equivalent WHERE principal_arn = $1', [
      adminEquivalent,
    ]);
    expect(admin.rowCount).toBe(1);

    const range = defaultTimeRange(dashboardFile.dashboard);
    const { variables } = await resolveVariables(database().reader, dashboardFile.dashboard, range, {
      identity: adminEquivalent,
    });
    for (const query of panelQueries(dashboardFile)) {
      const outcome = await runPanelSql(database().reader, panelSql(query, variables, range));
      expect({ panel: query.label, problems: resultProblems(query.panel, query.target.format, outcome) }).toEqual({
        panel: query.label,
        problems: [],
      });
    }
  });
});
