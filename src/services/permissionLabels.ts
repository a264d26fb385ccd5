// Words that the Identity page shows for the engine's values.
import { formatTime } from './format';
import type { ActionDecision, Decision, ExplainedStatement } from './permissions';

/** Badge colours of @grafana/ui that the labels use. */
export type LabelColor = 'green' | 'orange' | 'red' | 'purple' | 'blue' | 'darkgrey';

export const DECISION_LABELS: Record<Decision, { text: string; color: LabelColor; tooltip: string }> = {
  allowed: {
    text: 'Allowed',
    color: 'green',
    tooltip: 'An identity policy allows it, and no Deny, boundary or SCP stops it.',
  },
  conditional: {
    text: 'Conditional',
    color: 'orange',
    tooltip: 'Allowed only when a condition holds that depends on the request, such as MFA or the source IP.',
  },
  explicit_deny: {
    text: 'Denied',
    color: 'red',
    tooltip: 'A Deny statement removes it on every resource the Allow reaches.',
  },
  implicit_deny: {
    text: 'Not allowed by boundary or SCP',
    color: 'red',
    tooltip: 'An identity policy allows it, but the permissions boundary or a service control policy does not.',
  },
};

const POLICY_TYPES: Record<string, string> = {
  aws_managed: 'AWS managed policy',
  managed: 'customer managed policy',
  inline: 'inline policy',
  scp: 'service control policy',
};

/** Describes where a statement applies: a policy of the identity, of a group, the boundary or an SCP. */
export function describeStatementSource(statement: ExplainedStatement): string {
  const policy = statement.policyName ?? statement.policyArn ?? 'unnamed policy';
  const policyType = POLICY_TYPES[statement.policyType] ?? statement.policyType;

  switch (statement.via) {
    case 'group':
      return `${policy} (${policyType} of group ${statement.viaArn ?? 'unknown'})`;
    case 'boundary':
      return `${policy} (permissions boundary)`;
    case 'scp':
      return `${policy} (${policyType} on ${statement.viaArn ?? 'unknown target'})`;
    default:
      return `${policy} (${policyType})`;
  }
}

/** Names a statement within its policy by Sid, else by its position. */
export function describeStatementId(statement: ExplainedStatement): string {
  if (statement.sid !== null && statement.sid !== '') {
    return `Sid ${statement.sid}`;
  }

  return statement.statementIndex === null ? 'statement' : `statement ${statement.statementIndex + 1}`;
}

/** Describes the resources an action is allowed on, and those a Deny takes away. */
export function describeResourceScope(action: ActionDecision): string {
  if (action.decision === 'explicit_deny' || action.decision === 'implicit_deny') {
    return action.resourcePatterns.length > 0
      ? `granted on ${action.resourcePatterns.join(', ')}`
      : 'granted by NotResource';
  }

  let allowed = action.resourcePatterns.join(', ');
  if (action.resourcePatterns.length === 0) {
    allowed = 'resources outside a NotResource list';
  } else if (action.resourcePatterns.includes('*')) {
    allowed = 'all resources (*)';
  }

  if (action.deniedResourcePatterns.length === 0) {
    return allowed;
  }

  return `${allowed}, except ${action.deniedResourcePatterns.join(', ')}`;
}

/** Describes whether an action was used, or returns null when its use is unknown because there is no report. */
export function describeUsage(usage: string | null, basis: string | null, lastUsedAt: number | null): string | null {
  const judgedBy = basis === 'action' ? 'action' : 'service';
  switch (usage) {
    case 'used':
      return `Used (${judgedBy} last used ${formatTime(lastUsedAt, 'at an unknown time')})`;
    case 'unused':
      return lastUsedAt === null
        ? `Unused (${judgedBy} not used in the tracking period)`
        : `Unused (${judgedBy} last used ${formatTime(lastUsedAt, '')})`;
    case 'not_reported':
      return 'Use unknown (the last accessed report does not list the service)';
    default:
      return null;
  }
}

/** Describes a service's use for its row in the tree, or returns null without a last accessed report. */
export function describeServiceUsage(usage: string | null, lastUsedAt: number | null): string | null {
  switch (usage) {
    case 'used':
      return `last used ${formatTime(lastUsedAt, 'at an unknown time')}`;
    case 'unused':
      return `unused since ${formatTime(lastUsedAt, 'an unknown time')}`;
    case 'not_used':
      return 'not used in the tracking period';
    case 'not_reported':
      return 'not in the last accessed report';
    default:
      return null;
  }
}
