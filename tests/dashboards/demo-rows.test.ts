// On the demo organisation alone, loaded as `openciem demo` loads it, every panel of every bundled dashboard shows
// rows with the dashboard's default variables. The Identity dashboard shows the demo's administrator, a user in a
// group with trust, findings and unused services, because its default (the first admin-equivalent identity by creep
// score) is a role, and roles have no groups.
import { demoAccounts } from '../../cli/demo/organisation';
import { readDashboardFiles, variablesOf } from './grafana/dashboard-model';
import { panelQueries, panelSql, runPanelSql } from './grafana/panel-queries';
import { resolveVariables, type VariableSelection } from './grafana/variables';
import { defaultTimeRange, useDashboardDatabase } from './support';

const administrator = `arn:aws:iam::${demoAccounts.management}:user/alice.admin`;
const selections: Record<string, VariableSelection> = { 'identity.json': { identity: administrator } };

const database = useDashboardDatabase({ realExports: false });

describe.each(readDashboardFiles())('$file on the demo', (dashboardFile) => {
  test('every variable has options', async () => {
    const { options } = await resolveVariables(
      database().reader,
      dashboardFile.dashboard,
      defaultTimeRange(dashboardFile.dashboard)
    );
    const counts = variablesOf(dashboardFile.dashboard)
      .filter((variable) => variable.type !== 'datasource')
      .map((variable) => ({ variable: variable.name, hasOptions: (options.get(variable.name)?.length ?? 0) > 0 }));

    expect(counts.filter((count) => !count.hasOptions)).toEqual([]);
  });

  test('every panel shows rows', async () => {
    const range = defaultTimeRange(dashboardFile.dashboard);
    const { variables } = await resolveVariables(
      database().reader,
      dashboardFile.dashboard,
      range,
      selections[dashboardFile.file]
    );

    const empty: string[] = [];
    for (const query of panelQueries(dashboardFile)) {
      const outcome = await runPanelSql(database().reader, panelSql(query, variables, range));
      if (outcome.rows.length === 0) {
        empty.push(query.label);
      }
    }
    expect(empty).toEqual([]);
  });
});

test('suggested policy of the default identity is a policy', async () => {
  const unused = readDashboardFiles().find(({ file }) => file === 'unused.json');
  if (!unused) {
    throw new Error('dashboards/unused.json is missing');
  }
  const range = defaultTimeRange(unused.dashboard);
  const { variables } = await resolveVariables(database().reader, unused.dashboard, range);
  const query = panelQueries(unused).find(({ template }) => template.includes('suggested_policy_or_reason'));
  if (!query) {
    throw new Error('unused.json has no suggested policy panel');
  }

  const outcome = await runPanelSql(database().reader, panelSql(query, variables, range));

  expect(outcome.rows).toEqual([
    { 'Suggested policy': expect.objectContaining({ Version: '2012-10-17' }), Reason: null },
  ]);
});
