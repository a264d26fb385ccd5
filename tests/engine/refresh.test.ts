import { Client } from 'pg';

import { createTestDatabase, type TestDatabase } from '../support/database';
import { runCli } from '../support/cli';
import { allow, caseAccountBuilder, decision, doc, ec2Trust, loadAccounts, roleArn } from './fixture';

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
  await loadAccounts(db.client, caseAccountBuilder().role({ name: 'reader', ageDays: 1, trust: ec2Trust, inline: { p: doc(allow('s3:GetObject')) } }));
}, 120_000);

afterAll(async () => {
  await db.drop();
});

test('readers keep answering while a refresh holds its locks', async () => {
  const refresher = new Client({ connectionString: db.url });
  await refresher.connect();
  try {
    // The refresh's locks last until its transaction ends; a blocking refresh would make the
    // reader below wait for them and hit its lock timeout.
    await refresher.query('BEGIN');
    await refresher.query('SELECT ciem.refresh()');

    await db.client.query("SET lock_timeout = '2s'");
    expect(await decision(db.client, roleArn('reader'), 's3:GetObject')).toBe('allowed');
    const rows = await db.client.query('SELECT count(*)::int AS n FROM ciem.aws_action_set_actions');
    expect(rows.rows[0].n).toBeGreaterThan(0);
  } finally {
    await refresher.query('ROLLBACK');
    await refresher.end();
    await db.client.query('RESET lock_timeout');
  }
});

test('openciem refresh picks up a new policy and logs the run', async () => {
  await db.client.query(
    `INSERT INTO public.aws_iam_role_policies (_cq_id, _cq_parent_id, account_id, role_arn, policy_name, role_name, policy_document)
     SELECT gen_random_uuid(), _cq_id, account_id, arn, 'added', role_name, '{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"sqs:*","Resource":"*"}}'
       FROM public.aws_iam_roles WHERE role_name = 'reader'`
  );
  expect(await decision(db.client, roleArn('reader'), 'sqs:SendMessage')).toBe('implicit_deny');

  const result = runCli(['refresh', '--database-url', db.url]);

  expect(result.stderr).toBe('');
  expect(result.status).toBe(0);
  expect(result.stdout).toMatch(/^Refreshed the ciem relations in \d+\.\d s\.$/m);
  expect(await decision(db.client, roleArn('reader'), 'sqs:SendMessage')).toBe('allowed');
  const log = await db.client.query('SELECT count(*)::int AS n FROM ciem.refresh_log');
  expect(log.rows[0].n).toBeGreaterThanOrEqual(2);
});

test('openciem refresh on a database without ciem says to migrate', async () => {
  const empty = await createTestDatabase();
  try {
    const result = runCli(['refresh', '--database-url', empty.url]);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('error: the database has no ciem schema yet');
    expect(result.stderr).toContain('Run openciem migrate first');
  } finally {
    await empty.drop();
  }
});

test('refresh times each step', async () => {
  await db.client.query('SELECT ciem.refresh()');

  const steps = await db.client.query(
    `SELECT position, relation_name, duration_ms >= 0 AS timed
       FROM ciem.refresh_steps
      WHERE refresh_started_at = (SELECT max(started_at) FROM ciem.refresh_log)
      ORDER BY position`
  );
  const relations = await db.client.query('SELECT position, relation_name, true AS timed FROM ciem.refresh_relations ORDER BY position');
  expect(steps.rows).toEqual([...relations.rows, { position: 1000, relation_name: 'refresh_findings', timed: true }]);
});
