import { trustPolicy } from '../../cli/demo/iam-builders';
import { allow, caseAccountBuilder, deny, doc, ec2Trust, loadAccounts, managed, roleArn, userArn } from '../engine/fixture';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { writeOrganization } from '../support/organization';
import { escalationMethods, findingsOf } from './support';

// Privilege-escalation permission sets (ciem.privilege_escalation_methods), on the union of a
// principal's policies. The cases are iam-vulnerable's tool-testing fixtures and cases other
// tools got wrong. Method ids: privesc-033 ec2:RunInstances +
// iam:PassRole, privesc-057 iam:CreatePolicyVersion, privesc-058 iam:CreateAccessKey,
// privesc-063 iam:PutUserPolicy, privesc-065 iam:AttachRolePolicy, privesc-086 iam:PassRole +
// lambda:CreateFunction + lambda:InvokeFunction, privesc-088 lambda:UpdateFunctionCode.

const governed = '100000000002';
const lambdaTrust = trustPolicy({ Service: 'lambda.amazonaws.com' });
const tokenIssued = (operator: string) => ({ Condition: { [operator]: { 'aws:TokenIssueTime': '2020-01-01T00:00:01Z' } } });

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
  await writeOrganization(db.client, {
    management: '100000000009',
    units: [],
    accounts: [
      { id: '100000000009', parent: 'r-root' },
      { id: governed, parent: 'r-root' },
    ],
    scps: {
      'p-full': doc(allow('*')),
      'p-no-iam-writes': doc(deny(['iam:Create*', 'iam:Put*', 'iam:Attach*', 'iam:PassRole'])),
    },
  });

  const cases = caseAccountBuilder()
    .role({ name: 'ec2-target', ageDays: 30, trust: ec2Trust, inline: { s3: doc(allow('s3:*')) } })
    .role({ name: 'lambda-target', ageDays: 30, trust: lambdaTrust, inline: { s3: doc(allow('s3:*')) } })
    .role({ name: 'ec2-admin', ageDays: 30, trust: ec2Trust, inline: { all: doc(allow('*')) } })
    .user({ name: 'create-policy-version', ageDays: 30, inline: { p: doc(allow('iam:CreatePolicyVersion')) } })
    .user({ name: 'fn1-split', ageDays: 30, inline: { compute: doc(allow(['ec2:DescribeInstances', 'ec2:RunInstances'])), pass: doc(allow('iam:PassRole', roleArn('ec2-target'))) } })
    .user({ name: 'fn2-own-prefix', ageDays: 30, inline: { p: doc(allow('iam:CreatePolicyVersion', 'arn:aws:iam::*:policy/fn2-*')) } })
    .user({ name: 'fp4-aws-namespace', ageDays: 30, inline: { p: doc(allow('iam:CreatePolicyVersion', 'arn:aws:iam::aws:policy/fp4-*')) } })
    .user({ name: 'fn3-always-true', ageDays: 30, inline: { p: doc(allow('iam:CreatePolicyVersion', '*', tokenIssued('DateGreaterThan'))) } })
    .user({ name: 'fp5-never-true', ageDays: 30, inline: { p: doc(allow('iam:CreatePolicyVersion', '*', tokenIssued('DateLessThan'))) } })
    .user({ name: 'fn4-notaction', ageDays: 30, inline: { p: doc({ Effect: 'Allow', NotAction: ['iam:Update*', 'iam:Create*', 'iam:Attach*'], Resource: '*' }) } })
    .user({ name: 'self-access-key', ageDays: 30, inline: { p: doc(allow('iam:CreateAccessKey', 'arn:aws:iam::*:user/${aws:username}')) } })
    .user({ name: 'any-access-key', ageDays: 30, inline: { p: doc(allow('iam:CreateAccessKey', 'arn:aws:iam::100000000001:user/*')) } })
    .policy(managed('iam-boundary', doc(allow('iam:*'))))
    .user({ name: 'boundary-only', ageDays: 30, boundary: managed('iam-boundary', doc(allow('iam:*'))), inline: { p: doc(allow('s3:ListAllMyBuckets')) } })
    .user({ name: 'attach-role-policy', ageDays: 30, inline: { p: doc(allow('iam:AttachRolePolicy')) } })
    .user({ name: 'pass-ec2-role-to-lambda', ageDays: 30, inline: { p: doc(allow('iam:PassRole', roleArn('ec2-target')), allow(['lambda:CreateFunction', 'lambda:InvokeFunction'])) } })
    .user({ name: 'pass-lambda-role', ageDays: 30, inline: { p: doc(allow('iam:PassRole', roleArn('lambda-target')), allow(['lambda:CreateFunction', 'lambda:InvokeFunction'])) } })
    .user({
      name: 'pass-under-condition',
      ageDays: 30,
      inline: { p: doc(allow('iam:PassRole', '*', { Condition: { StringEquals: { 'iam:PassedToService': 'ec2.amazonaws.com' } } }), allow('ec2:RunInstances')) },
    })
    .user({ name: 'pass-any-role-to-ec2', ageDays: 30, inline: { p: doc(allow(['iam:PassRole', 'ec2:RunInstances'])) } })
    .user({ name: 'lambda-update-code', ageDays: 30, inline: { p: doc(allow('lambda:UpdateFunctionCode')) } });

  const governedAccount = caseAccountBuilder(governed).user({ name: 'iam-star', ageDays: 30, inline: { p: doc(allow('iam:*')) } });

  await loadAccounts(db.client, cases, governedAccount);
  for (const [policy, target] of [['p-full', 'r-root'], ['p-full', governed], ['p-no-iam-writes', governed]]) {
    await db.client.query('INSERT INTO ciem.aws_scp_targets (policy_id, target_id) VALUES ($1, $2)', [policy, target]);
  }
  await db.client.query('SELECT ciem.refresh()');
}, 180_000);

afterAll(async () => {
  await db.drop();
});

// iam-vulnerable privesc1.
test('CreatePolicyVersion on everything escalates', async () => {
  const [finding] = await findingsOf(db.client, userArn('create-policy-version'), 'privilege_escalation');
  expect(finding.finding_key).toBe('privesc-057');
  expect(finding.severity).toBe('high');
  expect(finding.evidence.actions).toEqual([
    expect.objectContaining({ action: 'iam:CreatePolicyVersion', decision: 'allowed', allowing: [expect.objectContaining({ policy_name: 'p', via: 'direct' })] }),
  ]);
});

// iam-vulnerable fn1: a principal's permissions are the union of its policies (IAM User Guide,
// "Policy evaluation logic").
test('set split over two policies', async () => {
  const [finding] = await findingsOf(db.client, userArn('fn1-split'), 'privilege_escalation');
  expect(finding.finding_key).toBe('privesc-033');
  const policies = (finding.evidence.actions as Array<{ allowing: Array<{ policy_name: string }> }>).flatMap((a) => a.allowing.map((s) => s.policy_name));
  expect(new Set(policies)).toEqual(new Set(['compute', 'pass']));
  expect(finding.evidence.passable_roles).toEqual([roleArn('ec2-target')]);
});

// iam-vulnerable fn2.
test('pattern matching customer policies', async () => {
  expect(await escalationMethods(db.client, userArn('fn2-own-prefix'))).toEqual(['privesc-057']);
});

// iam-vulnerable fp4: AWS-managed policies cannot be changed (IAM User Guide, "AWS managed policies").
test('AWS-managed namespace does not count', async () => {
  expect(await escalationMethods(db.client, userArn('fp4-aws-namespace'))).toEqual([]);
});

// iam-vulnerable fn3 and fp5: aws:TokenIssueTime is the time of the request's credentials, so
// after 2020 the first condition always holds and the second never does.
test('conditions decided by time', async () => {
  expect(await escalationMethods(db.client, userArn('fn3-always-true'))).toEqual(['privesc-057']);
  expect(await escalationMethods(db.client, userArn('fp5-never-true'))).toEqual([]);
});

// iam-vulnerable fn4: Allow with NotAction grants every action it does not name (IAM User Guide,
// "IAM JSON policy elements: NotAction").
test('NotAction leaves PutUserPolicy', async () => {
  const methods = await escalationMethods(db.client, userArn('fn4-notaction'));
  expect(methods).toEqual(expect.arrayContaining(['privesc-063']));
  expect(methods).not.toContain('privesc-057');
  expect(await findingsOf(db.client, userArn('fn4-notaction'), 'admin_equivalent')).toEqual([]);
});

// A key for oneself carries the permissions one already has (IAM User Guide, "Policy variables":
// ${aws:username} is the caller's own name).
test('own access key is self-service', async () => {
  expect(await escalationMethods(db.client, userArn('self-access-key'))).toEqual([]);
});

// iam-vulnerable privesc4.
test('access keys of other users escalate', async () => {
  expect(await escalationMethods(db.client, userArn('any-access-key'))).toEqual(['privesc-058']);
});

// A boundary limits and never grants (IAM User Guide, "Permissions boundaries for IAM entities").
test('boundary-only policy grants nothing', async () => {
  expect(await escalationMethods(db.client, userArn('boundary-only'))).toEqual([]);
});

// A role the principal may already use gains the policy, so sts:AssumeRole is not needed.
test('AttachRolePolicy without AssumeRole', async () => {
  expect(await escalationMethods(db.client, userArn('attach-role-policy'))).toEqual(['privesc-065']);
});

// IAM User Guide, "Grant a user permissions to pass a role to an AWS service": the service must be
// able to assume the role, so its trust policy must name the service.
test('PassRole needs a role trusting the service', async () => {
  expect(await escalationMethods(db.client, userArn('pass-ec2-role-to-lambda'))).toEqual([]);
  const [finding] = await findingsOf(db.client, userArn('pass-lambda-role'), 'privilege_escalation');
  expect(finding.finding_key).toBe('privesc-086');
  expect(finding.evidence.passable_roles).toEqual([roleArn('lambda-target')]);
});

test('PassedToService condition is conditional', async () => {
  const [finding] = await findingsOf(db.client, userArn('pass-under-condition'), 'privilege_escalation');
  expect(finding.finding_key).toBe('privesc-033');
  expect(finding.severity).toBe('medium');
  expect(finding.evidence.conditional).toBe(true);
});

test('passing an admin role is critical', async () => {
  const [finding] = await findingsOf(db.client, userArn('pass-any-role-to-ec2'), 'privilege_escalation');
  expect(finding.severity).toBe('critical');
  expect(finding.evidence.passes_admin_role).toBe(true);
  expect((finding.evidence.passable_roles as string[])[0]).toBe(roleArn('ec2-admin'));
});

test('existing-resource method is medium', async () => {
  const [finding] = await findingsOf(db.client, userArn('lambda-update-code'), 'privilege_escalation');
  expect(finding).toMatchObject({ finding_key: 'privesc-088', severity: 'medium' });
  expect(finding.evidence.kind).toBe('existing_resource');
});

// An SCP Deny applies to every principal of the member account (AWS Organizations User Guide,
// "SCP evaluation").
test('SCP stops the methods it denies', async () => {
  const methods = await escalationMethods(db.client, userArn('iam-star', governed));
  // Gone: CreatePolicyVersion, CreateAccessKey, PutUserPolicy, AttachRolePolicy, the iam:* set.
  for (const method of ['privesc-057', 'privesc-058', 'privesc-063', 'privesc-065', 'privesc-078']) {
    expect(methods).not.toContain(method);
  }
  // Left, because the SCP does not name them: UpdateLoginProfile, UpdateAssumeRolePolicy,
  // AddUserToGroup, DeleteUserPermissionsBoundary, SetDefaultPolicyVersion.
  expect(methods).toEqual(['privesc-062', 'privesc-068', 'privesc-069', 'privesc-080', 'privesc-082']);
});
