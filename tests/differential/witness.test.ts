import type { PolicyDocument } from './managed-policies';
import { arnPatternExpression, checkWitnesses, formatExpression, witnessArns, witnessDecision } from './witness';

const snapshotFormat = 'arn:${Partition}:ec2:${Region}::snapshot/${SnapshotId}';
const bucketFormat = 'arn:${Partition}:s3:::${BucketName}';
const instanceFormat = 'arn:${Partition}:ec2:${Region}:${Account}:instance/${InstanceId}';

describe('witnessArns', () => {
  test('fills a format with an empty account', () => {
    expect(witnessArns('arn:aws:ec2:*:*:snapshot/*', [snapshotFormat], '999999999999')).toContain('arn:aws:ec2:us-east-1::snapshot/witness');
  });

  test('fills the wildcards of the pattern', () => {
    expect(witnessArns('arn:aws:s3:::reports-*', [bucketFormat], '999999999999')).toContain('arn:aws:s3:::reports-witness');
  });

  test('tries an empty and a sample account', () => {
    expect(witnessArns('arn:aws:ec2:*:*:snapshot/snap-1', [snapshotFormat], '999999999999')).toEqual(['arn:aws:ec2:us-east-1::snapshot/snap-1']);
    expect(witnessArns('arn:aws:ec2:*:*:instance/i-1', [instanceFormat], '999999999999')).toEqual(['arn:aws:ec2:us-east-1:999999999999:instance/i-1']);
  });

  test('resource wildcard spans a path', () => {
    const objectFormat = 'arn:${Partition}:s3:::${BucketName}/${ObjectName}';
    expect(witnessArns('arn:aws:s3::*:reports-*', [objectFormat], '999999999999')).toEqual(['arn:aws:s3:::reports-witness/witness']);
  });

  test('keeps only ARNs shaped like a format', () => {
    expect(witnessArns('arn:aws:ec2:*:*:volume/*', [snapshotFormat], '999999999999')).toEqual([]);
  });

  test('"*" gives one sample per format', () => {
    expect(witnessArns('*', [bucketFormat, instanceFormat], '999999999999')).toEqual([
      'arn:aws:s3:::witness',
      'arn:aws:ec2:us-east-1:999999999999:instance/witness',
    ]);
  });

  test('pattern with a policy variable gives none', () => {
    expect(witnessArns('arn:aws:iam::*:user/${aws:username}', ['arn:${Partition}:iam::${Account}:user/${UserNameWithPath}'], '999999999999')).toEqual([]);
  });
});

describe('arnPatternExpression', () => {
  test('compares case-sensitively', () => {
    expect(arnPatternExpression('arn:aws:states:*:*:statemachine:*').test('arn:aws:states:us-east-1:1:stateMachine:x')).toBe(false);
    expect(arnPatternExpression('arn:aws:states:*:*:stateMachine:*').test('arn:aws:states:us-east-1:1:stateMachine:x')).toBe(true);
  });
});

describe('formatExpression', () => {
  test('placeholders take any non-empty text', () => {
    expect(formatExpression(snapshotFormat).test('arn:aws:ec2:us-east-1::snapshot/snap-1')).toBe(true);
    expect(formatExpression(snapshotFormat).test('arn:aws:ec2:us-east-1:999999999999:snapshot/snap-1')).toBe(false);
  });
});

describe('witnessDecision', () => {
  const decided = (decision: 'allowed' | 'explicit_deny' | 'implicit_deny', dependsOnCondition = false) => ({
    arn: 'arn:aws:s3:::witness',
    outcome: { kind: 'decision' as const, decision, dependsOnCondition, statements: [], conditionStatements: [], dependsOnVariable: false, allowedPatterns: [] },
  });

  test('one unconditional allow is enough', () => {
    expect(witnessDecision([decided('implicit_deny'), decided('allowed')])).toBe('allowed');
  });

  test('allow under a condition is conditional', () => {
    expect(witnessDecision([decided('implicit_deny', true), decided('implicit_deny')])).toBe('conditional');
  });

  test('no allow is not-allowed', () => {
    expect(witnessDecision([decided('implicit_deny'), decided('explicit_deny')])).toBe('not-allowed');
  });

  test('only errors decide nothing', () => {
    expect(witnessDecision([{ arn: 'arn:aws:s3:::x/y', outcome: { kind: 'error', message: 'no.resource.types' } }])).toBeUndefined();
  });
});

describe('checkWitnesses', () => {
  const request = (document: PolicyDocument, action: string) => ({
    policyName: 'TestPolicy',
    document,
    principalArn: 'arn:aws:iam::999999999999:role/TestRole',
    accountId: '999999999999',
    action,
  });
  const snapshotAction = { action: 'ec2:DeleteSnapshot', service: 'ec2', resourceTypes: ['snapshot'], arnFormats: [snapshotFormat] };

  test('"*" account reaches a snapshot', async () => {
    const document = { Statement: [{ Effect: 'Allow', Action: 'ec2:DeleteSnapshot', Resource: 'arn:aws:ec2:*:*:snapshot/*' }] };
    const check = await checkWitnesses(request(document, 'ec2:DeleteSnapshot'), ['arn:aws:ec2:*:*:snapshot/*'], snapshotAction);
    expect(check.decision).toBe('allowed');
  });

  test('statement on another resource type allows nothing', async () => {
    const document = { Statement: [{ Effect: 'Allow', Action: 'ec2:DeleteSnapshot', Resource: 'arn:aws:ec2:*:*:volume/*' }] };
    const check = await checkWitnesses(request(document, 'ec2:DeleteSnapshot'), ['arn:aws:ec2:*:*:volume/*', '*'], snapshotAction);
    expect(check.decision).toBe('not-allowed');
  });

  test('action without resource types has no witness', async () => {
    const document = { Statement: [{ Effect: 'Allow', Action: 's3:ListAllMyBuckets', Resource: '*' }] };
    const entry = { action: 's3:ListAllMyBuckets', service: 's3', resourceTypes: [], arnFormats: [] };
    expect(await checkWitnesses(request(document, 's3:ListAllMyBuckets'), ['*'], entry)).toEqual({ decision: undefined, results: [] });
  });
});
