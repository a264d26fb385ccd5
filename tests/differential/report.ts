import { wildcardExpression } from './action-catalogue';
import type { DisagreementIssue, ExclusionReason, PairOutcome } from './compare';
import { findKnownDifference, type KnownDifference } from './known-differences';
import { listOf, statementsOf, type PolicyDocument, type PolicyStatement } from './managed-policies';
import type { EffectivePermission } from './openciem';
import type { SelectionReason } from './sampling';
import type { SimulatorOutcome, StatementRef } from './simulator';
import type { WitnessResult } from './witness';

/** One compared or excluded (identity, action) pair with the decisions of both sides. */
export interface PairRecord {
  policy: string;
  document: PolicyDocument;
  action: string;
  selection: SelectionReason;
  openciem: EffectivePermission[] | undefined;
  simulator: SimulatorOutcome;
  outcome: PairOutcome;
  /** The simulator's decisions on concrete resources, when its decision on "*" disagreed. */
  witnesses?: WitnessResult[];
}

/** A concrete resource and the simulator's decision on it, as the report prints it. */
export interface WitnessEntry {
  arn: string;
  simulator: string;
}

/** A statement of the policy, with Action and NotAction lists cut down to the values that match the action. */
export interface StatementExcerpt extends StatementRef {
  statement: PolicyStatement;
}

export interface DisagreementEntry {
  policy: string;
  action: string;
  selection: SelectionReason;
  issue: DisagreementIssue;
  openciem: string;
  simulator: string;
  openciemResourcePatterns: string[];
  openciemStatements: unknown;
  simulatorStatements: StatementExcerpt[];
  simulatorConditionStatements: StatementExcerpt[];
  witnesses: WitnessEntry[];
  knownDifference?: KnownDifference;
}

/** A pair whose decisions on "*" differ while the simulator's decisions on concrete resources agree. */
export interface WitnessedEntry {
  policy: string;
  action: string;
  openciem: string;
  /** The simulator's decision on "*". */
  simulator: string;
  witnesses: WitnessEntry[];
}

export interface ExclusionEntry {
  policy: string;
  action: string;
  reason: ExclusionReason;
  detail?: string;
  openciem: string;
  simulator: string;
  conditionStatements: number[];
}

export interface DifferentialReport {
  policies: string[];
  pairs: number;
  pairsBySelection: Record<SelectionReason, number>;
  agreements: Record<string, number>;
  /** Pairs settled on concrete resources, by OpenCIEM's decision. */
  witnessed: Record<string, number>;
  witnessedPairs: WitnessedEntry[];
  excluded: Record<ExclusionReason, number>;
  simulatorErrors: Record<string, number>;
  /** Disagreements that no entry of known-differences.ts explains. */
  disagreements: DisagreementEntry[];
  /** Disagreements that an entry of known-differences.ts explains. */
  explained: DisagreementEntry[];
  exclusions: ExclusionEntry[];
}

/** Collects pair records into a report without keeping the agreements themselves. */
export class ReportBuilder {
  private readonly report: DifferentialReport = {
    policies: [],
    pairs: 0,
    pairsBySelection: { named: 0, 'not-action-complement': 0, sampled: 0 },
    agreements: {},
    witnessed: {},
    witnessedPairs: [],
    excluded: { conditional: 0, 'simulator-depends-on-condition': 0, 'simulator-error': 0 },
    simulatorErrors: {},
    disagreements: [],
    explained: [],
    exclusions: [],
  };

  constructor(private readonly allowlist: readonly KnownDifference[]) {}

  /** Unexplained disagreements so far. */
  get disagreementCount(): number {
    return this.report.disagreements.length;
  }

  addPolicy(name: string): void {
    this.report.policies.push(name);
  }

  add(record: PairRecord): void {
    const report = this.report;
    report.pairs++;
    report.pairsBySelection[record.selection]++;
    const outcome = record.outcome;
    if (outcome.kind === 'agreement') {
      report.agreements[outcome.decision] = (report.agreements[outcome.decision] ?? 0) + 1;
      return;
    }
    if (outcome.kind === 'witnessed') {
      report.witnessed[outcome.decision] = (report.witnessed[outcome.decision] ?? 0) + 1;
      report.witnessedPairs.push({
        policy: record.policy,
        action: record.action,
        openciem: outcome.decision,
        simulator: simulatorAnswer(record.simulator),
        witnesses: witnessEntries(record.witnesses),
      });
      return;
    }
    if (outcome.kind === 'exclusion') {
      report.excluded[outcome.reason]++;
      if (outcome.reason === 'simulator-error' && outcome.detail) {
        report.simulatorErrors[outcome.detail] = (report.simulatorErrors[outcome.detail] ?? 0) + 1;
      }
      report.exclusions.push({
        policy: record.policy,
        action: record.action,
        reason: outcome.reason,
        detail: outcome.detail,
        openciem: openciemAnswer(record.openciem),
        simulator: simulatorAnswer(record.simulator),
        conditionStatements: record.simulator.kind === 'decision' ? record.simulator.conditionStatements.map((ref) => ref.index) : [],
      });
      return;
    }

    const entry: DisagreementEntry = {
      policy: record.policy,
      action: record.action,
      selection: record.selection,
      issue: outcome.issue,
      openciem: openciemAnswer(record.openciem),
      simulator: simulatorAnswer(record.simulator),
      openciemResourcePatterns: record.openciem?.[0]?.resourcePatterns ?? [],
      openciemStatements: record.openciem?.[0]?.statements ?? null,
      simulatorStatements: record.simulator.kind === 'decision' ? excerpts(record.document, record.simulator.statements, record.action) : [],
      simulatorConditionStatements: record.simulator.kind === 'decision' ? excerpts(record.document, record.simulator.conditionStatements, record.action) : [],
      witnesses: witnessEntries(record.witnesses),
    };
    const known = findKnownDifference(this.allowlist, entry);
    if (known) {
      report.explained.push({ ...entry, knownDifference: known });
    } else {
      report.disagreements.push(entry);
    }
  }

  finish(): DifferentialReport {
    return this.report;
  }
}

function openciemAnswer(rows: EffectivePermission[] | undefined): string {
  if (!rows || rows.length === 0) {
    return 'no row';
  }
  return rows.map((row) => row.decision).join(', ');
}

function simulatorAnswer(outcome: SimulatorOutcome): string {
  return outcome.kind === 'error' ? `error ${outcome.message}` : outcome.decision;
}

function witnessEntries(results: WitnessResult[] | undefined): WitnessEntry[] {
  return (results ?? []).map((result) => {
    const conditional = result.outcome.kind === 'decision' && result.outcome.dependsOnCondition ? ' (depends on a condition)' : '';
    return { arn: result.arn, simulator: `${simulatorAnswer(result.outcome)}${conditional}` };
  });
}

// Long Action lists (ReadOnlyAccess names about 1,500 actions) are cut to the values that match.
const maxListedValues = 10;

/** Returns the statements with Action and NotAction lists cut to the values that match the action. */
export function excerpts(document: PolicyDocument, refs: StatementRef[], action: string): StatementExcerpt[] {
  const statements = statementsOf(document);
  return refs.map((ref) => {
    const statement = { ...statements[ref.index - 1] };
    for (const key of ['Action', 'NotAction'] as const) {
      const values = listOf(statement[key]);
      if (statement[key] !== undefined && values.length > maxListedValues) {
        const matching = values.filter((value) => wildcardExpression(value).test(action));
        statement[key] = [...matching, `(${values.length - matching.length} other values)`];
      }
    }
    return { ...ref, statement };
  });
}
