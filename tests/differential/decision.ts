/** The decisions of ciem.effective_permissions for an action on resource "*". */
export const decisions = ['allowed', 'conditional', 'explicit_deny', 'implicit_deny'] as const;

export type Decision = (typeof decisions)[number];

export function isDecision(value: unknown): value is Decision {
  return typeof value === 'string' && (decisions as readonly string[]).includes(value);
}
