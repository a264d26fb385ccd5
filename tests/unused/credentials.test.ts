import { accessKeyRows, credentialReportRow } from '../../cli/unused/activity-rows';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { account, accountBuilder, daysAgo, load, rows, userArn } from './fixture';

// Credential report fields (IAM User Guide, "Getting credential reports for your AWS account"):
// password_enabled, password_last_changed, password_last_used, access_key_N_active,
// access_key_N_last_rotated and access_key_N_last_used_date; the root account's row is
// <root_account>. Access keys and their last use: IAM API Reference, ListAccessKeys and
// GetAccessKeyLastUsed. Rotation: IAM User Guide, "Manage access keys for IAM users" (rotate
// access keys regularly); the age is access_key_rotation_days, 90 by default.

const builder = accountBuilder()
  .user({ name: 'console-old', ageDays: 400 })
  .user({ name: 'console-never', ageDays: 400 })
  .user({ name: 'console-new', ageDays: 20 })
  .user({ name: 'console-fresh', ageDays: 400 })
  .user({ name: 'keys', ageDays: 400 })
  .user({ name: 'report-only', ageDays: 400 });

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
  const report = (name: string, created: number, password?: { changed: number; used?: number }, keys = []) =>
    credentialReportRow({
      accountId: account,
      userName: name,
      createdAt: daysAgo(created),
      password: password && { changedAt: daysAgo(password.changed), lastUsedAt: password.used === undefined ? undefined : daysAgo(password.used) },
      accessKeys: keys,
    });
  await load(db.client, [builder], {
    [account]: {
      aws_iam_credential_reports: [
        report('console-old', 400, { changed: 400, used: 150 }),
        report('console-never', 400, { changed: 300 }),
        report('console-new', 20, { changed: 20 }),
        report('console-fresh', 400, { changed: 400, used: 1 }),
        report('keys', 400),
        credentialReportRow({
          accountId: account,
          userName: 'report-only',
          createdAt: daysAgo(400),
          accessKeys: [{ id: 'slot', active: true, createdAt: daysAgo(200), lastUsedAt: daysAgo(100) }],
        }),
        { ...credentialReportRow({ accountId: account, userName: '<root_account>', createdAt: daysAgo(900), password: { changedAt: daysAgo(900) } }), arn: `arn:aws:iam::${account}:root` },
      ],
      aws_iam_user_access_keys: accessKeyRows(account, 'keys', [
        { id: 'AKIAUNUSED', active: true, createdAt: daysAgo(60), lastUsedAt: daysAgo(95) },
        { id: 'AKIANEVER', active: true, createdAt: daysAgo(120) },
        { id: 'AKIANEW', active: true, createdAt: daysAgo(10) },
        { id: 'AKIAOLDUSED', active: true, createdAt: daysAgo(300), lastUsedAt: daysAgo(1) },
        { id: 'AKIADISABLED', active: false, createdAt: daysAgo(500), lastUsedAt: daysAgo(400) },
      ]),
    },
  });
}, 120_000);

afterAll(async () => {
  await db?.drop();
});

async function usage(arn: string, credential: string): Promise<{ usage: string; rotation_due: boolean }> {
  const [row] = await rows<{ usage: string; rotation_due: boolean }>(
    db.client,
    'SELECT usage, rotation_due FROM ciem.credentials WHERE identity_arn = $1 AND credential_id = $2',
    [arn, credential]
  );
  return row;
}

async function findingKeys(arn: string): Promise<string[]> {
  const found = await rows<{ finding_key: string }>(
    db.client,
    'SELECT finding_key FROM ciem.unused_credential_findings WHERE identity_arn = $1 ORDER BY 1',
    [arn]
  );
  return found.map((row) => row.finding_key);
}

describe('console passwords', () => {
  test('password last used before the threshold is unused', async () => {
    expect((await usage(userArn('console-old'), 'password')).usage).toBe('unused');
  });

  test('password set long ago and never used', async () => {
    expect((await usage(userArn('console-never'), 'password')).usage).toBe('never_used');
  });

  test('password set within the threshold is new', async () => {
    expect((await usage(userArn('console-new'), 'password')).usage).toBe('new');
  });

  test('user without password has a disabled one', async () => {
    expect((await usage(userArn('keys'), 'password')).usage).toBe('disabled');
  });

  test('password findings name the days', async () => {
    const [finding] = await rows<{ title: string }>(db.client, 'SELECT title FROM ciem.unused_credential_findings WHERE identity_arn = $1', [
      userArn('console-old'),
    ]);
    expect(finding.title).toBe('Console password of console-old has not been used for 150 days');
    expect(await findingKeys(userArn('console-never'))).toEqual(['password:password:unused']);
    expect(await findingKeys(userArn('console-new'))).toEqual([]);
    expect(await findingKeys(userArn('console-fresh'))).toEqual([]);
  });

  test('root account row is left out', async () => {
    const root = await rows(db.client, 'SELECT 1 FROM ciem.credentials WHERE identity_arn LIKE $1', ['%:root']);
    expect(root).toEqual([]);
  });
});

describe('access keys', () => {
  test('usage of each key', async () => {
    expect((await usage(userArn('keys'), 'AKIAUNUSED')).usage).toBe('unused');
    expect((await usage(userArn('keys'), 'AKIANEVER')).usage).toBe('never_used');
    expect((await usage(userArn('keys'), 'AKIANEW')).usage).toBe('new');
    expect((await usage(userArn('keys'), 'AKIAOLDUSED')).usage).toBe('used');
    expect((await usage(userArn('keys'), 'AKIADISABLED')).usage).toBe('disabled');
  });

  test('active keys past the rotation age', async () => {
    expect((await usage(userArn('keys'), 'AKIAOLDUSED')).rotation_due).toBe(true);
    expect((await usage(userArn('keys'), 'AKIANEVER')).rotation_due).toBe(true);
    expect((await usage(userArn('keys'), 'AKIAUNUSED')).rotation_due).toBe(false);
    expect((await usage(userArn('keys'), 'AKIADISABLED')).rotation_due).toBe(false);
  });

  test('findings per key and reason', async () => {
    expect(await findingKeys(userArn('keys'))).toEqual([
      'access_key:AKIANEVER:rotation',
      'access_key:AKIANEVER:unused',
      'access_key:AKIAOLDUSED:rotation',
      'access_key:AKIAUNUSED:unused',
    ]);
  });

  test('rotation age follows its setting', async () => {
    await db.client.query("UPDATE ciem.settings SET value = '30' WHERE key = 'access_key_rotation_days'");
    try {
      expect((await usage(userArn('keys'), 'AKIAUNUSED')).rotation_due).toBe(true);
      expect((await usage(userArn('keys'), 'AKIANEW')).rotation_due).toBe(false);
    } finally {
      await db.client.query("UPDATE ciem.settings SET value = '90' WHERE key = 'access_key_rotation_days'");
    }
  });

  test('credential report slots stand in for missing key rows', async () => {
    const [slot] = await rows<{ credential_id: string; usage: string; rotation_due: boolean }>(
      db.client,
      "SELECT credential_id, usage, rotation_due FROM ciem.credentials WHERE identity_arn = $1 AND credential_type = 'access_key'",
      [userArn('report-only')]
    );
    expect(slot).toEqual({ credential_id: 'access_key_1', usage: 'unused', rotation_due: true });
  });

  test('report slots are not repeated for users with key rows', async () => {
    const slots = await rows(db.client, "SELECT 1 FROM ciem.credentials WHERE identity_arn = $1 AND credential_id LIKE 'access_key_%'", [userArn('keys')]);
    expect(slots).toEqual([]);
  });
});
