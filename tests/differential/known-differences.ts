import { decisions, isDecision, type Decision } from './decision';
import { listOf } from './managed-policies';
import type { StatementExcerpt } from './report';

/**
 * Disagreements between OpenCIEM and iam-simulate where OpenCIEM makes the decision that AWS
 * documents. The differential test accepts only the disagreements that an entry explains: by
 * its listed cases, or by the policy variable that every deciding statement of the simulator
 * uses in Resource.
 */
export interface KnownDifference {
  /** A short name for the rule, printed in the report. */
  rule: string;
  openciem: Decision;
  simulator: Decision;
  /** The pairs the entry explains; a case without a policy applies to every policy. */
  cases?: Array<{ policy?: string; action: string }>;
  /** The entry explains a pair when every statement that decided the simulator uses this variable in Resource. */
  resourceVariable?: string;
  /** Why OpenCIEM's decision is the one AWS makes. */
  reason: string;
  /** The AWS documentation page that states the rule. */
  citation: `https://docs.aws.amazon.com/${string}`;
}

export const knownDifferences: KnownDifference[] = [
  {
    rule: 'aws:username is not present for roles',
    openciem: 'implicit_deny',
    simulator: 'allowed',
    resourceVariable: '${aws:username}',
    reason:
      'A role request carries no aws:username, and a policy variable whose key is not present fails to match, so a Resource such as ' +
      'arn:aws:iam::*:user/${aws:username} names nothing for a role. iam-simulate, asked about resource "*", treats the variable as a wildcard.',
    citation: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html',
  },
  {
    rule: 'IAM Identity Center manages its reserved roles',
    openciem: 'allowed',
    simulator: 'implicit_deny',
    cases: [
      { policy: 'AWSSSOServiceRolePolicy', action: 'iam:DeleteRolePolicy' },
      { policy: 'AWSSSOServiceRolePolicy', action: 'iam:DetachRolePolicy' },
    ],
    reason:
      'AWS attaches AWSSSOServiceRolePolicy to the service-linked role with which IAM Identity Center manages the roles under ' +
      'role/aws-reserved/sso.amazonaws.com/, and the policy grants these actions on exactly those roles. iam-simulate 0.1.173 ' +
      'returns an implicit deny for changes to any role under /aws-reserved/, whatever the policies allow.',
    citation: 'https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AWSSSOServiceRolePolicy.html',
  },
];

/** The parts of a disagreement that an entry is matched against. */
export interface DisagreementKey {
  policy: string;
  action: string;
  openciem: string;
  simulator: string;
  simulatorStatements: StatementExcerpt[];
}

/** Returns the entry that explains a disagreement, if any. */
export function findKnownDifference(entries: readonly KnownDifference[], disagreement: DisagreementKey): KnownDifference | undefined {
  return entries.find((entry) => entry.openciem === disagreement.openciem && entry.simulator === disagreement.simulator && explains(entry, disagreement));
}

function explains(entry: KnownDifference, disagreement: DisagreementKey): boolean {
  const listed = (entry.cases ?? []).some(
    (known) => (known.policy === undefined || known.policy === disagreement.policy) && known.action === disagreement.action
  );
  if (listed) {
    return true;
  }
  const variable = entry.resourceVariable;
  if (variable === undefined || disagreement.simulatorStatements.length === 0) {
    return false;
  }
  return disagreement.simulatorStatements.every((excerpt) => listOf(excerpt.statement.Resource).some((value) => value.includes(variable)));
}

/** Returns what is wrong with an entry; an entry without a reason or an AWS citation explains nothing. */
export function problemsOf(entry: KnownDifference): string[] {
  const problems: string[] = [];
  if (entry.reason.trim() === '') {
    problems.push('reason is empty');
  }
  if (!/^https:\/\/docs\.aws\.amazon\.com\/\S+$/.test(entry.citation)) {
    problems.push(`citation ${entry.citation} is not a page of docs.aws.amazon.com`);
  }
  if ((entry.cases ?? []).length === 0 && entry.resourceVariable === undefined) {
    problems.push('entry lists no case and no resource variable, so it explains nothing');
  }
  for (const known of entry.cases ?? []) {
    if (!/^[a-z0-9-]+:[A-Za-z0-9]+$/.test(known.action)) {
      problems.push(`action ${known.action} is not a canonical service:Name`);
    }
  }
  if (entry.resourceVariable !== undefined && !/^\$\{[^}]+\}$/.test(entry.resourceVariable)) {
    problems.push(`resource variable ${entry.resourceVariable} is not written as \${key}`);
  }
  if (!isDecision(entry.openciem) || !isDecision(entry.simulator)) {
    problems.push(`decisions ${entry.openciem} and ${entry.simulator} must be among ${decisions.join(', ')}`);
  } else if (entry.openciem === entry.simulator) {
    problems.push('both decisions are the same, so there is no difference to explain');
  }
  return problems;
}
