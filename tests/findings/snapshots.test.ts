import { allow, caseAccountBuilder, doc, loadAccounts, userArn } from '../engine/fixture';
import { runCli } from '../support/cli';
import { createTestDatabase, type TestDatabase } from '../support/database';

// Snapshots (sql-views/0018): finding counts, creep scores and compliance per timestamp, and
// the findings that are new since the previous snapshot.

let db: TestDatabase;
const sql = (text: string, values: unknown[] = []) => db.client.query(text, values);

beforeAll(async () => {
  db = await createTestDatabase();
  await loadAccounts(db.client, caseAccountBuilder().user({ name: 'reader', ageDays: 30, inline: { p: doc(allow('s3:GetObject')) } }));
}, 120_000);

afterAll(async () => {
  await db.drop();
});

test('first snapshot counts every finding as new', async () => {
  const snapshot = await sql('SELECT ciem.take_snapshot() AS id');
  const counts = await sql(
    "SELECT category, severity, open_count FROM ciem.snapshot_finding_counts WHERE snapshot_id = $1 AND category = 'data_exfiltration'",
    [snapshot.rows[0].id]
  );
  expect(counts.rows).toEqual([{ category: 'data_exfiltration', severity: 'medium', open_count: 1 }]);

  const fresh = await sql('SELECT identity_arn, category FROM ciem.new_findings');
  expect(fresh.rows).toContainEqual({ identity_arn: userArn('reader'), category: 'data_exfiltration' });
});

test('a later snapshot shows only what appeared since', async () => {
  await sql("INSERT INTO public.aws_iam_user_policies (_cq_id, _cq_parent_id, account_id, user_arn, user_id, policy_name, policy_document) SELECT gen_random_uuid(), _cq_parent_id, account_id, user_arn, user_id, 'assume', $1 FROM public.aws_iam_user_policies LIMIT 1", [
    JSON.stringify(doc(allow('sts:AssumeRole'))),
  ]);
  await sql('SELECT ciem.refresh()');
  await sql('SELECT ciem.take_snapshot()');

  // sts:AssumeRole returns credentials and is a Write action; s3:GetObject was there before.
  const fresh = await sql('SELECT category FROM ciem.new_findings ORDER BY 1');
  expect(fresh.rows.map((r) => r.category)).toEqual(['credentials_exposure', 'infrastructure_modification']);

  const trend = await sql("SELECT count(*)::int AS points FROM ciem.finding_trends WHERE category = 'data_exfiltration'");
  expect(trend.rows[0].points).toBe(2);
});

test('openciem refresh takes a snapshot unless told not to', async () => {
  const before = await sql('SELECT count(*)::int AS n FROM ciem.snapshots');

  const refreshed = runCli(['refresh', '--database-url', db.url]);
  expect(refreshed.stdout).toMatch(/Snapshot \d+: \d+ open findings, 0 new since the previous snapshot\./);

  runCli(['refresh', '--no-snapshot', '--database-url', db.url]);
  const after = await sql('SELECT count(*)::int AS n FROM ciem.snapshots');
  expect(after.rows[0].n).toBe(before.rows[0].n + 1);
});

test('openciem snapshot prints what it recorded', async () => {
  const result = runCli(['snapshot', '--database-url', db.url]);
  expect(result.stdout).toMatch(/^Snapshot \d+: \d+ open findings, 0 new since the previous snapshot\.$/m);
});
