import { trustPolicy, type ManagedPolicy } from '../../cli/demo/iam-builders';
import { allow, caseAccount, caseAccountBuilder, deny, doc, ec2Trust, loadAccounts, managed, roleArn, userArn } from '../engine/fixture';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { categoriesOf, findingsOf } from './support';

// Admin-equivalent: every action on every resource after denies and boundaries (IAM User Guide,
// "Policy evaluation logic"). The Allow-NotAction shapes come from Prowler PR #5035 and
// iam-vulnerable's fn4 (catalogue section 4.4).

const administratorAccess: ManagedPolicy = { name: 'AdministratorAccess', owner: 'aws', versions: [doc(allow('*'))] };
const s3Only = managed('s3-only-boundary', doc(allow('s3:*')));
const everythingBoundary = managed('everything-boundary', doc(allow('*')));

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
  const account = caseAccountBuilder()
    .policy(administratorAccess)
    .policy(s3Only)
    .policy(everythingBoundary)
    .user({ name: 'aws-admin', ageDays: 30, managed: [administratorAccess] })
    .user({ name: 'star-inline', ageDays: 30, inline: { all: doc(allow('*:*')) } })
    .user({ name: 'invalid-notaction', ageDays: 30, inline: { all: doc({ Effect: 'Allow', NotAction: 'prowler:action', Resource: '*' }) } })
    .user({ name: 'poweruser', ageDays: 30, inline: { all: doc({ Effect: 'Allow', NotAction: ['iam:*', 'organizations:*', 'account:*'], Resource: '*' }) } })
    .user({ name: 'fp1-allow-deny', ageDays: 30, inline: { both: doc(allow('iam:*'), deny('iam:*')) } })
    .user({ name: 'all-but-iam', ageDays: 30, inline: { both: doc(allow('*'), deny('iam:*')) } })
    .user({ name: 'fp2-two-policies', ageDays: 30, inline: { allowAll: doc(allow('*')), denyAll: doc(deny('*')) } })
    .user({ name: 'bounded-s3', ageDays: 30, managed: [administratorAccess], boundary: s3Only })
    .user({ name: 'bounded-everything', ageDays: 30, managed: [administratorAccess], boundary: everythingBoundary })
    .user({
      name: 'mfa-admin',
      ageDays: 30,
      inline: {
        all: doc(allow('*'), deny('*', '*', { Condition: { BoolIfExists: { 'aws:MultiFactorAuthPresent': 'false' } } })),
      },
    })
    .user({ name: 'scoped-star', ageDays: 30, inline: { all: doc(allow('*', 'arn:aws:s3:::bucket/*')) } })
    .role({
      name: 'AWSServiceRoleForSupport',
      path: '/aws-service-role/support.amazonaws.com/',
      ageDays: 30,
      trust: trustPolicy({ Service: 'support.amazonaws.com' }),
      inline: { all: doc(allow('*')) },
    })
    .role({ name: 'ec2-admin', ageDays: 30, trust: ec2Trust, inline: { all: doc(allow('*')) } });
  await loadAccounts(db.client, account);
}, 120_000);

afterAll(async () => {
  await db.drop();
});

const adminFinding = async (arn: string) => (await findingsOf(db.client, arn, 'admin_equivalent'))[0];

test('Action "*" on Resource "*" from an AWS-managed policy is admin-equivalent, marked as AWS-managed', async () => {
  const finding = await adminFinding(userArn('aws-admin'));
  expect(finding.severity).toBe('critical');
  expect(finding.evidence.aws_managed_only).toBe(true);
  expect(finding.evidence.granting).toEqual([
    expect.objectContaining({ policy_arn: 'arn:aws:iam::aws:policy/AdministratorAccess', policy_type: 'aws_managed', via: 'direct' }),
  ]);
});

test('"*:*" is the same as "*" (IAM User Guide, "IAM JSON policy elements: Action")', async () => {
  expect((await adminFinding(userArn('star-inline')))?.severity).toBe('critical');
});

test('Allow NotAction naming an action that does not exist grants every action (Prowler PR #5035)', async () => {
  expect((await adminFinding(userArn('invalid-notaction')))?.severity).toBe('critical');
});

test('Allow NotAction iam:* is not admin-equivalent: it leaves IAM out ("NotAction" with Allow)', async () => {
  expect(await adminFinding(userArn('poweruser'))).toBeUndefined();
});

test('Allow iam:* with Deny iam:* in the same policy leaves nothing (iam-vulnerable fp1)', async () => {
  expect(await findingsOf(db.client, userArn('fp1-allow-deny'))).toEqual([]);
});

test('Allow "*" with an unconditional Deny of iam:* is not admin-equivalent; what is left is reported by category', async () => {
  expect(await adminFinding(userArn('all-but-iam'))).toBeUndefined();
  const categories = await categoriesOf(db.client, userArn('all-but-iam'));
  expect(categories).toEqual(expect.arrayContaining(['data_exfiltration', 'infrastructure_modification', 'privilege_escalation']));
  // Every escalation left needs an existing resource: IAM itself, iam:PassRole included, is denied.
  const kinds = (await findingsOf(db.client, userArn('all-but-iam'), 'privilege_escalation')).map((f) => f.evidence.kind);
  expect(new Set(kinds)).toEqual(new Set(['existing_resource']));
});

test('Allow "*" and Deny "*" in two policies leave nothing (iam-vulnerable fp2)', async () => {
  expect(await findingsOf(db.client, userArn('fp2-two-policies'))).toEqual([]);
});

test('a permissions boundary that allows only S3 caps an administrator (IAM User Guide, "Permissions boundaries")', async () => {
  expect(await adminFinding(userArn('bounded-s3'))).toBeUndefined();
});

test('a permissions boundary that allows everything leaves the administrator admin-equivalent', async () => {
  expect((await adminFinding(userArn('bounded-everything')))?.evidence.permissions_boundary).toMatch(/everything-boundary$/);
});

test('a Deny under an MFA condition makes it admin-equivalent under a condition, at high severity', async () => {
  const finding = await adminFinding(userArn('mfa-admin'));
  expect(finding.severity).toBe('high');
  expect(finding.evidence.conditional).toBe(true);
  expect(JSON.stringify(finding.evidence.conditions)).toContain('aws:MultiFactorAuthPresent');
});

test('every action on one bucket only is not admin-equivalent', async () => {
  expect(await adminFinding(userArn('scoped-star'))).toBeUndefined();
});

test('a service-linked role is reported at info severity: the account cannot change it (IAM User Guide, "Using service-linked roles")', async () => {
  const finding = await adminFinding(`arn:aws:iam::${caseAccount}:role/aws-service-role/support.amazonaws.com/AWSServiceRoleForSupport`);
  expect(finding.severity).toBe('info');
  expect(finding.evidence.user_changeable).toBe(false);
});

test('admin-equivalent principals get no separate escalation or risk findings', async () => {
  expect(await categoriesOf(db.client, roleArn('ec2-admin'))).toEqual(['admin_equivalent']);
});

test('the statement-level rule agrees with the engine evaluating every action', async () => {
  const users = ['aws-admin', 'star-inline', 'invalid-notaction', 'poweruser', 'fp1-allow-deny', 'all-but-iam', 'fp2-two-policies', 'bounded-s3', 'bounded-everything', 'mfa-admin', 'scoped-star'];
  for (const name of users) {
    const engine = await db.client.query<{ admin: boolean }>(
      `SELECT bool_and(decision = 'conditional' OR (decision = 'allowed' AND '*' = ANY (resource_patterns))) AS admin
         FROM ciem.effective_permissions($1)
        WHERE action <> 'sts:GetCallerIdentity'`,
      [userArn(name)]
    );
    const found = (await adminFinding(userArn(name))) !== undefined;
    expect({ name, admin: found }).toEqual({ name, admin: engine.rows[0].admin });
  }
}, 60_000);
