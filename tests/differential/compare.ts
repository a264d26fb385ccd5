import type { EffectivePermission } from './openciem';
import type { SimulatorOutcome } from './simulator';
import type { WitnessDecision } from './witness';

/** Why a pair is left out of the comparison. */
export type ExclusionReason =
  /** iam-simulate rejected the request or the policy. */
  | 'simulator-error'
  /** OpenCIEM returns conditional and the simulator's decision also depends on a condition or a policy variable. */
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
  /** OpenCIEM returns conditional, but no condition decides the simulator's result. */
  | 'conditional-without-condition';

export type PairOutcome =
  | { kind: 'agreement'; decision: string }
  /** The simulator's decision on "*" differs, but its decisions on concrete resources agree. */
  | { kind: 'witnessed'; decision: string }
  | { kind: 'exclusion'; reason: ExclusionReason; detail?: string }
  | { kind: 'disagreement'; issue: DisagreementIssue };

/**
 * Classifies one (identity, action) pair. The simulator evaluates conditions against an empty
 * request context, so a decision that depends on a condition is not comparable with OpenCIEM's
 * request-independent decision and is excluded. OpenCIEM's conditional is still a disagreement
 * where no condition decides the simulator's result, because that decision is the same in every
 * request context.
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
    const onRequest = simulator.dependsOnCondition || simulator.dependsOnVariable;
    return onRequest ? { kind: 'exclusion', reason: 'conditional' } : { kind: 'disagreement', issue: 'conditional-without-condition' };
  }
  if (simulator.dependsOnCondition) {
    return { kind: 'exclusion', reason: 'simulator-depends-on-condition' };
  }
  return openciem === simulator.decision ? { kind: 'agreement', decision: openciem } : { kind: 'disagreement', issue: 'decision' };
}

/** Tells whether concrete resources can settle a disagreement: only decisions on "*" that grant or may grant. */
export function needsWitnesses(outcome: PairOutcome, openciem: string | undefined, simulator: SimulatorOutcome): boolean {
  if (outcome.kind !== 'disagreement' || (outcome.issue !== 'decision' && outcome.issue !== 'conditional-without-condition')) {
    return false;
  }
  // An explicit deny on "*" means that no resource is allowed, which no finite set of witnesses can show.
  return simulator.kind === 'decision' && simulator.decision !== 'explicit_deny' && openciem !== 'explicit_deny';
}

/**
 * Settles a disagreement on "*" with the simulator's decisions on concrete resources. An
 * implicit deny is settled only when no statement for the action uses a policy variable, because
 * without request context no witness can resolve the variable.
 */
export function resolveWithWitnesses(
  outcome: PairOutcome,
  openciem: string,
  witnessed: WitnessDecision | undefined,
  decidedWithVariables: boolean
): PairOutcome {
  if (outcome.kind !== 'disagreement' || witnessed === undefined) {
    return outcome;
  }
  const settled =
    (openciem === 'allowed' && witnessed === 'allowed') ||
    (openciem === 'conditional' && witnessed === 'conditional') ||
    (openciem === 'implicit_deny' && witnessed === 'not-allowed' && !decidedWithVariables);
  return settled ? { kind: 'witnessed', decision: openciem } : outcome;
}
