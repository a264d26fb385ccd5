import { createTestDatabase, type TestDatabase } from '../support/database';
import { account, builder, loadCase, reportRow, resultsOf, statusesOf } from './fixture';

// CIS AWS Foundations Benchmark v3.0.0, controls 1.4 to 1.7 on the root user. The audits read
// the IAM API operations GetAccountSummary (AccountAccessKeysPresent, AccountMFAEnabled) and
// ListVirtualMFADevices, and the <root_account> row of the credential report (IAM User Guide,
// "Getting credential reports for your AWS account").

const summaryKeys = account(1);
const clean = account(2);
const reportKey = account(3);
const noData = account(4);
const noMfa = account(5);
const virtualRoot = account(6);
const unassignedVirtual = account(7);

const root = (accountId: string) => `arn:aws:iam::${accountId}:root`;

const summary = (accountId: string, keys: boolean, mfa: boolean) => ({
  account_id: accountId,
  account_access_keys_present: keys,
  account_mfa_enabled: mfa,
  users: 1,
});

const virtualDevice = (accountId: string, assigned: boolean) => ({
  account_id: accountId,
  serial_number: `arn:aws:iam::${accountId}:mfa/root-account-mfa-device`,
  enable_date: assigned ? new Date().toISOString() : null,
  user: assigned ? { Arn: root(accountId) } : null,
  tags: {},
});

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
  const accounts = [summaryKeys, clean, reportKey, noData, noMfa, virtualRoot, unassignedVirtual];
  await loadCase(
    db.client,
    accounts.map((id) => builder(id).user({ name: 'someone', ageDays: 100 })),
    {
      aws_iam_accounts: [
        summary(summaryKeys, true, true),
        summary(clean, false, true),
        summary(noMfa, false, false),
        summary(virtualRoot, false, true),
        summary(unassignedVirtual, false, true),
      ],
      aws_iam_credential_reports: [
        reportRow({ account: clean, user: '<root_account>', mfaActive: true, passwordLastUsedDaysAgo: 3 }),
        reportRow({
          account: reportKey,
          user: '<root_account>',
          mfaActive: false,
          key1: { rotatedDaysAgo: 700, lastUsedDaysAgo: 200 },
        }),
        reportRow({ account: virtualRoot, user: '<root_account>', mfaActive: true, passwordLastUsedDaysAgo: 45 }),
      ],
      aws_iam_virtual_mfa_devices: [virtualDevice(virtualRoot, true), virtualDevice(unassignedVirtual, false)],
    }
  );
}, 180_000);

afterAll(async () => {
  await db.drop();
});

// Audit 1.4: "AccountAccessKeysPresent": 0 in get-account-summary, and access_key_1_active and
// access_key_2_active FALSE on the credential report's <root_account> row.
describe('CIS 1.4 root access keys', () => {
  test('account summary with keys fails', async () => {
    expect(await statusesOf(db.client, '1.4', summaryKeys)).toEqual({ [root(summaryKeys)]: 'fail' });
  });

  test('active key in the credential report fails', async () => {
    const [row] = await resultsOf(db.client, '1.4', reportKey);
    expect(row.status).toBe('fail');
    expect(row.evidence.account_summary).toBeNull();
    expect((row.evidence.credential_report as Record<string, Record<string, unknown>>).access_key_1.active).toBe(true);
  });

  test('no key in either source passes', async () => {
    expect(await statusesOf(db.client, '1.4', clean)).toEqual({ [root(clean)]: 'pass' });
  });

  test('account without either source is unknown', async () => {
    const [row] = await resultsOf(db.client, '1.4', noData);
    expect(row.status).toBe('unknown');
    expect(row.evidence.missing).toContain('aws_iam_accounts');
  });
});

// Audit 1.5: "AccountMFAEnabled" is 1, or mfa_active TRUE on the <root_account> row.
describe('CIS 1.5 root MFA', () => {
  test('summary with MFA passes', async () => {
    expect(await statusesOf(db.client, '1.5', summaryKeys)).toEqual({ [root(summaryKeys)]: 'pass' });
  });

  test('summary without MFA fails', async () => {
    expect(await statusesOf(db.client, '1.5', noMfa)).toEqual({ [root(noMfa)]: 'fail' });
  });

  test('credential report without MFA fails', async () => {
    expect(await statusesOf(db.client, '1.5', reportKey)).toEqual({ [root(reportKey)]: 'fail' });
  });

  test('no source is unknown', async () => {
    expect(await statusesOf(db.client, '1.5', noData)).toEqual({ [root(noData)]: 'unknown' });
  });
});

// Audit 1.6: AccountMFAEnabled is 1, and list-virtual-mfa-devices has no SerialNumber
// arn:aws:iam::<account>:mfa/root-account-mfa-device.
describe('CIS 1.6 root hardware MFA', () => {
  test('MFA without a root virtual device passes', async () => {
    expect(await statusesOf(db.client, '1.6', summaryKeys)).toEqual({ [root(summaryKeys)]: 'pass' });
  });

  test('virtual device assigned to root fails', async () => {
    const [row] = await resultsOf(db.client, '1.6', virtualRoot);
    expect(row.status).toBe('fail');
    expect(row.evidence.root_virtual_mfa_devices).toEqual([
      expect.objectContaining({ serial_number: `arn:aws:iam::${virtualRoot}:mfa/root-account-mfa-device` }),
    ]);
  });

  test('unassigned root-named device passes', async () => {
    expect(await statusesOf(db.client, '1.6', unassignedVirtual)).toEqual({ [root(unassignedVirtual)]: 'pass' });
  });

  test('no MFA at all fails', async () => {
    expect(await statusesOf(db.client, '1.6', noMfa)).toEqual({ [root(noMfa)]: 'fail' });
  });

  test('no MFA state is unknown', async () => {
    expect(await statusesOf(db.client, '1.6', noData)).toEqual({ [root(noData)]: 'unknown' });
  });
});

// Audit 1.7: review password_last_used, access_key_1_last_used_date and
// access_key_2_last_used_date of <root_account>; OpenCIEM fails a use within 30 days.
describe('CIS 1.7 root user use', () => {
  test('password used 3 days ago fails', async () => {
    const [row] = await resultsOf(db.client, '1.7', clean);
    expect(row.status).toBe('fail');
    expect(row.evidence.window_days).toBe(30);
    expect(row.evidence.last_used).toBe(row.evidence.password_last_used);
  });

  test('uses older than the window pass', async () => {
    expect(await statusesOf(db.client, '1.7', reportKey)).toEqual({ [root(reportKey)]: 'pass' });
    expect(await statusesOf(db.client, '1.7', virtualRoot)).toEqual({ [root(virtualRoot)]: 'pass' });
  });

  test('no root row is unknown', async () => {
    expect(await statusesOf(db.client, '1.7', summaryKeys)).toEqual({ [root(summaryKeys)]: 'unknown' });
  });

  test('window follows the setting', async () => {
    await db.client.query("UPDATE ciem.settings SET value = '60' WHERE key = 'cis_root_recent_use_days'");
    try {
      await db.client.query('SELECT ciem.refresh()');
      expect(await statusesOf(db.client, '1.7', virtualRoot)).toEqual({ [root(virtualRoot)]: 'fail' });
    } finally {
      await db.client.query("UPDATE ciem.settings SET value = '30' WHERE key = 'cis_root_recent_use_days'");
      await db.client.query('SELECT ciem.refresh()');
    }
  });
});

// A credential report with only the root user's row leaves the user controls nothing to judge.
test('summary marks user controls not applicable', async () => {
  const rows = await db.client.query(
    "SELECT control_id, state FROM ciem.compliance_summary WHERE account_id = $1 AND control_id IN ('1.10', '1.14') ORDER BY position",
    [clean]
  );
  expect(rows.rows).toEqual([
    { control_id: '1.10', state: 'not_applicable' },
    { control_id: '1.14', state: 'not_applicable' },
  ]);
});
