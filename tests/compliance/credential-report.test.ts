import { createTestDatabase, type TestDatabase } from '../support/database';
import { account, builder, loadCase, reportRow, resultsOf, statusesOf } from './fixture';

// CIS AWS Foundations Benchmark v3.0.0, controls 1.10 to 1.14, read from the IAM credential
// report. AWS source for every field: IAM User Guide, "Getting credential reports for your AWS
// account" (password_enabled, mfa_active, access_key_N_active, access_key_N_last_rotated "when
// the user's access key was created or last changed", access_key_N_last_used_date, N/A values).

const reported = account(21);
const unreported = account(22);

const user = (name: string) => `arn:aws:iam::${reported}:user/${name}`;

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
  const row = (spec: Omit<Parameters<typeof reportRow>[0], 'account'>) => reportRow({ account: reported, ...spec });
  await loadCase(db.client, [builder(reported), builder(unreported).user({ name: 'someone', ageDays: 100 })], {
    aws_iam_credential_reports: [
      row({ user: '<root_account>', mfaActive: true, key1: { rotatedDaysAgo: 900, lastUsedDaysAgo: null } }),
      row({ user: 'console-mfa', passwordEnabled: true, mfaActive: true, passwordLastUsedDaysAgo: 2 }),
      row({ user: 'console-no-mfa', passwordEnabled: true, mfaActive: false, passwordLastUsedDaysAgo: 10 }),
      row({ user: 'api-only', key1: { rotatedDaysAgo: 30, lastUsedDaysAgo: 1 } }),
      row({
        user: 'setup-key',
        createdDaysAgo: 200,
        passwordEnabled: true,
        mfaActive: true,
        passwordLastUsedDaysAgo: 5,
        key1: { rotatedDaysAgo: 200, lastUsedDaysAgo: null },
      }),
      row({
        user: 'setup-key-used',
        createdDaysAgo: 60,
        passwordEnabled: true,
        mfaActive: true,
        passwordLastUsedDaysAgo: 1,
        key1: { rotatedDaysAgo: 60, lastUsedDaysAgo: 3 },
      }),
      row({
        user: 'later-key',
        createdDaysAgo: 60,
        passwordEnabled: true,
        mfaActive: true,
        passwordLastUsedDaysAgo: 1,
        key1: { rotatedDaysAgo: 59, lastUsedDaysAgo: null },
      }),
      row({ user: 'stale-password', passwordEnabled: true, mfaActive: true, passwordLastUsedDaysAgo: 50 }),
      row({
        user: 'never-signed-in-new',
        createdDaysAgo: 10,
        passwordEnabled: true,
        mfaActive: true,
        passwordLastUsedDaysAgo: null,
      }),
      row({
        user: 'never-signed-in-old',
        createdDaysAgo: 100,
        passwordEnabled: true,
        mfaActive: true,
        passwordLastUsedDaysAgo: null,
      }),
      row({
        user: 'two-keys',
        key1: { rotatedDaysAgo: 10, lastUsedDaysAgo: 1 },
        key2: { rotatedDaysAgo: 20, lastUsedDaysAgo: 2 },
      }),
      row({ user: 'old-key', key1: { rotatedDaysAgo: 120, lastUsedDaysAgo: 1 } }),
      row({ user: 'unused-key-45', key1: { rotatedDaysAgo: 45, lastUsedDaysAgo: null } }),
      row({ user: 'unused-key-44', key1: { rotatedDaysAgo: 44, lastUsedDaysAgo: null } }),
      row({ user: 'inactive-key', key1: { rotatedDaysAgo: 500, lastUsedDaysAgo: 400, active: false } }),
    ],
    aws_iam_mfa_devices: [
      {
        account_id: reported,
        user_name: 'console-mfa',
        serial_number: 'GAHT00000001',
        enable_date: new Date().toISOString(),
      },
    ],
  });
}, 180_000);

afterAll(async () => {
  await db.drop();
});

// Audit 1.10: "For any column having password_enabled set to true, ensure mfa_active is also set
// to true."
describe('CIS 1.10 MFA for console users', () => {
  test('judges only users with a password', async () => {
    expect(await statusesOf(db.client, '1.10', reported)).toEqual({
      [user('console-mfa')]: 'pass',
      [user('console-no-mfa')]: 'fail',
      [user('later-key')]: 'pass',
      [user('never-signed-in-new')]: 'pass',
      [user('never-signed-in-old')]: 'pass',
      [user('setup-key')]: 'pass',
      [user('setup-key-used')]: 'pass',
      [user('stale-password')]: 'pass',
    });
  });

  test('evidence lists the MFA devices', async () => {
    const rows = await resultsOf(db.client, '1.10', reported);
    const withMfa = rows.find((row) => row.resource === user('console-mfa'))!;
    expect(withMfa.evidence.mfa_devices).toEqual([expect.objectContaining({ serial_number: 'GAHT00000001' })]);
  });

  test('account without a report is unknown', async () => {
    expect(await statusesOf(db.client, '1.10', unreported)).toEqual({ [unreported]: 'unknown' });
  });
});

// Audit 1.11: for users with a console password, keys "created at the same time as the user
// profile" that "do not have a last used date" should be deleted.
describe('CIS 1.11 no access key at user setup', () => {
  test('unused key created with the user fails', async () => {
    const statuses = await statusesOf(db.client, '1.11', reported);
    expect(statuses[user('setup-key')]).toBe('fail');
  });

  test('used setup key and later key pass', async () => {
    const statuses = await statusesOf(db.client, '1.11', reported);
    expect(statuses[user('setup-key-used')]).toBe('pass');
    expect(statuses[user('later-key')]).toBe('pass');
  });

  test('users without a password are not judged', async () => {
    const statuses = await statusesOf(db.client, '1.11', reported);
    expect(statuses[user('api-only')]).toBeUndefined();
  });

  test('account without a report is unknown', async () => {
    expect(await statusesOf(db.client, '1.11', unreported)).toEqual({ [unreported]: 'unknown' });
  });
});

// Audit 1.12: password_last_used (or password_last_changed when never used) and each active
// key's access_key_N_last_used_date (or access_key_N_last_rotated when N/A) less than 45 days
// ago; <root_account> excluded.
describe('CIS 1.12 credentials unused 45 days', () => {
  test('judges every user but root', async () => {
    expect(await statusesOf(db.client, '1.12', reported)).toEqual({
      [user('api-only')]: 'pass',
      [user('console-mfa')]: 'pass',
      [user('console-no-mfa')]: 'pass',
      [user('inactive-key')]: 'pass',
      [user('later-key')]: 'fail',
      [user('never-signed-in-new')]: 'pass',
      [user('never-signed-in-old')]: 'fail',
      [user('old-key')]: 'pass',
      [user('setup-key')]: 'fail',
      [user('setup-key-used')]: 'pass',
      [user('stale-password')]: 'fail',
      [user('two-keys')]: 'pass',
      [user('unused-key-44')]: 'pass',
      [user('unused-key-45')]: 'fail',
    });
  });

  test('evidence names the unused credential', async () => {
    const rows = await resultsOf(db.client, '1.12', reported);
    const stale = rows.find((row) => row.resource === user('stale-password'))!;
    expect(stale.evidence.threshold_days).toBe(45);
    expect(stale.evidence.enabled_credentials).toEqual([
      expect.objectContaining({ credential: 'password', days_unused: 50, unused: true }),
    ]);
  });

  test('account without a report is unknown', async () => {
    expect(await statusesOf(db.client, '1.12', unreported)).toEqual({ [unreported]: 'unknown' });
  });
});

// Audit 1.13: "If the Status property value for more than one IAM access key is set to Active",
// the user fails.
describe('CIS 1.13 one active access key', () => {
  test('two active keys fail', async () => {
    const statuses = await statusesOf(db.client, '1.13', reported);
    expect(statuses[user('two-keys')]).toBe('fail');
  });

  test('one or no active key passes', async () => {
    const statuses = await statusesOf(db.client, '1.13', reported);
    expect(statuses[user('api-only')]).toBe('pass');
    expect(statuses[user('inactive-key')]).toBe('pass');
    expect(statuses[user('console-mfa')]).toBe('pass');
  });

  test('root is not judged', async () => {
    const statuses = await statusesOf(db.client, '1.13', reported);
    expect(statuses[`arn:aws:iam::${reported}:root`]).toBeUndefined();
  });
});

// Audit 1.14: access_key_1_last_rotated, when the key was created or last changed, is less than
// 90 days ago.
describe('CIS 1.14 access key rotation', () => {
  test('judges users with an active key', async () => {
    expect(await statusesOf(db.client, '1.14', reported)).toEqual({
      [user('api-only')]: 'pass',
      [user('later-key')]: 'pass',
      [user('old-key')]: 'fail',
      [user('setup-key')]: 'fail',
      [user('setup-key-used')]: 'pass',
      [user('two-keys')]: 'pass',
      [user('unused-key-44')]: 'pass',
      [user('unused-key-45')]: 'pass',
    });
  });

  test('evidence gives the key age', async () => {
    const rows = await resultsOf(db.client, '1.14', reported);
    const old = rows.find((row) => row.resource === user('old-key'))!;
    expect(old.evidence.active_access_keys).toEqual([expect.objectContaining({ key: 'access_key_1', age_days: 120 })]);
  });

  test('account without a report is unknown', async () => {
    expect(await statusesOf(db.client, '1.14', unreported)).toEqual({ [unreported]: 'unknown' });
  });
});
