import { lastAccessedRows } from '../../cli/unused/activity-rows';
import { policyDocument, trustPolicy } from '../../cli/demo/iam-builders';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { account, accountBuilder, daysAgo, load, roleArn, rows } from './fixture';

// The worked example of docs/creep-score.md: role analyst is granted S3 Read and List on one
// bucket, all of IAM and CloudWatch GetMetricData. Its last accessed report shows S3 used 5 days
// ago, IAM not used in the tracking period and CloudWatch last used 120 days ago. Access levels
// come from the Service Authorization Reference as the action catalogue records them.

const builder = accountBuilder().role({
  name: 'analyst',
  ageDays: 400,
  trust: trustPolicy({ Service: 'ec2.amazonaws.com' }),
  lastUsedDays: 5,
  inline: {
    reports: policyDocument({ Effect: 'Allow', Action: ['s3:GetObject', 's3:ListBucket'], Resource: ['arn:aws:s3:::reports', 'arn:aws:s3:::reports/*'] }),
    admin: policyDocument({ Effect: 'Allow', Action: 'iam:*', Resource: '*' }),
    metrics: policyDocument({ Effect: 'Allow', Action: 'cloudwatch:GetMetricData', Resource: '*' }),
  },
});

interface CreepScore {
  score: number;
  permissions_management: string;
  write: string;
  read: string;
  tagging: string;
  list: string;
  granted_services: number;
  unused_services: number;
  granted_weight: number;
  unused_weight: number;
}

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
  await load(db.client, [builder], {
    [account]: {
      aws_iam_role_last_accessed_details: lastAccessedRows('role', account, roleArn('analyst'), [
        { service: 's3', lastAuthenticated: daysAgo(5) },
        { service: 'iam' },
        { service: 'cloudwatch', lastAuthenticated: daysAgo(120) },
      ]),
    },
  });
}, 120_000);

afterAll(async () => {
  await db?.drop();
});

async function creepScore(): Promise<CreepScore> {
  const [row] = await rows<CreepScore>(db.client, 'SELECT * FROM ciem.creep_scores WHERE identity_arn = $1', [roleArn('analyst')]);
  return row;
}

describe('creep score worked example', () => {
  test('granted access levels per service', async () => {
    const found = await rows<{ service: string; access_levels: string[]; weight: number }>(
      db.client,
      'SELECT service, access_levels, weight FROM ciem.service_usage WHERE identity_arn = $1 ORDER BY service',
      [roleArn('analyst')]
    );
    expect(found).toEqual([
      { service: 'cloudwatch', access_levels: ['Read'], weight: 2 },
      { service: 'iam', access_levels: ['Permissions management', 'Write', 'Read', 'Tagging', 'List'], weight: 12 },
      { service: 's3', access_levels: ['Read', 'List'], weight: 3 },
    ]);
  });

  test('weights and score', async () => {
    const score = await creepScore();
    expect(score.granted_weight).toBe(17);
    expect(score.unused_weight).toBe(14);
    expect(score.granted_services).toBe(3);
    expect(score.unused_services).toBe(2);
    expect(score.score).toBe(82);
  });

  test('each access level part of the score', async () => {
    const score = await creepScore();
    expect(score.permissions_management).toBe('29.4');
    expect(score.write).toBe('17.6');
    expect(score.read).toBe('23.5');
    expect(score.tagging).toBe('5.9');
    expect(score.list).toBe('5.9');
  });

  test('using every service brings the score to zero', async () => {
    await db.client.query(
      "UPDATE public.aws_iam_role_last_accessed_details SET last_authenticated = now() AT TIME ZONE 'UTC' - interval '1 day' WHERE role_arn = $1",
      [roleArn('analyst')]
    );
    await db.client.query('SELECT ciem.refresh()');
    const score = await creepScore();
    expect(score.score).toBe(0);
    expect(score.unused_weight).toBe(0);
  });
});
