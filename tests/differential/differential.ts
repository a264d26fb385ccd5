import type { Client } from 'pg';

import type { ActionCatalogue } from './action-catalogue';
import { testAccountId, type PolicyRole } from './authorization-details';
import { classifyPair, needsWitnesses, resolveWithWitnesses, type PairOutcome } from './compare';
import { knownDifferences, type KnownDifference } from './known-differences';
import { readEffectivePermissions, type EffectivePermission } from './openciem';
import { ReportBuilder, type DifferentialReport } from './report';
import { selectActions, type SelectionOptions, type SelectionReason } from './sampling';
import { simulate, type SimulatorOutcome, type SimulatorRequest } from './simulator';
import { checkWitnesses, type WitnessResult } from './witness';

export interface PolicyProgress {
  /** Policies finished so far, this one included. */
  done: number;
  total: number;
  policy: string;
  pairs: number;
  /** Unexplained disagreements of this policy. */
  disagreements: number;
}

export interface DifferentialOptions {
  selection: SelectionOptions;
  allowlist?: readonly KnownDifference[];
  onPolicyDone?: (progress: PolicyProgress) => void;
}

interface PolicyWork {
  role: PolicyRole;
  actions: Map<string, SelectionReason>;
  rows: Promise<Map<string, EffectivePermission[]>>;
}

/**
 * Compares OpenCIEM's decisions with iam-simulate's for every role of the fixture and the actions
 * selected for its policy. The database must hold the imported fixture and be refreshed. The query
 * for the next role runs while the simulator works on the current one, so PostgreSQL and Node
 * each keep a core busy.
 */
export async function runDifferential(
  client: Client,
  roles: PolicyRole[],
  catalogue: ActionCatalogue,
  options: DifferentialOptions
): Promise<DifferentialReport> {
  const builder = new ReportBuilder(options.allowlist ?? knownDifferences);
  const start = (role: PolicyRole): PolicyWork => {
    const actions = selectActions(role.policy.name, role.policy.document, catalogue, options.selection);
    const rows = readEffectivePermissions(client, role.roleArn, [...actions.keys()]);
    // The loop awaits the promise later, so this handler only keeps Node from reporting a rejection as unhandled before then.
    rows.catch(() => undefined);
    return { role, actions, rows };
  };

  let next = roles.length > 0 ? start(roles[0]) : undefined;
  for (let index = 0; index < roles.length; index++) {
    const work = next as PolicyWork;
    const rows = await work.rows;
    next = index + 1 < roles.length ? start(roles[index + 1]) : undefined;

    const policy = work.role.policy;
    builder.addPolicy(policy.name);
    const before = builder.disagreementCount;
    for (const [action, selection] of work.actions) {
      const request = { policyName: policy.name, document: policy.document, principalArn: work.role.roleArn, accountId: testAccountId, action };
      const openciem = rows.get(action);
      const compared = await comparePair(request, openciem, catalogue);
      builder.add({ policy: policy.name, document: policy.document, action, selection, openciem, ...compared });
    }
    options.onPolicyDone?.({
      done: index + 1,
      total: roles.length,
      policy: policy.name,
      pairs: work.actions.size,
      disagreements: builder.disagreementCount - before,
    });
  }
  return builder.finish();
}

/** Simulates one pair on "*", classifies it, and runs the simulator on concrete resources when "*" disagrees. */
async function comparePair(
  request: SimulatorRequest,
  openciem: EffectivePermission[] | undefined,
  catalogue: ActionCatalogue
): Promise<{ simulator: SimulatorOutcome; outcome: PairOutcome; witnesses?: WitnessResult[] }> {
  const simulator = await simulate(request);
  const outcome = classifyPair(openciem, simulator);
  const decision = openciem?.length === 1 ? openciem[0].decision : undefined;
  if (decision === undefined || simulator.kind !== 'decision' || !needsWitnesses(outcome, decision, simulator)) {
    return { simulator, outcome };
  }

  // The patterns that decided come first, and "*" adds one sample ARN per resource type.
  const candidates = [...(openciem?.[0].resourcePatterns ?? []), ...simulator.allowedPatterns, '*'];
  const check = await checkWitnesses(request, candidates, catalogue.get(request.action));
  return { simulator, outcome: resolveWithWitnesses(outcome, decision, check.decision, simulator.dependsOnVariable), witnesses: check.results };
}
