import type { EffectivePermission } from './openciem';
import type { SimulatorOutcome } from './simulator';

/** Why a pair is left out of the comparison. */
export type ExclusionReason =
  /** iam-simulate rejected the request or the policy. */
  | 'simulator-error'
  /** OpenCIEM answers conditional and the simulator's decision also depends on a condition. */
  | 'conditional'
  /** The simulator's decision depends on a condition that OpenCIEM does not report. */
  | 'simulator-depends-on-condition';

/** What is wrong with a pair that is compared and differs. */
export type DisagreementIssue =
  /** The two decisions differ. */
  | 'decision'
  /** ciem.effective_permissions has no row for a catalogue action. */
  | 'missing-row'
  /** ciem.effective_permissions has more than one row for the action. */
  | 'duplicate-rows'
  /** OpenCIEM answers conditional, but no condition decides the simulator's result. */
  | 'conditional-without-condition';

export type PairOutcome =
  | { kind: 'agreement'; decision: string }
  | { kind: 'exclusion'; reason: ExclusionReason; detail?: string }
  | { kind: 'disagreement'; issue: DisagreementIssue };

/**
 * Classifies one (identity, action) pair. The simulator evaluates conditions against an empty
 * request context, so a decision that depends on a condition is not comparable with OpenCIEM's
 * request-independent decision and is excluded. A conditional answer from OpenCIEM where no
 * condition decides the simulator's result is still a disagreement: the decision is the same in
 * every request context.
 */
export function classifyPair(rows: EffectivePermission[] | undefined, simulator: SimulatorOutcome): PairOutcome {
  if (!rows || rows.length === 0) {
    return { kind: 'disagreement', issue: 'missing-row' };
  }
  if (rows.length > 1) {
    return { kind: 'disagreement', issue: 'duplicate-rows' };
  }
  if (simulator.kind === 'error') {
    return { kind: 'exclusion', reason: 'simulator-error', detail: simulator.message };
  }

  const openciem = rows[0].decision;
  if (openciem === 'conditional') {
    return simulator.dependsOnCondition ? { kind: 'exclusion', reason: 'conditional' } : { kind: 'disagreement', issue: 'conditional-without-condition' };
  }
  if (simulator.dependsOnCondition) {
    return { kind: 'exclusion', reason: 'simulator-depends-on-condition' };
  }
  return openciem === simulator.decision ? { kind: 'agreement', decision: openciem } : { kind: 'disagreement', issue: 'decision' };
}
