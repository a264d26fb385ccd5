// Unused permissions in the identity tree (migration 0022) must match the unused-access relations:
// ciem.action_usage for actions that AWS tracks, ciem.service_usage for every other action.
import { lastAccessedRows } from '../../cli/unused/activity-rows';
import { policyDocument, trustPolicy } from '../../cli/demo/iam-builders';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { account, accountBuilder, daysAgo, load, roleArn, rows } from '../unused/fixture';

const ec2 = trustPolicy({ Service: 'ec2.amazonaws.com' });
const allowAll = (actions: string[]) => ({ Effect: 'Allow', Action: actions, Resource: '*' });

const builder = accountBuilder()
  .role({
    name: 'reported',
    ageDays: 400,
    trust: ec2,
    lastUsedDays: 1,
    inline: {
      p: policyDocument(
        allowAll([
          's3:ListAllMyBuckets',
          's3:CreateBucket',
          's3:DeleteBucket',
          's3:GetObject',
          'iam:*',
          'cloudwatch:GetMetricData',
          'sqs:SendMessage',
        ])
      ),
    },
  })
  .role({
    name: 'no-report',
    ageDays: 400,
    trust: ec2,
    lastUsedDays: 1,
    inline: { p: policyDocument(allowAll(['s3:GetObject'])) },
  });

interface UsageRow {
  action: string;
  decision: string;
  usage: string | null;
  usage_basis: string | null;
  last_used_at: Date | null;
}

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
  await load(db.client, [builder], {
    [account]: {
      // AWS lists the services the identity policies allow (sqs is left out here on purpose);
      // TrackedActionsLastAccessed lists S3's management actions (IAM User Guide, "Refine
      // permissions in AWS using last accessed information").
      aws_iam_role_last_accessed_details: lastAccessedRows('role', account, roleArn('reported'), [
        {
          service: 's3',
          lastAuthenticated: daysAgo(3),
          trackedActions: { ListAllMyBuckets: daysAgo(3), CreateBucket: null, DeleteBucket: daysAgo(200) },
        },
        { service: 'iam' },
        { service: 'cloudwatch', lastAuthenticated: daysAgo(120) },
      ]),
    },
  });
}, 120_000);

afterAll(async () => {
  await db?.drop();
});

async function actions(identityArn: string, service: string): Promise<UsageRow[]> {
  return rows<UsageRow>(
    db.client,
    'SELECT action, decision, usage, usage_basis, last_used_at FROM ciem.identity_service_actions($1, $2)',
    [identityArn, service]
  );
}

test('tracked actions are judged one by one', async () => {
  const s3 = await actions(roleArn('reported'), 's3');
  const byName = Object.fromEntries(s3.map((row) => [row.action, [row.usage, row.usage_basis]]));

  expect(byName).toEqual({
    's3:CreateBucket': ['unused', 'action'],
    's3:DeleteBucket': ['unused', 'action'],
    's3:GetObject': ['used', 'service'],
    's3:ListAllMyBuckets': ['used', 'action'],
  });
});

test('tracked marks match ciem.action_usage', async () => {
  const tracked = await rows<{ action: string; used: boolean }>(
    db.client,
    'SELECT action, used FROM ciem.action_usage WHERE identity_arn = $1 ORDER BY action',
    [roleArn('reported')]
  );
  const tree = (await actions(roleArn('reported'), 's3')).filter((row) => row.usage_basis === 'action');

  expect(tracked.length).toBe(3);
  expect(tree.map((row) => [row.action, row.usage === 'used'])).toEqual(tracked.map((row) => [row.action, row.used]));
});

test('other actions follow their service', async () => {
  const services = await rows<{ service: string; usage: string }>(
    db.client,
    'SELECT service, usage FROM ciem.service_usage WHERE identity_arn = $1 ORDER BY service',
    [roleArn('reported')]
  );
  const usage = Object.fromEntries(services.map((row) => [row.service, row.usage]));

  // not_used (no use in the tracking period) and unused both mark the actions unused.
  expect(usage.iam).toBe('not_used');
  expect(usage.cloudwatch).toBe('unused');
  expect(new Set((await actions(roleArn('reported'), 'iam')).map((row) => row.usage))).toEqual(new Set(['unused']));
  expect((await actions(roleArn('reported'), 'cloudwatch')).map((row) => [row.action, row.usage])).toEqual([
    ['cloudwatch:GetMetricData', 'unused'],
  ]);
});

test('service missing from the report is not_reported', async () => {
  expect((await actions(roleArn('reported'), 'sqs')).map((row) => [row.action, row.usage, row.usage_basis])).toEqual([
    ['sqs:SendMessage', 'not_reported', 'service'],
  ]);
});

test('no report leaves usage unknown', async () => {
  expect((await actions(roleArn('no-report'), 's3')).map((row) => [row.action, row.usage, row.usage_basis])).toEqual([
    ['s3:GetObject', null, null],
  ]);
});

test('summary counts unused actions', async () => {
  const summary = await rows<{
    service: string;
    access_level: string;
    allowed: number;
    unused: number;
    service_usage: string;
  }>(
    db.client,
    "SELECT service, access_level, allowed, unused, service_usage FROM ciem.identity_permission_summary($1) WHERE service IN ('s3', 'cloudwatch', 'sqs') ORDER BY service, access_level",
    [roleArn('reported')]
  );

  expect(summary).toEqual([
    { service: 'cloudwatch', access_level: 'Read', allowed: 1, unused: 1, service_usage: 'unused' },
    { service: 's3', access_level: 'List', allowed: 1, unused: 0, service_usage: 'used' },
    { service: 's3', access_level: 'Read', allowed: 1, unused: 0, service_usage: 'used' },
    { service: 's3', access_level: 'Write', allowed: 2, unused: 2, service_usage: 'used' },
    { service: 'sqs', access_level: 'Write', allowed: 1, unused: 0, service_usage: 'not_reported' },
  ]);
});

test('last use comes from the judged record', async () => {
  const s3 = await actions(roleArn('reported'), 's3');
  const listAll = s3.find((row) => row.action === 's3:ListAllMyBuckets');
  const createBucket = s3.find((row) => row.action === 's3:CreateBucket');
  const getObject = s3.find((row) => row.action === 's3:GetObject');
  const [service] = await rows<{ last_authenticated: Date }>(
    db.client,
    "SELECT last_authenticated FROM ciem.service_usage WHERE identity_arn = $1 AND service = 's3'",
    [roleArn('reported')]
  );
  const [tracked] = await rows<{ last_accessed_at: Date }>(
    db.client,
    "SELECT last_accessed_at FROM ciem.action_usage WHERE identity_arn = $1 AND action = 's3:ListAllMyBuckets'",
    [roleArn('reported')]
  );

  expect(listAll?.last_used_at?.getTime()).toBe(tracked.last_accessed_at.getTime());
  expect(createBucket?.last_used_at).toBeNull();
  // GetObject is untracked, so its last use is the service's.
  expect(getObject?.last_used_at?.getTime()).toBe(service.last_authenticated.getTime());
});
