import { readFileSync } from 'node:fs';

import { createTestDatabase, type TestDatabase } from '../support/database';
import { exportFiles } from '../support/paths';
import { iamVulnerableAccount, loadRealExports } from '../support/real-exports';
import { decision } from './fixture';

// The iam-vulnerable principals in the cloudsplaining example export are labelled: privesc* and
// fn* (false negatives of other tools) can escalate, fp* (false positives) cannot.
const account = iamVulnerableAccount;
const user = (name: string) => `arn:aws:iam::${account}:user/${name}`;
const role = (name: string) => `arn:aws:iam::${account}:role/${name}`;

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
  await loadRealExports(db.client);
}, 180_000);

afterAll(async () => {
  await db.drop();
});

test('every principal of the three exports is evaluated once', async () => {
  // The large export repeats the small one's six principals under their own account.
  const arns = new Set<string>();
  for (const file of [exportFiles.cloudsplaining, exportFiles.cloudsplainingSmall, exportFiles.cloudmapper]) {
    const content = JSON.parse(readFileSync(file, 'utf8'));
    [...content.UserDetailList, ...content.RoleDetailList].forEach((principal: { Arn: string }) => arns.add(principal.Arn));
  }
  const principals = await db.client.query('SELECT count(*)::int AS n FROM ciem.aws_principals');
  expect(principals.rows[0].n).toBe(arns.size);
  const statements = await db.client.query('SELECT count(*)::int AS n FROM ciem.aws_policy_statements WHERE problem IS NULL');
  expect(statements.rows[0].n).toBeGreaterThan(300);
});

test('the exports hold no malformed policy', async () => {
  const errors = await db.client.query('SELECT policy_key, problem FROM ciem.policy_parse_errors');
  expect(errors.rows).toEqual([]);
});

test.each([
  [user('privesc4-CreateAccessKey-user'), 'iam:CreateAccessKey', 'allowed'],
  [role('privesc1-CreateNewPolicyVersion-role'), 'iam:CreatePolicyVersion', 'allowed'],
  [user('fn1-privesc3-partial-user'), 'iam:PassRole', 'allowed'],
  [user('fn1-privesc3-partial-user'), 'ec2:RunInstances', 'allowed'],
  [user('fn3-exploitableConditionConstraint-user'), 'iam:CreatePolicyVersion', 'allowed'],
  [user('fn4-exploitableNotAction-user'), 'iam:PassRole', 'allowed'],
  [user('fn4-exploitableNotAction-user'), 'iam:CreatePolicyVersion', 'implicit_deny'],
  [user('fp1-allow-and-deny-user'), 'iam:CreatePolicyVersion', 'explicit_deny'],
  [role('fp2-allow-and-deny-multiple-policies-role'), 's3:GetObject', 'explicit_deny'],
  [user('fp3-deny-iam-user'), 'iam:CreateAccessKey', 'explicit_deny'],
  [user('fp5-nonExploitableConditionConstraint-user'), 'iam:CreatePolicyVersion', 'implicit_deny'],
])('%s %s is %s', async (identity, action, expected) => {
  expect(await decision(db.client, identity, action)).toBe(expected);
});

test('fn2 may rewrite customer policies, fp4 only AWS-managed ones', async () => {
  const customerPolicy = `arn:aws:iam::${account}:policy/fn2-target`;
  expect(await decision(db.client, user('fn2-exploitableResourceConstraint-user'), 'iam:CreatePolicyVersion', customerPolicy)).toBe('allowed');
  expect(await decision(db.client, user('fp4-nonExploitableResourceConstraint-user'), 'iam:CreatePolicyVersion', `arn:aws:iam::${account}:policy/fp4-target`)).toBe('implicit_deny');
});

test('the cloudmapper MFA policy reads as Deny NotAction iam:* under a condition', async () => {
  const statements = await db.client.query(
    "SELECT effect, is_not_action, action_patterns, condition FROM ciem.aws_policy_statements WHERE policy_arn = 'arn:aws:iam::123456789012:policy/BAD_MFA_POLICY' AND effect = 'Deny'"
  );
  expect(statements.rows).toEqual([
    expect.objectContaining({ effect: 'Deny', is_not_action: true, action_patterns: ['iam:*'], condition: { BoolIfExists: { 'aws:MultiFactorAuthPresent': 'false' } } }),
  ]);
});
