import path from 'path';

import { composeService, hostPathFor } from './compose-file';
import { appPluginId, isRecord, listFiles, readJson, readText, readYaml } from './repository';

const datasourceFile = 'provisioning/datasources/openciem.yaml';
const appsFile = 'provisioning/plugins/apps.yaml';
const dashboardProviderFile = 'provisioning/dashboards/openciem.yaml';
const bundledDashboardFolder = 'dashboards';

const datasourceUid = 'openciem-postgres';

// The whole value is one environment variable, as Grafana interpolates it: ${NAME}.
const environmentReference = /^\$\{[A-Z][A-Z0-9_]*\}$/;

function firstEntry(file: string, listKey: string): Record<string, unknown> {
  const document = readYaml(file);
  const list = isRecord(document) ? document[listKey] : undefined;
  if (!Array.isArray(list) || list.length !== 1 || !isRecord(list[0])) {
    throw new Error(`${file} must list exactly one entry under "${listKey}"`);
  }
  return list[0];
}

function datasource(): Record<string, unknown> {
  return firstEntry(datasourceFile, 'datasources');
}

function datasourceJsonData(): Record<string, unknown> {
  const jsonData = datasource().jsonData;
  return isRecord(jsonData) ? jsonData : {};
}

function dashboardUid(file: string): unknown {
  const dashboard = readJson(file);
  return isRecord(dashboard) ? dashboard.uid : undefined;
}

function dashboardVariable(file: string, name: string): Record<string, unknown> | undefined {
  const dashboard = readJson(file);
  const templating = isRecord(dashboard) ? dashboard.templating : undefined;
  const list = isRecord(templating) && Array.isArray(templating.list) ? templating.list : [];
  return list.find((variable): variable is Record<string, unknown> => isRecord(variable) && variable.name === name);
}

const bundledDashboards = listFiles(bundledDashboardFolder).filter((file) => file.endsWith('.json'));

describe('provisioning files', () => {
  it.each(listFiles('provisioning').filter((file) => /\.ya?ml$/.test(file)))('%s uses apiVersion 1', (file) => {
    const document = readYaml(file);
    expect(isRecord(document) ? document.apiVersion : undefined).toBe(1);
  });
});

describe('OpenCIEM datasource', () => {
  it('is the PostgreSQL datasource named OpenCIEM with a fixed uid', () => {
    expect(datasource()).toMatchObject({
      name: 'OpenCIEM',
      uid: datasourceUid,
      type: 'grafana-postgresql-datasource',
      orgId: 1,
    });
  });

  it('keeps database and sslmode in jsonData', () => {
    expect(datasource()).not.toHaveProperty('database');
    expect(datasourceJsonData().database).toMatch(environmentReference);
    expect(datasourceJsonData().sslmode).toMatch(environmentReference);
  });

  it('reads host, port and user from the environment', () => {
    expect(datasource().url).toMatch(/^\$\{[A-Z][A-Z0-9_]*\}:\$\{[A-Z][A-Z0-9_]*\}$/);
    expect(datasource().user).toMatch(environmentReference);
  });

  it('reads the password from the environment into secureJsonData', () => {
    expect(datasource()).not.toHaveProperty('password');
    const secure = datasource().secureJsonData;
    expect(isRecord(secure) ? secure.password : undefined).toMatch(environmentReference);
  });

  it('declares PostgreSQL 15 or later', () => {
    expect(datasourceJsonData().postgresVersion).toBeGreaterThanOrEqual(1500);
  });

  it('cannot be edited in the UI', () => {
    expect(datasource().editable).toBe(false);
  });
});

describe('OpenCIEM app provisioning', () => {
  const app = firstEntry(appsFile, 'apps');

  it('enables the plugin from src/plugin.json in org 1', () => {
    expect(app.type).toBe(appPluginId());
    expect(app.org_id).toBe(1);
    expect(app.disabled).toBe(false);
  });

  // Grafana lets org_name override org_id.
  it('sets no org_name', () => {
    expect(app).not.toHaveProperty('org_name');
  });

  it('points the app at the OpenCIEM datasource', () => {
    expect(app.jsonData).toEqual({ datasourceUid: datasource().uid });
  });

  it('carries no secure settings', () => {
    expect(app).not.toHaveProperty('secureJsonData');
  });

  it('uses a setting name that the app source reads', () => {
    const sources = listFiles('src').filter((file) => /\.tsx?$/.test(file) && !/\.test\.tsx?$/.test(file));
    expect(sources.some((file) => readText(file).includes('datasourceUid'))).toBe(true);
  });
});

describe('bundled dashboards', () => {
  it('exist', () => {
    expect(bundledDashboards.length).toBeGreaterThan(0);
  });

  it.each(bundledDashboards)('%s defaults its ds variable to the OpenCIEM datasource', (file) => {
    const ds = dashboardVariable(file, 'ds');
    expect(ds).toMatchObject({ type: 'datasource', query: 'grafana-postgresql-datasource' });
    const current = ds?.current;
    expect(isRecord(current) ? current.value : undefined).toBe(datasourceUid);
  });
});

describe('dashboard provider', () => {
  const provider = firstEntry(dashboardProviderFile, 'providers');
  const options = isRecord(provider.options) ? provider.options : {};
  const containerPath = String(options.path);
  const hostPath = hostPathFor(composeService('grafana'), containerPath);
  const providedFiles = hostPath === undefined ? [] : listFiles(hostPath);

  it('reads files from a folder that compose mounts into grafana', () => {
    expect(provider.type).toBe('file');
    expect(hostPath).toBeDefined();
  });

  it('reads a folder that exists in the repository', () => {
    expect(providedFiles.length).toBeGreaterThan(0);
  });

  // The app imports the bundled dashboards itself, and Grafana's app import and file
  // provisioning overwrite each other's dashboards when they share a uid.
  it('does not load the bundled dashboards folder', () => {
    expect(path.posix.normalize(hostPath ?? '')).not.toBe(bundledDashboardFolder);
  });

  it('loads no dashboard whose uid the app bundles', () => {
    const bundledUids = new Set(bundledDashboards.map(dashboardUid));
    const providedUids = providedFiles.filter((file) => file.endsWith('.json')).map(dashboardUid);
    expect(providedUids.filter((uid) => bundledUids.has(uid))).toEqual([]);
  });
});
