import { randomBytes } from 'node:crypto';

import { Client } from 'pg';

import { quoteIdent } from '../../cli/db/connection';
import { ensureReaderRole } from '../../cli/db/reader-role';
import { loadDemo } from '../../cli/demo/load';
import { importAuthorizationDetails } from '../../cli/import/aws-authz/import';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { exportFiles } from '../support/paths';
import type { Dashboard } from './grafana/dashboard-model';
import type { TimeRange } from './grafana/sql-macros';

// Loading the demo and two exports, migrating and refreshing took about 10 s on two cores in a local run. The limit
// leaves room for slower machines.
export const SETUP_TIMEOUT_MS = 300_000;

export interface DashboardDatabase {
  db: TestDatabase;
  /** A connection as a read-only role made like Grafana's (cli/db/reader-role.ts), which the panel queries use. */
  reader: Client;
  drop(): Promise<void>;
}

/**
 * Creates a database loaded as `openciem demo` loads it, and with realExports also the real IAM exports of the
 * shared data folder, refreshed, with a snapshot for the trend panels, and a read-only role for the queries.
 */
export async function createDashboardDatabase(options: { realExports: boolean }): Promise<DashboardDatabase> {
  const db = await createTestDatabase();
  const role = `openciem_grafana_${randomBytes(5).toString('hex')}`;
  let reader: Client | undefined;

  try {
    if (options.realExports) {
      // The cloudmapper export is left out: its account 123456789012 is the demo's development account, and an import
      // replaces the rows of its account.
      await importAuthorizationDetails(db.client, exportFiles.cloudsplaining, {
        sourceSchema: 'public',
        accountId: '200611803367',
      });
      await importAuthorizationDetails(db.client, exportFiles.cloudsplainingSmall, { sourceSchema: 'public' });
    }
    await loadDemo(db.client, 'public', new Date());
    if (options.realExports) {
      await db.client.query('SELECT ciem.refresh()');
      await db.client.query('SELECT ciem.take_snapshot()');
    }

    const password = randomBytes(18).toString('base64url');
    await ensureReaderRole(db.client, role, password);
    const url = new URL(db.url);
    url.username = role;
    url.password = password;
    reader = new Client({ connectionString: url.toString() });
    await reader.connect();
  } catch (error) {
    await reader?.end();
    await db.drop();
    await dropRole(role);
    throw error;
  }

  const connected = reader;
  return {
    db,
    reader: connected,
    drop: async () => {
      await connected.end();
      await db.drop();
      await dropRole(role);
    },
  };
}

/**
 * Creates the database before the tests of the file and drops it after them; the returned function gives it to the
 * tests.
 */
export function useDashboardDatabase(options: { realExports: boolean }): () => DashboardDatabase {
  let database: DashboardDatabase | undefined;

  beforeAll(async () => {
    database = await createDashboardDatabase(options);
  }, SETUP_TIMEOUT_MS);

  afterAll(async () => {
    await database?.drop();
  });

  return () => {
    if (!database) {
      throw new Error('the dashboard database is not ready: its beforeAll failed or has not run');
    }
    return database;
  };
}

async function dropRole(role: string): Promise<void> {
  const admin = new Client({ connectionString: process.env.OPENCIEM_TEST_ADMIN_URL });
  await admin.connect();
  try {
    await admin.query(`DROP ROLE IF EXISTS ${quoteIdent(role)}`);
  } finally {
    await admin.end();
  }
}

/** Reads the dashboard's default time range (now-90d to now and the like), as Grafana does when the dashboard opens. */
export function defaultTimeRange(dashboard: Dashboard, now: Date = new Date()): TimeRange {
  const time = dashboard.time ?? { from: 'now-6h', to: 'now' };
  return { from: relativeTime(time.from, now), to: relativeTime(time.to, now) };
}

function relativeTime(text: string, now: Date): Date {
  if (text === 'now') {
    return now;
  }
  const match = /^now-(\d+)([smhdw])$/.exec(text);
  if (!match) {
    throw new Error(`time "${text}" is not one the dashboard tests read (now, or now-N with s, m, h, d or w)`);
  }
  const unitMs: Record<string, number> = { s: 1e3, m: 6e4, h: 3.6e6, d: 8.64e7, w: 6.048e8 };
  return new Date(now.getTime() - Number(match[1]) * unitMs[match[2]]);
}
