import { trustPolicy, type ManagedPolicy } from '../../cli/demo/iam-builders';
import { allow, caseAccount, caseAccountBuilder, deny, doc, ec2Trust, loadAccounts, managed, roleArn, userArn } from '../engine/fixture';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { categoriesOf, findingsOf } from './support';

// Admin-equivalent: every action on every resource after denies and boundaries (IAM User Guide,
// "Policy evaluation logic"), including Allow-NotAction shapes.

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

test('AdministratorAccess is admin-equivalent', async () => {
  const finding = await adminFinding(userArn('aws-admin'));
  expect(finding.severity).toBe('critical');
  expect(finding.evidence.aws_managed_only).toBe(true);
  expect(finding.evidence.granting).toEqual([
    expect.objectContaining({ policy_arn: 'arn:aws:iam::aws:policy/AdministratorAccess', policy_type: 'aws_managed', via: 'direct' }),
  ]);
});

// IAM User Guide, "IAM JSON policy elements: Action": "*:*" names every action, as "*" does.
test('star colon star', async () => {
  expect((await adminFinding(userArn('star-inline')))?.severity).toBe('critical');
});

// Allow with NotAction grants every action it does not name (IAM User Guide, "IAM JSON policy
// elements: NotAction"), so naming an action that does not exist grants them all.
test('NotAction of a missing action', async () => {
  expect((await adminFinding(userArn('invalid-notaction')))?.severity).toBe('critical');
});

test('NotAction iam:* is not admin', async () => {
  expect(await adminFinding(userArn('poweruser'))).toBeUndefined();
});

// An explicit Deny overrides any Allow (IAM User Guide, "Policy evaluation logic"); iam-vulnerable fp1.
test('allow and deny iam:* in one policy', async () => {
  expect(await findingsOf(db.client, userArn('fp1-allow-deny'))).toEqual([]);
});

test('everything but IAM is not admin', async () => {
  expect(await adminFinding(userArn('all-but-iam'))).toBeUndefined();
  const categories = await categoriesOf(db.client, userArn('all-but-iam'));
  expect(categories).toEqual(expect.arrayContaining(['data_exfiltration', 'infrastructure_modification', 'privilege_escalation']));
  // Every escalation left needs an existing resource: IAM itself, iam:PassRole included, is denied.
  const kinds = (await findingsOf(db.client, userArn('all-but-iam'), 'privilege_escalation')).map((f) => f.evidence.kind);
  expect(new Set(kinds)).toEqual(new Set(['existing_resource']));
});

// iam-vulnerable fp2.
test('allow and deny everything in two policies', async () => {
  expect(await findingsOf(db.client, userArn('fp2-two-policies'))).toEqual([]);
});

// IAM User Guide, "Permissions boundaries for IAM entities": the boundary caps what policies grant.
test('S3 boundary caps an administrator', async () => {
  expect(await adminFinding(userArn('bounded-s3'))).toBeUndefined();
});

test('open boundary keeps an administrator', async () => {
  expect((await adminFinding(userArn('bounded-everything')))?.evidence.permissions_boundary).toMatch(/everything-boundary$/);
});

test('MFA-conditioned Deny is conditional admin', async () => {
  const finding = await adminFinding(userArn('mfa-admin'));
  expect(finding.severity).toBe('high');
  expect(finding.evidence.conditional).toBe(true);
  expect(JSON.stringify(finding.evidence.conditions)).toContain('aws:MultiFactorAuthPresent');
});

test('every action on one bucket', async () => {
  expect(await adminFinding(userArn('scoped-star'))).toBeUndefined();
});

// IAM User Guide, "Using service-linked roles": the account cannot change these roles' permissions.
test('service-linked role is info', async () => {
  const finding = await adminFinding(`arn:aws:iam::${caseAccount}:role/aws-service-role/support.amazonaws.com/AWSServiceRoleForSupport`);
  expect(finding.severity).toBe('info');
  expect(finding.evidence.user_changeable).toBe(false);
});

test('admin gets no escalation findings', async () => {
  expect(await categoriesOf(db.client, roleArn('ec2-admin'))).toEqual(['admin_equivalent']);
});

test('rule agrees with the engine', async () => {
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
