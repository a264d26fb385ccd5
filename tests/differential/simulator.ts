// iam-simulate is AGPL-licensed and serves here as an independent test oracle only; the ESLint
// configuration forbids importing it from the product (src/ and cli/).
import {
  runSimulation,
  type AllowedConditionExpression,
  type EvaluationResult,
  type RequestAnalysis,
  type RunSimulationResults,
  type SimulationResourceResult,
} from '@cloud-copilot/iam-simulate';

import type { Decision } from './decision';
import { wildcardExpression } from './action-catalogue';
import { listOf, statementsOf, type PolicyDocument } from './managed-policies';

type StatementAnalysis = NonNullable<RequestAnalysis['identityAnalysis']>['allowStatements'][number];

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
      /**
       * True when a statement that applies to the action uses a policy variable in Resource,
       * NotResource or Condition. The request carries no context to resolve it, so the decision
       * depends on the request as it does on a condition.
       */
      dependsOnVariable: boolean;
      /** For resource "*": the policy resource patterns the simulator found allowed. */
      allowedPatterns: string[];
    };

export interface SimulatorRequest {
  policyName: string;
  document: PolicyDocument;
  principalArn: string;
  accountId: string;
  action: string;
  /** The resource ARN of the request. When absent, the request is on "*", meaning some resource. */
  resource?: string;
}

/**
 * Evaluates one action on the request's resource, "*" unless one is given, with the policy as
 * the principal's only identity policy and no request context. Strict mode gives the decision.
 * Discovery mode, which sets aside conditions on context keys the request lacks, shows whether
 * that decision depends on a condition. Discovery runs only for documents that contain a Condition.
 */
export async function simulate(request: SimulatorRequest): Promise<SimulatorOutcome> {
  const strict = await runSimulation(simulationOf(request), { simulationMode: 'Strict' });
  if (strict.resultType === 'error') {
    return errorOutcome(strict);
  }
  const strictResults = resultsOf(strict);
  const statements = decidingStatements(strict.overallResult, strictResults);
  const dependsOnVariable = usesPolicyVariables(request.document, request.action);
  if (!hasCondition(request.document)) {
    const allowedPatterns = patternsOf(strictResults);
    return {
      kind: 'decision',
      decision: decisionOf(strict.overallResult),
      dependsOnCondition: false,
      statements,
      conditionStatements: [],
      dependsOnVariable,
      allowedPatterns,
    };
  }

  const discovery = await runSimulation(simulationOf(request), { simulationMode: 'Discovery' });
  if (discovery.resultType === 'error') {
    return errorOutcome(discovery);
  }
  const discoveryResults = resultsOf(discovery);
  const allowedResults = discoveryResults.filter((result) => result.analysis.result === 'Allowed');
  // A wildcard request runs one simulation per matching resource pattern, and access is
  // unconditional when any allowed pattern needs no condition.
  const everyAllowNeedsCondition = allowedResults.length > 0 && allowedResults.every((result) => needsCondition(result.analysis.conditions));
  const dependsOnCondition =
    decidedOnlyWithConditions(strict.overallResult, strictResults) ||
    discovery.overallResult !== strict.overallResult ||
    (discovery.overallResult === 'Allowed' && everyAllowNeedsCondition);
  // Discovery mode names the sources of the conditions it set aside only for allowed results. A
  // statement with a Condition that decided the strict result is such a source too.
  const conditionStatements = dependsOnCondition
    ? mergeRefs(conditionSources(request.document, discoveryResults), statements.filter((ref) => hasConditionAt(request.document, ref.index)))
    : [];
  const allowedPatterns = [...new Set([...patternsOf(strictResults), ...patternsOf(discoveryResults)])];
  return {
    kind: 'decision',
    decision: decisionOf(strict.overallResult),
    dependsOnCondition,
    statements,
    conditionStatements,
    dependsOnVariable,
    allowedPatterns,
  };
}

/** Returns the resource patterns of the allowed results of a wildcard simulation. */
function patternsOf(results: ResourceResult[]): string[] {
  const patterns = new Set<string>();
  for (const result of results) {
    if (result.resourcePattern !== undefined && result.analysis.result === 'Allowed') {
      patterns.add(result.resourcePattern);
    }
  }
  return [...patterns];
}

/**
 * Tells whether only statements with a Condition decided a strict result. Such a condition can
 * hold without request context and fail with it: ForAllValues on an absent key is true (IAM User
 * Guide, "Creating a condition that tests multiple key values"), but false once the request
 * carries other values.
 */
function decidedOnlyWithConditions(overall: EvaluationResult, results: SimulationResourceResult[]): boolean {
  const unconditional = (analyses: StatementAnalysis[]) => analyses.some((analysis) => analysis.statement.conditions().length === 0);
  if (overall === 'Allowed') {
    return !results.some((result) => result.analysis.result === 'Allowed' && unconditional(result.analysis.identityAnalysis?.allowStatements ?? []));
  }
  if (overall === 'ExplicitlyDenied') {
    return !results.every((result) => unconditional(result.analysis.identityAnalysis?.denyStatements ?? []));
  }
  return false;
}

/**
 * KMS lets IAM policies grant access to a key only when its key policy allows the key's account.
 * The default key policy, which AWS KMS applies when a key is created without one, does exactly
 * that (AWS KMS Developer Guide, "Default key policy"), so a key with it is the "some resource"
 * on which OpenCIEM decides. iam-simulate treats a key without a key policy as inaccessible.
 */
function defaultKeyPolicy(accountId: string) {
  return {
    Version: '2012-10-17',
    Statement: [{ Sid: 'Enable IAM User Permissions', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${accountId}:root` }, Action: 'kms:*', Resource: '*' }],
  };
}

function simulationOf(request: SimulatorRequest) {
  const isKms = request.action.toLowerCase().startsWith('kms:');
  return {
    request: {
      principal: request.principalArn,
      action: request.action,
      resource: { resource: request.resource ?? '*', accountId: request.accountId },
      contextVariables: {},
    },
    identityPolicies: [{ name: request.policyName, policy: request.document }],
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    ...(isKms ? { resourcePolicy: defaultKeyPolicy(request.accountId) } : {}),
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

/** A simulation result; wildcard simulations name the resource pattern each result is for. */
type ResourceResult = SimulationResourceResult & { resourcePattern?: string };

function resultsOf(result: Exclude<RunSimulationResults, { resultType: 'error' }>): ResourceResult[] {
  return result.resultType === 'single' ? [result.result] : result.results;
}

function decidingStatements(overall: EvaluationResult, results: SimulationResourceResult[]): StatementRef[] {
  const refs = new Map<number, StatementRef>();
  for (const result of results) {
    const identity = result.analysis.identityAnalysis;
    if (!identity || result.analysis.result !== overall) {
      continue;
    }
    let deciding: StatementAnalysis[] = [];
    if (overall === 'Allowed') {
      deciding = identity.allowStatements;
    } else if (overall === 'ExplicitlyDenied') {
      deciding = identity.denyStatements;
    }
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

function mergeRefs(first: StatementRef[], second: StatementRef[]): StatementRef[] {
  const byIndex = new Map([...first, ...second].map((ref) => [ref.index, ref]));
  return [...byIndex.values()].sort((a, b) => a.index - b.index);
}

function hasConditionAt(document: PolicyDocument, index: number): boolean {
  return statementsOf(document)[index - 1]?.Condition !== undefined;
}

function usesPolicyVariables(document: PolicyDocument, action: string): boolean {
  return statementsOf(document).some((statement) => {
    const named = (values: string[]) => values.some((value) => wildcardExpression(value).test(action));
    const applies = statement.NotAction !== undefined ? !named(listOf(statement.NotAction)) : named(listOf(statement.Action));
    const elements = JSON.stringify([statement.Resource, statement.NotResource, statement.Condition]);
    return applies && elements.includes('${');
  });
}

function hasCondition(document: PolicyDocument): boolean {
  return statementsOf(document).some((statement) => statement.Condition !== undefined);
}
