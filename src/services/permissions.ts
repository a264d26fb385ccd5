import { runSql, type SqlRow } from './datasource';
import {
  buildExplainQuery,
  buildNodeActionsQuery,
  buildPermissionSummaryQuery,
  type AccessLevel,
} from './permissionQueries';
import { readBoolean, readNumber, readOptionalText, readOptionalTime, readText } from './rows';

/** Engine decision for an action on some resource (docs/effective-permissions.md). */
export type Decision = 'allowed' | 'conditional' | 'explicit_deny' | 'implicit_deny';

/** Action counts of one service and access level of an identity, from ciem.identity_permission_summary. */
export interface PermissionSummaryRow {
  service: string;
  serviceName: string | null;
  accessLevel: string;
  allowed: number;
  conditional: number;
  /** Granted by an identity policy but denied by a Deny, the permissions boundary or an SCP. */
  denied: number;
  /** Allowed or conditional actions that were not used within unused_days. */
  unused: number;
  /** used, unused, not_used or not_reported; null when the identity has no last accessed report. */
  serviceUsage: string | null;
  /** Epoch milliseconds. */
  serviceLastUsedAt: number | null;
}

/** One action of an expanded tree node, from ciem.identity_service_actions. */
export interface ActionDecision {
  action: string;
  accessLevel: string;
  decision: Decision;
  /** True when one of the identity's own or its groups' policies allows it, whatever the decision. */
  granted: boolean;
  /** Resource patterns of the allowing statements; empty when a NotResource statement allows it. */
  resourcePatterns: string[];
  /** Resource patterns that an unconditional Deny removes. */
  deniedResourcePatterns: string[];
  /** used, unused or not_reported; null when the identity has no last accessed report. */
  usage: string | null;
  /** 'action' when AWS tracks the action and judged it alone, 'service' when its service's use decided. */
  usageBasis: string | null;
  /** Epoch milliseconds. */
  lastUsedAt: number | null;
}

/** A policy statement that takes part in a decision, as ciem.explain lists it. */
export interface ExplainedStatement {
  policyType: string;
  policyArn: string | null;
  policyName: string | null;
  /** direct, group, boundary or scp. */
  via: string;
  /** The group for via 'group', the root, OU or account for via 'scp'. */
  viaArn: string | null;
  statementIndex: number | null;
  sid: string | null;
  effect: string;
  /** none, true or unknown: whether the condition is true without a request. */
  conditionState: string;
  /** The Condition element as JSON text, or null. */
  condition: string | null;
  /** Resource or NotResource patterns, after policy variables were resolved. */
  resource: string[] | null;
  notResource: string[] | null;
}

/** The result of ciem.explain for one identity and action on any resource. */
export interface Explanation {
  action: string;
  decision: Decision;
  allowing: ExplainedStatement[];
  denying: ExplainedStatement[];
  boundaryAllowing: ExplainedStatement[];
  scpAllowing: ExplainedStatement[];
}

const DECISIONS: readonly Decision[] = ['allowed', 'conditional', 'explicit_deny', 'implicit_deny'];

/** Fetches the first level of the tree: action counts per service and access level. */
export async function fetchPermissionSummary(
  datasourceUid: string,
  identityArn: string
): Promise<PermissionSummaryRow[]> {
  const rows = await runSql(datasourceUid, buildPermissionSummaryQuery(identityArn));

  return rows.map((row) => ({
    service: readText(row, 'service'),
    serviceName: readOptionalText(row, 'service_name'),
    accessLevel: readText(row, 'access_level'),
    allowed: readNumber(row, 'allowed'),
    conditional: readNumber(row, 'conditional'),
    denied: readNumber(row, 'denied'),
    unused: readNumber(row, 'unused'),
    serviceUsage: readOptionalText(row, 'service_usage'),
    serviceLastUsedAt: readOptionalTime(row, 'service_last_used_at'),
  }));
}

/** Fetches the actions of one service and access level of an identity. */
export async function fetchNodeActions(
  datasourceUid: string,
  identityArn: string,
  service: string,
  accessLevel: AccessLevel
): Promise<ActionDecision[]> {
  const rows = await runSql(datasourceUid, buildNodeActionsQuery(identityArn, service, accessLevel));

  return rows.map(toActionDecision);
}

/** Fetches the statements that decide one action of an identity. */
export async function fetchExplanation(
  datasourceUid: string,
  identityArn: string,
  action: string
): Promise<Explanation> {
  const [row] = await runSql(datasourceUid, buildExplainQuery(identityArn, action));
  if (row === undefined) {
    throw new Error(`ciem.explain returned no row for ${action}.`);
  }

  return parseExplanation(readText(row, 'explanation'));
}

export function toActionDecision(row: SqlRow): ActionDecision {
  return {
    action: readText(row, 'action'),
    accessLevel: readText(row, 'access_level'),
    decision: toDecision(readText(row, 'decision')),
    granted: readBoolean(row, 'granted'),
    resourcePatterns: parseTextArray(readText(row, 'resource_patterns'), 'resource_patterns'),
    deniedResourcePatterns: parseTextArray(readText(row, 'denied_resource_patterns'), 'denied_resource_patterns'),
    usage: readOptionalText(row, 'usage'),
    usageBasis: readOptionalText(row, 'usage_basis'),
    lastUsedAt: readOptionalTime(row, 'last_used_at'),
  };
}

/** Parses the JSON text that ciem.explain returns. Throws an Error that names the field that is malformed. */
export function parseExplanation(json: string): Explanation {
  const value: unknown = JSON.parse(json);
  const object = asObject(value, 'the explanation');

  return {
    action: asString(object.action, 'action'),
    decision: toDecision(asString(object.decision, 'decision')),
    allowing: asStatements(object.allowing, 'allowing'),
    denying: asStatements(object.denying, 'denying'),
    boundaryAllowing: asStatements(object.boundary_allowing, 'boundary_allowing'),
    scpAllowing: asStatements(object.scp_allowing, 'scp_allowing'),
  };
}

function toDecision(value: string): Decision {
  const decision = DECISIONS.find((candidate) => candidate === value);
  if (decision === undefined) {
    throw new TypeError(`The decision ${value} is none of ${DECISIONS.join(', ')}. Run openciem migrate.`);
  }

  return decision;
}

function parseTextArray(json: string, column: string): string[] {
  const value: unknown = JSON.parse(json);
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) {
    throw new TypeError(`Column ${column} should contain a JSON array of text but contains ${json}.`);
  }

  return value;
}

function asStatements(value: unknown, field: string): ExplainedStatement[] {
  if (!Array.isArray(value)) {
    throw new TypeError(`The explanation field ${field} should be an array.`);
  }

  return value.map((item, index) => {
    const statement = asObject(item, `${field}[${index}]`);
    const resource =
      statement.resource === undefined ? null : asStringArray(statement.resource, `${field}[${index}].resource`);
    const notResource =
      statement.not_resource === undefined
        ? null
        : asStringArray(statement.not_resource, `${field}[${index}].not_resource`);

    return {
      policyType: asString(statement.policy_type, `${field}[${index}].policy_type`),
      policyArn: asOptionalString(statement.policy_arn),
      policyName: asOptionalString(statement.policy_name),
      via: asString(statement.via, `${field}[${index}].via`),
      viaArn: asOptionalString(statement.via_arn),
      statementIndex: typeof statement.statement_index === 'number' ? statement.statement_index : null,
      sid: asOptionalString(statement.sid),
      effect: asString(statement.effect, `${field}[${index}].effect`),
      conditionState: asString(statement.condition_state, `${field}[${index}].condition_state`),
      condition:
        statement.condition === null || statement.condition === undefined ? null : JSON.stringify(statement.condition),
      resource,
      notResource,
    };
  });
}

function asObject(value: unknown, field: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new TypeError(`The explanation field ${field} should be an object.`);
  }

  return value as Record<string, unknown>;
}

function asString(value: unknown, field: string): string {
  if (typeof value !== 'string') {
    throw new TypeError(`The explanation field ${field} should be text.`);
  }

  return value;
}

function asOptionalString(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

function asStringArray(value: unknown, field: string): string[] {
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) {
    throw new TypeError(`The explanation field ${field} should be an array of text.`);
  }

  return value;
}
