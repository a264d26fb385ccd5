import { spawnSync } from 'node:child_process';
import path from 'node:path';

import { Client } from 'pg';

import { migrate } from '../../cli/migrate/run';
import { importAuthorizationDetails } from '../../cli/import/aws-authz/import';
import { buildIdentityFindingsQuery, buildIdentityPageQuery, buildIdentityQuery, FIRST_PAGE } from '../../src/services/identityQueries';
import { buildExplainQuery, buildNodeActionsQuery, buildPermissionSummaryQuery, type AccessLevel } from '../../src/services/permissionQueries';
import { buildLastRefreshQuery, buildLastSnapshotQuery, buildSourceTablesQuery } from '../../src/services/setupQueries';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { exportFiles, repositoryRoot } from '../support/paths';

// deploy/grafana-reader-role.sql is a psql script (\if, \gexec); run it with psql as a user would.
describe('deploy/grafana-reader-role.sql', () => {
  let db: TestDatabase;
  let role: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    role = `${db.name}_grafana`;
    await importAuthorizationDetails(db.client, exportFiles.cloudmapper, { sourceSchema: 'public' });
  });

  afterAll(async () => {
    await db.drop();
    const admin = new Client({ connectionString: process.env.OPENCIEM_TEST_ADMIN_URL });
    await admin.connect();
    await admin.query(`DROP ROLE IF EXISTS ${role}`);
    await admin.end();
  });

  function runScript(password?: string) {
    const variables = ['-v', `reader_role=${role}`, ...(password ? ['-v', `reader_password=${password}`] : [])];
    return spawnSync('psql', ['--no-psqlrc', '-X', '-q', db.url, ...variables, '-f', path.join(repositoryRoot, 'deploy', 'grafana-reader-role.sql')], {
      encoding: 'utf8',
    });
  }

  async function asReader(sql: string) {
    const url = new URL(db.url);
    url.username = role;
    url.password = 'script-password';
    const client = new Client({ connectionString: url.toString() });
    await client.connect();
    try {
      return await client.query(sql);
    } finally {
      await client.end();
    }
  }

  test('stops without a password', () => {
    const result = runScript();
    expect(result.error).toBeUndefined();
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain('missing psql variable reader_password');
  });

  test('before migrate, grants reach the views migrate creates later', async () => {
    const result = runScript('script-password');
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);

    await migrate(db.client, { sourceSchema: 'public' });

    const rows = await asReader('SELECT count(*)::int AS n FROM ciem.identities');
    expect(rows.rows[0].n).toBe(7);
  });

  test('the role cannot read CloudQuery tables or write', async () => {
    await expect(asReader('SELECT * FROM public.aws_iam_roles')).rejects.toThrow(/permission denied/);
    await expect(asReader('CREATE TABLE ciem.x (id int)')).rejects.toThrow(/read-only transaction|permission denied/);
  });

  test('running it again keeps access', async () => {
    expect(runScript('script-password').status).toBe(0);
    const rows = await asReader('SELECT count(*)::int AS n FROM ciem.identities');
    expect(rows.rows[0].n).toBe(7);
  });

  // Grafana sends the app pages' SQL as this role, read-only; the tree's functions and explain must run under it.
  test('the role runs the app pages queries', async () => {
    const [user] = (await db.client.query<{ principal_arn: string }>("SELECT principal_arn FROM ciem.aws_principals WHERE principal_type = 'user' ORDER BY 1 LIMIT 1")).rows;
    const [node] = (await db.client.query<{ service: string; access_level: AccessLevel }>('SELECT service, access_level FROM ciem.identity_permission_summary($1) ORDER BY 1, 2 LIMIT 1', [user.principal_arn])).rows;
    const [action] = (await db.client.query<{ action: string }>('SELECT action FROM ciem.identity_service_actions($1, $2, $3) LIMIT 1', [user.principal_arn, node.service, node.access_level])).rows;
    const queries = [
      buildIdentityPageQuery(FIRST_PAGE),
      buildIdentityQuery(user.principal_arn),
      buildIdentityFindingsQuery(user.principal_arn),
      buildPermissionSummaryQuery(user.principal_arn),
      buildNodeActionsQuery(user.principal_arn, node.service, node.access_level),
      buildExplainQuery(user.principal_arn, action.action),
      buildSourceTablesQuery(),
      buildLastRefreshQuery(),
      buildLastSnapshotQuery(),
    ];

    for (const sql of queries) {
      await expect(asReader(sql)).resolves.toMatchObject({ rowCount: expect.any(Number) });
    }
    expect((await asReader(buildPermissionSummaryQuery(user.principal_arn))).rowCount).toBeGreaterThan(0);
  });
});
