import { parseAuthorizationDetails } from '../../cli/import/aws-authz/parse';
import { writeExport } from '../../cli/import/aws-authz/write';
import { migrate } from '../../cli/migrate/run';
import { lastAccessedRows } from '../../cli/unused/activity-rows';
import { policyDocument, trustPolicy, type PolicyDocument } from '../../cli/demo/iam-builders';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { account, accountBuilder, daysAgo, groupArn, load, roleArn, rows } from './fixture';

// The suggested policy keeps the actions that the engine allows and that were used: tracked
// actions by their own last use, other actions by their service's last use (IAM User Guide,
// "Refine permissions in AWS using last accessed information"). It is checked by evaluating it
// through the engine as the inline policy of another role (IAM User Guide, "Policy evaluation
// logic").

const ec2 = trustPolicy({ Service: 'ec2.amazonaws.com' });
const suggestedAccount = '100000000017';

const worker = policyDocument(
  { Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'], Resource: 'arn:aws:s3:::data/*' },
  { Effect: 'Allow', Action: ['s3:ListAllMyBuckets', 's3:CreateBucket'], Resource: '*' },
  {
    Effect: 'Allow',
    Action: ['dynamodb:GetItem', 'dynamodb:PutItem'],
    Resource: `arn:aws:dynamodb:eu-west-1:${account}:table/orders`,
    Condition: { StringEquals: { 'aws:RequestedRegion': 'eu-west-1' } },
  },
  { Effect: 'Allow', Action: 'iam:PassRole', Resource: `arn:aws:iam::${account}:role/app-*` },
  { Effect: 'Allow', Action: 'sqs:*', Resource: '*' },
  { Effect: 'Deny', Action: 's3:DeleteObject', Resource: 'arn:aws:s3:::data/locked/*' }
);
const legacy = { Version: '2008-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::home/${aws:username}/*' }] };

const builder = accountBuilder()
  .role({ name: 'worker', ageDays: 400, trust: ec2, lastUsedDays: 1, inline: { worker, legacy: legacy as unknown as PolicyDocument } })
  .role({ name: 'no-report', ageDays: 400, trust: ec2, lastUsedDays: 1, inline: { worker } })
  .role({ name: 'idle', ageDays: 400, trust: ec2, lastUsedDays: 300, inline: { worker } })
  .group({ name: 'team', ageDays: 400 });

let db: TestDatabase;
let suggested: PolicyDocument;

beforeAll(async () => {
  db = await createTestDatabase();
  await load(db.client, [builder], {
    [account]: {
      aws_iam_role_last_accessed_details: [
        ...lastAccessedRows('role', account, roleArn('worker'), [
          { service: 's3', lastAuthenticated: daysAgo(2), trackedActions: { ListAllMyBuckets: daysAgo(2), CreateBucket: null } },
          { service: 'dynamodb', lastAuthenticated: daysAgo(10) },
          { service: 'iam' },
          { service: 'sqs', lastAuthenticated: daysAgo(200) },
        ]),
        ...lastAccessedRows('role', account, roleArn('idle'), [{ service: 's3', lastAuthenticated: daysAgo(300) }]),
      ],
    },
  });
  suggested = (await rows<{ policy: PolicyDocument }>(db.client, 'SELECT ciem.suggested_policy($1) AS policy', [roleArn('worker')]))[0].policy;

  // The suggested policy becomes the only policy of a role in another account.
  const check = accountBuilder(suggestedAccount).role({ name: 'suggested', ageDays: 400, trust: ec2, inline: { suggested } });
  await writeExport(db.client, 'public', parseAuthorizationDetails(check.build(), suggestedAccount));
  await migrate(db.client, { sourceSchema: 'public' });
}, 180_000);

afterAll(async () => {
  await db?.drop();
});

async function decisions(arn: string): Promise<Map<string, string>> {
  const found = await rows<{ action: string; decision: string }>(
    db.client,
    "SELECT action, decision FROM ciem.effective_permissions($1) WHERE decision IN ('allowed', 'conditional')",
    [arn]
  );
  return new Map(found.map((row) => [row.action, row.decision]));
}

async function decision(arn: string, action: string, resource: string): Promise<string> {
  const [row] = await rows<{ d: string }>(db.client, "SELECT ciem.explain($1, $2, $3) ->> 'decision' AS d", [arn, action, resource]);
  return row.d;
}

const keptActions = [
  'dynamodb:GetItem',
  'dynamodb:PutItem',
  's3:DeleteObject',
  's3:GetObject',
  's3:ListAllMyBuckets',
  's3:PutObject',
];

describe('suggested policy document', () => {
  test('is a 2012-10-17 document', () => {
    expect(suggested.Version).toBe('2012-10-17');
    expect(suggested.Statement.every((statement) => statement.Sid && /^[A-Za-z0-9]+$/.test(String(statement.Sid)))).toBe(true);
  });

  test('keeps the used allowed actions only', () => {
    const allowed = suggested.Statement.filter((statement) => statement.Effect === 'Allow').flatMap((statement) => statement.Action as string[]);
    expect([...new Set(allowed)].sort()).toEqual(keptActions);
  });

  test('keeps resources and conditions of the granting statements', () => {
    expect(suggested.Statement).toContainEqual({
      Sid: 'AllowUsed2',
      Effect: 'Allow',
      Action: ['dynamodb:GetItem', 'dynamodb:PutItem'],
      Resource: `arn:aws:dynamodb:eu-west-1:${account}:table/orders`,
      Condition: { StringEquals: { 'aws:RequestedRegion': 'eu-west-1' } },
    });
    expect(suggested.Statement).toContainEqual({ Sid: 'AllowUsed3', Effect: 'Allow', Action: ['s3:DeleteObject', 's3:GetObject', 's3:PutObject'], Resource: 'arn:aws:s3:::data/*' });
  });

  test('keeps the deny that narrows a kept action', () => {
    expect(suggested.Statement).toContainEqual({ Sid: 'DenyUsed1', Effect: 'Deny', Action: ['s3:DeleteObject'], Resource: 'arn:aws:s3:::data/locked/*' });
  });

  test('keeps a 2008-10-17 variable literal', () => {
    const legacyStatement = suggested.Statement.find((statement) => String(statement.Resource).startsWith('arn:aws:s3:::home/'));
    expect(legacyStatement?.Resource).toBe('arn:aws:s3:::home/${$}{aws:username}/*');
  });
});

describe('suggested policy through the engine', () => {
  test('every used action stays allowed as before', async () => {
    const original = await decisions(roleArn('worker'));
    const reduced = await decisions(roleArn('suggested', suggestedAccount));
    for (const action of keptActions) {
      expect([action, reduced.get(action)]).toEqual([action, original.get(action)]);
    }
  });

  test('nothing unused is allowed', async () => {
    const reduced = await decisions(roleArn('suggested', suggestedAccount));
    // sts:GetCallerIdentity needs no permission, so every principal is allowed it.
    const extra = [...reduced.keys()].filter((action) => !keptActions.includes(action) && action !== 'sts:GetCallerIdentity');
    expect(extra).toEqual([]);
  });

  test('resources are not widened', async () => {
    const suggestedRole = roleArn('suggested', suggestedAccount);
    expect(await decision(suggestedRole, 's3:GetObject', 'arn:aws:s3:::data/report.csv')).toBe('allowed');
    expect(await decision(suggestedRole, 's3:GetObject', 'arn:aws:s3:::other/report.csv')).toBe('implicit_deny');
    expect(await decision(suggestedRole, 's3:DeleteObject', 'arn:aws:s3:::data/locked/x')).toBe('explicit_deny');
    expect(await decision(suggestedRole, 'dynamodb:GetItem', `arn:aws:dynamodb:eu-west-1:${account}:table/orders`)).toBe('conditional');
  });
});

describe('suggested policy errors', () => {
  const failure = async (arn: string) => {
    try {
      await db.client.query('SELECT ciem.suggested_policy($1)', [arn]);
    } catch (error) {
      return error as { message: string; hint?: string };
    }
    throw new Error(`suggested_policy(${arn}) did not fail`);
  };

  test('unknown identity names the value and how to list identities', async () => {
    const error = await failure(roleArn('missing'));
    expect(error.message).toBe(`identity ${roleArn('missing')} not found`);
    expect(error.hint).toContain('SELECT identity_id FROM ciem.identities');
  });

  test('group is rejected', async () => {
    const error = await failure(groupArn('team'));
    expect(error.message).toBe(`identity ${groupArn('team')} is a group; policies are suggested for IAM users and roles`);
  });

  test('identity without last accessed data', async () => {
    const error = await failure(roleArn('no-report'));
    expect(error.message).toBe(`identity ${roleArn('no-report')} has no last accessed information`);
    expect(error.hint).toContain('CloudQuery must sync the tables aws_iam_user_last_accessed_details and aws_iam_role_last_accessed_details');
  });

  test('identity that used nothing within the threshold', async () => {
    const error = await failure(roleArn('idle'));
    expect(error.message).toBe(`identity ${roleArn('idle')} used none of its allowed actions within the last 90 days`);
  });
});
