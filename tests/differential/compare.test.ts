import { classifyPair, needsWitnesses, resolveWithWitnesses } from './compare';
import type { EffectivePermission } from './openciem';
import type { SimulatorOutcome } from './simulator';

function row(decision: string): EffectivePermission[] {
  return [{ decision, resourcePatterns: ['*'], statements: [] }];
}

function simulator(decision: 'allowed' | 'explicit_deny' | 'implicit_deny', dependsOnCondition = false, dependsOnVariable = false): SimulatorOutcome {
  return { kind: 'decision', decision, dependsOnCondition, statements: [], conditionStatements: [], dependsOnVariable, allowedPatterns: [] };
}

describe('classifyPair', () => {
  test('equal decisions agree', () => {
    expect(classifyPair(row('allowed'), simulator('allowed'))).toEqual({ kind: 'agreement', decision: 'allowed' });
    expect(classifyPair(row('implicit_deny'), simulator('implicit_deny'))).toEqual({ kind: 'agreement', decision: 'implicit_deny' });
  });

  test('different decisions disagree', () => {
    expect(classifyPair(row('allowed'), simulator('implicit_deny'))).toEqual({ kind: 'disagreement', issue: 'decision' });
    expect(classifyPair(row('explicit_deny'), simulator('allowed'))).toEqual({ kind: 'disagreement', issue: 'decision' });
  });

  test('missing row is a disagreement', () => {
    expect(classifyPair(undefined, simulator('allowed'))).toEqual({ kind: 'disagreement', issue: 'missing-row' });
    expect(classifyPair([], simulator('allowed'))).toEqual({ kind: 'disagreement', issue: 'missing-row' });
  });

  test('two rows for one action are a disagreement', () => {
    expect(classifyPair([...row('allowed'), ...row('allowed')], simulator('allowed'))).toEqual({ kind: 'disagreement', issue: 'duplicate-rows' });
  });

  test('simulator error excludes the pair', () => {
    const outcome = classifyPair(row('allowed'), { kind: 'error', message: 'must.use.wildcard' });
    expect(outcome).toEqual({ kind: 'exclusion', reason: 'simulator-error', detail: 'must.use.wildcard' });
  });

  test('conditional on both sides is excluded', () => {
    expect(classifyPair(row('conditional'), simulator('implicit_deny', true))).toEqual({ kind: 'exclusion', reason: 'conditional' });
  });

  test('conditional beside a policy variable is excluded', () => {
    expect(classifyPair(row('conditional'), simulator('allowed', false, true))).toEqual({ kind: 'exclusion', reason: 'conditional' });
  });

  test('policy variable leaves an unconditional answer compared', () => {
    expect(classifyPair(row('implicit_deny'), simulator('allowed', false, true))).toEqual({ kind: 'disagreement', issue: 'decision' });
  });

  test('conditional without a deciding condition disagrees', () => {
    expect(classifyPair(row('conditional'), simulator('explicit_deny'))).toEqual({ kind: 'disagreement', issue: 'conditional-without-condition' });
  });

  test('simulator condition excludes an unconditional answer', () => {
    expect(classifyPair(row('allowed'), simulator('explicit_deny', true))).toEqual({ kind: 'exclusion', reason: 'simulator-depends-on-condition' });
  });

  test('unknown decision text disagrees', () => {
    expect(classifyPair(row('maybe'), simulator('allowed'))).toEqual({ kind: 'disagreement', issue: 'decision' });
  });
});

describe('resolveWithWitnesses', () => {
  const disagreement = { kind: 'disagreement' as const, issue: 'decision' as const };

  test('settles matching decisions on concrete resources', () => {
    expect(resolveWithWitnesses(disagreement, 'allowed', 'allowed', false)).toEqual({ kind: 'witnessed', decision: 'allowed' });
    expect(resolveWithWitnesses(disagreement, 'conditional', 'conditional', false)).toEqual({ kind: 'witnessed', decision: 'conditional' });
    expect(resolveWithWitnesses(disagreement, 'implicit_deny', 'not-allowed', false)).toEqual({ kind: 'witnessed', decision: 'implicit_deny' });
  });

  test('keeps a disagreement the witnesses confirm', () => {
    expect(resolveWithWitnesses(disagreement, 'allowed', 'not-allowed', false)).toBe(disagreement);
    expect(resolveWithWitnesses(disagreement, 'implicit_deny', 'allowed', false)).toBe(disagreement);
  });

  test('policy variables keep an implicit deny open', () => {
    expect(resolveWithWitnesses(disagreement, 'implicit_deny', 'not-allowed', true)).toBe(disagreement);
  });

  test('no witness keeps the disagreement', () => {
    expect(resolveWithWitnesses(disagreement, 'allowed', undefined, false)).toBe(disagreement);
  });
});

describe('needsWitnesses', () => {
  test('applies to allow and implicit deny differences', () => {
    expect(needsWitnesses({ kind: 'disagreement', issue: 'decision' }, 'allowed', simulator('implicit_deny'))).toBe(true);
    expect(needsWitnesses({ kind: 'disagreement', issue: 'conditional-without-condition' }, 'conditional', simulator('allowed'))).toBe(true);
  });

  test('skips explicit denies and missing rows', () => {
    expect(needsWitnesses({ kind: 'disagreement', issue: 'decision' }, 'explicit_deny', simulator('allowed'))).toBe(false);
    expect(needsWitnesses({ kind: 'disagreement', issue: 'decision' }, 'allowed', simulator('explicit_deny'))).toBe(false);
    expect(needsWitnesses({ kind: 'disagreement', issue: 'missing-row' }, 'allowed', simulator('implicit_deny'))).toBe(false);
  });
});
