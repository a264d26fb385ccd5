// iam-simulate is AGPL-licensed and serves here as an independent test oracle only; the ESLint
// configuration forbids importing it from the product (src/ and cli/).
import {
  runSimulation,
  type AllowedConditionExpression,
  type EvaluationResult,
  type RunSimulationResults,
  type SimulationResourceResult,
} from '@cloud-copilot/iam-simulate';

import type { Decision } from './decision';
import { statementsOf, type PolicyDocument } from './managed-policies';

/** A statement of the simulated policy: its 1-based position and Sid, as the report prints it. */
export interface StatementRef {
  index: number;
  sid?: string;
  effect: string;
}

export type SimulatorOutcome =
  | {
      kind: 'error';
      /** iam-simulate's error code, such as policy.errors or must.use.wildcard. */
      message: string;
      /** The validation errors as JSON, when iam-simulate returned any. */
      details?: string;
    }
  | {
      kind: 'decision';
      decision: Exclude<Decision, 'conditional'>;
      /** True when the decision without request context differs from the decision once conditions are set aside. */
      dependsOnCondition: boolean;
      /** The statements that decided: the matching Allow statements, or the matching Deny statements. */
      statements: StatementRef[];
      /** The statements whose conditions the decision depends on. */
      conditionStatements: StatementRef[];
    };

export interface SimulatorRequest {
  policyName: string;
  document: PolicyDocument;
  principalArn: string;
  accountId: string;
  action: string;
}

/**
 * Evaluates one action on resource "*" with the policy as the principal's only identity policy
 * and no request context. Strict mode gives the decision; Discovery mode, which sets aside
 * conditions on context keys the request lacks, shows whether that decision depends on a
 * condition. Discovery runs only for documents that contain a Condition.
 */
export async function simulate(request: SimulatorRequest): Promise<SimulatorOutcome> {
  const strict = await runSimulation(simulationOf(request), { simulationMode: 'Strict' });
  if (strict.resultType === 'error') {
    return errorOutcome(strict);
  }
  const statements = decidingStatements(strict.overallResult, resultsOf(strict));
  if (!hasCondition(request.document)) {
    return { kind: 'decision', decision: decisionOf(strict.overallResult), dependsOnCondition: false, statements, conditionStatements: [] };
  }

  const discovery = await runSimulation(simulationOf(request), { simulationMode: 'Discovery' });
  if (discovery.resultType === 'error') {
    return errorOutcome(discovery);
  }
  const discoveryResults = resultsOf(discovery);
  const allowedResults = discoveryResults.filter((result) => result.analysis.result === 'Allowed');
  // Wildcard requests run one simulation per matching resource pattern; access is unconditional
  // when any allowed pattern needs no condition.
  const everyAllowNeedsCondition = allowedResults.length > 0 && allowedResults.every((result) => needsCondition(result.analysis.conditions));
  const dependsOnCondition = discovery.overallResult !== strict.overallResult || (discovery.overallResult === 'Allowed' && everyAllowNeedsCondition);
  const conditionStatements = dependsOnCondition ? conditionSources(request.document, discoveryResults) : [];
  return { kind: 'decision', decision: decisionOf(strict.overallResult), dependsOnCondition, statements, conditionStatements };
}

function simulationOf(request: SimulatorRequest) {
  return {
    request: {
      principal: request.principalArn,
      action: request.action,
      resource: { resource: '*', accountId: request.accountId },
      contextVariables: {},
    },
    identityPolicies: [{ name: request.policyName, policy: request.document }],
    serviceControlPolicies: [],
    resourceControlPolicies: [],
  };
}

export function decisionOf(result: EvaluationResult): Exclude<Decision, 'conditional'> {
  switch (result) {
    case 'Allowed':
      return 'allowed';
    case 'ExplicitlyDenied':
      return 'explicit_deny';
    case 'ImplicitlyDenied':
      return 'implicit_deny';
  }
}

function errorOutcome(result: Extract<RunSimulationResults, { resultType: 'error' }>): SimulatorOutcome {
  const { message, ...rest } = result.errors;
  return Object.keys(rest).length > 0 ? { kind: 'error', message, details: JSON.stringify(rest) } : { kind: 'error', message };
}

function resultsOf(result: Exclude<RunSimulationResults, { resultType: 'error' }>): SimulationResourceResult[] {
  return result.resultType === 'single' ? [result.result] : result.results;
}

function decidingStatements(overall: EvaluationResult, results: SimulationResourceResult[]): StatementRef[] {
  const refs = new Map<number, StatementRef>();
  for (const result of results) {
    const identity = result.analysis.identityAnalysis;
    if (!identity || result.analysis.result !== overall) {
      continue;
    }
    const deciding = overall === 'Allowed' ? identity.allowStatements : overall === 'ExplicitlyDenied' ? identity.denyStatements : [];
    for (const analysis of deciding) {
      const statement = analysis.statement;
      refs.set(statement.index(), { index: statement.index(), sid: statement.sid(), effect: statement.effect() });
    }
  }
  return [...refs.values()].sort((a, b) => a.index - b.index);
}

function needsCondition(expression: AllowedConditionExpression | undefined): boolean {
  return expression !== undefined && expression.conditionType !== 'always';
}

/** Collects the statements named as sources of the conditions that Discovery mode reported. */
function conditionSources(document: PolicyDocument, results: SimulationResourceResult[]): StatementRef[] {
  const indexes = new Set<number>();
  const visit = (expression: AllowedConditionExpression | undefined) => {
    if (!expression) {
      return;
    }
    if (expression.conditionType === 'group') {
      expression.conditions.forEach(visit);
    } else if (expression.conditionType === 'condition' || expression.conditionType === 'sessionName') {
      expression.sources.filter((source) => source.policyType === 'identity').forEach((source) => indexes.add(source.statementIndex));
    }
  };
  results.forEach((result) => visit(result.analysis.conditions));

  const statements = statementsOf(document);
  return [...indexes].sort((a, b) => a - b).map((index) => {
    const statement = statements[index - 1];
    return { index, sid: statement?.Sid, effect: statement?.Effect ?? 'unknown' };
  });
}

function hasCondition(document: PolicyDocument): boolean {
  return statementsOf(document).some((statement) => statement.Condition !== undefined);
}
