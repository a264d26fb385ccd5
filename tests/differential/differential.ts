import type { Client } from 'pg';

import type { ActionCatalogue } from './action-catalogue';
import { testAccountId, type PolicyRole } from './authorization-details';
import { classifyPair } from './compare';
import { knownDifferences, type KnownDifference } from './known-differences';
import { readEffectivePermissions, type EffectivePermission } from './openciem';
import { ReportBuilder, type DifferentialReport } from './report';
import { selectActions, type SelectionOptions, type SelectionReason } from './sampling';
import { simulate } from './simulator';

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
    // The rejection is handled when the promise is awaited; this keeps Node from reporting it earlier.
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
      const simulator = await simulate({
        policyName: policy.name,
        document: policy.document,
        principalArn: work.role.roleArn,
        accountId: testAccountId,
        action,
      });
      const openciem = rows.get(action);
      builder.add({ policy: policy.name, document: policy.document, action, selection, openciem, simulator, outcome: classifyPair(openciem, simulator) });
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
