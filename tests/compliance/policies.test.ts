import { policyDocument, type ManagedPolicy } from '../../cli/demo/iam-builders';
import { administratorAccess } from '../../cli/demo/policies';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { account, builder, loadCase, resultsOf, statusesOf } from './fixture';

// CIS AWS Foundations Benchmark v3.0.0, controls 1.15, 1.16, 1.17 and 1.22, read from the IAM
// users, groups, roles and managed policies. The audits call the IAM API operations
// ListAttachedUserPolicies, ListUserPolicies, ListPolicies --only-attached with GetPolicyVersion,
// and ListEntitiesForPolicy. NotAction and NotResource follow the IAM User Guide pages of those
// elements: neither is the literal Action "*" on Resource "*".

const policies = account(31);
const cloudShell = account(32);
const hygieneOnly = account(33);

const awsManaged = (name: string, statement: Record<string, unknown>): ManagedPolicy => ({
  name,
  owner: 'aws',
  versions: [policyDocument(statement)],
});

const supportAccess = awsManaged('AWSSupportAccess', { Effect: 'Allow', Action: ['support:*'], Resource: '*' });
const cloudShellFullAccess = awsManaged('AWSCloudShellFullAccess', {
  Effect: 'Allow',
  Action: ['cloudshell:*'],
  Resource: '*',
});

const customer = (name: string, ...statements: Array<Record<string, unknown>>): ManagedPolicy => ({
  name,
  owner: policies,
  versions: [policyDocument(...statements)],
});

const fullAdmin = customer('FullAdmin', { Effect: 'Allow', Action: '*', Resource: '*' });
const starStar = customer('StarStar', {
  Effect: 'Allow',
  Action: ['s3:GetObject', '*:*'],
  Resource: ['arn:aws:s3:::reports', '*'],
  Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } },
});
const notActionAdmin = customer('NotActionAdmin', { Effect: 'Allow', NotAction: 'iam:*', Resource: '*' });
const notResourceAdmin = customer('NotResourceAdmin', {
  Effect: 'Allow',
  Action: '*',
  NotResource: 'arn:aws:s3:::secret',
});
const denyAll = customer('DenyAll', { Effect: 'Deny', Action: '*', Resource: '*' });
const s3Everything = customer('S3Everything', { Effect: 'Allow', Action: 's3:*', Resource: '*' });
const unattachedAdmin = customer('UnattachedAdmin', { Effect: 'Allow', Action: '*', Resource: '*' });

const policyArn = (name: string) => `arn:aws:iam::${policies}:policy/${name}`;
const trust = policyDocument({
  Effect: 'Allow',
  Principal: { AWS: `arn:aws:iam::${policies}:root` },
  Action: 'sts:AssumeRole',
});

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
  await loadCase(
    db.client,
    [
      builder(policies)
        .group({ name: 'Admins', ageDays: 100, managed: [administratorAccess, starStar] })
        .user({ name: 'grouped', ageDays: 100, groups: ['Admins'] })
        .user({ name: 'attached', ageDays: 100, managed: [s3Everything] })
        .user({
          name: 'inline',
          ageDays: 100,
          inline: { Reports: policyDocument({ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }) },
        })
        .role({ name: 'support', ageDays: 100, trust, managed: [supportAccess] })
        .role({ name: 'ops', ageDays: 100, trust, managed: [fullAdmin, notActionAdmin, notResourceAdmin, denyAll] })
        .policy(unattachedAdmin),
      builder(cloudShell)
        .group({ name: 'Operators', ageDays: 100, managed: [cloudShellFullAccess] })
        .user({ name: 'operator', ageDays: 100, groups: ['Operators'] })
        .role({ name: 'shell', ageDays: 100, trust, managed: [cloudShellFullAccess] })
        // The audit requires a role: support access through a user does not count.
        .user({ name: 'helpdesk', ageDays: 100, managed: [supportAccess] }),
      builder(hygieneOnly),
    ],
    { aws_iam_password_policies: [{ account_id: hygieneOnly, policy_exists: false }] }
  );
}, 180_000);

afterAll(async () => {
  await db.drop();
});

// Audit 1.15: list-attached-user-policies and list-user-policies return nothing for each user.
describe('CIS 1.15 permissions only through groups', () => {
  test('group member passes, direct policies fail', async () => {
    const user = (name: string) => `arn:aws:iam::${policies}:user/${name}`;
    expect(await statusesOf(db.client, '1.15', policies)).toEqual({
      [user('attached')]: 'fail',
      [user('grouped')]: 'pass',
      [user('inline')]: 'fail',
    });
  });

  test('evidence names the direct policies', async () => {
    const rows = await resultsOf(db.client, '1.15', policies);
    expect(rows.find((row) => row.resource.endsWith('user/attached'))!.evidence.attached_policies).toEqual([
      policyArn('S3Everything'),
    ]);
    expect(rows.find((row) => row.resource.endsWith('user/inline'))!.evidence.inline_policies).toEqual(['Reports']);
  });
});

// Audit 1.16: for each policy of list-policies --only-attached, no statement has "Effect":
// "Allow" with Action "*" over Resource "*".
describe('CIS 1.16 no attached "*:*" policy', () => {
  test('judges attached managed policies', async () => {
    expect(await statusesOf(db.client, '1.16', policies)).toEqual({
      'arn:aws:iam::aws:policy/AWSSupportAccess': 'pass',
      'arn:aws:iam::aws:policy/AdministratorAccess': 'fail',
      [policyArn('DenyAll')]: 'pass',
      [policyArn('FullAdmin')]: 'fail',
      [policyArn('NotActionAdmin')]: 'pass',
      [policyArn('NotResourceAdmin')]: 'pass',
      [policyArn('S3Everything')]: 'pass',
      [policyArn('StarStar')]: 'fail',
    });
  });

  test('evidence marks AWS-managed policies', async () => {
    const rows = await resultsOf(db.client, '1.16', policies);
    const admin = rows.find((row) => row.resource === 'arn:aws:iam::aws:policy/AdministratorAccess')!;
    expect(admin.evidence.aws_managed).toBe(true);
    const own = rows.find((row) => row.resource === policyArn('FullAdmin'))!;
    expect(own.evidence.aws_managed).toBe(false);
  });

  test('conditional "*:*" statement is shown', async () => {
    const rows = await resultsOf(db.client, '1.16', policies);
    const row = rows.find((candidate) => candidate.resource === policyArn('StarStar'))!;
    expect(row.evidence.full_admin_statements).toEqual([
      expect.objectContaining({
        action: ['s3:getobject', '*:*'],
        resource: ['arn:aws:s3:::reports', '*'],
        condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } },
      }),
    ]);
  });

  test('attached policy without a document is unknown', async () => {
    await db.client.query(
      `INSERT INTO public.aws_iam_role_attached_policies (_cq_id, _cq_parent_id, account_id, role_arn, policy_arn, policy_name)
       SELECT gen_random_uuid(), _cq_id, account_id, arn, 'arn:aws:iam::aws:policy/NotSynced', 'NotSynced'
         FROM public.aws_iam_roles WHERE account_id = $1 AND role_name = 'ops'`,
      [policies]
    );
    await db.client.query('SELECT ciem.refresh()');
    const rows = await resultsOf(db.client, '1.16', policies);
    const missing = rows.find((row) => row.resource === 'arn:aws:iam::aws:policy/NotSynced')!;
    expect(missing.status).toBe('unknown');
    expect(missing.evidence.missing).toContain('default version');
    // A whole refresh runs inside this test.
  }, 60_000);
});

// Audit 1.17: list-entities-for-policy on AWSSupportAccess shows a non-empty PolicyRoles.
describe('CIS 1.17 support role', () => {
  test('role with AWSSupportAccess passes', async () => {
    const [row] = await resultsOf(db.client, '1.17', policies);
    expect(row.status).toBe('pass');
    expect(row.evidence.roles).toEqual([`arn:aws:iam::${policies}:role/support`]);
  });

  test('only a user with it fails', async () => {
    expect(await statusesOf(db.client, '1.17', cloudShell)).toEqual({ [cloudShell]: 'fail' });
  });

  test('account without IAM identities is unknown', async () => {
    expect(await statusesOf(db.client, '1.17', hygieneOnly)).toEqual({ [hygieneOnly]: 'unknown' });
  });
});

// Audit 1.22: list-entities-for-policy on AWSCloudShellFullAccess returns no entity.
describe('CIS 1.22 AWSCloudShellFullAccess restricted', () => {
  test('attachments fail with the entities', async () => {
    const [row] = await resultsOf(db.client, '1.22', cloudShell);
    expect(row.status).toBe('fail');
    expect(row.evidence.attached_to).toEqual([
      { type: 'group', arn: `arn:aws:iam::${cloudShell}:group/Operators` },
      { type: 'role', arn: `arn:aws:iam::${cloudShell}:role/shell` },
    ]);
  });

  test('account without it passes', async () => {
    expect(await statusesOf(db.client, '1.22', policies)).toEqual({ [policies]: 'pass' });
  });

  test('account without IAM identities is unknown', async () => {
    expect(await statusesOf(db.client, '1.22', hygieneOnly)).toEqual({ [hygieneOnly]: 'unknown' });
  });
});
