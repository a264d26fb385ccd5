/** An IAM policy document as ciem.suggested_policy returns it. */
export interface PolicyDocument {
  Version: string;
  Statement: Array<Record<string, unknown>>;
}

// jsonb stores object keys sorted by length; IAM documents conventionally read in this order.
const statementKeyOrder = ['Sid', 'Effect', 'Action', 'NotAction', 'Resource', 'NotResource', 'Condition'];

/** Formats a policy document as indented JSON with its elements in the conventional order. */
export function formatPolicyDocument(policy: PolicyDocument): string {
  const statements = policy.Statement.map((statement) => {
    const ordered: Record<string, unknown> = {};
    for (const key of statementKeyOrder) {
      if (key in statement) {
        ordered[key] = statement[key];
      }
    }
    for (const [key, value] of Object.entries(statement)) {
      if (!(key in ordered)) {
        ordered[key] = value;
      }
    }
    return ordered;
  });
  return JSON.stringify({ Version: policy.Version, Statement: statements }, null, 2);
}

/** Characters of the document without whitespace, the measure IAM applies to its size quotas. */
export function policySize(policy: PolicyDocument): number {
  return JSON.stringify(policy).replace(/\s+/g, '').length;
}
