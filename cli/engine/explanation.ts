/** A matched policy statement, as ciem.explain returns it. */
export interface ExplainedStatement {
  policy_type: 'managed' | 'aws_managed' | 'inline' | 'scp';
  policy_arn: string | null;
  policy_name: string;
  via: 'direct' | 'group' | 'boundary' | 'scp';
  /** The group for via group, the organisation node for via scp. */
  via_arn: string | null;
  statement_index: number;
  sid: string | null;
  effect: 'Allow' | 'Deny';
  condition_state: 'none' | 'true' | 'unknown';
  condition: Record<string, unknown> | null;
  resource?: string[];
  not_resource?: string[];
}

/** The JSON object of ciem.explain. */
export interface Explanation {
  identity: string;
  identity_type: 'user' | 'role';
  action: string;
  resource: string;
  decision: 'allowed' | 'conditional' | 'explicit_deny' | 'implicit_deny';
  evaluated_at: string;
  permissions_boundary: string | null;
  allowed_resource_patterns: string[];
  denied_resource_patterns: string[];
  allowing: ExplainedStatement[];
  denying: ExplainedStatement[];
  boundary_allowing: ExplainedStatement[];
  scp_allowing: ExplainedStatement[];
}

/** Formats an explanation for the terminal: the decision first, then each group of statements. */
export function formatExplanation(explanation: Explanation): string {
  const lines = [
    `${explanation.decision.toUpperCase().replace('_', ' ')}: ${explanation.identity} ${explanation.action} on ${explanation.resource}`,
  ];
  const section = (title: string, statements: ExplainedStatement[]) => {
    if (statements.length === 0) {
      return;
    }
    lines.push('', `${title}:`);
    statements.forEach((statement) => lines.push(`  ${describeStatement(statement)}`));
  };

  section('Denied by', explanation.denying);
  section('Allowed by', explanation.allowing);
  if (explanation.permissions_boundary) {
    lines.push('', `Permissions boundary ${explanation.permissions_boundary}:`);
    if (explanation.boundary_allowing.length === 0) {
      lines.push('  allows nothing for this action');
    }
    explanation.boundary_allowing.forEach((statement) => lines.push(`  ${describeStatement(statement)}`));
  }
  section('SCPs allowing', explanation.scp_allowing);
  if (explanation.allowing.length === 0 && explanation.denying.length === 0) {
    lines.push('', 'No identity policy statement matches this action.');
  }
  return lines.join('\n');
}

function describeStatement(statement: ExplainedStatement): string {
  const policy = statement.policy_arn ?? `inline policy ${statement.policy_name}`;
  const sid = statement.sid ? ` (Sid ${statement.sid})` : '';
  const via = statement.via === 'group' ? ` through group ${statement.via_arn}` : statement.via === 'scp' ? ` attached to ${statement.via_arn}` : '';
  const resources = statement.not_resource ? `NotResource ${statement.not_resource.join(', ')}` : `Resource ${(statement.resource ?? []).join(', ')}`;
  const condition = statement.condition_state === 'unknown' ? `; only when ${JSON.stringify(statement.condition)}` : '';
  return `${statement.effect} ${policy} statement ${statement.statement_index}${sid}${via}: ${resources}${condition}`;
}
