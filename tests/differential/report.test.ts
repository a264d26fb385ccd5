import type { PairOutcome } from './compare';
import { formatReport } from './format-report';
import type { KnownDifference } from './known-differences';
import type { PolicyDocument } from './managed-policies';
import { ReportBuilder, excerpts, type PairRecord } from './report';
import type { SimulatorOutcome } from './simulator';

const document: PolicyDocument = {
  Statement: [
    { Sid: 'Read', Effect: 'Allow', Action: ['s3:GetObject', 's3:ListBucket'], Resource: '*' },
    { Sid: 'Many', Effect: 'Allow', Action: Array.from({ length: 12 }, (_, index) => `ec2:Describe${index}`).concat('ec2:RunInstances'), Resource: '*' },
  ],
};

const allowedBy: SimulatorOutcome = { kind: 'decision', decision: 'allowed', dependsOnCondition: false, statements: [{ index: 1, sid: 'Read', effect: 'Allow' }], conditionStatements: [], dependsOnVariable: false, allowedPatterns: [] };

function record(action: string, openciem: string, outcome: PairOutcome, simulator: SimulatorOutcome = allowedBy): PairRecord {
  return {
    policy: 'ExamplePolicy',
    document,
    action,
    selection: 'named',
    openciem: [{ decision: openciem, resourcePatterns: ['*'], statements: [{ sid: 'Read' }] }],
    simulator,
    outcome,
  };
}

const explained: KnownDifference = {
  rule: 'example rule',
  cases: [{ policy: 'ExamplePolicy', action: 's3:ListBucket' }],
  openciem: 'implicit_deny',
  simulator: 'allowed',
  reason: 'An example entry.',
  citation: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html',
};

describe('ReportBuilder', () => {
  function build() {
    const builder = new ReportBuilder([explained]);
    builder.addPolicy('ExamplePolicy');
    builder.add(record('s3:GetObject', 'allowed', { kind: 'agreement', decision: 'allowed' }));
    builder.add(record('s3:PutObject', 'implicit_deny', { kind: 'disagreement', issue: 'decision' }));
    builder.add(record('s3:ListBucket', 'implicit_deny', { kind: 'disagreement', issue: 'decision' }));
    builder.add(record('s3:DeleteObject', 'conditional', { kind: 'exclusion', reason: 'conditional' }));
    builder.add(record('s3:Unknown', 'allowed', { kind: 'exclusion', reason: 'simulator-error', detail: 'invalid.action' }, { kind: 'error', message: 'invalid.action' }));
    return builder;
  }

  test('counts pairs by outcome', () => {
    const report = build().finish();
    expect(report.pairs).toBe(5);
    expect(report.pairsBySelection.named).toBe(5);
    expect(report.agreements).toEqual({ allowed: 1 });
    expect(report.excluded).toEqual({ conditional: 1, 'simulator-depends-on-condition': 0, 'simulator-error': 1 });
    expect(report.simulatorErrors).toEqual({ 'invalid.action': 1 });
  });

  test('separates explained from unexplained disagreements', () => {
    const report = build().finish();
    expect(report.disagreements.map((entry) => entry.action)).toEqual(['s3:PutObject']);
    expect(report.explained.map((entry) => entry.action)).toEqual(['s3:ListBucket']);
    expect(report.explained[0].knownDifference).toBe(explained);
  });

  test('keeps both decisions of a disagreement', () => {
    const entry = build().finish().disagreements[0];
    expect(entry).toMatchObject({ policy: 'ExamplePolicy', openciem: 'implicit_deny', simulator: 'allowed', openciemStatements: [{ sid: 'Read' }] });
    expect(entry.simulatorStatements.map((excerpt) => excerpt.sid)).toEqual(['Read']);
  });

  test('lists exclusions with their reason', () => {
    const report = build().finish();
    expect(report.exclusions.map((entry) => [entry.action, entry.reason, entry.simulator])).toEqual([
      ['s3:DeleteObject', 'conditional', 'allowed'],
      ['s3:Unknown', 'simulator-error', 'error invalid.action'],
    ]);
  });
});

describe('excerpts', () => {
  test('cuts long Action lists to the values that match', () => {
    const [excerpt] = excerpts(document, [{ index: 2, sid: 'Many', effect: 'Allow' }], 'ec2:RunInstances');
    expect(excerpt.statement.Action).toEqual(['ec2:RunInstances', '(12 other values)']);
  });

  test('keeps short Action lists whole', () => {
    const [excerpt] = excerpts(document, [{ index: 1, sid: 'Read', effect: 'Allow' }], 's3:GetObject');
    expect(excerpt.statement.Action).toEqual(['s3:GetObject', 's3:ListBucket']);
  });
});

describe('formatReport', () => {
  test('prints the totals and every disagreement', () => {
    const builder = new ReportBuilder([]);
    builder.addPolicy('ExamplePolicy');
    builder.add(record('s3:GetObject', 'allowed', { kind: 'agreement', decision: 'allowed' }));
    builder.add(record('s3:PutObject', 'implicit_deny', { kind: 'disagreement', issue: 'decision' }));
    const text = formatReport(builder.finish(), { simulatorVersion: '0.1.173', catalogueVersion: '0.21.202609261', seed: 'seed', accountId: '999999999999' });

    expect(text).toContain('policies: 1');
    expect(text).toContain('compared: 2');
    expect(text).toContain('  disagreements: 1');
    expect(text).toContain('- ExamplePolicy s3:PutObject [decision, named]: OpenCIEM implicit_deny, simulator allowed');
    expect(text).toContain('simulator decided by statement 1 Read');
  });
});
