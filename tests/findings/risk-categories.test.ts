import { allow, caseAccountBuilder, deny, doc, loadAccounts, userArn } from '../engine/fixture';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { categoriesOf, findingsOf } from './support';

// Risk categories: actions the engine allows on every resource. Lists from Cloudsplaining's
// defaults (data exfiltration, actions that return credentials) and PMapper's resource-exposure
// preset; access levels from the Service Authorization Reference ("Permissions management",
// "Write").

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
  const account = caseAccountBuilder()
    .user({ name: 'read-all-objects', ageDays: 30, inline: { p: doc(allow('s3:GetObject')) } })
    .user({ name: 'read-one-bucket', ageDays: 30, inline: { p: doc(allow('s3:GetObject', 'arn:aws:s3:::reports/*')) } })
    .user({ name: 'read-all-buckets-by-arn', ageDays: 30, inline: { p: doc(allow('s3:GetObject', 'arn:aws:s3:::*/*')) } })
    .user({ name: 'secrets-denied', ageDays: 30, inline: { p: doc(allow('secretsmanager:GetSecretValue'), deny('secretsmanager:*')) } })
    .user({ name: 'assume-any-role', ageDays: 30, inline: { p: doc(allow('sts:AssumeRole')) } })
    .user({ name: 'bucket-policy-writer', ageDays: 30, inline: { p: doc(allow('s3:PutBucketPolicy')) } })
    .user({ name: 'ec2-writer', ageDays: 30, inline: { p: doc(allow('ec2:*')) } })
    .user({ name: 'ec2-reader', ageDays: 30, inline: { p: doc(allow('ec2:Describe*')) } })
    .user({ name: 'ec2-getter', ageDays: 30, inline: { p: doc(allow('ec2:Get*')) } })
    .user({
      name: 'reader-under-mfa',
      ageDays: 30,
      inline: { p: doc(allow('s3:GetObject', '*', { Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } } })) },
    });
  await loadAccounts(db.client, account);
}, 120_000);

afterAll(async () => {
  await db.drop();
});

test('GetObject on every object', async () => {
  const [finding] = await findingsOf(db.client, userArn('read-all-objects'), 'data_exfiltration');
  expect(finding).toMatchObject({ severity: 'medium', title: 'Can read data from every resource with s3:GetObject' });
  expect(finding.evidence.action_sample).toEqual(['s3:GetObject']);
  expect(await categoriesOf(db.client, userArn('read-one-bucket'))).toEqual([]);
  expect(await categoriesOf(db.client, userArn('read-all-buckets-by-arn'))).toEqual(['data_exfiltration']);
});

// An explicit Deny overrides the Allow (IAM User Guide, "Policy evaluation logic").
test('denied grant is not reported', async () => {
  expect(await categoriesOf(db.client, userArn('secrets-denied'))).toEqual([]);
});

test('AssumeRole on every role', async () => {
  const [finding] = await findingsOf(db.client, userArn('assume-any-role'), 'credentials_exposure');
  expect(finding.severity).toBe('high');
});

test('PutBucketPolicy on every bucket', async () => {
  expect(await categoriesOf(db.client, userArn('bucket-policy-writer'))).toEqual(expect.arrayContaining(['resource_exposure']));
});

test('Write on every resource', async () => {
  const [finding] = await findingsOf(db.client, userArn('ec2-writer'), 'infrastructure_modification');
  expect(finding.evidence.services).toEqual(['ec2']);
  expect(Number(finding.evidence.statement_level_write_actions)).toBeGreaterThan(100);
  expect(await categoriesOf(db.client, userArn('ec2-reader'))).toEqual([]);
});

// ec2:GetPasswordData returns the encrypted Windows administrator password (Amazon EC2 API
// Reference, "GetPasswordData").
test('ec2:Get* exposes credentials', async () => {
  const [finding] = await findingsOf(db.client, userArn('ec2-getter'), 'credentials_exposure');
  expect(finding.evidence.action_sample).toEqual(['ec2:GetPasswordData']);
});

test('conditional grant is low', async () => {
  const [finding] = await findingsOf(db.client, userArn('reader-under-mfa'), 'data_exfiltration');
  expect(finding.severity).toBe('low');
});

// Principals without a boundary, SCPs or a Deny naming the action are decided from their Allow
// statements alone; the engine must agree on every such decision.
test('statement-level decisions agree with the engine', async () => {
  const rows = await db.client.query<{ principal_arn: string; action: string; decision: string; explained: string }>(
    `SELECT d.principal_arn, d.action, d.decision, ciem.explain(d.principal_arn, d.action) ->> 'decision' AS explained
       FROM ciem.aws_principal_risk_decisions d
      WHERE d.decided_by = 'statements'`
  );
  expect(rows.rows.length).toBeGreaterThan(5);
  expect(rows.rows.filter((row) => row.decision !== row.explained)).toEqual([]);
});
