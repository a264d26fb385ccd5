import { allow, caseAccountBuilder, doc, loadAccounts, userArn } from '../engine/fixture';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { findingsOf } from './support';

// The findings model (sql-views/0013): ids that survive syncs, first_seen and last_seen,
// resolution, suppressions with a reason and an expiry, and settings that fail loudly.

let db: TestDatabase;
const sql = (text: string, values: unknown[] = []) => db.client.query(text, values);
const reader = userArn('reader');

beforeAll(async () => {
  db = await createTestDatabase();
  await loadAccounts(db.client, caseAccountBuilder().user({ name: 'reader', ageDays: 30, inline: { p: doc(allow('s3:GetObject')) } }));
}, 120_000);

afterAll(async () => {
  await db.drop();
});

test('id and first_seen survive a refresh', async () => {
  const [before] = await findingsOf(db.client, reader);
  const first = await sql('SELECT first_seen, last_seen FROM ciem.findings WHERE finding_id = $1', [before.finding_id]);

  await sql('SELECT ciem.refresh()');

  const [after] = await findingsOf(db.client, reader);
  const second = await sql('SELECT first_seen, last_seen FROM ciem.findings WHERE finding_id = $1', [after.finding_id]);
  expect(after.finding_id).toBe(before.finding_id);
  expect(second.rows[0].first_seen).toEqual(first.rows[0].first_seen);
  expect(second.rows[0].last_seen.getTime()).toBeGreaterThan(first.rows[0].last_seen.getTime());
});

test('id derivation', async () => {
  const [finding] = await findingsOf(db.client, reader);
  const expected = await sql("SELECT ciem.finding_id('aws', 'data_exfiltration', $1, 'data_exfiltration') AS id", [reader]);
  expect(finding.finding_id).toBe(expected.rows[0].id);
});

test('suppression and its expiry', async () => {
  const [finding] = await findingsOf(db.client, reader);
  await sql("INSERT INTO ciem.suppressions (finding_id, reason, expires_at) VALUES ($1, 'reads the public reports bucket only', now() + interval '30 days')", [
    finding.finding_id,
  ]);
  const muted = await sql('SELECT suppressed, suppression_reason FROM ciem.findings WHERE finding_id = $1', [finding.finding_id]);
  expect(muted.rows[0]).toEqual({ suppressed: true, suppression_reason: 'reads the public reports bucket only' });

  await sql("UPDATE ciem.suppressions SET expires_at = now() - interval '1 day' WHERE finding_id = $1", [finding.finding_id]);
  const expired = await sql('SELECT suppressed FROM ciem.findings WHERE finding_id = $1', [finding.finding_id]);
  expect(expired.rows[0].suppressed).toBe(false);
});

test('suppression needs a reason', async () => {
  const [finding] = await findingsOf(db.client, reader);
  await expect(sql("INSERT INTO ciem.suppressions (finding_id, reason) VALUES ($1, '  ')", [finding.finding_id])).rejects.toThrow(/suppressions_reason_check/);
});

test('resolved finding comes back', async () => {
  const [finding] = await findingsOf(db.client, reader);
  const first = await sql('SELECT first_seen FROM ciem.finding_records WHERE finding_id = $1', [finding.finding_id]);

  await sql("UPDATE public.aws_iam_user_policies SET policy_document = '{\"Version\":\"2012-10-17\",\"Statement\":[]}'");
  await sql('SELECT ciem.refresh()');
  expect(await findingsOf(db.client, reader)).toEqual([]);
  const resolved = await sql('SELECT resolved_at FROM ciem.finding_records WHERE finding_id = $1', [finding.finding_id]);
  expect(resolved.rows[0].resolved_at).not.toBeNull();

  await sql(`UPDATE public.aws_iam_user_policies SET policy_document = $1`, [JSON.stringify(doc(allow('s3:GetObject')))]);
  await sql('SELECT ciem.refresh()');
  const back = await sql('SELECT first_seen, resolved_at FROM ciem.finding_records WHERE finding_id = $1', [finding.finding_id]);
  expect(back.rows[0]).toEqual({ first_seen: first.rows[0].first_seen, resolved_at: null });
});

test('unchanged findings are not rewritten', async () => {
  await sql('SELECT ciem.refresh_findings()');
  const before = await sql('SELECT finding_id, xmin::text AS version FROM ciem.finding_records ORDER BY finding_id');

  await sql('SELECT ciem.refresh_findings()');

  const after = await sql('SELECT finding_id, xmin::text AS version FROM ciem.finding_records ORDER BY finding_id');
  expect(before.rows.length).toBeGreaterThan(0);
  expect(after.rows).toEqual(before.rows);
});

test('resolved finding keeps its last refresh', async () => {
  const [finding] = await findingsOf(db.client, reader);
  await sql('SELECT ciem.refresh()');
  const lastRefresh = await sql('SELECT last_seen FROM ciem.findings WHERE finding_id = $1', [finding.finding_id]);

  await sql("UPDATE public.aws_iam_user_policies SET policy_document = '{\"Version\":\"2012-10-17\",\"Statement\":[]}'");
  await sql('SELECT ciem.refresh()');

  const record = await sql('SELECT last_seen, resolved_at FROM ciem.finding_records WHERE finding_id = $1', [finding.finding_id]);
  expect(record.rows[0].last_seen).toEqual(lastRefresh.rows[0].last_seen);
  expect(record.rows[0].resolved_at.getTime()).toBeGreaterThan(lastRefresh.rows[0].last_seen.getTime());

  await sql(`UPDATE public.aws_iam_user_policies SET policy_document = $1`, [JSON.stringify(doc(allow('s3:GetObject')))]);
  await sql('SELECT ciem.refresh()');
});

test('invalid settings', async () => {
  await sql("UPDATE ciem.settings SET value = '90d' WHERE key = 'unused_days'");
  await expect(sql("SELECT ciem.setting_days('unused_days')")).rejects.toThrow('setting unused_days has value 90d, which is not a whole number of days');
  await sql("UPDATE ciem.settings SET value = '90' WHERE key = 'unused_days'");
  await expect(sql("SELECT ciem.setting('no_such_key')")).rejects.toThrow('setting no_such_key does not exist');
});
