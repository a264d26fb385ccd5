import { createTestDatabase, type TestDatabase } from '../support/database';
import { allow, caseAccount, caseAccountBuilder, decision, deny, doc, ec2Trust, explain, loadAccounts, managed, roleArn, userArn } from './fixture';

// Each case is a class of input that IAM tools have got wrong; the expected decision is the one
// AWS documents (IAM User Guide, "Policy evaluation logic" and the policy element reference).
// Decisions are for resource "*" (granted on some resource) unless a resource is given.

const role = (name: string, inline: Record<string, ReturnType<typeof doc>>) => ({ name, ageDays: 10, trust: ec2Trust, inline });

const account = caseAccountBuilder()
  .role(role('not-action-all', { p: doc({ Effect: 'Allow', NotAction: 'iam:*', Resource: '*' }) }))
  .role(role('not-action-s3-arn', { p: doc({ Effect: 'Allow', NotAction: 's3:DeleteBucket', Resource: 'arn:aws:s3:::*' }) }))
  .role(role('deny-not-action-mfa', {
    allowAll: doc(allow('*')),
    mfa: doc({ Effect: 'Deny', NotAction: 'iam:*', Resource: '*', Condition: { BoolIfExists: { 'aws:MultiFactorAuthPresent': 'false' } } }),
  }))
  .role(role('deny-not-action-only', { mfa: doc({ Effect: 'Deny', NotAction: 'iam:*', Resource: '*', Condition: { BoolIfExists: { 'aws:MultiFactorAuthPresent': 'false' } } }) }))
  .role(role('mid-wildcards', { p: doc(allow(['s3:*Object', 'iam:List*Tags'])) }))
  .role(role('mixed-case', { p: doc(allow('IAM:listaccesskeys')), q: doc(allow('s3:*'), deny('s3:deleteobject')) }))
  .role(role('whitespace-action', { p: doc(allow(['s3:GetObject   ', ' s3:PutObject'])) }))
  .role(role('empty-not-action', { p: doc({ Effect: 'Allow', NotAction: 's3:', Resource: '*' }) }))
  .role(role('misspelled', { p: doc(allow(['dyanmodb:PutItem', 'ec2:ec2:CreateVpc'])) }))
  .role(role('statement-object', { p: { Version: '2012-10-17', Statement: allow('sqs:SendMessage') as never } }))
  .role(role('strings-not-lists', { p: doc({ Effect: 'Allow', Action: 'sns:Publish', Resource: 'arn:aws:sns:us-east-1:100000000001:alerts' }) }))
  .role({ name: 'versions', ageDays: 10, trust: ec2Trust, managed: [managed('Versioned', doc(allow('iam:*')), doc(allow('s3:GetObject')))] })
  .role(role('variable-on-role', { p: doc(allow('iam:CreateAccessKey', 'arn:aws:iam::*:user/${aws:username}')) }))
  .role(role('variable-unknown', { p: doc(allow('s3:GetObject', 'arn:aws:s3:::home/${aws:PrincipalTag/team}/*')) }))
  .role(role('arn-wildcards', { p: doc(allow('s3:GetObject', 'arn:aws:s3:::my-bucket/foo/*/bar')) }))
  .role(role('allow-not-resource', { p: doc({ Effect: 'Allow', Action: 's3:*', NotResource: 'arn:aws:s3:::secret/*' }) }))
  .role(role('allow-not-resource-all', { p: doc({ Effect: 'Allow', Action: 's3:ListAllMyBuckets', NotResource: '*' }) }))
  .role(role('backup-reader', { p: doc(allow('backup:DescribeRecoveryPoint', 'arn:aws:backup:*:*:recovery-point:*')) }))
  .role(role('deny-not-resource-list', { p: doc(allow('sqs:*'), { Effect: 'Deny', Action: 'sqs:*', NotResource: 'arn:aws:sqs:*:*:keep-*' }) }))
  .role(role('deny-not-resource', { p: doc(allow('s3:*'), { Effect: 'Deny', Action: 's3:*', NotResource: 'arn:aws:s3:::keep/*' }) }))
  .role(role('aws-managed-only', { p: doc(allow('iam:CreatePolicyVersion', 'arn:aws:iam::aws:policy/fp4-*')) }))
  .role(role('customer-policies', { p: doc(allow('iam:CreatePolicyVersion', 'arn:aws:iam::*:policy/fn2-*')) }))
  .role(role('no-resource-type-scoped', { p: doc(allow('ec2:DescribeInstances', 'arn:aws:ec2:*:*:instance/*')) }))
  .role(role('deny-unless-vpc', {
    p: doc(allow('*'), deny('*', '*', { Condition: { StringNotEquals: { 'aws:SourceVpc': 'vpc-111' } } })),
  }))
  .role(role('time-always-true', { p: doc(allow('iam:PassRole', '*', { Condition: { DateGreaterThan: { 'aws:CurrentTime': '2020-01-01T00:00:00Z' } } })) }))
  .role(role('time-never-true', { p: doc(allow('iam:PassRole', '*', { Condition: { DateLessThan: { 'aws:CurrentTime': '2020-01-01T00:00:00Z' } } })) }))
  .role(role('time-key-case', { p: doc(allow('iam:PassRole', '*', { Condition: { DateGreaterThan: { 'AWS:currenttime': '2020-01-01T00:00:00Z' } } })) }))
  .role(role('token-issued-after-past', { p: doc(allow('iam:PassRole', '*', { Condition: { DateGreaterThan: { 'aws:TokenIssueTime': '2020-01-01T00:00:00Z' } } })) }))
  .role(role('token-issued-before-past', { p: doc(allow('iam:PassRole', '*', { Condition: { DateLessThan: { 'aws:TokenIssueTime': '2020-01-01T00:00:00Z' } } })) }))
  .role(role('undecidable-condition', { p: doc(allow('s3:GetObject', '*', { Condition: { 'ForAnyValue:StringEquals': { 'aws:TagKeys': ['team'] } } })) }))
  .role(role('fp-deny-everything', { p: doc(allow('*'), deny('*')) }))
  .role(role('deny-same-policy', { p: doc(allow('iam:*'), deny('iam:CreateAccessKey')) }))
  .role(role('deny-other-policy', { p: doc(allow('iam:*')), q: doc(deny('iam:CreateAccessKey')) }))
  .role(role('deny-covers-allow', { p: doc(allow('s3:GetObject', 'arn:aws:s3:::b/x/*'), deny('s3:GetObject', 'arn:aws:s3:::b/*')) }))
  .role(role('conditional-deny-covers', {
    p: doc(allow('ebs:GetSnapshotBlock', 'arn:aws:ec2:*:*:snapshot/*'), deny('ebs:GetSnapshotBlock', 'arn:aws:ec2:*:*:snapshot/*', { Condition: { StringEquals: { 'aws:ResourceTag/excluded': 'true' } } })),
  }))
  .role(role('deny-narrower', { p: doc(allow('s3:GetObject', 'arn:aws:s3:::*'), deny('s3:GetObject', 'arn:aws:s3:::b/*')) }))
  .role(role('malformed', { bad: { Version: '2012-10-17', Statement: [{ Effect: 'Permit', Action: 'ec2:*', Resource: '*' }, allow('kms:Decrypt')] } as never }))
  .group({ name: 'Readers', ageDays: 10, inline: { read: doc(allow('s3:*')) } })
  .group({ name: 'Restricted', ageDays: 10, inline: { restrict: doc(deny('s3:DeleteBucket')) } })
  .user({ name: 'two-groups', ageDays: 10, groups: ['Readers', 'Restricted'] })
  .user({ name: 'self-service', ageDays: 10, inline: { own: doc(allow('iam:CreateAccessKey', 'arn:aws:iam::*:user/${aws:username}')) } })
  .user({ name: 'old-version', ageDays: 10, inline: { own: { Version: '2008-10-17', Statement: [allow('iam:CreateAccessKey', 'arn:aws:iam::*:user/${aws:username}')] } as never } })
  .role({ name: 'bounded', ageDays: 10, trust: ec2Trust, inline: { p: doc(allow(['iam:*', 's3:*'])) }, boundary: managed('S3Boundary', doc(allow('s3:*'))) })
  .role({ name: 'boundary-only', ageDays: 10, trust: ec2Trust, inline: { p: doc(allow('ec2:DescribeInstances')) }, boundary: managed('WideBoundary', doc(allow('*'))) })
  .role({ name: 'boundary-deny', ageDays: 10, trust: ec2Trust, inline: { p: doc(allow('*')) }, boundary: managed('DenyingBoundary', doc(allow('*'), deny('s3:DeleteBucket'))) })
  .role({
    name: 'boundary-conditional',
    ageDays: 10,
    trust: ec2Trust,
    inline: { p: doc(allow('s3:*')) },
    boundary: managed('RegionBoundary', doc(allow('*', '*', { Condition: { StringEquals: { 'aws:RequestedRegion': 'eu-west-1' } } }))),
  });

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
  await loadAccounts(db.client, account);
}, 120_000);

afterAll(async () => {
  await db.drop();
});

const is = async (identity: string, action: string, expected: string, resource?: string) =>
  expect({ identity, action, resource, decision: await decision(db.client, identity, action, resource) }).toEqual({ identity, action, resource, decision: expected });

describe('action matching', () => {
  test('Allow NotAction with Resource * grants every other action', async () => {
    await is(roleArn('not-action-all'), 's3:GetObject', 'allowed');
    await is(roleArn('not-action-all'), 's3:ListAllMyBuckets', 'allowed');
    await is(roleArn('not-action-all'), 'iam:CreateUser', 'implicit_deny');
  });

  test('Allow NotAction with an S3 resource grants only S3 actions that take it', async () => {
    await is(roleArn('not-action-s3-arn'), 's3:GetObject', 'allowed');
    await is(roleArn('not-action-s3-arn'), 's3:DeleteBucket', 'implicit_deny');
    await is(roleArn('not-action-s3-arn'), 'ec2:RunInstances', 'implicit_deny');
    // s3:ListAllMyBuckets has no resource type, so only Resource "*" grants it.
    await is(roleArn('not-action-s3-arn'), 's3:ListAllMyBuckets', 'implicit_deny');
  });

  test('Deny NotAction under an MFA condition makes other actions conditional', async () => {
    await is(roleArn('deny-not-action-mfa'), 's3:GetObject', 'conditional');
    await is(roleArn('deny-not-action-mfa'), 'iam:CreateUser', 'allowed');
  });

  test('Deny NotAction alone grants nothing', async () => {
    await is(roleArn('deny-not-action-only'), 'iam:CreateUser', 'implicit_deny');
    await is(roleArn('deny-not-action-only'), 's3:GetObject', 'implicit_deny');
  });

  test('wildcards match anywhere in the action name', async () => {
    for (const action of ['s3:GetObject', 's3:PutObject', 's3:DeleteObject', 's3:RestoreObject']) {
      await is(roleArn('mid-wildcards'), action, 'allowed');
    }
    await is(roleArn('mid-wildcards'), 's3:DeleteObjectTagging', 'implicit_deny');
    await is(roleArn('mid-wildcards'), 'iam:ListRoleTags', 'allowed');
    await is(roleArn('mid-wildcards'), 'iam:ListRoles', 'implicit_deny');
  });

  test('actions match case-insensitively, in Allow and in Deny', async () => {
    await is(roleArn('mixed-case'), 'iam:ListAccessKeys', 'allowed');
    await is(roleArn('mixed-case'), 's3:DeleteObject', 'explicit_deny');
    await is(roleArn('mixed-case'), 's3:GetObject', 'allowed');
  });

  test('an action with spaces around it matches nothing', async () => {
    await is(roleArn('whitespace-action'), 's3:GetObject', 'implicit_deny');
    await is(roleArn('whitespace-action'), 's3:PutObject', 'implicit_deny');
  });

  test('NotAction with an empty action name excludes nothing', async () => {
    await is(roleArn('empty-not-action'), 's3:GetObject', 'allowed');
    await is(roleArn('empty-not-action'), 'iam:CreateUser', 'allowed');
  });

  test('misspelled and double-colon actions match nothing', async () => {
    await is(roleArn('misspelled'), 'dynamodb:PutItem', 'implicit_deny');
    await is(roleArn('misspelled'), 'ec2:CreateVpc', 'implicit_deny');
  });
});

describe('document shape', () => {
  test('Statement may be a single object', async () => {
    await is(roleArn('statement-object'), 'sqs:SendMessage', 'allowed');
  });

  test('Action and Resource may be strings', async () => {
    await is(roleArn('strings-not-lists'), 'sns:Publish', 'allowed');
    const explained = await explain(db.client, roleArn('strings-not-lists'), 'sns:Publish');
    expect(explained.allowed_resource_patterns).toEqual(['arn:aws:sns:us-east-1:100000000001:alerts']);
  });

  test('only the default policy version is in force', async () => {
    await is(roleArn('versions'), 's3:GetObject', 'allowed');
    await is(roleArn('versions'), 'iam:CreateUser', 'implicit_deny');
  });

  test('a malformed statement is skipped and listed, the rest still counts', async () => {
    await is(roleArn('malformed'), 'kms:Decrypt', 'allowed');
    await is(roleArn('malformed'), 'ec2:RunInstances', 'implicit_deny');
    const errors = await db.client.query("SELECT statement_index, problem FROM ciem.policy_parse_errors WHERE owner_arn = $1", [roleArn('malformed')]);
    expect(errors.rows).toEqual([{ statement_index: 0, problem: 'Effect is "Permit", not "Allow" or "Deny"' }]);
  });
});

describe('policy variables', () => {
  test('${aws:username} resolves to the user', async () => {
    await is(userArn('self-service'), 'iam:CreateAccessKey', 'allowed', userArn('self-service'));
    await is(userArn('self-service'), 'iam:CreateAccessKey', 'implicit_deny', userArn('someone-else'));
    const explained = await explain(db.client, userArn('self-service'), 'iam:CreateAccessKey');
    expect(explained.allowed_resource_patterns).toEqual(['arn:aws:iam::*:user/self-service']);
  });

  test('Version 2008-10-17 keeps variables as literal text', async () => {
    await is(userArn('old-version'), 'iam:CreateAccessKey', 'implicit_deny', userArn('old-version'));
  });

  test('a variable the request may carry makes the grant conditional', async () => {
    await is(roleArn('variable-unknown'), 's3:GetObject', 'conditional');
  });

  test('a variable without a value for the principal matches nothing', async () => {
    await is(roleArn('variable-on-role'), 'iam:CreateAccessKey', 'implicit_deny');
  });
});

describe('resources', () => {
  test('* in an ARN runs across / and : and ARNs are case-sensitive', async () => {
    await is(roleArn('arn-wildcards'), 's3:GetObject', 'allowed', 'arn:aws:s3:::my-bucket/foo/1/2/bar');
    await is(roleArn('arn-wildcards'), 's3:GetObject', 'implicit_deny', 'arn:aws:s3:::my-bucket/foo/1/2/baz');
    await is(roleArn('arn-wildcards'), 's3:GetObject', 'implicit_deny', 'arn:aws:s3:::My-Bucket/foo/1/bar');
  });

  test('Allow NotResource grants everything outside the list', async () => {
    await is(roleArn('allow-not-resource'), 's3:GetObject', 'allowed', 'arn:aws:s3:::public/x');
    await is(roleArn('allow-not-resource'), 's3:GetObject', 'implicit_deny', 'arn:aws:s3:::secret/x');
    await is(roleArn('allow-not-resource'), 's3:ListAllMyBuckets', 'allowed');
  });

  test('NotResource * leaves nothing, not even actions without resource types', async () => {
    await is(roleArn('allow-not-resource-all'), 's3:ListAllMyBuckets', 'implicit_deny');
  });

  test('Deny NotResource denies every other resource and grants nothing', async () => {
    await is(roleArn('deny-not-resource'), 's3:GetObject', 'allowed', 'arn:aws:s3:::keep/x');
    await is(roleArn('deny-not-resource'), 's3:GetObject', 'explicit_deny', 'arn:aws:s3:::other/x');
    await is(roleArn('deny-not-resource'), 's3:GetObject', 'allowed');
  });

  test('resource type names match whatever their case', async () => {
    // The catalogue names the type recoveryPoint in the action and recoverypoint in its types.
    await is(roleArn('backup-reader'), 'backup:DescribeRecoveryPoint', 'allowed');
  });

  test('Deny NotResource denies actions that take only "*"', async () => {
    // sqs:ListQueues has no resource type, so its only resource is "*", outside the list.
    await is(roleArn('deny-not-resource-list'), 'sqs:ListQueues', 'explicit_deny');
    await is(roleArn('deny-not-resource-list'), 'sqs:SendMessage', 'allowed');
  });

  test('resource patterns keep their scope', async () => {
    await is(roleArn('aws-managed-only'), 'iam:CreatePolicyVersion', 'implicit_deny', `arn:aws:iam::${caseAccount}:policy/fn2-x`);
    await is(roleArn('customer-policies'), 'iam:CreatePolicyVersion', 'allowed', `arn:aws:iam::${caseAccount}:policy/fn2-x`);
    const explained = await explain(db.client, roleArn('aws-managed-only'), 'iam:CreatePolicyVersion');
    expect(explained.allowed_resource_patterns).toEqual(['arn:aws:iam::aws:policy/fp4-*']);
  });

  test('an action without resource types needs Resource *', async () => {
    await is(roleArn('no-resource-type-scoped'), 'ec2:DescribeInstances', 'implicit_deny');
  });

  test('a Deny whose resources cover every allowed resource denies', async () => {
    await is(roleArn('deny-covers-allow'), 's3:GetObject', 'explicit_deny');
    await is(roleArn('deny-narrower'), 's3:GetObject', 'allowed');
  });

  test('a conditional Deny over every allowed resource is conditional', async () => {
    await is(roleArn('conditional-deny-covers'), 'ebs:GetSnapshotBlock', 'conditional');
  });
});

describe('conditions', () => {
  test('Allow * with a conditional Deny * is conditional', async () => {
    await is(roleArn('deny-unless-vpc'), 's3:GetObject', 'conditional');
  });

  test('aws:CurrentTime conditions are decided now', async () => {
    await is(roleArn('time-always-true'), 'iam:PassRole', 'allowed');
    await is(roleArn('time-never-true'), 'iam:PassRole', 'implicit_deny');
    await is(roleArn('time-key-case'), 'iam:PassRole', 'allowed');
  });

  test('aws:TokenIssueTime against a past date is decided', async () => {
    await is(roleArn('token-issued-after-past'), 'iam:PassRole', 'allowed');
    await is(roleArn('token-issued-before-past'), 'iam:PassRole', 'implicit_deny');
  });

  test('conditions on request values stay conditional', async () => {
    await is(roleArn('undecidable-condition'), 's3:GetObject', 'conditional');
  });
});

describe('combining policies', () => {
  test('Deny wins within one policy and across policies', async () => {
    await is(roleArn('deny-same-policy'), 'iam:CreateAccessKey', 'explicit_deny');
    await is(roleArn('deny-same-policy'), 'iam:CreateUser', 'allowed');
    await is(roleArn('deny-other-policy'), 'iam:CreateAccessKey', 'explicit_deny');
  });

  test('Deny in one group wins over Allow in another', async () => {
    await is(userArn('two-groups'), 's3:DeleteBucket', 'explicit_deny');
    await is(userArn('two-groups'), 's3:GetObject', 'allowed');
    const explained = await explain(db.client, userArn('two-groups'), 's3:DeleteBucket');
    expect(explained.denying.map((statement) => statement.via_arn)).toEqual([`arn:aws:iam::${caseAccount}:group/Restricted`]);
  });

  test('a permissions boundary intersects and never grants', async () => {
    await is(roleArn('bounded'), 's3:GetObject', 'allowed');
    await is(roleArn('bounded'), 'iam:CreateUser', 'implicit_deny');
    await is(roleArn('boundary-only'), 's3:GetObject', 'implicit_deny');
    await is(roleArn('boundary-only'), 'ec2:DescribeInstances', 'allowed');
  });

  test('a Deny in a boundary is an explicit deny', async () => {
    await is(roleArn('boundary-deny'), 's3:DeleteBucket', 'explicit_deny');
    await is(roleArn('boundary-deny'), 's3:GetObject', 'allowed');
  });

  test('a conditional boundary makes the action conditional', async () => {
    await is(roleArn('boundary-conditional'), 's3:GetObject', 'conditional');
  });
});

describe('actions without permission checks', () => {
  test('sts:GetCallerIdentity is allowed even under an explicit Deny', async () => {
    // AWS STS API Reference, GetCallerIdentity: no permissions are required, and a Deny does not stop it.
    await is(roleArn('fp-deny-everything'), 'sts:GetCallerIdentity', 'allowed');
    await is(roleArn('fp-deny-everything'), 'sts:GetSessionToken', 'explicit_deny');
    await is(roleArn('versions'), 'sts:GetCallerIdentity', 'allowed');
  });
});

describe('explain', () => {
  test('rejects an unknown identity and action with a hint', async () => {
    await expect(explain(db.client, roleArn('nobody'), 's3:GetObject')).rejects.toThrow(/identity .*nobody not found/);
    await expect(explain(db.client, roleArn('versions'), 's3:GetObjekt')).rejects.toThrow('action s3:GetObjekt is not in the AWS action catalogue');
  });

  test('accepts any case of the action and returns the canonical name', async () => {
    const result = await db.client.query("SELECT ciem.explain($1, 'S3:getobject') ->> 'action' AS action", [roleArn('versions')]);
    expect(result.rows[0].action).toBe('s3:GetObject');
  });

  test('agrees with effective_permissions on every action of a principal', async () => {
    const rows = await db.client.query(
      `SELECT e.action, e.decision, ciem.explain($1, e.action) ->> 'decision' AS explained
         FROM ciem.effective_permissions($1) e
        WHERE e.service IN ('s3', 'iam', 'sqs')`,
      [roleArn('deny-not-action-mfa')]
    );
    expect(rows.rows.filter((row) => row.decision !== row.explained)).toEqual([]);
    expect(rows.rows.length).toBeGreaterThan(300);
  }, 30_000);
});
