import { migrate } from '../../cli/migrate/run';
import { createTestDatabase, type TestDatabase } from '../support/database';

// The SQL functions the engine builds on, tested one rule at a time.

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
  await migrate(db.client, { sourceSchema: 'public' });
}, 120_000);

afterAll(async () => {
  await db.drop();
});

async function value<T>(sql: string, ...params: unknown[]): Promise<T> {
  return (await db.client.query(`SELECT ${sql} AS v`, params)).rows[0].v;
}

describe('arn_pattern_applies', () => {
  test.each([
    ['arn:aws:s3:::my-bucket', 'arn:${Partition}:s3:::${BucketName}', true],
    ['arn:aws:s3:::my-bucket/*', 'arn:${Partition}:s3:::${BucketName}/${ObjectName}', true],
    // A bucket name holds no "/", so a pattern that needs one names only objects.
    ['arn:aws:s3:::my-bucket/*', 'arn:${Partition}:s3:::${BucketName}', false],
    ['arn:aws:s3:::*/CodeDeploy/*', 'arn:${Partition}:s3:::${BucketName}', false],
    ['arn:aws:s3:::*/CodeDeploy/*', 'arn:${Partition}:s3:::${BucketName}/${ObjectName}', true],
    ['arn:aws:s3:::*', 'arn:${Partition}:s3:::${BucketName}', true],
    ['arn:aws:iam::*:role/app-*', 'arn:${Partition}:iam::${Account}:role/${RoleNameWithPath}', true],
    ['arn:aws:iam::*:role/app-*', 'arn:${Partition}:iam::${Account}:user/${UserNameWithPath}', false],
    ['arn:aws:kms:*:*:key/*', 'arn:${Partition}:kms:${Region}:${Account}:key/${KeyId}', true],
    ['arn:*:kms:*:::*', 'arn:${Partition}:kms:${Region}:${Account}:key/${KeyId}', false],
    ['arn:aws:ec2:*:*:instance/*', 'arn:${Partition}:s3:::${BucketName}', false],
    ['arn:aws:s3:us-east-1::my-bucket', 'arn:${Partition}:s3:::${BucketName}', false],
    // An access point ARN has a region and an account, so empty segments cannot name one.
    ['arn:aws:s3:::*/CodeDeploy/*', 'arn:${Partition}:s3:${Region}:${Account}:accesspoint/${AccessPointName}', false],
    ['arn:aws:*', 'arn:${Partition}:s3:::${BucketName}', true],
    ['arn:aws:iam::*:user/${aws:username}', 'arn:${Partition}:iam::${Account}:user/${UserNameWithPath}', true],
    ['*', 'arn:${Partition}:s3:::${BucketName}', true],
    ['arn:aws:backup:*:*:recovery-point:*', 'arn:${Partition}:${Vendor}:${Region}:*:${ResourceType}:${RecoveryPointId}', true],
  ])('%s against %s is %s', async (pattern, format, expected) => {
    expect(await value('ciem.arn_pattern_applies($1, $2)', pattern, format)).toBe(expected);
  });
});

describe('action_pattern_matches', () => {
  test.each([
    ['s3:*object', 's3:GetObject', true],
    ['s3:*object', 's3:DeleteObjectTagging', false],
    ['s3:get?bject', 's3:GetObject', true],
    ['*', 'iam:CreateUser', true],
    ['iam', 'iam:CreateUser', false],
    ['s3:getobject ', 's3:GetObject', false],
  ])('%s against %s is %s', async (pattern, action, expected) => {
    expect(await value('ciem.action_pattern_matches($1, $2)', pattern, action)).toBe(expected);
  });
});

describe('condition_state', () => {
  const at = '2026-06-01T00:00:00Z';
  test.each([
    [null, 'none'],
    [{}, 'none'],
    [{ DateGreaterThan: { 'aws:CurrentTime': '2026-01-01T00:00:00Z' } }, 'true'],
    [{ DateLessThan: { 'aws:CurrentTime': '2026-01-01T00:00:00Z' } }, 'false'],
    [{ DateLessThanIfExists: { 'aws:CurrentTime': ['2025-01-01T00:00:00Z', '2027-01-01T00:00:00Z'] } }, 'true'],
    [{ DateGreaterThan: { 'aws:CurrentTime': '1767225600' } }, 'true'],
    [{ DateGreaterThan: { 'aws:TokenIssueTime': '2026-05-31T12:00:00Z' } }, 'unknown'],
    [{ DateGreaterThan: { 'aws:CurrentTime': '2026-01-01T00:00:00Z' }, Bool: { 'aws:SecureTransport': 'true' } }, 'unknown'],
    [{ DateLessThan: { 'aws:CurrentTime': '2026-01-01T00:00:00Z' }, Bool: { 'aws:SecureTransport': 'true' } }, 'false'],
    [{ DateGreaterThan: { 'aws:CurrentTime': 'not a date' } }, 'unknown'],
  ])('%j is %s', async (condition, expected) => {
    expect(await value("ciem.condition_state($1::jsonb, $2::timestamptz)", condition === null ? null : JSON.stringify(condition), at)).toBe(expected);
  });
});

describe('resolve_policy_variables', () => {
  const user = { 'aws:username': 'ann', 'aws:principaltype': 'User' };
  test.each([
    ['arn:aws:iam::*:user/${aws:username}', '2012-10-17', user, 'arn:aws:iam::*:user/ann'],
    ['arn:aws:iam::*:user/${AWS:UserName}', '2012-10-17', user, 'arn:aws:iam::*:user/ann'],
    ['arn:aws:iam::*:user/${aws:username}', '2008-10-17', user, 'arn:aws:iam::*:user/${aws:username}'],
    ['arn:aws:iam::*:user/${aws:username}', '2012-10-17', { 'aws:username': null }, null],
    ['arn:aws:s3:::b/${*}', '2012-10-17', user, 'arn:aws:s3:::b/*'],
    ['arn:aws:s3:::b/${aws:PrincipalTag/team}/*', '2012-10-17', user, 'arn:aws:s3:::b/*/*'],
  ])('%s (%s) resolves to %s', async (pattern, version, variables, expected) => {
    expect(await value('ciem.resolve_policy_variables($1, $2, $3::jsonb)', pattern, version, JSON.stringify(variables))).toBe(expected);
  });
});

describe('pattern_has_unknown_variables', () => {
  const user = { 'aws:username': 'ann' };
  test.each([
    ['arn:aws:s3:::b/${aws:PrincipalTag/team}/*', '2012-10-17', true],
    ['arn:aws:iam::*:user/${aws:username}', '2012-10-17', false],
    ['arn:aws:s3:::b/${*}', '2012-10-17', false],
    ['arn:aws:s3:::b/${aws:PrincipalTag/team}', '2008-10-17', false],
  ])('%s (%s) is %s', async (pattern, version, expected) => {
    expect(await value('ciem.pattern_has_unknown_variables($1, $2, $3::jsonb)', pattern, version, JSON.stringify(user))).toBe(expected);
  });
});
