import type { PolicyDocument, PolicyStatement } from './managed-policies';
import { decisionOf, simulate, type SimulatorOutcome } from './simulator';

function policy(...statements: PolicyStatement[]): PolicyDocument {
  return { Version: '2012-10-17', Statement: statements };
}

function run(document: PolicyDocument, action: string): Promise<SimulatorOutcome> {
  return simulate({ policyName: 'TestPolicy', document, principalArn: 'arn:aws:iam::999999999999:role/TestRole', accountId: '999999999999', action });
}

async function decided(document: PolicyDocument, action: string): Promise<Extract<SimulatorOutcome, { kind: 'decision' }>> {
  const outcome = await run(document, action);
  if (outcome.kind !== 'decision') {
    throw new Error(`iam-simulate rejected ${action}: ${outcome.message}`);
  }
  return outcome;
}

const secureTransport = { Bool: { 'aws:SecureTransport': 'true' } };

describe('simulate', () => {
  test('allows an action granted on "*"', async () => {
    const outcome = await decided(policy({ Sid: 'Read', Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }), 's3:GetObject');
    expect(outcome.decision).toBe('allowed');
    expect(outcome.dependsOnCondition).toBe(false);
    expect(outcome.statements).toEqual([{ index: 1, sid: 'Read', effect: 'Allow' }]);
  });

  test('allows an action granted on a narrower resource', async () => {
    const outcome = await decided(policy({ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::reports/*' }), 's3:GetObject');
    expect(outcome.decision).toBe('allowed');
  });

  test('Deny on "*" wins over Allow', async () => {
    const document = policy({ Effect: 'Allow', Action: 's3:*', Resource: '*' }, { Sid: 'NoDelete', Effect: 'Deny', Action: 's3:DeleteObject', Resource: '*' });
    const outcome = await decided(document, 's3:DeleteObject');
    expect(outcome.decision).toBe('explicit_deny');
    expect(outcome.statements).toEqual([{ index: 2, sid: 'NoDelete', effect: 'Deny' }]);
  });

  test('denies implicitly without a matching statement', async () => {
    const outcome = await decided(policy({ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }), 'ec2:RunInstances');
    expect(outcome.decision).toBe('implicit_deny');
    expect(outcome.statements).toEqual([]);
  });

  test('action without resource types needs Resource "*"', async () => {
    const outcome = await decided(policy({ Effect: 'Allow', Action: 's3:ListAllMyBuckets', Resource: 'arn:aws:s3:::reports' }), 's3:ListAllMyBuckets');
    expect(outcome.decision).toBe('implicit_deny');
  });

  test('NotResource of one bucket grants an action without resource types', async () => {
    const outcome = await decided(policy({ Effect: 'Allow', Action: 's3:ListAllMyBuckets', NotResource: 'arn:aws:s3:::reports' }), 's3:ListAllMyBuckets');
    expect(outcome.decision).toBe('allowed');
  });

  test('NotResource "*" grants nothing', async () => {
    const outcome = await decided(policy({ Effect: 'Allow', Action: 's3:ListAllMyBuckets', NotResource: '*' }), 's3:ListAllMyBuckets');
    expect(outcome.decision).toBe('implicit_deny');
  });

  test('conditional Allow depends on its condition', async () => {
    const outcome = await decided(policy({ Effect: 'Allow', Action: 's3:GetObject', Resource: '*', Condition: secureTransport }), 's3:GetObject');
    expect(outcome.decision).toBe('implicit_deny');
    expect(outcome.dependsOnCondition).toBe(true);
    expect(outcome.conditionStatements.map((ref) => ref.index)).toEqual([1]);
  });

  test('conditional Deny over Allow depends on its condition', async () => {
    const document = policy(
      { Effect: 'Allow', Action: 's3:*', Resource: '*' },
      { Effect: 'Deny', NotAction: 'iam:*', Resource: '*', Condition: { BoolIfExists: { 'aws:MultiFactorAuthPresent': 'false' } } }
    );
    const outcome = await decided(document, 's3:GetObject');
    expect(outcome.dependsOnCondition).toBe(true);
    expect(outcome.conditionStatements.map((ref) => ref.index)).toEqual([2]);
  });

  test('unconditional Deny decides whatever the condition', async () => {
    const document = policy({ Effect: 'Allow', Action: 's3:GetObject', Resource: '*', Condition: secureTransport }, { Effect: 'Deny', Action: 's3:GetObject', Resource: '*' });
    const outcome = await decided(document, 's3:GetObject');
    expect(outcome.decision).toBe('explicit_deny');
    expect(outcome.dependsOnCondition).toBe(false);
  });

  test('unconditional Allow decides beside a conditional one', async () => {
    const document = policy({ Effect: 'Allow', Action: 's3:GetObject', Resource: '*', Condition: secureTransport }, { Effect: 'Allow', Action: 's3:GetObject', Resource: '*' });
    const outcome = await decided(document, 's3:GetObject');
    expect(outcome.decision).toBe('allowed');
    expect(outcome.dependsOnCondition).toBe(false);
  });

  test('ForAllValues on an absent key still depends on it', async () => {
    const condition = { 'ForAllValues:StringLike': { 'route53:ChangeResourceRecordSetsNormalizedRecordNames': ['*.example.com'] } };
    const outcome = await decided(policy({ Effect: 'Allow', Action: 'route53:ChangeResourceRecordSets', Resource: '*', Condition: condition }), 'route53:ChangeResourceRecordSets');
    expect(outcome.decision).toBe('allowed');
    expect(outcome.dependsOnCondition).toBe(true);
  });

  test('records a policy variable in Resource', async () => {
    const document = policy({ Effect: 'Allow', Action: 'iam:ChangePassword', Resource: 'arn:aws:iam::*:user/${aws:username}' });
    const outcome = await decided(document, 'iam:ChangePassword');
    expect(outcome.decision).toBe('allowed');
    expect(outcome.dependsOnVariable).toBe(true);
  });

  test('records a policy variable in Condition', async () => {
    const condition = { StringEquals: { 's3:prefix': '${aws:PrincipalTag/team}/' } };
    const document = policy({ Effect: 'Allow', Action: 's3:ListBucket', Resource: '*', Condition: condition });
    expect((await decided(document, 's3:ListBucket')).dependsOnVariable).toBe(true);
  });

  test('ignores variables of statements for other actions', async () => {
    const document = policy(
      { Effect: 'Allow', Action: 'iam:ChangePassword', Resource: 'arn:aws:iam::*:user/${aws:username}' },
      { Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }
    );
    expect((await decided(document, 's3:GetObject')).dependsOnVariable).toBe(false);
  });

  test('KMS key grant takes effect through the default key policy', async () => {
    const outcome = await decided(policy({ Effect: 'Allow', Action: 'kms:DescribeKey', Resource: 'arn:aws:kms:*:*:key/*' }), 'kms:DescribeKey');
    expect(outcome.decision).toBe('allowed');
  });

  test('default key policy grants the role nothing by itself', async () => {
    const outcome = await decided(policy({ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }), 'kms:DescribeKey');
    expect(outcome.decision).toBe('implicit_deny');
  });

  test('reports an action outside its catalogue as an error', async () => {
    const outcome = await run(policy({ Effect: 'Allow', Action: '*', Resource: '*' }), 's3:NoSuchAction');
    expect(outcome).toEqual({ kind: 'error', message: 'invalid.action' });
  });

  test('reports an invalid policy with its validation errors', async () => {
    const outcome = await run(policy({ Effect: 'Permit', Action: 's3:GetObject', Resource: '*' }), 's3:GetObject');
    expect(outcome).toMatchObject({ kind: 'error', message: 'policy.errors' });
    expect(outcome).toMatchObject({ details: expect.stringContaining('TestPolicy') });
  });
});

describe('decisionOf', () => {
  test('maps the three simulator results', () => {
    expect(decisionOf('Allowed')).toBe('allowed');
    expect(decisionOf('ExplicitlyDenied')).toBe('explicit_deny');
    expect(decisionOf('ImplicitlyDenied')).toBe('implicit_deny');
  });
});
