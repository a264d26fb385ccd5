import { importAuthorizationDetails } from '../../cli/import/aws-authz/import';
import { migrate } from '../../cli/migrate/run';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { exportFiles } from '../support/paths';

// The engine takes three kinds of request: every action of the catalogue, a list of actions, and
// principal-action pairs. The last two probe each statement's action set for the requested
// actions only, so these tests check that an action's decision, patterns and statements are the
// same whichever kind of request gave it.
const services = ['iam', 's3', 'sts', 'lambda', 'kms', 'ec2', 'secretsmanager', 'ssm'];

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
  await importAuthorizationDetails(db.client, exportFiles.cloudsplaining, { sourceSchema: 'public', accountId: '200611803367' });
  await importAuthorizationDetails(db.client, exportFiles.cloudmapper, { sourceSchema: 'public', accountId: '123456789012' });
  await migrate(db.client, { sourceSchema: 'public' });
  await db.client.query(
    `CREATE TEMP TABLE requested_actions AS
     SELECT action FROM ciem.aws_actions WHERE split_part(action, ':', 1) = ANY ($1)`,
    [services]
  );
  await db.client.query(
    `CREATE TEMP TABLE whole_catalogue AS
     SELECT e.*
       FROM ciem.evaluate_principals(ARRAY(SELECT principal_arn FROM ciem.aws_principals), NULL, '*', now(), true, NULL) e
      WHERE e.action IN (SELECT action FROM requested_actions)`
  );
}, 300_000);

afterAll(async () => {
  await db.drop();
});

/** Rows of one side that the other lacks, both ways. */
async function differences(listed: string): Promise<number> {
  const result = await db.client.query<{ n: number }>(
    `WITH listed AS MATERIALIZED (${listed})
     SELECT (SELECT count(*) FROM (SELECT * FROM whole_catalogue EXCEPT SELECT * FROM listed) a)::int
          + (SELECT count(*) FROM (SELECT * FROM listed EXCEPT SELECT * FROM whole_catalogue) b)::int AS n`
  );
  return result.rows[0].n;
}

test('requests cover many decisions', async () => {
  const counts = await db.client.query<{ principals: number; allowed: number; denied: number }>(
    `SELECT count(DISTINCT principal_arn)::int AS principals,
            count(*) FILTER (WHERE decision IN ('allowed', 'conditional'))::int AS allowed,
            count(*) FILTER (WHERE decision = 'explicit_deny')::int AS denied
       FROM whole_catalogue`
  );
  expect(counts.rows[0].principals).toBeGreaterThan(50);
  expect(counts.rows[0].allowed).toBeGreaterThan(10_000);
  expect(counts.rows[0].denied).toBeGreaterThan(0);
});

test('action list matches whole catalogue', async () => {
  const listed = `SELECT * FROM ciem.evaluate_principals(
                      ARRAY(SELECT principal_arn FROM ciem.aws_principals),
                      ARRAY(SELECT action FROM requested_actions), '*', now(), true, NULL)`;
  expect(await differences(listed)).toBe(0);
}, 60_000);

test('pairs match whole catalogue', async () => {
  const listed = `SELECT * FROM ciem.evaluate_pairs(
                      ARRAY(SELECT p.principal_arn || ' ' || a.action
                              FROM ciem.aws_principals p CROSS JOIN requested_actions a), true)`;
  expect(await differences(listed)).toBe(0);
}, 60_000);
