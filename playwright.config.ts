// Playwright configuration of the end-to-end suite (npm run e2e), in the layout that @grafana/create-plugin scaffolds:
// an auth project logs in once through @grafana/plugin-e2e, then the specs in tests/e2e run as that user. The suite
// needs the Grafana of `docker compose up`; npm test does not run it. The README's "End-to-end tests" section has the
// steps.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

import type { PluginOptions, User } from '@grafana/plugin-e2e';
import { defineConfig, devices } from '@playwright/test';

/** Address at which docker-compose.yml publishes Grafana. */
const DEFAULT_GRAFANA_URL = 'http://127.0.0.1:3000';

const pluginE2eAuth = `${path.dirname(require.resolve('@grafana/plugin-e2e'))}/auth`;

const grafanaUrl = loopbackGrafanaUrl(process.env.GRAFANA_URL ?? DEFAULT_GRAFANA_URL);
const admin = grafanaAdmin();

// Debian's chromium, or another build, instead of the browser that `npx playwright install chromium` downloads.
const chromiumPath = process.env.OPENCIEM_CHROMIUM;
const runsAsRoot = process.getuid?.() === 0;

// Chromium's sandbox needs user namespaces, which root in a container lacks.
const launchOptions = chromiumPath ? { executablePath: chromiumPath, args: runsAsRoot ? ['--no-sandbox'] : [] } : {};

export default defineConfig<PluginOptions>({
  testDir: './tests/e2e',
  fullyParallel: true,
  forbidOnly: Boolean(process.env.CI),
  retries: process.env.CI ? 2 : 0,
  workers: process.env.CI ? 1 : undefined,
  reporter: process.env.CI ? 'list' : 'html',
  use: {
    baseURL: grafanaUrl,
    trace: 'on-first-retry',
    user: admin,
    grafanaAPICredentials: admin,
  },
  projects: [
    {
      name: 'auth',
      testDir: pluginE2eAuth,
      testMatch: [/.*\.js/],
      // The login runs in a browser too, so it needs the same binary.
      use: { launchOptions },
    },
    {
      name: 'chromium',
      use: {
        ...devices['Desktop Chrome'],
        // @grafana/plugin-e2e's login fixture writes the session of user U to playwright/.auth/U.json.
        storageState: `playwright/.auth/${admin.user}.json`,
        launchOptions,
      },
      dependencies: ['auth'],
    },
  ],
});

/**
 * Returns the URL if its host is a loopback address. The suite sends the administrator's password to that Grafana, so
 * it runs only against a Grafana on this machine, such as the one docker compose publishes on 127.0.0.1.
 */
function loopbackGrafanaUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(`GRAFANA_URL "${value}" is not a URL; use ${DEFAULT_GRAFANA_URL} or unset it.`);
  }

  const host = url.hostname.replace(/^\[|\]$/g, '');
  const loopback = host === 'localhost' || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host);
  if (!loopback) {
    throw new Error(
      `GRAFANA_URL "${value}" is not on this machine; the end-to-end suite runs only against a Grafana on 127.0.0.1, ` +
        'localhost or [::1], such as the one docker compose starts.'
    );
  }

  return url.origin;
}

/**
 * Returns Grafana's administrator: GRAFANA_ADMIN_USER and GRAFANA_ADMIN_PASSWORD as @grafana/plugin-e2e reads them,
 * else the password docker compose gives Grafana (OPENCIEM_GRAFANA_ADMIN_PASSWORD, from the environment or .env).
 */
function grafanaAdmin(): User {
  const password =
    process.env.GRAFANA_ADMIN_PASSWORD ??
    process.env.OPENCIEM_GRAFANA_ADMIN_PASSWORD ??
    readDotEnv(path.join(__dirname, '.env')).OPENCIEM_GRAFANA_ADMIN_PASSWORD;

  // NOTE: without a password the login falls back to Grafana's default admin:admin. The compose Grafana rejects it, and
  // the auth project fails with "Could not login to Grafana"; the README names the variables to set.
  return { user: process.env.GRAFANA_ADMIN_USER ?? 'admin', password: password || 'admin' };
}

/** Reads the KEY=VALUE lines of a docker compose .env file; returns no keys when the file does not exist. */
function readDotEnv(file: string): Record<string, string> {
  if (!existsSync(file)) {
    return {};
  }

  const values: Record<string, string> = {};
  for (const line of readFileSync(file, 'utf8').split(/\r?\n/)) {
    const match = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$/.exec(line);
    if (match && !line.trimStart().startsWith('#')) {
      values[match[1]] = match[2].replace(/^(['"])(.*)\1$/, '$2');
    }
  }

  return values;
}
