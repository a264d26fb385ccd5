import { createTestDatabase, type TestDatabase } from '../support/database';
import { runCli } from '../support/cli';
import { allow, caseAccountBuilder, deny, doc, ec2Trust, loadAccounts, roleArn } from './fixture';

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
  await loadAccounts(
    db.client,
    caseAccountBuilder().role({ name: 'ops', ageDays: 1, trust: ec2Trust, inline: { p: doc(allow('s3:*'), { ...deny('s3:DeleteBucket'), Sid: 'KeepBuckets' }) } })
  );
}, 120_000);

afterAll(async () => {
  await db.drop();
});

test('--json prints one object with the decision and the statements', () => {
  const result = runCli(['explain', '--identity', roleArn('ops'), '--action', 's3:DeleteBucket', '--json', '--database-url', db.url]);

  expect(result.status).toBe(0);
  const explanation = JSON.parse(result.stdout);
  expect(explanation.decision).toBe('explicit_deny');
  expect(explanation.denying).toEqual([expect.objectContaining({ sid: 'KeepBuckets', statement_index: 1, policy_type: 'inline', policy_name: 'p' })]);
  expect(explanation.allowing).toEqual([expect.objectContaining({ statement_index: 0, effect: 'Allow' })]);
});

test('text output starts with the decision and names the statement', () => {
  const result = runCli(['explain', '--identity', roleArn('ops'), '--action', 's3:GetObject', '--resource', 'arn:aws:s3:::b/k', '--database-url', db.url]);

  expect(result.status).toBe(0);
  expect(result.stdout.split('\n')[0]).toBe(`ALLOWED: ${roleArn('ops')} s3:GetObject on arn:aws:s3:::b/k`);
  expect(result.stdout).toContain('Allow inline policy p statement 0: Resource *');
});

test('an unknown identity is an error with the next step', () => {
  const result = runCli(['explain', '--identity', roleArn('ghost'), '--action', 's3:GetObject', '--database-url', db.url]);

  expect(result.status).toBe(1);
  expect(result.stderr).toContain(`error: identity ${roleArn('ghost')} not found`);
  expect(result.stderr).toContain('ciem.identities');
});

test('a missing option is a usage error', () => {
  const result = runCli(['explain', '--action', 's3:GetObject', '--database-url', db.url]);

  expect(result.status).toBe(1);
  expect(result.stderr).toContain("required option '--identity <arn>' not specified");
});
