import { lastAccessedRows } from '../../cli/unused/activity-rows';
import { policyDocument, trustPolicy, type ManagedPolicy } from '../../cli/demo/iam-builders';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { account, accountBuilder, daysAgo, load, roleArn, rows } from './fixture';

// Last accessed information (IAM User Guide, "Refine permissions in AWS using last accessed
// information"; IAM API Reference, GenerateServiceLastAccessedDetails and ServiceLastAccessed):
// IAM reports activity for at least the last 400 days; LastAuthenticated is null when the service
// was not used within that tracking period; TrackedActionsLastAccessed lists tracked (management)
// actions with LastAccessedTime null when unused. "Granted" comes from the identity's Allow
// statements, its permissions boundary and unconditional denies on "*".

const ec2 = trustPolicy({ Service: 'ec2.amazonaws.com' });
const allow = (action: string | string[], resource: string | string[] = '*') => ({ Effect: 'Allow', Action: action, Resource: resource });
const s3Boundary: ManagedPolicy = { name: 'S3Only', owner: account, versions: [policyDocument(allow('s3:*'))] };

const builder = accountBuilder()
  .role({
    name: 'svc',
    ageDays: 400,
    trust: ec2,
    lastUsedDays: 1,
    inline: { p: policyDocument(allow(['s3:*', 'iam:*', 'ec2:Describe*']), allow('dynamodb:GetItem', `arn:aws:dynamodb:eu-west-1:${account}:table/orders`)) },
  })
  .role({ name: 'bounded', ageDays: 400, trust: ec2, lastUsedDays: 1, inline: { p: policyDocument(allow(['s3:*', 'iam:*'])) }, boundary: s3Boundary })
  .role({
    name: 'denied',
    ageDays: 400,
    trust: ec2,
    lastUsedDays: 1,
    inline: { p: policyDocument(allow(['s3:*', 'iam:*']), { Effect: 'Deny', Action: 'iam:*', Resource: '*' }) },
  })
  .role({ name: 'partial-report', ageDays: 400, trust: ec2, lastUsedDays: 1, inline: { p: policyDocument(allow(['s3:*', 'sns:*'])) } })
  .role({ name: 'young', ageDays: 20, trust: ec2, lastUsedDays: 1, inline: { p: policyDocument(allow('iam:*')) } })
  .role({ name: 'no-data', ageDays: 400, trust: ec2, lastUsedDays: 1, inline: { p: policyDocument(allow('iam:*')) } });

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
  const report = (name: string, services: Parameters<typeof lastAccessedRows>[3]) => lastAccessedRows('role', account, roleArn(name), services);
  await load(db.client, [builder], {
    [account]: {
      aws_iam_role_last_accessed_details: [
        ...report('svc', [
          { service: 's3', lastAuthenticated: daysAgo(3), trackedActions: { ListAllMyBuckets: daysAgo(3), CreateBucket: null, DeleteBucket: daysAgo(200) } },
          { service: 'iam' },
          { service: 'ec2', lastAuthenticated: daysAgo(200) },
          { service: 'dynamodb', lastAuthenticated: daysAgo(1) },
          { service: 'sqs', lastAuthenticated: daysAgo(1) },
        ]),
        ...report('bounded', [{ service: 's3' }, { service: 'iam' }]),
        ...report('denied', [{ service: 's3' }, { service: 'iam' }]),
        ...report('partial-report', [{ service: 's3', lastAuthenticated: daysAgo(2) }]),
        ...report('young', [{ service: 'iam' }]),
      ],
    },
  });
}, 120_000);

afterAll(async () => {
  await db?.drop();
});

async function serviceUsage(name: string): Promise<Record<string, string>> {
  const found = await rows<{ service: string; usage: string; granted: boolean }>(
    db.client,
    'SELECT service, usage, granted FROM ciem.service_usage WHERE identity_arn = $1 ORDER BY service',
    [roleArn(name)]
  );
  return Object.fromEntries(found.map((row) => [row.service, `${row.granted ? 'granted' : 'not granted'} ${row.usage}`]));
}

async function unusedServices(name: string): Promise<string[]> {
  const found = await rows<{ services: Array<{ service: string }> }>(
    db.client,
    "SELECT evidence -> 'services' AS services FROM ciem.unused_permission_findings WHERE identity_arn = $1 AND finding_key = 'services'",
    [roleArn(name)]
  );
  return found.length === 0 ? [] : found[0].services.map((entry) => entry.service);
}

describe('service usage', () => {
  test('usage against the threshold and tracking period', async () => {
    expect(await serviceUsage('svc')).toEqual({
      dynamodb: 'granted used',
      ec2: 'granted unused',
      iam: 'granted not_used',
      s3: 'granted used',
      sqs: 'not granted used',
    });
  });

  test('granted service absent from the report is not_reported', async () => {
    expect(await serviceUsage('partial-report')).toEqual({ s3: 'granted used', sns: 'granted not_reported' });
  });

  test('principal without a report has no rows', async () => {
    expect(await serviceUsage('no-data')).toEqual({});
  });

  test('boundary limits the granted services', async () => {
    expect(await serviceUsage('bounded')).toEqual({ iam: 'not granted not_used', s3: 'granted not_used' });
  });

  test('unconditional deny on "*" removes a service', async () => {
    expect(await serviceUsage('denied')).toEqual({ iam: 'not granted not_used', s3: 'granted not_used' });
  });

  test('access levels of a granted service', async () => {
    const [row] = await rows<{ access_levels: string[] }>(
      db.client,
      "SELECT access_levels FROM ciem.service_usage WHERE identity_arn = $1 AND service = 'dynamodb'",
      [roleArn('svc')]
    );
    expect(row.access_levels).toEqual(['Read']);
  });
});

describe('unused permission findings', () => {
  test('unused services of each principal', async () => {
    expect(await unusedServices('svc')).toEqual(['iam', 'ec2']);
    expect(await unusedServices('bounded')).toEqual(['s3']);
    expect(await unusedServices('denied')).toEqual(['s3']);
    expect(await unusedServices('partial-report')).toEqual([]);
    expect(await unusedServices('no-data')).toEqual([]);
  });

  test('principal created within the threshold is not judged', async () => {
    expect(await unusedServices('young')).toEqual([]);
  });

  test('unused permissions management makes the finding high', async () => {
    const [finding] = await rows<{ severity: string; title: string }>(
      db.client,
      "SELECT severity, title FROM ciem.unused_permission_findings WHERE identity_arn = $1 AND finding_key = 'services'",
      [roleArn('svc')]
    );
    expect(finding.severity).toBe('high');
    expect(finding.title).toBe('Role svc has 2 granted services it has not used for 90 days');
  });

  test('unused tracked actions of a used service', async () => {
    const [finding] = await rows<{ actions: Array<{ action: string }>; severity: string }>(
      db.client,
      "SELECT evidence -> 'actions' AS actions, severity FROM ciem.unused_permission_findings WHERE identity_arn = $1 AND finding_key = 'actions'",
      [roleArn('svc')]
    );
    expect(finding.actions.map((entry) => entry.action)).toEqual(['s3:CreateBucket', 's3:DeleteBucket']);
    expect(finding.severity).toBe('medium');
  });

  test('tracked action usage per action', async () => {
    const found = await rows<{ action: string; used: boolean }>(
      db.client,
      'SELECT action, used FROM ciem.action_usage WHERE identity_arn = $1 ORDER BY action',
      [roleArn('svc')]
    );
    expect(found).toEqual([
      { action: 's3:CreateBucket', used: false },
      { action: 's3:DeleteBucket', used: false },
      { action: 's3:ListAllMyBuckets', used: true },
    ]);
  });

  test('threshold above the tracking period reads as 400 days', async () => {
    await db.client.query("UPDATE ciem.settings SET value = '500' WHERE key = 'unused_days'");
    try {
      await db.client.query('SELECT ciem.refresh()');
      expect(await serviceUsage('svc')).toMatchObject({ ec2: 'granted used', iam: 'granted not_used' });
    } finally {
      await db.client.query("UPDATE ciem.settings SET value = '90' WHERE key = 'unused_days'");
      await db.client.query('SELECT ciem.refresh()');
    }
  });
});
