import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { Client } from 'pg';

import { ensureReaderRole } from '../../cli/db/reader-role';
import { importAuthorizationDetails } from '../../cli/import/aws-authz/import';
import { migrate } from '../../cli/migrate/run';
import { runCli } from '../support/cli';
import { createTestDatabase, withDatabase, type TestDatabase } from '../support/database';
import { exportFiles, repositoryRoot } from '../support/paths';

const migrationsDir = path.join(repositoryRoot, 'sql-views');

/** Everything migrate could change: the ledger, the bindings and every ciem object's definition. */
async function schemaState(client: Client): Promise<unknown> {
  const ledger = await client.query(
    'SELECT version, checksum, applied_at FROM ciem.schema_migrations ORDER BY version'
  );
  const bindings = await client.query(
    'SELECT table_name, definition, bound_at FROM ciem.source_bindings ORDER BY table_name'
  );
  const views = await client.query(
    "SELECT c.oid::int, c.relname, pg_get_viewdef(c.oid) AS definition FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'ciem' AND c.relkind IN ('v', 'm') ORDER BY c.relname"
  );
  return { ledger: ledger.rows, bindings: bindings.rows, views: views.rows };
}

describe('migrate on a database without CloudQuery tables', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db.drop();
  });

  test('creates the views, which return no rows, and names the missing tables', async () => {
    const result = runCli(['migrate', '--database-url', db.url]);

    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/Applied \d+ migration\(s\): 0001_source_bindings\.sql/);
    expect(result.stdout).toMatch(/Source tables missing from schema public: .*aws_iam_roles.*aws_iam_users/);
    const identities = await db.client.query('SELECT count(*)::int AS n FROM ciem.identities');
    expect(identities.rows[0].n).toBe(0);
  });

  test('a second run changes nothing', async () => {
    const before = await schemaState(db.client);

    const result = runCli(['migrate', '--database-url', db.url]);

    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/ciem schema is up to date \(\d+ migrations applied\)/);
    expect(await schemaState(db.client)).toEqual(before);
  });

  test('the ledger records every file with its checksum', async () => {
    const files = readFileSync(path.join(migrationsDir, '0001_source_bindings.sql'));
    const ledger = await db.client.query(
      "SELECT checksum, tool_version FROM ciem.schema_migrations WHERE version = '0001'"
    );
    const { createHash } = await import('node:crypto');
    expect(ledger.rows[0].checksum).toBe(createHash('sha256').update(files).digest('hex'));
    expect(ledger.rows[0].tool_version).toBe(
      JSON.parse(readFileSync(path.join(repositoryRoot, 'package.json'), 'utf8')).version
    );
  });

  test('tables that appear later are bound on the next run', async () => {
    await importAuthorizationDetails(db.client, exportFiles.cloudmapper, { sourceSchema: 'public' });
    const roles = await db.client.query("SELECT count(*)::int AS n FROM ciem.identities WHERE identity_type = 'role'");
    expect(roles.rows[0].n).toBe(4);

    const result = runCli(['migrate', '--database-url', db.url]);
    expect(result.status).toBe(0);
    expect(result.stdout).not.toContain('Source tables missing');
  });
});

describe('migrate with edited or failing migrations', () => {
  let db: TestDatabase;
  let dir: string;
  beforeAll(async () => {
    db = await createTestDatabase();
    dir = mkdtempSync(path.join(os.tmpdir(), 'openciem-migrations-'));
    cpSync(migrationsDir, dir, { recursive: true });
    await migrate(db.client, { sourceSchema: 'public', migrationsDir: dir });
  });
  afterAll(async () => {
    await db.drop();
  });

  test('an applied migration whose file changed is an error', async () => {
    const file = path.join(dir, '0003_identities.sql');
    const original = readFileSync(file, 'utf8');
    writeFileSync(file, `${original}\n-- edited\n`);
    try {
      await expect(migrate(db.client, { sourceSchema: 'public', migrationsDir: dir })).rejects.toThrow(
        /migration 0003_identities\.sql was changed after it was applied/
      );
    } finally {
      writeFileSync(file, original);
    }
  });

  test('a failing migration is rolled back and names its line', async () => {
    writeFileSync(
      path.join(dir, '9000_broken.sql'),
      'CREATE TABLE ciem.half_done (id int);\n\nSELECT * FROM ciem.no_such_table;\n'
    );
    const before = await schemaState(db.client);

    await expect(migrate(db.client, { sourceSchema: 'public', migrationsDir: dir })).rejects.toThrow(
      /migration 9000_broken\.sql failed at line 3: relation "ciem\.no_such_table" does not exist/
    );

    expect(await schemaState(db.client)).toEqual(before);
    const table = await db.client.query("SELECT to_regclass('ciem.half_done') AS t");
    expect(table.rows[0].t).toBeNull();
  });

  test('a database migrated by a newer openciem is rejected', async () => {
    await db.client.query(
      "INSERT INTO ciem.schema_migrations (version, name, checksum, duration_ms, tool_version) VALUES ('9999', '9999_future.sql', 'x', 0, '9.9.9')"
    );
    await expect(migrate(db.client, { sourceSchema: 'public', migrationsDir: migrationsDir })).rejects.toThrow(
      /the database has migration 9999_future\.sql, which this openciem .* does not ship/
    );
    await db.client.query("DELETE FROM ciem.schema_migrations WHERE version = '9999'");
  });

  test('a file name outside the naming rule is rejected', async () => {
    writeFileSync(path.join(dir, 'extra.sql'), 'SELECT 1;');
    await expect(migrate(db.client, { sourceSchema: 'public', migrationsDir: dir })).rejects.toThrow(
      /extra\.sql does not follow the naming rule/
    );
  });
});

describe('migrate with CloudQuery tables in another schema', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
    await importAuthorizationDetails(db.client, exportFiles.cloudsplainingSmall, { sourceSchema: 'cloudquery' });
  });
  afterAll(async () => {
    await db.drop();
  });

  test('--source-schema binds the views to that schema', async () => {
    const result = runCli(['migrate', '--database-url', db.url, '--source-schema', 'cloudquery']);

    expect(result.status).toBe(0);
    const rows = await db.client.query(
      'SELECT identity_type, count(*)::int AS n FROM ciem.identities GROUP BY 1 ORDER BY 1'
    );
    expect(rows.rows).toEqual([
      { identity_type: 'group', n: 2 },
      { identity_type: 'role', n: 3 },
      { identity_type: 'user', n: 3 },
    ]);
    const binding = await db.client.query('SELECT DISTINCT source_schema FROM ciem.source_bindings');
    expect(binding.rows).toEqual([{ source_schema: 'cloudquery' }]);
  }, 60_000);

  test('a later migrate keeps the schema', async () => {
    const result = runCli(['migrate', '--database-url', db.url]);

    expect(result.status).toBe(0);
    expect(result.stdout).not.toContain('missing from schema public');
    const binding = await db.client.query('SELECT DISTINCT source_schema FROM ciem.source_bindings');
    expect(binding.rows).toEqual([{ source_schema: 'cloudquery' }]);
    const identities = await db.client.query('SELECT count(*)::int AS n FROM ciem.identities');
    expect(identities.rows[0].n).toBe(8);
  }, 60_000);

  test('DATABASE_URL works when --database-url is absent', () => {
    const result = runCli(['migrate', '--source-schema', 'cloudquery'], { DATABASE_URL: db.url });
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('up to date');
  });

  test('the PG* variables work when no URL is given', () => {
    const url = new URL(db.url);
    const result = runCli(['migrate', '--source-schema', 'cloudquery'], {
      PGHOST: url.hostname,
      PGPORT: url.port,
      PGUSER: decodeURIComponent(url.username),
      PGPASSWORD: decodeURIComponent(url.password),
      PGDATABASE: db.name,
    });
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('up to date');
  });
});

describe('migrate with an older CloudQuery table shape', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
    // A users table without password_last_used and permissions_boundary, as a trimmed sync writes.
    await db.client.query(`CREATE TABLE public.aws_iam_users (
      _cq_id uuid PRIMARY KEY, _cq_parent_id uuid, _cq_sync_time timestamp, account_id text, arn text,
      tags jsonb, create_date timestamp, path text, user_id text, user_name text)`);
    await db.client.query(`INSERT INTO public.aws_iam_users VALUES
      ('00000000-0000-0000-0000-000000000001', NULL, '2026-11-01 00:00:00', '111122223333', 'arn:aws:iam::111122223333:user/ann', '{}', '2025-01-02 03:04:05', '/', 'AIDA1', 'ann')`);
  });
  afterAll(async () => {
    await db.drop();
  });

  test('absent columns read as NULL and are reported', async () => {
    const result = runCli(['migrate', '--database-url', db.url]);

    expect(result.status).toBe(0);
    expect(result.stdout).toContain('public.aws_iam_users lacks the columns password_last_used, permissions_boundary');
    const row = (await db.client.query('SELECT * FROM ciem.identities')).rows[0];
    expect(row).toMatchObject({ display_name: 'ann', last_used_at: null, permissions_boundary_arn: null });
    // CloudQuery writes UTC into timestamp without time zone; staging reads it as UTC.
    expect(row.created_at.toISOString()).toBe('2025-01-02T03:04:05.000Z');
  });
});

describe('migrate error messages', () => {
  test('no database settings names the three ways to give them', () => {
    const result = runCli(['migrate']);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('error: no database to connect to');
    expect(result.stderr).toContain('--database-url');
  });

  test('a URL of another scheme is rejected without showing the password', () => {
    const result = runCli(['migrate', '--database-url', 'mysql://root:s3cret@127.0.0.1/x']);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('invalid database URL "mysql://root:***@127.0.0.1/x"');
    expect(result.stderr).not.toContain('s3cret');
  });

  test('an unreachable server names the address', async () => {
    const { freePort } = await import('../support/global-setup');
    const port = await freePort();
    const result = runCli(['migrate', '--database-url', `postgres://u:pw@127.0.0.1:${port}/db`]);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`could not connect to PostgreSQL at postgres://u:***@127.0.0.1:${port}/db`);
  });
});

describe('read-only role for Grafana', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
    await importAuthorizationDetails(db.client, exportFiles.cloudmapper, { sourceSchema: 'public' });
    await migrate(db.client, { sourceSchema: 'public' });
    await ensureReaderRole(db.client, `${db.name}_reader`, 'reader-test-password');
  });
  afterAll(async () => {
    await db.drop();
    const admin = new Client({ connectionString: process.env.OPENCIEM_TEST_ADMIN_URL });
    await admin.connect();
    await admin.query(`DROP ROLE IF EXISTS ${db.name}_reader`);
    await admin.end();
  });

  async function asReader<T>(work: (client: Client) => Promise<T>): Promise<T> {
    const url = new URL(withDatabase(db.url, db.name));
    url.username = `${db.name}_reader`;
    url.password = 'reader-test-password';
    const client = new Client({ connectionString: url.toString() });
    await client.connect();
    try {
      return await work(client);
    } finally {
      await client.end();
    }
  }

  test('reads the ciem views', async () => {
    const rows = await asReader((client) => client.query('SELECT count(*)::int AS n FROM ciem.identities'));
    expect(rows.rows[0].n).toBe(7);
  });

  test('cannot read the CloudQuery tables', async () => {
    await expect(asReader((client) => client.query('SELECT * FROM public.aws_iam_users'))).rejects.toThrow(
      /permission denied/
    );
  });

  test('cannot write to ciem', async () => {
    await expect(asReader((client) => client.query('DELETE FROM ciem.source_bindings'))).rejects.toThrow(
      /read-only transaction/
    );
  });

  test('lacks write grants even when it leaves read-only mode', async () => {
    const write = async (client: Client) => {
      await client.query('SET default_transaction_read_only = off');
      return client.query('DELETE FROM ciem.source_bindings');
    };
    await expect(asReader(write)).rejects.toThrow(/permission denied for table source_bindings/);
  });
});
