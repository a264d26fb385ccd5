import { policyDocument } from '../../cli/demo/iam-builders';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { caseAccountBuilder, ec2Trust, loadAccounts } from '../engine/fixture';
import {
  createOrganization,
  createResourceTables,
  findingsOf,
  insertResourcePolicy,
  onlyGrant,
  orgAccount,
  ownAccount,
  root,
  strangerAccount,
  vendorAccount,
} from './fixture';

// Rule: resource-based policies that CloudQuery stores go through the same principal
// classification as trust policies, into ciem.resource_policy_access, with public and
// cross-account findings whose identity_arn is the resource ARN.

const bucket = (name: string) => `arn:aws:s3:::${name}`;
const region = 'eu-west-1';
const queue = (name: string) => `arn:aws:sqs:${region}:${ownAccount}:${name}`;
const topic = (name: string) => `arn:aws:sns:${region}:${ownAccount}:${name}`;
const key = (id: string) => `arn:aws:kms:${region}:${ownAccount}:key/${id}`;
const lambda = (name: string) => `arn:aws:lambda:${region}:${ownAccount}:function:${name}`;
const repository = (name: string) => `arn:aws:ecr:${region}:${ownAccount}:repository/${name}`;
const secret = (name: string) => `arn:aws:secretsmanager:${region}:${ownAccount}:secret:${name}-AbCdEf`;

const allow = (principal: unknown, action: unknown, resource: string, extra: Record<string, unknown> = {}) => ({
  Effect: 'Allow',
  Principal: principal,
  Action: action,
  Resource: resource,
  ...extra,
});

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
  const client = db.client;
  await createOrganization(client);
  await createResourceTables(client);

  await insertResourcePolicy(
    client,
    's3_bucket',
    bucket('public-read'),
    policyDocument(allow('*', 's3:GetObject', `${bucket('public-read')}/*`))
  );
  await insertResourcePolicy(
    client,
    's3_bucket',
    bucket('public-restricted'),
    policyDocument(allow('*', 's3:GetObject', `${bucket('public-restricted')}/*`))
  );
  await client.query(
    `INSERT INTO aws_s3_bucket_public_access_blocks (account_id, bucket_arn, public_access_block_configuration)
     VALUES ($1, $2, '{"BlockPublicAcls": true, "BlockPublicPolicy": true, "IgnorePublicAcls": true, "RestrictPublicBuckets": true}')`,
    [ownAccount, bucket('public-restricted')]
  );
  await insertResourcePolicy(
    client,
    's3_bucket',
    bucket('vpce-only'),
    policyDocument(
      allow('*', 's3:GetObject', `${bucket('vpce-only')}/*`, {
        Condition: { StringEquals: { 'aws:SourceVpce': 'vpce-1a2b3c4d' } },
      })
    )
  );
  await insertResourcePolicy(
    client,
    's3_bucket',
    bucket('trail-logs'),
    policyDocument(
      allow({ Service: 'cloudtrail.amazonaws.com' }, 's3:PutObject', `${bucket('trail-logs')}/AWSLogs/*`),
      allow({ Service: 'cloudtrail.amazonaws.com' }, 's3:GetBucketAcl', bucket('trail-logs'), {
        Condition: { StringEquals: { 'aws:SourceAccount': ownAccount } },
      })
    )
  );

  // The key policy of an AWS-managed key: "*" narrowed to callers of the owning account through one service.
  await client.query("INSERT INTO aws_kms_keys (account_id, arn, key_manager) VALUES ($1, $2, 'AWS')", [
    ownAccount,
    key('aws-managed'),
  ]);
  await insertResourcePolicy(
    client,
    'kms_key',
    key('aws-managed'),
    policyDocument(
      allow({ AWS: '*' }, ['kms:Encrypt', 'kms:Decrypt'], '*', {
        Condition: {
          StringEquals: { 'kms:CallerAccount': ownAccount, 'kms:ViaService': `s3.${region}.amazonaws.com` },
        },
      })
    )
  );
  await insertResourcePolicy(
    client,
    'kms_key',
    key('shared'),
    policyDocument(
      allow({ AWS: root(ownAccount) }, 'kms:*', '*'),
      allow({ AWS: root(strangerAccount) }, 'kms:Decrypt', '*')
    )
  );

  await insertResourcePolicy(
    client,
    'sqs_queue',
    queue('orders'),
    policyDocument(allow({ AWS: root(orgAccount) }, 'sqs:SendMessage', queue('orders')))
  );
  await insertResourcePolicy(
    client,
    'sqs_queue',
    queue('events'),
    policyDocument(allow({ Service: 'sns.amazonaws.com' }, 'sqs:SendMessage', queue('events')))
  );
  await insertResourcePolicy(
    client,
    'sqs_queue',
    queue('events-guarded'),
    policyDocument(
      allow({ Service: 'sns.amazonaws.com' }, 'sqs:SendMessage', queue('events-guarded'), {
        Condition: { ArnEquals: { 'aws:SourceArn': topic('alerts') } },
      })
    )
  );
  await insertResourcePolicy(
    client,
    'sns_topic',
    topic('alerts'),
    // SNS's default topic policy (Version 2008-10-17) grants "*" only to callers of the owning account.
    {
      Version: '2008-10-17',
      Statement: [
        allow({ AWS: '*' }, ['SNS:Publish', 'SNS:Subscribe'], topic('alerts'), {
          Condition: { StringEquals: { 'AWS:SourceOwner': ownAccount } },
        }),
      ],
    } as never
  );
  await insertResourcePolicy(
    client,
    'lambda_function',
    lambda('thumbnail'),
    policyDocument(allow({ Service: 's3.amazonaws.com' }, 'lambda:InvokeFunction', lambda('thumbnail')))
  );
  await insertResourcePolicy(
    client,
    'ecr_repository',
    repository('base'),
    policyDocument(allow({ AWS: root(vendorAccount) }, ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'], '*'))
  );
  await insertResourcePolicy(
    client,
    'secretsmanager_secret',
    secret('db'),
    policyDocument(
      allow({ AWS: `arn:aws:iam::${strangerAccount}:role/reader` }, 'secretsmanager:GetSecretValue', '*'),
      {
        Effect: 'Deny',
        Principal: { AWS: `arn:aws:iam::${strangerAccount}:role/reader` },
        Action: 'secretsmanager:*',
        Resource: '*',
      }
    )
  );

  await loadAccounts(db.client, caseAccountBuilder(ownAccount).role({ name: 'app', ageDays: 10, trust: ec2Trust }));
  await client.query("INSERT INTO ciem.trusted_accounts (account_id, name, source) VALUES ($1, 'Vendor', 'test')", [
    vendorAccount,
  ]);
  await client.query('SELECT ciem.refresh()');
}, 120_000);

afterAll(async () => {
  await db.drop();
});

const severities = async (arn: string) => (await findingsOf(db.client, arn)).map((f) => `${f.category}:${f.severity}`);

test('resource_policy_access lists every resource type', async () => {
  const result = await db.client.query('SELECT DISTINCT resource_type FROM ciem.resource_policy_access ORDER BY 1');
  expect(result.rows.map((row) => row.resource_type)).toEqual([
    'ecr_repository',
    'kms_key',
    'lambda_function',
    's3_bucket',
    'secretsmanager_secret',
    'sns_topic',
    'sqs_queue',
  ]);
});

test('S3 bucket policy of "*" is public and critical', async () => {
  const [finding] = await findingsOf(db.client, bucket('public-read'));
  expect(`${finding.category}:${finding.severity}`).toBe('public_trust:critical');
  expect(finding.identity_type).toBe('s3_bucket');
  expect(finding.title).toBe('S3 bucket public-read grants s3:GetObject to anyone');
});

// Amazon S3 API Reference, PublicAccessBlockConfiguration: RestrictPublicBuckets limits a bucket
// with a public policy to AWS service principals and users of the bucket owner's account.
test('RestrictPublicBuckets lowers a public bucket to low', async () => {
  const [finding] = await findingsOf(db.client, bucket('public-restricted'));
  expect(`${finding.category}:${finding.severity}`).toBe('public_trust:low');
  expect(finding.evidence.statements).toEqual([expect.objectContaining({ restricted_by_block_public_access: true })]);
});

test('"*" narrowed to a VPC endpoint stays public, at high', async () => {
  const row = await onlyGrant(db.client, bucket('vpce-only'));
  expect(row.narrowed_by).toEqual(['aws:SourceVpce']);
  expect(await severities(bucket('vpce-only'))).toEqual(['public_trust:high']);
});

test('service principal without a source condition is medium', async () => {
  const findings = await findingsOf(db.client, bucket('trail-logs'));
  expect(findings.map((f) => `${f.category}:${f.severity}`)).toEqual(['cross_account_trust:medium']);
  expect(findings[0].evidence.statements).toEqual([expect.objectContaining({ statement_index: 0 })]);
});

test('AWS-managed KMS key: "*" with kms:CallerAccount is the same account', async () => {
  const row = await onlyGrant(db.client, key('aws-managed'));
  expect(row.classification).toBe('same_account');
  expect(row.narrowed_by).toEqual(['kms:CallerAccount']);
  expect(await severities(key('aws-managed'))).toEqual([]);
});

test('KMS key granted to an external account is high', async () => {
  expect(await severities(key('shared'))).toEqual(['cross_account_trust:high']);
});

test('queue shared within the organisation is no finding', async () => {
  expect((await onlyGrant(db.client, queue('orders'))).classification).toBe('same_organization');
  expect(await severities(queue('orders'))).toEqual([]);
});

test('SNS may send to a queue only with aws:SourceArn', async () => {
  expect(await severities(queue('events'))).toEqual(['cross_account_trust:medium']);
  expect(await severities(queue('events-guarded'))).toEqual([]);
});

test('default SNS topic policy is narrowed by AWS:SourceOwner', async () => {
  const row = await onlyGrant(db.client, topic('alerts'));
  expect(row.classification).toBe('same_account');
  expect(row.narrowed_by).toEqual(['aws:SourceOwner']);
});

test('Lambda permission for S3 without a source is medium', async () => {
  const [finding] = await findingsOf(db.client, lambda('thumbnail'));
  expect(`${finding.category}:${finding.severity}`).toBe('cross_account_trust:medium');
  expect(finding.title).toContain('s3.amazonaws.com');
});

test('ECR repository shared with a listed vendor is low', async () => {
  expect(await severities(repository('base'))).toEqual(['cross_account_trust:low']);
});

test('secret granted and denied to the same role is no finding', async () => {
  const row = await onlyGrant(db.client, secret('db'));
  expect(row.grants_access).toBe(false);
  expect(row.denied_by).toEqual([1]);
  expect(await severities(secret('db'))).toEqual([]);
});

test('without the source tables only role trust policies are read', async () => {
  const other = await createTestDatabase();
  try {
    await loadAccounts(
      other.client,
      caseAccountBuilder(ownAccount).role({ name: 'app', ageDays: 10, trust: ec2Trust })
    );
    const result = await other.client.query('SELECT count(*)::integer AS n FROM ciem.resource_policy_access');
    expect(result.rows[0].n).toBe(0);
  } finally {
    await other.drop();
  }
}, 120_000);
