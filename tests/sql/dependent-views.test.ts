import { createTestDatabase, type TestDatabase } from '../support/database';
import { migrate } from '../../cli/migrate/run';

// A migration that replaces a relation must create again the views that read it, or they are
// lost with DROP ... CASCADE. ciem.dependent_view_ddl gives their statements beforehand.
let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
  await migrate(db.client, { sourceSchema: 'public' });
}, 120_000);

afterAll(async () => {
  await db.drop();
});

async function describeViews(): Promise<unknown[]> {
  const result = await db.client.query(
    `SELECT c.relname, c.relkind, pg_get_viewdef(c.oid) AS definition, obj_description(c.oid, 'pg_class') AS comment,
            ARRAY(SELECT pg_get_indexdef(i.indexrelid) FROM pg_index i WHERE i.indrelid = c.oid ORDER BY 1) AS indexes
       FROM pg_class c
      WHERE c.relnamespace = 'scratch'::regnamespace AND c.relkind IN ('v', 'm')
      ORDER BY c.relname`
  );
  return result.rows;
}

test('dependent views come back unchanged', async () => {
  await db.client.query(`
    CREATE SCHEMA scratch;
    CREATE TABLE scratch.grants (principal text, action text);
    CREATE VIEW scratch.principals AS SELECT DISTINCT principal FROM scratch.grants;
    CREATE MATERIALIZED VIEW scratch.action_counts AS
      SELECT p.principal, count(g.action) AS actions FROM scratch.principals p JOIN scratch.grants g USING (principal) GROUP BY p.principal;
    CREATE UNIQUE INDEX action_counts_key ON scratch.action_counts (principal);
    COMMENT ON MATERIALIZED VIEW scratch.action_counts IS 'Actions per principal; it''s a test.';
    CREATE VIEW scratch.busy AS SELECT principal FROM scratch.action_counts WHERE actions > 10;`);
  const before = await describeViews();

  const ddl = await db.client.query<{ statements: string[] }>(
    "SELECT ciem.dependent_view_ddl('scratch.grants') AS statements"
  );
  await db.client.query('DROP TABLE scratch.grants CASCADE');
  expect(await describeViews()).toEqual([]);

  await db.client.query('CREATE TABLE scratch.grants (principal text, action text)');
  await db.client.query('SELECT ciem.execute_statements($1)', [ddl.rows[0].statements]);

  expect(await describeViews()).toEqual(before);
  expect(before).toHaveLength(3);
});
