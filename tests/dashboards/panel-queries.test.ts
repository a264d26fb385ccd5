// Runs every query of every bundled dashboard, variable queries included, as Grafana would send them. Variables are
// resolved and interpolated as a Grafana 12 dashboard does it, and macros expanded as the PostgreSQL datasource does
// it. The database contains the demo organisation (AWS, Kubernetes, Google Cloud and Azure) and two real IAM exports, and
// the queries run as a read-only role made like Grafana's. Each dashboard runs with every cloud and with each one.
import { demoAccounts } from '../../cli/demo/organisation';
import { readDashboardFiles, variableSql, variablesOf, type DashboardFile } from './grafana/dashboard-model';
import { panelQueries, panelSql, runPanelSql, type QueryOutcome } from './grafana/panel-queries';
import { identityColumnsWithoutLink, nestedPanelFields, resultProblems } from './grafana/panel-requirements';
import {
  variableQuerySql,
  resolveVariables,
  type ResolvedDashboardVariables,
  type VariableSelection,
} from './grafana/variables';
import { defaultTimeRange, useDashboardDatabase } from './support';

const dashboards = readDashboardFiles();

const database = useDashboardDatabase({ realExports: true });
const resolved = new Map<string, ResolvedDashboardVariables>();

// Every cloud of the demo, as ciem writes the cloud column.
const clouds = ['aws', 'azure', 'gcp', 'kubernetes'];
let knownIdentityIds: ReadonlySet<string> = new Set();

beforeAll(async () => {
  const result = await database().reader.query<{ identity_id: string }>(
    'SELECT DISTINCT identity_id FROM ciem.identities'
  );
  knownIdentityIds = new Set(result.rows.map((row) => row.identity_id));
});

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
      identityColumnsWithoutLink: linkChecked ? identityColumnsWithoutLink(query.panel, outcome, knownIdentityIds) : [],
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

describe('cloud variable', () => {
  // Panels that read relations of AWS alone (creep scores, last accessed information, credential reports, role trust
  // policies, IAM policies and groups), so they show nothing for another cloud.
  const awsOnlyPanels: Record<string, string[]> = {
    'identities.json': ['Roles'],
    'identity.json': [
      'Creep score',
      'Granted services',
      'Unused granted services',
      'Trust relationships',
      'Group memberships',
      'Attached policies',
      'Effective permissions by service',
      'Access levels by service',
    ],
    'overview.json': [
      'Riskiest identities by permission creep score',
      'Creep score components of the riskiest identities',
    ],
    'trust.json': ['Trusted accounts', 'Trust graph', 'Trust policy statements'],
    'unused.json': [
      'Identities with unused permissions',
      'Mean creep score',
      'Unused identities and empty groups',
      'Unused and overdue credentials',
      'Granted services not used',
      'Services granted to ${identity:text}',
    ],
  };
  const otherCloudPanels: Record<string, string[]> = {
    'identities.json': ['Service identities'],
    'unused.json': ['Unused identities and credentials of Kubernetes, Google Cloud and Azure'],
  };
  // What the demo has none of: no unknown compliance results outside AWS, no unused identities or credentials in its
  // Kubernetes cluster and Azure subscription, no public trust in Azure. Its Azure subscription fails every decided
  // control, and a pass rate of 0 counts as empty like a count of 0.
  const unusedPanels = ['Unused identities', 'Unused credentials'];
  const demoGaps: Record<string, Record<string, string[]>> = {
    azure: {
      'compliance.json': ['CIS pass rate', 'Unknown results'],
      'overview.json': [...unusedPanels, 'CIS pass rate', 'Public trusts'],
      'unused.json': [...unusedPanels, ...otherCloudPanels['unused.json']],
    },
    gcp: { 'compliance.json': ['Unknown results'] },
    kubernetes: {
      'compliance.json': ['Unknown results'],
      'overview.json': unusedPanels,
      'unused.json': [...unusedPanels, ...otherCloudPanels['unused.json']],
    },
  };

  function expectedEmpty(file: string, cloud: string): string[] {
    if (cloud === 'aws') {
      return otherCloudPanels[file] ?? [];
    }
    return [...(awsOnlyPanels[file] ?? []), ...(demoGaps[cloud]?.[file] ?? [])].sort();
  }

  // A row shows something when a cell contains more than a zero, an empty text or a time: a count panel always returns
  // one row, and a trend panel a point at now(). node-postgres returns bigint and numeric values as text.
  function showsData(rows: Array<Record<string, unknown>>): boolean {
    const isNothing = (value: unknown) =>
      value === null ||
      value === '' ||
      value instanceof Date ||
      Number(value) === 0 ||
      (Array.isArray(value) && value.length === 0);
    return rows.some((row) => Object.values(row).some((value) => !isNothing(value)));
  }

  /**
   * Returns the identity that the Identity dashboard shows for a cloud. For AWS it is the demo's administrator, a user
   * in a group with trust, findings and unused services. For the others it is their identity with the most findings.
   */
  async function identityOf(cloud: string): Promise<string> {
    if (cloud === 'aws') {
      return `arn:aws:iam::${demoAccounts.management}:user/alice.admin`;
    }
    const result = await database().reader.query<{ identity_arn: string }>(
      `SELECT f.identity_arn
         FROM ciem.findings f
        WHERE f.cloud = $1 AND NOT f.suppressed
          AND EXISTS (SELECT 1 FROM ciem.identities i WHERE i.cloud = f.cloud AND i.identity_id = f.identity_arn)
        GROUP BY f.identity_arn
        ORDER BY count(*) DESC, f.identity_arn
        LIMIT 1`,
      [cloud]
    );
    return result.rows[0].identity_arn;
  }

  test.each(dashboards.map((file) => [file.file, file] as const))(
    '%s offers the four clouds of the demo',
    async (_file, dashboardFile) => {
      const { options, variables } = await variablesFor(dashboardFile);

      expect(options.get('cloud')).toEqual([
        { text: 'AWS', value: 'aws' },
        { text: 'Azure', value: 'azure' },
        { text: 'Google Cloud', value: 'gcp' },
        { text: 'Kubernetes', value: 'kubernetes' },
      ]);
      expect(variables.get('cloud')?.value).toEqual(['aws', 'azure', 'gcp', 'kubernetes']);
    }
  );

  test.each(clouds)('account options of %s are its accounts', async (cloud) => {
    const overview = dashboards.find(({ file }) => file === 'overview.json');
    if (!overview) {
      throw new Error('dashboards/overview.json is missing');
    }
    const accounts = await database().reader.query<{ account_id: string }>(
      'SELECT DISTINCT account_id FROM ciem.identities WHERE cloud = $1 ORDER BY 1',
      [cloud]
    );

    const { options } = await resolveVariables(
      database().reader,
      overview.dashboard,
      defaultTimeRange(overview.dashboard),
      { cloud: [cloud] }
    );

    expect(options.get('account')?.map((option) => option.value)).toEqual(accounts.rows.map((row) => row.account_id));
    expect(options.get('account')?.every((option) => option.text.startsWith(`${option.value} (`))).toBe(true);
  });

  // Accounts of two clouds can share an id: the demo's Kubernetes cluster and one Google Cloud project are both
  // acme-prod. A count that ignores the cloud counts such rows under both, and the sum exceeds the total. The Identity
  // dashboard counts one identity, and the trust dashboard has no count panels.
  const countingDashboards = dashboards.filter(({ file }) => !['identity.json', 'trust.json'].includes(file));
  test.each(countingDashboards.map((file) => [file.file, file] as const))(
    '%s counts add up over the clouds',
    async (_file, dashboardFile) => {
      const range = defaultTimeRange(dashboardFile.dashboard);
      const countsOf = async (selection: { cloud: string[] }) => {
        const { variables } = await resolveVariables(database().reader, dashboardFile.dashboard, range, selection);
        const counts = new Map<string, Record<string, number>>();
        for (const query of panelQueries(dashboardFile)) {
          const outcome = await runPanelSql(database().reader, panelSql(query, variables, range));
          const integers = outcome.fields.every((field) => field.dataTypeID === 20 || field.dataTypeID === 23);
          if (query.target.format === 'table' && integers && outcome.rows.length === 1) {
            counts.set(
              query.label,
              Object.fromEntries(Object.entries(outcome.rows[0]).map(([k, v]) => [k, Number(v)]))
            );
          }
        }
        return counts;
      };

      const total = await countsOf({ cloud: clouds });
      const perCloud = await Promise.all(clouds.map((cloud) => countsOf({ cloud: [cloud] })));
      const sums = new Map(
        [...total.keys()].map((label) => {
          const columns = Object.keys(total.get(label) ?? {});
          const sum = (column: string) => perCloud.reduce((acc, counts) => acc + (counts.get(label)?.[column] ?? 0), 0);
          return [label, Object.fromEntries(columns.map((column) => [column, sum(column)]))];
        })
      );

      expect(total.size).toBeGreaterThan(0);
      expect(Object.fromEntries(sums)).toEqual(Object.fromEntries(total));
    }
  );

  describe.each(clouds)('%s alone', (cloud) => {
    test.each(dashboards.map((file) => [file.file, file] as const))(
      '%s shows its rows and no other cloud',
      async (_file, dashboardFile) => {
        const range = defaultTimeRange(dashboardFile.dashboard);
        const selection: VariableSelection =
          dashboardFile.file === 'identity.json'
            ? { cloud: [cloud], identity: await identityOf(cloud) }
            : { cloud: [cloud] };
        const { variables, options } = await resolveVariables(
          database().reader,
          dashboardFile.dashboard,
          range,
          selection
        );
        const accounts = new Set((options.get('account') ?? []).map((option) => option.value));

        const problems: string[] = [];
        const empty: string[] = [];
        for (const query of panelQueries(dashboardFile)) {
          const outcome = await runPanelSql(database().reader, panelSql(query, variables, range));
          problems.push(
            ...resultProblems(query.panel, query.target.format, outcome).map((problem) => `${query.label}: ${problem}`)
          );
          if (!(query.panel.type in nestedPanelFields)) {
            problems.push(
              ...identityColumnsWithoutLink(query.panel, outcome, knownIdentityIds).map(
                (column) => `${query.label}: column ${column} holds identities without a link`
              )
            );
          }
          for (const row of outcome.rows) {
            if ('Cloud' in row && row.Cloud !== cloud) {
              problems.push(`${query.label}: a row of cloud ${String(row.Cloud)}`);
            }
            if (typeof row.Account === 'string' && !accounts.has(row.Account)) {
              problems.push(`${query.label}: account ${row.Account}, which is not one of ${cloud}`);
            }
          }
          if (!showsData(outcome.rows)) {
            empty.push(query.panel.title ?? `panel ${query.panel.id}`);
          }
        }

        expect(problems).toEqual([]);
        expect(empty.sort()).toEqual(expectedEmpty(dashboardFile.file, cloud));
      }
    );
  });
});
