// Runs the SQL that the app pages send through Grafana against real PostgreSQL with the ciem views and the demo
// organisation, so that column names, escaping and search semantics are checked by the server itself.
import type { Client } from 'pg';

import { loadDemo } from '../../cli/demo/load';
import { defaultAsOf } from '../../cli/demo/organisation';
import {
  buildIdentityPageQuery,
  FIRST_PAGE,
  IDENTITY_PAGE_SIZE,
  type IdentityPageOptions,
} from '../../src/services/identityQueries';
import { buildLatestMigrationQuery, buildSourceProblemsQuery, quoteLiteral } from '../../src/services/queries';
import { explainQueryFailure } from '../../src/services/queryFailure';
import { HOSTILE_TEXTS } from '../../src/test/sqlLiterals';
import { createTestDatabase, type TestDatabase } from '../support/database';

// Creating a database, applying the migrations and loading the demo took about a second in a local run. The limit
// leaves room for slow machines.
const SETUP_TIMEOUT_MS = 120_000;

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
  await loadDemo(database.client, 'public', defaultAsOf);
}, SETUP_TIMEOUT_MS);

afterAll(async () => {
  await database?.drop();
});

// By name, so that every page of the demo is in a stable order.
const BY_NAME: IdentityPageOptions = { ...FIRST_PAGE, sortBy: 'name', descending: false };

interface PageRow {
  cloud: string;
  identity_id: string;
  account_id: string;
  identity_type: string;
  creep_score: number | null;
  open_findings: number;
  highest_severity: string | null;
  total_count: string;
}

async function identityPage(options: Partial<IdentityPageOptions>): Promise<PageRow[]> {
  const result = await database.client.query<PageRow>(buildIdentityPageQuery({ ...BY_NAME, ...options }));

  return result.rows;
}

/** Collects the identities that match the search from every page. */
async function identityIds(search: string): Promise<string[]> {
  const ids: string[] = [];
  for (let page = 0; ; page += 1) {
    const rows = await identityPage({ search, page });
    ids.push(...rows.map((row) => row.identity_id));
    if (rows.length < IDENTITY_PAGE_SIZE) {
      return ids;
    }
  }
}

describe('quoteLiteral on PostgreSQL', () => {
  test.each(HOSTILE_TEXTS)('reads back with standard_conforming_strings on: %j', async (text) => {
    const result = await database.client.query<{ text: string }>(`SELECT ${quoteLiteral(text)} AS text`);

    expect(result.rows).toEqual([{ text }]);
  });

  test.each(HOSTILE_TEXTS)('reads back with standard_conforming_strings off: %j', async (text) => {
    await database.client.query('SET standard_conforming_strings = off');
    try {
      const result = await database.client.query<{ text: string }>(`SELECT ${quoteLiteral(text)} AS text`);

      expect(result.rows).toEqual([{ text }]);
    } finally {
      await database.client.query('RESET standard_conforming_strings');
    }
  });
});

describe('identities query on PostgreSQL', () => {
  test('lists the demo identities', async () => {
    const all = await identityIds('');

    expect(all.length).toBeGreaterThan(10);
  });

  test('returns the columns the page reads', async () => {
    const result = await database.client.query(buildIdentityPageQuery(BY_NAME));

    expect(result.fields.map((field) => field.name)).toEqual([
      'cloud',
      'account_id',
      'identity_id',
      'identity_type',
      'display_name',
      'path',
      'created_at',
      'last_used_at',
      'permissions_boundary_arn',
      'is_service_linked',
      'creep_score',
      'creep_permissions_management',
      'creep_write',
      'creep_read',
      'creep_tagging',
      'creep_list',
      'open_findings',
      'highest_severity',
      'total_count',
    ]);
  });

  test('counts every match on each page', async () => {
    const all = await database.client.query<{ count: string }>('SELECT count(*) FROM ciem.identities');
    const rows = await identityPage({});

    expect(Number(rows[0].total_count)).toBe(Number(all.rows[0].count));
  });

  test('filters by account and type', async () => {
    const [account] = (
      await database.client.query<{ account_id: string }>('SELECT min(account_id) AS account_id FROM ciem.identities')
    ).rows;
    const rows = await identityPage({ accountId: account.account_id, identityType: 'role' });

    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((row) => row.account_id === account.account_id && row.identity_type === 'role')).toBe(true);
  });

  test('sorts creep scores high to low, unscored last', async () => {
    const scores = (await identityPage({ sortBy: 'creepScore', descending: true })).map((row) => row.creep_score);
    const scored = scores.filter((score): score is number => score !== null);

    expect(scored.length).toBeGreaterThan(0);
    expect(scored).toEqual([...scored].sort((a, b) => b - a));
    expect(scores.slice(scored.length).every((score) => score === null)).toBe(true);
  });

  test('counts open findings per identity', async () => {
    const rows = await identityPage({ sortBy: 'openFindings', descending: true });
    const expected = await database.client.query<{ count: number }>(
      'SELECT count(*)::integer AS count FROM ciem.findings WHERE identity_arn = $1 AND NOT suppressed',
      [rows[0].identity_id]
    );

    expect(rows[0].open_findings).toBeGreaterThan(0);
    expect(rows[0].open_findings).toBe(expected.rows[0].count);
  });

  test('page counts equal whole counts', async () => {
    // Sorted by open findings, the query counts every identity's findings before it sorts; otherwise it counts those of
    // the page's identities only. Both must give each identity the same count and highest severity.
    const counted = async (sortBy: IdentityPageOptions['sortBy']) => {
      const counts = new Map<string, string>();
      for (let page = 0; ; page += 1) {
        const rows = await identityPage({ sortBy, page });
        for (const row of rows) {
          counts.set(
            `${row.cloud} ${row.account_id} ${row.identity_id}`,
            `${row.open_findings} ${row.highest_severity}`
          );
        }
        if (rows.length < IDENTITY_PAGE_SIZE) {
          return counts;
        }
      }
    };

    const byPage = await counted('name');
    const whole = await counted('openFindings');

    expect(byPage.size).toBeGreaterThan(IDENTITY_PAGE_SIZE);
    expect([...byPage.values()].some((count) => !count.startsWith('0 '))).toBe(true);
    expect(Object.fromEntries(byPage)).toEqual(Object.fromEntries(whole));
  });

  test('finds an identity by part of its name in any case', async () => {
    const all = await database.client.query<{ identity_id: string; display_name: string }>(
      "SELECT identity_id, display_name FROM ciem.identities WHERE cloud = 'aws' ORDER BY identity_id LIMIT 1"
    );
    const { identity_id: identityId, display_name: name } = all.rows[0];

    const found = await identityIds(name.slice(1, -1).toUpperCase());

    expect(found).toContain(identityId);
  });

  test('finds an identity by part of its ARN', async () => {
    const found = await identityIds(':role/');

    expect(found.length).toBeGreaterThan(0);
    for (const identityId of found) {
      expect(identityId).toContain(':role/');
    }
  });

  test.each(HOSTILE_TEXTS)('hostile search matches nothing: %j', async (search) => {
    expect(await identityIds(search)).toEqual([]);
  });

  test.each(['%', '_'])('takes %s literally', async (wildcard) => {
    const all = await database.client.query<{ identity_id: string; display_name: string | null }>(
      'SELECT identity_id, display_name FROM ciem.identities'
    );
    const containing = all.rows
      .filter((row) => row.identity_id.includes(wildcard) || (row.display_name ?? '').includes(wildcard))
      .map((row) => row.identity_id);

    // Taken as a wildcard, the character would match every identity.
    expect(containing.length).toBeLessThan(all.rows.length);
    expect((await identityIds(wildcard)).sort()).toEqual(containing.sort());
  });
});

describe('overview queries on PostgreSQL', () => {
  test('return the latest migration', async () => {
    const latest = await database.client.query(buildLatestMigrationQuery());
    const newest = await database.client.query<{ version: string }>(
      'SELECT max(version) AS version FROM ciem.schema_migrations'
    );

    expect(latest.rows).toHaveLength(1);
    expect(latest.rows[0].version).toBe(newest.rows[0].version);
    expect(Object.keys(latest.rows[0])).toEqual(['version', 'name', 'applied_at']);
  });

  test('report no source problems when every table is present', async () => {
    const result = await database.client.query(buildSourceProblemsQuery());

    expect(result.rows).toEqual([]);
    expect(result.fields.map((field) => field.name)).toEqual([
      'table_name',
      'source_schema',
      'present',
      'missing_columns',
      'bound_at',
    ]);
  });
});

describe('error explanations on PostgreSQL', () => {
  async function failureMessage(client: Client, sql: string): Promise<string> {
    const error = await client.query(sql).then(
      () => undefined,
      (caught: unknown) => caught
    );
    if (!(error instanceof Error)) {
      throw new Error(`Expected the query to fail: ${sql}`);
    }

    return error.message;
  }

  test('missing view suggests openciem migrate', async () => {
    const empty = await createTestDatabase();
    try {
      const detail = await failureMessage(empty.client, buildIdentityPageQuery(BY_NAME));

      expect(explainQueryFailure({ status: 400, message: detail }, 'openciem-postgres')).toMatch(
        /^ciem\.identities does not exist in the database of datasource openciem-postgres\. Run openciem migrate/
      );
    } finally {
      await empty.drop();
    }
  });

  test('missing grant suggests the grants', async () => {
    const role = `openciem_no_grants_${process.pid}`;
    await database.client.query(`CREATE ROLE ${role}`);
    try {
      await database.client.query(`SET ROLE ${role}`);
      const detail = await failureMessage(database.client, buildIdentityPageQuery(BY_NAME));

      expect(explainQueryFailure({ status: 400, message: detail }, 'openciem-postgres')).toBe(
        'The database user of datasource openciem-postgres may not read ciem. ' +
          'Grant it USAGE on schema ciem and SELECT on the views in it.'
      );
    } finally {
      await database.client.query('RESET ROLE');
      await database.client.query(`DROP ROLE ${role}`);
    }
  });
});
