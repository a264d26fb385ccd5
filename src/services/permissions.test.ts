import { fixtureRows } from '../test/fixtures';
import { parseExplanation, toActionDecision } from './permissions';

describe('toActionDecision', () => {
  test('reads the JSON resource patterns', () => {
    const [row] = fixtureRows('node-actions-administrator-s3-permissions');

    const action = toActionDecision(row);

    expect(action).toMatchObject({
      action: row.action,
      decision: 'allowed',
      granted: true,
      resourcePatterns: ['*'],
      deniedResourcePatterns: [],
    });
  });

  test('reads denied actions', () => {
    const rows = fixtureRows('node-actions-allow-and-deny-iam-write').map(toActionDecision);

    expect(rows.every((action) => action.decision === 'explicit_deny' && action.granted)).toBe(true);
    expect(rows[0].deniedResourcePatterns).toEqual(['*']);
  });

  test('reads usage', () => {
    const [action] = fixtureRows('node-actions-demo-unused').map(toActionDecision);

    expect(action.usage).toBe('unused');
    expect(action.usageBasis).not.toBeNull();
  });

  test('rejects an unknown decision', () => {
    const [row] = fixtureRows('node-actions-administrator-s3-permissions');

    expect(() => toActionDecision({ ...row, decision: 'maybe' })).toThrow(
      'The decision maybe is none of allowed, conditional, explicit_deny, implicit_deny. Run openciem migrate.'
    );
  });

  test('rejects patterns that are no JSON array', () => {
    const [row] = fixtureRows('node-actions-administrator-s3-permissions');

    expect(() => toActionDecision({ ...row, resource_patterns: '{*}' })).toThrow(SyntaxError);
    expect(() => toActionDecision({ ...row, resource_patterns: '[1]' })).toThrow(
      'Column resource_patterns should contain a JSON array of text but contains [1].'
    );
  });
});

describe('parseExplanation', () => {
  test('reads the allowing statement', () => {
    const [row] = fixtureRows('explain-administrator-s3-permissions-first');

    const explanation = parseExplanation(String(row.explanation));

    expect(explanation.decision).toBe('allowed');
    expect(explanation.allowing).toEqual([
      expect.objectContaining({
        policyName: 'AdministratorAccess',
        policyType: 'aws_managed',
        via: 'direct',
        effect: 'Allow',
        resource: ['*'],
        notResource: null,
        condition: null,
      }),
    ]);
    expect(explanation.denying).toEqual([]);
  });

  test('reads the denying statement', () => {
    const [row] = fixtureRows('explain-allow-and-deny-iam-write-first');

    const explanation = parseExplanation(String(row.explanation));

    expect(explanation.decision).toBe('explicit_deny');
    expect(explanation.denying.map((statement) => statement.effect)).toEqual(['Deny']);
    expect(explanation.allowing.map((statement) => statement.effect)).toEqual(['Allow']);
  });

  test('names a malformed field', () => {
    expect(() => parseExplanation('{"action": "s3:GetObject", "decision": "allowed", "allowing": {}}')).toThrow(
      'The explanation field allowing should be an array.'
    );
  });
});
