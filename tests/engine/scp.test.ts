import { createTestDatabase, type TestDatabase } from '../support/database';
import { allow, caseAccountBuilder, decision, deny, doc, ec2Trust, explain, loadAccounts, roleArn } from './fixture';
import { trustPolicy } from '../../cli/demo/iam-builders';
import { writeOrganization } from '../support/organization';

// Service control policies (AWS Organizations User Guide, "SCP evaluation"): every level from the
// root through each OU to the account must allow; SCPs attached to one node are a union; the
// management account and service-linked roles are not restricted.

const management = '200000000000';
const member = '200000000001';
const bare = '200000000002';

const admin = (account: string) =>
  caseAccountBuilder(account)
    .role({ name: 'admin', ageDays: 10, trust: ec2Trust, inline: { all: doc(allow('*')) } })
    .role({
      name: 'AWSServiceRoleForSupport',
      path: '/aws-service-role/support.amazonaws.com/',
      ageDays: 10,
      trust: trustPolicy({ Service: 'support.amazonaws.com' }),
      inline: { all: doc(allow('*')) },
    });

const scps: Record<string, ReturnType<typeof doc>> = {
  'p-full': doc(allow('*')),
  'p-s3ec2': doc(allow(['s3:*', 'ec2:*'])),
  'p-iam': doc(allow('iam:*')),
  'p-noleave': doc(deny('organizations:LeaveOrganization')),
  'p-region': doc(deny('s3:PutObject', '*', { Condition: { StringNotEquals: { 'aws:RequestedRegion': 'eu-west-1' } } })),
};

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
  const sql = (text: string, values: unknown[] = []) => db.client.query(text, values);
  await writeOrganization(db.client, {
    management,
    units: [{ id: 'ou-prod', name: 'Production', parent: 'r-root' }],
    accounts: [
      { id: management, parent: 'r-root' },
      { id: member, parent: 'ou-prod' },
      { id: bare, parent: 'r-root' },
    ],
    scps,
  });

  await loadAccounts(db.client, admin(management), admin(member), admin(bare));
  const targets: Array<[string, string]> = [
    ['p-full', 'r-root'],
    ['p-noleave', 'r-root'],
    ['p-region', 'r-root'],
    ['p-s3ec2', 'ou-prod'],
    ['p-iam', 'ou-prod'],
    ['p-full', member],
  ];
  for (const [policy, target] of targets) {
    await sql('INSERT INTO ciem.aws_scp_targets (policy_id, target_id) VALUES ($1, $2)', [policy, target]);
  }
  await sql('SELECT ciem.refresh()');
}, 120_000);

afterAll(async () => {
  await db.drop();
});

test('an action every level allows is allowed', async () => {
  expect(await decision(db.client, roleArn('admin', member), 's3:GetObject')).toBe('allowed');
});

test('SCPs on one node are a union', async () => {
  expect(await decision(db.client, roleArn('admin', member), 'iam:CreateUser')).toBe('allowed');
});

test('an action one level does not allow is implicitly denied', async () => {
  expect(await decision(db.client, roleArn('admin', member), 'kms:Decrypt')).toBe('implicit_deny');
});

test('a Deny in an SCP is an explicit deny', async () => {
  expect(await decision(db.client, roleArn('admin', member), 'organizations:LeaveOrganization')).toBe('explicit_deny');
});

test('a conditional SCP Deny makes the action conditional', async () => {
  expect(await decision(db.client, roleArn('admin', member), 's3:PutObject')).toBe('conditional');
});

test('a level without any SCP allows nothing', async () => {
  expect(await decision(db.client, roleArn('admin', bare), 's3:GetObject')).toBe('implicit_deny');
});

test('the management account is not restricted', async () => {
  expect(await decision(db.client, roleArn('admin', management), 'kms:Decrypt')).toBe('allowed');
  expect(await decision(db.client, roleArn('admin', management), 'organizations:LeaveOrganization')).toBe('allowed');
});

test('service-linked roles are not restricted', async () => {
  const serviceLinked = `arn:aws:iam::${member}:role/aws-service-role/support.amazonaws.com/AWSServiceRoleForSupport`;
  expect(await decision(db.client, serviceLinked, 'kms:Decrypt')).toBe('allowed');
});

test('explain names the SCP statements of every level', async () => {
  const explained = await explain(db.client, roleArn('admin', member), 's3:GetObject');
  const levels = (explained as unknown as { scp_allowing: Array<{ via_arn: string }> }).scp_allowing.map((statement) => statement.via_arn).sort();
  expect(levels).toEqual([member, 'ou-prod', 'r-root']);
});

test('without any SCP attachment SCPs are not evaluated', async () => {
  await db.client.query('DELETE FROM ciem.aws_scp_targets');
  try {
    expect(await decision(db.client, roleArn('admin', member), 'kms:Decrypt')).toBe('allowed');
  } finally {
    await db.client.query("INSERT INTO ciem.aws_scp_targets VALUES ('p-full', 'r-root')");
  }
});
