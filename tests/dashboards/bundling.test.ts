// The bundled dashboards reach Grafana through the app: src/plugin.json includes each one, and docker compose mounts
// the build and enables the app, whose enabling imports the includes. Their datasource, variables and links follow
// the rules that the other dashboard tests and the docs rely on.
import { composeService, hostPathFor } from '../deploy/compose-file';
import { appPluginId, isRecord, listFiles, readJson, readYaml } from '../deploy/repository';
import {
  allPanels,
  readDashboardFiles,
  variableSql,
  variablesOf,
  type Dashboard,
  type DashboardPanel,
  type DataLink,
} from './grafana/dashboard-model';
import { grafanaPanelTypes, nestedPanelFields } from './grafana/panel-requirements';
import { variableUsages } from './grafana/template-interpolation';

const dashboards = readDashboardFiles();
const datasourceRef = { type: 'grafana-postgresql-datasource', uid: '${ds}' };

interface Include {
  type: string;
  name?: string;
  path?: string;
}

function pluginIncludes(): Include[] {
  const manifest = readJson('src/plugin.json');
  return isRecord(manifest) && Array.isArray(manifest.includes) ? (manifest.includes as Include[]) : [];
}

function linksOf(panel: DashboardPanel): DataLink[] {
  const fromOverrides = (panel.fieldConfig?.overrides ?? []).flatMap((override) =>
    override.properties
      .filter((property) => property.id === 'links')
      .flatMap((property) => property.value as DataLink[])
  );
  return [...(panel.fieldConfig?.defaults?.links ?? []), ...fromOverrides];
}

describe('plugin.json', () => {
  const includedPaths = pluginIncludes()
    .filter((include) => include.type === 'dashboard')
    .map((include) => include.path);

  test.each(dashboards.map(({ file }) => file))('includes dashboards/%s', (file) => {
    expect(includedPaths).toContain(`dashboards/${file}`);
  });

  test('includes no dashboard that is missing', () => {
    const files = dashboards.map(({ file }) => `dashboards/${file}`);
    expect(includedPaths.filter((included) => !files.includes(included ?? ''))).toEqual([]);
  });

  test('names each dashboard include like its title', () => {
    for (const include of pluginIncludes().filter((entry) => entry.type === 'dashboard')) {
      const dashboard = dashboards.find(({ file }) => `dashboards/${file}` === include.path)?.dashboard;
      expect({ path: include.path, name: include.name }).toEqual({ path: include.path, name: dashboard?.title });
    }
  });
});

describe('docker compose provisioning', () => {
  const grafana = composeService('grafana');

  test('mounts the build as the app plugin', () => {
    expect(hostPathFor(grafana, `/var/lib/grafana/plugins/${appPluginId()}`)).toBe('dist');
  });

  test('enables the app, whose enabling imports the included dashboards', () => {
    const provisioning = hostPathFor(grafana, '/etc/grafana/provisioning');
    expect(provisioning).toBe('provisioning');

    const apps = listFiles('provisioning/plugins')
      .filter((file) => /\.ya?ml$/.test(file))
      .flatMap((file) => {
        const document = readYaml(file);
        return isRecord(document) && Array.isArray(document.apps) ? document.apps : [];
      });
    expect(apps).toContainEqual(expect.objectContaining({ type: appPluginId(), disabled: false }));
  });

  // Grafana's app import and a file provider overwrite each other's dashboards of one uid
  // (provisioning/dashboards/openciem.yaml explains it), so the bundled dashboards are provisioned by the app alone.
  test('provisions no bundled dashboard from files as well', () => {
    const bundledUids = new Set(dashboards.map(({ dashboard }) => dashboard.uid));
    const fileProvisioned = listFiles('provisioning/dashboards')
      .filter((file) => file.endsWith('.json'))
      .map((file) => readJson(file))
      .map((dashboard) => (isRecord(dashboard) ? dashboard.uid : undefined));

    expect(fileProvisioned.filter((uid) => bundledUids.has(uid as string))).toEqual([]);
  });
});

describe('dashboards', () => {
  test('have unique uids and titles', () => {
    const uids = dashboards.map(({ dashboard }) => dashboard.uid);
    const titles = dashboards.map(({ dashboard }) => dashboard.title);

    expect(new Set(uids).size).toBe(uids.length);
    expect(new Set(titles).size).toBe(titles.length);
  });

  test.each(dashboards)('$file has id null, a uid and a revision', ({ dashboard }) => {
    expect(dashboard.id).toBeNull();
    expect(dashboard.uid).toMatch(/^openciem-[a-z-]+$/);
    expect(Number.isInteger(dashboard.revision)).toBe(true);
  });

  test.each(dashboards)('$file has the ds variable defaulting to the OpenCIEM datasource', ({ dashboard }) => {
    const ds = variablesOf(dashboard).find((variable) => variable.name === 'ds');

    expect(ds).toMatchObject({
      type: 'datasource',
      query: 'grafana-postgresql-datasource',
      current: { value: 'openciem-postgres' },
    });
  });

  test.each(dashboards)('$file queries through the ds variable in every panel and query variable', ({ dashboard }) => {
    const wrong: string[] = [];
    for (const panel of allPanels(dashboard.panels)) {
      if (JSON.stringify(panel.datasource) !== JSON.stringify(datasourceRef)) {
        wrong.push(`panel ${panel.title}: ${JSON.stringify(panel.datasource)}`);
      }
      if ((panel.targets ?? []).length === 0) {
        wrong.push(`panel ${panel.title} has no query`);
      }
      for (const target of panel.targets ?? []) {
        if (JSON.stringify(target.datasource) !== JSON.stringify(datasourceRef) || typeof target.rawSql !== 'string') {
          wrong.push(`panel ${panel.title}, query ${target.refId}: ${JSON.stringify(target.datasource)}`);
        }
      }
    }
    for (const variable of variablesOf(dashboard).filter((entry) => entry.type === 'query')) {
      if (JSON.stringify(variable.datasource) !== JSON.stringify(datasourceRef)) {
        wrong.push(`variable ${variable.name}: ${JSON.stringify(variable.datasource)}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  test.each(dashboards)('$file uses panel types of Grafana 12.4 or of the app', ({ dashboard }) => {
    const types = allPanels(dashboard.panels).map((panel) => panel.type);

    expect(types.filter((type) => !grafanaPanelTypes.has(type) && !(type in nestedPanelFields))).toEqual([]);
  });

  // Newer Grafana versions strip SQL comments before expanding macros, older ones do not; without comments both
  // send the same SQL.
  test.each(dashboards)('$file has no SQL comments', ({ dashboard }) => {
    const sql = [
      ...allPanels(dashboard.panels).flatMap((panel) => (panel.targets ?? []).map((target) => target.rawSql ?? '')),
      ...variablesOf(dashboard).map((variable) => (typeof variable.query === 'string' ? variable.query : '')),
    ];

    expect(sql.filter((text) => text.includes('--') || text.includes('/*'))).toEqual([]);
  });

  test.each(dashboards)('$file sets no custom all value', ({ dashboard }) => {
    // Grafana inserts a custom all value without formatting it, which would bypass the escaping.
    expect(variablesOf(dashboard).filter((variable) => variable.allValue)).toEqual([]);
  });

  test.each(dashboards)('$file has an account variable over every account', ({ dashboard }) => {
    expect(variablesOf(dashboard).find((variable) => variable.name === 'account')).toMatchObject({
      type: 'query',
      multi: true,
      includeAll: true,
    });
  });
});

describe('cloud variable', () => {
  const sqlOf = (dashboard: Dashboard) => [
    ...variablesOf(dashboard).map((variable) => ({
      source: `variable ${variable.name}`,
      sql: variableSql(variable) ?? '',
    })),
    ...allPanels(dashboard.panels).flatMap((panel) =>
      (panel.targets ?? []).map((target) => ({ source: `panel ${panel.title}`, sql: target.rawSql ?? '' }))
    ),
  ];
  const namesVariable = (sql: string, name: string) => variableUsages(sql).some((usage) => usage.name === name);
  // Every relation the dashboards read that has a row per identity or account has an account_id or identity column.
  const readsIdentityOrAccountData = (dashboard: Dashboard) =>
    sqlOf(dashboard).some(({ sql }) => /account_id|identity_(id|arn)/.test(sql));

  test('every dashboard reads identity or account data', () => {
    expect(
      dashboards.filter(({ dashboard }) => !readsIdentityOrAccountData(dashboard)).map(({ file }) => file)
    ).toEqual([]);
  });

  test.each(dashboards.filter(({ dashboard }) => readsIdentityOrAccountData(dashboard)))(
    '$file declares the cloud variable before the account variable',
    ({ dashboard }) => {
      const names = variablesOf(dashboard).map((variable) => variable.name);

      expect(variablesOf(dashboard).find((variable) => variable.name === 'cloud')).toMatchObject({
        type: 'query',
        multi: true,
        includeAll: true,
        current: { value: ['$__all'] },
      });
      expect(names.indexOf('cloud')).toBeGreaterThan(-1);
      expect(names.indexOf('cloud')).toBeLessThan(names.indexOf('account'));
    }
  );

  test.each(dashboards)('$file lists the accounts of the chosen clouds', ({ dashboard }) => {
    const account = variablesOf(dashboard).find((variable) => variable.name === 'account');

    expect(namesVariable(variableSql(account ?? { name: 'account', type: 'query' }) ?? '', 'cloud')).toBe(true);
    expect(account?.label).toBe('Account / project / subscription / cluster');
  });

  // A query that narrows by account but not by cloud would show the rows of another cloud's account of the same id.
  test.each(dashboards)('$file filters by cloud wherever it filters by account', ({ dashboard }) => {
    const unfiltered = sqlOf(dashboard)
      .filter(({ sql }) => namesVariable(sql, 'account') && !namesVariable(sql, 'cloud'))
      .map(({ source }) => source);

    expect(unfiltered).toEqual([]);
  });
});

describe('data links', () => {
  const byUid = new Map(dashboards.map(({ dashboard }) => [dashboard.uid, dashboard]));

  test.each(dashboards)('$file links to bundled dashboards and their variables', ({ dashboard }) => {
    const problems: string[] = [];
    for (const panel of allPanels(dashboard.panels)) {
      for (const link of linksOf(panel)) {
        const url = link.url ?? '';
        const match = /^\/d\/([^/?]+)(?:\/[^?]*)?\?(.*)$/.exec(url);
        const target = match ? byUid.get(match[1]) : undefined;
        if (!match || !target) {
          problems.push(`${panel.title}: ${url} opens no bundled dashboard`);
          continue;
        }
        const targetVariables = new Set(variablesOf(target).map((variable) => variable.name));
        for (const parameter of match[2].matchAll(/(?:^|&)var-(\w+)=/g)) {
          if (!targetVariables.has(parameter[1])) {
            problems.push(`${panel.title}: ${url} sets var-${parameter[1]}, which ${target.uid} does not have`);
          }
        }
      }
    }
    expect(problems).toEqual([]);
  });

  test.each(dashboards)('$file encodes every value it puts in a link', ({ dashboard }) => {
    const unencoded = allPanels(dashboard.panels)
      .flatMap(linksOf)
      .flatMap((link) => variableUsages(link.url ?? ''))
      // A cell value goes in percent-encoded; the ds variable as var-ds=<uid>, encoded the same way.
      .filter((usage) => !(usage.format === 'percentencode' || (usage.name === 'ds' && usage.format === 'queryparam')))
      .map((usage) => usage.match);

    expect(unencoded).toEqual([]);
  });
});
