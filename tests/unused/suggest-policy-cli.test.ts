import { lastAccessedRows } from '../../cli/unused/activity-rows';
import { policyDocument, trustPolicy } from '../../cli/demo/iam-builders';
import { runCli } from '../support/cli';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { account, accountBuilder, daysAgo, load, roleArn } from './fixture';

const ec2 = trustPolicy({ Service: 'ec2.amazonaws.com' });
const reader = policyDocument({ Effect: 'Allow', Action: ['s3:GetObject', 'sqs:SendMessage'], Resource: '*' });

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
  const builder = accountBuilder()
    .role({ name: 'reader', ageDays: 400, trust: ec2, lastUsedDays: 1, inline: { reader } })
    .role({ name: 'unreported', ageDays: 400, trust: ec2, lastUsedDays: 1, inline: { reader } });
  await load(db.client, [builder], {
    [account]: {
      aws_iam_role_last_accessed_details: lastAccessedRows('role', account, roleArn('reader'), [
        { service: 's3', lastAuthenticated: daysAgo(1) },
        { service: 'sqs' },
      ]),
    },
  });
}, 120_000);

afterAll(async () => {
  await db?.drop();
});

describe('openciem suggest-policy', () => {
  test('prints the policy as JSON', () => {
    const result = runCli(['suggest-policy', '--identity', roleArn('reader'), '--database-url', db.url]);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({
      Version: '2012-10-17',
      Statement: [{ Sid: 'AllowUsed1', Effect: 'Allow', Action: ['s3:GetObject'], Resource: '*' }],
    });
    expect(result.stdout.indexOf('"Sid"')).toBeLessThan(result.stdout.indexOf('"Effect"'));
  });

  test('unknown identity says how to list identities', () => {
    const result = runCli(['suggest-policy', '--identity', roleArn('nobody'), '--database-url', db.url]);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`error: identity ${roleArn('nobody')} not found`);
    expect(result.stderr).toContain("SELECT identity_id FROM ciem.identities WHERE identity_type IN ('user', 'role')");
  });

  test('identity without last accessed data names the tables to sync', () => {
    const result = runCli(['suggest-policy', '--identity', roleArn('unreported'), '--database-url', db.url]);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`error: identity ${roleArn('unreported')} has no last accessed information`);
    expect(result.stderr).toContain('CloudQuery must sync the tables aws_iam_user_last_accessed_details and aws_iam_role_last_accessed_details');
  });

  test('identity option is required', () => {
    const result = runCli(['suggest-policy', '--database-url', db.url]);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("required option '--identity <arn>' not specified");
  });
});
