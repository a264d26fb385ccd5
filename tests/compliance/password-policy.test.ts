import { createTestDatabase, type TestDatabase } from '../support/database';
import { account, builder, loadCase, resultsOf, statusesOf } from './fixture';

// CIS AWS Foundations Benchmark v3.0.0, controls 1.8 and 1.9, from the IAM API operation
// GetAccountPasswordPolicy as CloudQuery stores it: policy_exists false when the account has no
// policy. PasswordReusePrevention left unset means users may reuse passwords (AWS SDK reference,
// UpdateAccountPasswordPolicy, passwordReusePrevention: "the default value of 0").

const strong = account(11);
const weak = account(12);
const none = account(13);
const noReuse = account(14);
const noRow = account(15);
const exactly = account(16);

const policy = (accountId: string, minimumLength: number | null, reuse: number | null) => ({
  account_id: accountId,
  policy_exists: minimumLength !== null,
  minimum_password_length: minimumLength,
  password_reuse_prevention: reuse,
});

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
  await loadCase(
    db.client,
    [strong, weak, none, noReuse, noRow, exactly].map((id) => builder(id).user({ name: 'someone', ageDays: 100 })),
    {
      aws_iam_password_policies: [
        policy(strong, 20, 24),
        policy(weak, 8, 5),
        policy(none, null, null),
        policy(noReuse, 14, null),
        policy(exactly, 14, 24),
      ],
    }
  );
}, 180_000);

afterAll(async () => {
  await db.drop();
});

// Audit 1.8: the output of get-account-password-policy includes "MinimumPasswordLength": 14 (or
// higher).
describe('CIS 1.8 password minimum length', () => {
  test('length 14 and 20 pass', async () => {
    expect(await statusesOf(db.client, '1.8', exactly)).toEqual({ [exactly]: 'pass' });
    expect(await statusesOf(db.client, '1.8', strong)).toEqual({ [strong]: 'pass' });
  });

  test('length 8 fails with the value', async () => {
    const [row] = await resultsOf(db.client, '1.8', weak);
    expect(row.status).toBe('fail');
    expect(row.evidence.MinimumPasswordLength).toBe(8);
    expect(row.evidence.required_minimum).toBe(14);
  });

  test('no password policy fails', async () => {
    const [row] = await resultsOf(db.client, '1.8', none);
    expect(row.status).toBe('fail');
    expect(row.evidence.policy_exists).toBe(false);
  });

  test('no row for the account is unknown', async () => {
    expect(await statusesOf(db.client, '1.8', noRow)).toEqual({ [noRow]: 'unknown' });
  });
});

// Audit 1.9: the output includes "PasswordReusePrevention": 24.
describe('CIS 1.9 password reuse prevention', () => {
  test('24 remembered passwords pass', async () => {
    expect(await statusesOf(db.client, '1.9', exactly)).toEqual({ [exactly]: 'pass' });
  });

  test('5 remembered passwords fail', async () => {
    expect(await statusesOf(db.client, '1.9', weak)).toEqual({ [weak]: 'fail' });
  });

  test('reuse prevention not set fails', async () => {
    const [row] = await resultsOf(db.client, '1.9', noReuse);
    expect(row.status).toBe('fail');
    expect(row.evidence.PasswordReusePrevention).toBeNull();
  });

  test('no password policy fails', async () => {
    expect(await statusesOf(db.client, '1.9', none)).toEqual({ [none]: 'fail' });
  });

  test('no row for the account is unknown', async () => {
    const [row] = await resultsOf(db.client, '1.9', noRow);
    expect(row.status).toBe('unknown');
    expect(row.evidence.missing).toBe('no row for the account in aws_iam_password_policies');
  });
});
