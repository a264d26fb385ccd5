import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

import { repositoryRoot } from '../support/paths';

const distDir = path.join(repositoryRoot, 'dist');
const distDashboardsDir = path.join(distDir, 'dashboards');

// The production build took about 5 s on a development machine (Node 20, empty cache). The limit leaves room for
// slow CI machines.
const BUILD_TIMEOUT_MS = 300_000;

interface PluginInclude {
  type: string;
  name: string;
  path?: string;
}

interface PluginJson {
  id: string;
  type: string;
  info: { version: string; logos: { small: string; large: string } };
  includes: PluginInclude[];
}

interface DashboardTarget {
  refId?: string;
  datasource?: { type?: string; uid?: string };
  format?: string;
  rawSql?: string;
}

interface DashboardPanel {
  id?: number;
  type: string;
  title?: string;
  datasource?: { type?: string; uid?: string };
  targets?: DashboardTarget[];
  panels?: DashboardPanel[];
}

interface DashboardVariable {
  name: string;
  type: string;
  query?: unknown;
  current?: { value?: unknown };
  datasource?: { type?: string; uid?: string };
}

interface Dashboard {
  id: unknown;
  uid: unknown;
  revision: unknown;
  templating?: { list?: DashboardVariable[] };
  panels?: DashboardPanel[];
}

function readJson<T>(file: string): T {
  return JSON.parse(readFileSync(file, 'utf8')) as T;
}

/** Returns the panels of a dashboard, including those nested in collapsed rows. */
function allPanels(panels: DashboardPanel[] = []): DashboardPanel[] {
  return panels.flatMap((panel) => [panel, ...allPanels(panel.panels)]);
}

function bundledDashboardFiles(): string[] {
  return readdirSync(distDashboardsDir).filter((file) => file.endsWith('.json'));
}

function loadBundledDashboards(): Array<{ file: string; dashboard: Dashboard }> {
  const files = bundledDashboardFiles();
  if (files.length === 0) {
    throw new Error(`${distDashboardsDir} contains no dashboard: run npm run build:plugin`);
  }

  return files.map((file) => ({ file, dashboard: readJson<Dashboard>(path.join(distDashboardsDir, file)) }));
}

beforeAll(() => {
  if (!existsSync(path.join(distDir, 'plugin.json'))) {
    execFileSync('npm', ['run', 'build:plugin'], { cwd: repositoryRoot, stdio: 'inherit' });
  }
}, BUILD_TIMEOUT_MS);

describe('dist/plugin.json', () => {
  test('declares the app', () => {
    const plugin = readJson<PluginJson>(path.join(distDir, 'plugin.json'));

    expect(plugin.id).toBe('openciem-entitlements-app');
    expect(plugin.type).toBe('app');
  });

  test('carries the package version', () => {
    const plugin = readJson<PluginJson>(path.join(distDir, 'plugin.json'));
    const packageJson = readJson<{ version: string }>(path.join(repositoryRoot, 'package.json'));

    expect(plugin.info.version).toBe(packageJson.version);
  });

  // The page fixtures of src/test/ hold query results of the test data, which the plugin must not ship.
  test('ships no test files', () => {
    expect(existsSync(path.join(distDir, 'test'))).toBe(false);
  });

  test('has no build placeholders left', () => {
    const text = readFileSync(path.join(distDir, 'plugin.json'), 'utf8');

    expect(text).not.toMatch(/%(VERSION|TODAY|PLUGIN_ID)%/);
  });

  test('includes dashboards that exist under dist', () => {
    const plugin = readJson<PluginJson>(path.join(distDir, 'plugin.json'));
    const dashboards = plugin.includes.filter((include) => include.type === 'dashboard');

    expect(dashboards.length).toBeGreaterThan(0);
    for (const include of dashboards) {
      expect(include.path).toBeDefined();
      expect(existsSync(path.join(distDir, include.path ?? ''))).toBe(true);
    }
  });

  test('includes every bundled dashboard', () => {
    const plugin = readJson<PluginJson>(path.join(distDir, 'plugin.json'));
    const included = plugin.includes.filter((include) => include.type === 'dashboard').map((include) => include.path);

    for (const file of bundledDashboardFiles()) {
      expect(included).toContain(`dashboards/${file}`);
    }
  });

  test('logo exists under dist', () => {
    const plugin = readJson<PluginJson>(path.join(distDir, 'plugin.json'));

    expect(existsSync(path.join(distDir, plugin.info.logos.small))).toBe(true);
    expect(existsSync(path.join(distDir, plugin.info.logos.large))).toBe(true);
  });
});

describe('nested panel plugins', () => {
  const panels = [
    { id: 'openciem-trustgraph-panel', folder: 'panels/trustgraph' },
    { id: 'openciem-permissionmatrix-panel', folder: 'panels/permissionmatrix' },
  ];

  test.each(panels)('$id is built into $folder', ({ id, folder }) => {
    const plugin = readJson<PluginJson>(path.join(distDir, folder, 'plugin.json'));

    expect({ id: plugin.id, type: plugin.type }).toEqual({ id, type: 'panel' });
    expect(existsSync(path.join(distDir, folder, 'module.js'))).toBe(true);
    expect(existsSync(path.join(distDir, folder, plugin.info.logos.small))).toBe(true);
    expect(readFileSync(path.join(distDir, folder, 'plugin.json'), 'utf8')).not.toMatch(/%(VERSION|TODAY|PLUGIN_ID)%/);
  });

  test.each(panels)('$id is included by the app', ({ folder }) => {
    const app = readJson<PluginJson>(path.join(distDir, 'plugin.json'));
    const include = app.includes.find((candidate) => candidate.type === 'panel' && candidate.path === `${folder}/plugin.json`);

    expect(include).toBeDefined();
  });
});

describe('dist/module.js', () => {
  test('exists', () => {
    expect(existsSync(path.join(distDir, 'module.js'))).toBe(true);
  });
});

describe('bundled dashboards', () => {
  test('match the sources in dashboards/', () => {
    // A difference means dist/ is older than the sources: run npm run build:plugin.
    for (const file of bundledDashboardFiles()) {
      const bundled = readFileSync(path.join(distDashboardsDir, file), 'utf8');
      const source = readFileSync(path.join(repositoryRoot, 'dashboards', file), 'utf8');

      expect(bundled).toBe(source);
    }
  });

  // Each assertion carries the file name, so a failure names the dashboard.
  test('have a uid, id null and a numeric revision', () => {
    for (const { file, dashboard } of loadBundledDashboards()) {
      expect({
        file,
        uidType: typeof dashboard.uid,
        id: dashboard.id,
        revisionType: typeof dashboard.revision,
      }).toEqual({
        file,
        uidType: 'string',
        id: null,
        revisionType: 'number',
      });
      expect({ file, uid: dashboard.uid }).not.toEqual({ file, uid: '' });
    }
  });

  test('have the ds variable with default uid openciem-postgres', () => {
    for (const { file, dashboard } of loadBundledDashboards()) {
      const ds = (dashboard.templating?.list ?? []).find((variable) => variable.name === 'ds');

      expect({ file, type: ds?.type, query: ds?.query, defaultUid: ds?.current?.value }).toEqual({
        file,
        type: 'datasource',
        query: 'grafana-postgresql-datasource',
        defaultUid: 'openciem-postgres',
      });
    }
  });

  test('query variables use ${ds}', () => {
    for (const { file, dashboard } of loadBundledDashboards()) {
      const queries = (dashboard.templating?.list ?? []).filter((variable) => variable.type === 'query');

      for (const variable of queries) {
        expect({ file, variable: variable.name, uid: variable.datasource?.uid }).toEqual({
          file,
          variable: variable.name,
          uid: '${ds}',
        });
      }
    }
  });

  test('panel targets use ${ds} and a format', () => {
    for (const { file, dashboard } of loadBundledDashboards()) {
      const panels = allPanels(dashboard.panels).filter((panel) => panel.targets !== undefined);
      expect({ file, panelsWithTargets: panels.length > 0 }).toEqual({ file, panelsWithTargets: true });

      for (const panel of panels) {
        for (const target of panel.targets ?? []) {
          const where = { file, panel: panel.title, refId: target.refId };

          expect({ ...where, datasource: target.datasource }).toEqual({
            ...where,
            datasource: { type: 'grafana-postgresql-datasource', uid: '${ds}' },
          });
          expect({ ...where, format: ['table', 'time_series'].includes(target.format ?? '') }).toEqual({
            ...where,
            format: true,
          });
        }
      }
    }
  });
});
