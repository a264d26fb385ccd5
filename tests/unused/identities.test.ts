import { accessKeyRows, credentialReportRow, lastAccessedRows } from '../../cli/unused/activity-rows';
import { policyDocument, trustPolicy } from '../../cli/demo/iam-builders';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { account, accountBuilder, daysAgo, groupArn, load, roleArn, rows, userArn } from './fixture';

// A user's activity is its console password's and access keys' last use (IAM User Guide,
// "Getting credential reports for your AWS account": password_last_used,
// access_key_N_last_used_date) and its service last accessed data. A role's is RoleLastUsed (IAM
// API Reference, RoleLastUsed: "null if the role has not been used within the IAM tracking
// period") and its service last accessed data. Unused threshold: unused_days, 90 by default.

const ec2 = trustPolicy({ Service: 'ec2.amazonaws.com' });
const readS3 = policyDocument({ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' });

const builder = accountBuilder()
  .user({ name: 'password-old', ageDays: 400 })
  .user({ name: 'key-recent', ageDays: 400 })
  .user({ name: 'never-signed-in', ageDays: 400 })
  .user({ name: 'new-hire', ageDays: 10 })
  .user({ name: 'no-report', ageDays: 400 })
  .user({ name: 'service-only', ageDays: 400 })
  .role({ name: 'role-old', ageDays: 400, trust: ec2, inline: { p: readS3 }, lastUsedDays: 200 })
  .role({ name: 'role-never', ageDays: 400, trust: ec2, inline: { p: readS3 } })
  .role({ name: 'role-recent', ageDays: 400, trust: ec2, inline: { p: readS3 }, lastUsedDays: 5 })
  .role({ name: 'role-new', ageDays: 20, trust: ec2, inline: { p: readS3 } })
  .group({ name: 'empty-old', ageDays: 400 })
  .group({ name: 'empty-new', ageDays: 10 })
  .group({ name: 'staffed', ageDays: 400 })
  .user({ name: 'member', ageDays: 400, groups: ['staffed'] })
  .group({ name: 'stale-team', ageDays: 400 })
  .user({ name: 'stale-member', ageDays: 400, groups: ['stale-team'] });

const report = (name: string, ageDays: number, password?: number | 'never', keyUsedDays?: number) =>
  credentialReportRow({
    accountId: account,
    userName: name,
    createdAt: daysAgo(ageDays),
    password: password === undefined ? undefined : { changedAt: daysAgo(ageDays), lastUsedAt: password === 'never' ? undefined : daysAgo(password) },
    accessKeys: keyUsedDays === undefined ? [] : [{ id: `AKIA${name.length}`, active: true, createdAt: daysAgo(60), lastUsedAt: daysAgo(keyUsedDays) }],
  });

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
  await load(db.client, [builder], {
    [account]: {
      aws_iam_credential_reports: [
        report('password-old', 400, 200),
        report('key-recent', 400, 200, 3),
        report('never-signed-in', 400, 'never'),
        report('new-hire', 10, 'never'),
        report('service-only', 400),
        report('member', 400, 2),
        report('stale-member', 400, 200),
      ],
      aws_iam_user_access_keys: accessKeyRows(account, 'key-recent', [{ id: 'AKIA10', active: true, createdAt: daysAgo(60), lastUsedAt: daysAgo(3) }]),
      aws_iam_user_last_accessed_details: lastAccessedRows('user', account, userArn('service-only'), [{ service: 's3', lastAuthenticated: daysAgo(1) }]),
    },
  });
}, 120_000);

afterAll(async () => {
  await db?.drop();
});

async function status(arn: string): Promise<string> {
  const [row] = await rows<{ status: string }>(db.client, 'SELECT status FROM ciem.identity_activity WHERE identity_arn = $1', [arn]);
  return row.status;
}

async function unusedIdentityKeys(): Promise<string[]> {
  const found = await rows<{ identity_arn: string; finding_key: string }>(
    db.client,
    'SELECT identity_arn, finding_key FROM ciem.unused_identity_findings ORDER BY 1'
  );
  return found.map((row) => `${row.identity_arn.split(':').pop()} ${row.finding_key}`);
}

describe('identity activity', () => {
  test('user with an old password use is inactive', async () => {
    expect(await status(userArn('password-old'))).toBe('inactive');
  });

  test('recent access key use makes a user active', async () => {
    expect(await status(userArn('key-recent'))).toBe('active');
  });

  test('service last accessed makes a user active', async () => {
    expect(await status(userArn('service-only'))).toBe('active');
  });

  test('old user without any use was never used', async () => {
    expect(await status(userArn('never-signed-in'))).toBe('never_used');
  });

  test('user created within the threshold is new', async () => {
    expect(await status(userArn('new-hire'))).toBe('new');
  });

  test('user without credential report row is unknown', async () => {
    expect(await status(userArn('no-report'))).toBe('unknown');
  });

  test('role statuses follow RoleLastUsed', async () => {
    expect(await status(roleArn('role-old'))).toBe('inactive');
    expect(await status(roleArn('role-never'))).toBe('never_used');
    expect(await status(roleArn('role-recent'))).toBe('active');
    expect(await status(roleArn('role-new'))).toBe('new');
  });

  test('group without members is no_members once old', async () => {
    expect(await status(groupArn('empty-old'))).toBe('no_members');
    expect(await status(groupArn('empty-new'))).toBe('new');
  });

  test('group status follows its members', async () => {
    expect(await status(groupArn('staffed'))).toBe('active');
    expect(await status(groupArn('stale-team'))).toBe('inactive');
  });
});

describe('unused identity findings', () => {
  // A group with members is used through them, so only their findings are raised.
  test('report inactive, never used and memberless identities only', async () => {
    expect(await unusedIdentityKeys()).toEqual([
      'group/empty-old no_members',
      'role/role-never no_activity',
      'role/role-old no_activity',
      'user/never-signed-in no_activity',
      'user/password-old no_activity',
      'user/stale-member no_activity',
    ]);
  });

  test('title gives the days without activity', async () => {
    const [finding] = await rows<{ title: string; severity: string }>(
      db.client,
      'SELECT title, severity FROM ciem.unused_identity_findings WHERE identity_arn = $1',
      [userArn('password-old')]
    );
    expect(finding.title).toBe('User password-old has not been used for 200 days');
    expect(finding.severity).toBe('medium');
  });

  test('findings reach ciem.findings after a refresh', async () => {
    await db.client.query('SELECT ciem.refresh()');
    const found = await rows<{ n: number }>(db.client, "SELECT count(*)::int AS n FROM ciem.findings WHERE category = 'unused_identity'");
    expect(found[0].n).toBe(6);
  });

  test('a larger threshold turns an inactive user active', async () => {
    await db.client.query("UPDATE ciem.settings SET value = '300' WHERE key = 'unused_days'");
    try {
      expect(await status(userArn('password-old'))).toBe('active');
      expect(await status(roleArn('role-old'))).toBe('active');
    } finally {
      await db.client.query("UPDATE ciem.settings SET value = '90' WHERE key = 'unused_days'");
    }
  });
});
