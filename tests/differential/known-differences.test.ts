import { findKnownDifference, knownDifferences, problemsOf, type DisagreementKey, type KnownDifference } from './known-differences';

const valid: KnownDifference = {
  rule: 'example rule',
  cases: [{ policy: 'ExamplePolicy', action: 'ec2:DeleteSnapshot' }],
  openciem: 'allowed',
  simulator: 'implicit_deny',
  reason: 'A "*" in an ARN segment matches zero characters, so it matches the empty account of a snapshot ARN.',
  citation: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html',
};

function disagreement(policy: string, action: string, resource = 'arn:aws:ec2:*:*:snapshot/*'): DisagreementKey {
  return {
    policy,
    action,
    openciem: 'allowed',
    simulator: 'implicit_deny',
    simulatorStatements: [{ index: 1, effect: 'Allow', statement: { Effect: 'Allow', Action: action, Resource: resource } }],
  };
}

describe('known differences', () => {
  test('every entry has a reason and an AWS citation', () => {
    const problems = knownDifferences.flatMap((entry) => problemsOf(entry).map((problem) => `${entry.rule}: ${problem}`));
    expect(problems).toEqual([]);
  });

  test('a complete entry has no problem', () => {
    expect(problemsOf(valid)).toEqual([]);
  });

  test('entry without a reason is rejected', () => {
    expect(problemsOf({ ...valid, reason: ' ' })).toEqual(['reason is empty']);
  });

  test('citation outside the AWS documentation is rejected', () => {
    const elsewhere = 'https://example.com/iam' as unknown as KnownDifference['citation'];
    expect(problemsOf({ ...valid, citation: elsewhere })).toEqual(['citation https://example.com/iam is not a page of docs.aws.amazon.com']);
    expect(problemsOf({ ...valid, citation: 'https://docs.aws.amazon.com/' })).toHaveLength(1);
  });

  test('entry with equal decisions is rejected', () => {
    expect(problemsOf({ ...valid, simulator: 'allowed' })).toEqual(['both decisions are the same, so there is no difference to explain']);
  });

  test('entry with a wildcard action is rejected', () => {
    expect(problemsOf({ ...valid, cases: [{ action: 'ec2:*' }] })).toEqual(['action ec2:* is not a canonical service:Name']);
  });

  test('entry that explains nothing is rejected', () => {
    expect(problemsOf({ ...valid, cases: [] })).toEqual(['entry lists no case and no resource variable, so it explains nothing']);
  });
});

describe('findKnownDifference', () => {
  test('matches a listed case with both decisions', () => {
    expect(findKnownDifference([valid], disagreement('ExamplePolicy', 'ec2:DeleteSnapshot'))).toBe(valid);
    expect(findKnownDifference([valid], disagreement('OtherPolicy', 'ec2:DeleteSnapshot'))).toBeUndefined();
    expect(findKnownDifference([valid], { ...disagreement('ExamplePolicy', 'ec2:DeleteSnapshot'), openciem: 'conditional' })).toBeUndefined();
  });

  test('case without a policy applies to every policy', () => {
    const anyPolicy = { ...valid, cases: [{ action: 'ec2:DeleteSnapshot' }] };
    expect(findKnownDifference([anyPolicy], disagreement('OtherPolicy', 'ec2:DeleteSnapshot'))).toBe(anyPolicy);
  });

  test('resource variable must be in every deciding statement', () => {
    const byVariable: KnownDifference = { ...valid, cases: undefined, resourceVariable: '${aws:username}' };
    const withVariable = disagreement('P', 'iam:ChangePassword', 'arn:aws:iam::*:user/${aws:username}');
    expect(findKnownDifference([byVariable], withVariable)).toBe(byVariable);

    const mixed = { ...withVariable, simulatorStatements: [...withVariable.simulatorStatements, ...disagreement('P', 'iam:ChangePassword', '*').simulatorStatements] };
    expect(findKnownDifference([byVariable], mixed)).toBeUndefined();
    expect(findKnownDifference([byVariable], { ...withVariable, simulatorStatements: [] })).toBeUndefined();
  });
});
