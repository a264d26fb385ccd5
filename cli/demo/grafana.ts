import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, rm, symlink } from 'node:fs/promises';
import path from 'node:path';

import { packageRoot } from '../package-root';

export const pluginId = 'openciem-entitlements-app';

/** Looks for a Grafana server binary in GRAFANA_HOME/bin, then on PATH. */
export function findGrafana(env: NodeJS.ProcessEnv = process.env): { binary: string; home: string } | null {
  const candidates: string[] = [];
  if (env.GRAFANA_HOME) {
    candidates.push(
      path.join(env.GRAFANA_HOME, 'bin', 'grafana'),
      path.join(env.GRAFANA_HOME, 'bin', 'grafana-server')
    );
  }
  for (const dir of (env.PATH ?? '').split(path.delimiter).filter(Boolean)) {
    candidates.push(path.join(dir, 'grafana'), path.join(dir, 'grafana-server'));
  }
  const binary = candidates.find((candidate) => existsSync(candidate));
  if (!binary) {
    return null;
  }
  // Debian and RPM packages install the binary in /usr/sbin and the home in /usr/share/grafana.
  const packagedHome = '/usr/share/grafana';
  const home = env.GRAFANA_HOME ?? (existsSync(packagedHome) ? packagedHome : path.dirname(path.dirname(binary)));
  return { binary, home };
}

export interface GrafanaDatabase {
  host: string;
  port: number;
  database: string;
  user: string;
  password: string;
}

export interface GrafanaOptions {
  binary: string;
  home: string;
  dataDir: string;
  port: number;
  database: GrafanaDatabase;
}

/**
 * Starts Grafana with the repository's provisioning and the built plugin from dist/, on
 * loopback. The datasource credentials reach the provisioning files through environment
 * variables, as in docker-compose.yml.
 */
/**
 * Returns the ids of the app and its nested panels in a plugin folder (dist/, or src/ before a build). Grafana loads
 * each unsigned plugin only when its own id is allowed, nested panels included.
 */
export function pluginIdsIn(dir: string): string[] {
  const panelsDir = path.join(dir, 'panels');
  const panelFiles = existsSync(panelsDir)
    ? readdirSync(panelsDir)
        .map((panel) => path.join(panelsDir, panel, 'plugin.json'))
        .filter((file) => existsSync(file))
    : [];

  return [path.join(dir, 'plugin.json'), ...panelFiles].map(
    (file) => (JSON.parse(readFileSync(file, 'utf8')) as { id: string }).id
  );
}

export async function startGrafana(options: GrafanaOptions): Promise<ChildProcess> {
  const root = packageRoot();
  const dist = path.join(root, 'dist');
  if (!existsSync(path.join(dist, 'plugin.json'))) {
    throw new Error(`the plugin is not built (${dist}/plugin.json is missing); run npm run build first`);
  }

  const pluginsDir = path.join(options.dataDir, 'plugins');
  await rm(pluginsDir, { recursive: true, force: true });
  await mkdir(pluginsDir, { recursive: true });
  await symlink(dist, path.join(pluginsDir, pluginId), 'dir');

  const env = {
    ...process.env,
    GF_PATHS_DATA: path.join(options.dataDir, 'data'),
    GF_PATHS_LOGS: path.join(options.dataDir, 'logs'),
    GF_PATHS_PLUGINS: pluginsDir,
    GF_PATHS_PROVISIONING: path.join(root, 'provisioning'),
    GF_SERVER_HTTP_ADDR: '127.0.0.1',
    GF_SERVER_HTTP_PORT: String(options.port),
    GF_PLUGINS_ALLOW_LOADING_UNSIGNED_PLUGINS: pluginIdsIn(dist).join(','),
    GF_ANALYTICS_REPORTING_ENABLED: 'false',
    GF_ANALYTICS_CHECK_FOR_UPDATES: 'false',
    GF_ANALYTICS_CHECK_FOR_PLUGIN_UPDATES: 'false',
    OPENCIEM_GRAFANA_DB_HOST: options.database.host,
    OPENCIEM_GRAFANA_DB_PORT: String(options.database.port),
    OPENCIEM_GRAFANA_DB_NAME: options.database.database,
    OPENCIEM_GRAFANA_DB_USER: options.database.user,
    OPENCIEM_GRAFANA_DB_PASSWORD: options.database.password,
    OPENCIEM_GRAFANA_DB_SSLMODE: 'disable',
  };

  const args =
    path.basename(options.binary) === 'grafana' ? ['server', '--homepath', options.home] : ['--homepath', options.home];
  return spawn(options.binary, args, { env, stdio: ['ignore', 'ignore', 'inherit'] });
}
