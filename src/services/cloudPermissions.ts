// The effective permissions and grants of a Kubernetes, Google Cloud or Azure identity, read from the functions of
// migration 0031 and ciem.identity_grants. Each cloud writes granted_by and detail in its own shape (docs/kubernetes.md,
// docs/gcp.md, docs/azure.md); they are read here into one shape for the page.
import {
  buildCloudPermissionNodesQuery,
  buildCloudPermissionSummaryQuery,
  buildIdentityGrantsQuery,
  type CloudIdentityScope,
} from './cloudIdentityQueries';
import { runSql, type SqlRow } from './datasource';
import { readBoolean, readNumber, readOptionalText, readText } from './rows';

/** Decision of ciem.cloud_effective_permissions. */
export type CloudDecision = 'allowed' | 'conditional' | 'denied';

const CLOUD_DECISIONS: readonly CloudDecision[] = ['allowed', 'conditional', 'denied'];

/** Permission counts of one group of the tree, from ciem.cloud_permission_summary. */
export interface CloudPermissionGroup {
  /** Google Cloud service, Azure resource provider, or Kubernetes API group and resource (core/pods). */
  group: string;
  /** Distinct permissions of the group. */
  permissions: number;
  /** Distinct permissions with this decision at some scope. */
  allowed: number;
  conditional: number;
  denied: number;
  scopes: number;
}

/** One grant behind a permission. */
export interface PermissionGrant {
  /** The role as its cloud names it: ClusterRole:view, roles/editor, Contributor. */
  role: string;
  /** The Kubernetes binding, Google Cloud policy binding or Azure role assignment. */
  grantId: string | null;
  /** Kubernetes: direct, or group when a group the identity is in was bound; null for the other clouds. */
  via: string | null;
  /** Kubernetes: the user, group or service account that the binding names. */
  subject: string | null;
  /** The IAM or ABAC condition as JSON text, or null. */
  condition: string | null;
  /** Facts a reviewer needs about the grant, in words: a default binding, aggregated roles, a classic role. */
  notes: string[];
}

/** A labelled fact that only one cloud records, such as the deny rules of a Google Cloud permission. */
export interface PermissionFact {
  label: string;
  values: string[];
}

/** One permission of an identity at one scope, from ciem.cloud_permission_nodes. */
export interface CloudPermission {
  permission: string;
  /** The cluster, project or subscription where the permission applies. */
  accountId: string;
  scopeType: string;
  scope: string;
  decision: CloudDecision;
  grants: PermissionGrant[];
  facts: PermissionFact[];
}

/** A role or policy granted to the identity at a scope, from ciem.identity_grants. */
export interface IdentityGrant {
  accountId: string;
  roleId: string;
  roleName: string | null;
  scopeType: string;
  scope: string;
  via: string;
  condition: string | null;
  isConditional: boolean;
  grantId: string;
}

/** Fetches the first level of the tree. */
export async function fetchCloudPermissionSummary(
  datasourceUid: string,
  scope: CloudIdentityScope
): Promise<CloudPermissionGroup[]> {
  const rows = await runSql(datasourceUid, buildCloudPermissionSummaryQuery(scope));

  return rows.map(toCloudPermissionGroup);
}

/** Fetches the permissions of one group. */
export async function fetchCloudPermissionNodes(
  datasourceUid: string,
  scope: CloudIdentityScope,
  group: string
): Promise<CloudPermission[]> {
  const rows = await runSql(datasourceUid, buildCloudPermissionNodesQuery(scope, group));

  return rows.map((row) => toCloudPermission(scope.cloud, row));
}

/** Fetches the roles and policies the identity holds. */
export async function fetchIdentityGrants(datasourceUid: string, scope: CloudIdentityScope): Promise<IdentityGrant[]> {
  const rows = await runSql(datasourceUid, buildIdentityGrantsQuery(scope));

  return rows.map(toIdentityGrant);
}

/** Reads one row of ciem.cloud_permission_summary. */
export function toCloudPermissionGroup(row: SqlRow): CloudPermissionGroup {
  return {
    group: readText(row, 'permission_group'),
    permissions: readNumber(row, 'permissions'),
    allowed: readNumber(row, 'allowed'),
    conditional: readNumber(row, 'conditional'),
    denied: readNumber(row, 'denied'),
    scopes: readNumber(row, 'scopes'),
  };
}

/** Reads one row of the grants query. */
export function toIdentityGrant(row: SqlRow): IdentityGrant {
  return {
    accountId: readText(row, 'account_id'),
    roleId: readText(row, 'role_id'),
    roleName: readOptionalText(row, 'role_name'),
    scopeType: readText(row, 'scope_type'),
    scope: readText(row, 'scope'),
    via: readText(row, 'via'),
    condition: readOptionalText(row, 'condition'),
    isConditional: readBoolean(row, 'is_conditional'),
    grantId: readText(row, 'grant_id'),
  };
}

/** Reads one row of ciem.cloud_permission_nodes. Throws a TypeError that names the column or field that is malformed. */
export function toCloudPermission(cloud: string, row: SqlRow): CloudPermission {
  const decision = readText(row, 'decision');
  const known = CLOUD_DECISIONS.find((candidate) => candidate === decision);
  if (known === undefined) {
    throw new TypeError(`The decision ${decision} is none of ${CLOUD_DECISIONS.join(', ')}. Run openciem migrate.`);
  }

  const grantedBy = parseJson(readText(row, 'granted_by'), 'granted_by');
  if (!Array.isArray(grantedBy)) {
    throw new TypeError('Column granted_by should contain a JSON array of grants.');
  }
  const detail = asRecord(parseJson(readText(row, 'detail'), 'detail'), 'detail');

  return {
    permission: readText(row, 'permission'),
    accountId: readText(row, 'account_id'),
    scopeType: readText(row, 'scope_type'),
    scope: readText(row, 'scope'),
    decision: known,
    grants: grantedBy.map((grant, index) => readGrant(cloud, asRecord(grant, `granted_by[${index}]`))),
    facts: readFacts(cloud, detail),
  };
}

/** Reads one entry of granted_by in the shape its cloud writes (docs/kubernetes.md, docs/gcp.md, docs/azure.md). */
function readGrant(cloud: string, grant: Record<string, unknown>): PermissionGrant {
  const condition = grant.condition === null || grant.condition === undefined ? null : JSON.stringify(grant.condition);

  switch (cloud) {
    case 'kubernetes': {
      const notes: string[] = [];
      if (grant.default_binding === true) {
        notes.push('Kubernetes default binding');
      }
      const aggregated = textList(grant.aggregated_from);
      if (aggregated.length > 0) {
        notes.push(`rules aggregated from ${aggregated.join(', ')}`);
      }
      return {
        role: text(grant.role, 'role'),
        grantId: optionalText(grant.binding),
        via: optionalText(grant.via),
        subject: optionalText(grant.subject),
        condition: null,
        notes,
      };
    }
    case 'azure': {
      const equivalent = optionalText(grant.equivalent_role);
      return {
        role: optionalText(grant.role_name) ?? text(grant.role_id, 'role_id'),
        grantId: optionalText(grant.grant_id),
        via: null,
        subject: null,
        condition,
        notes: equivalent === null ? [] : [`holds the permissions of ${equivalent}`],
      };
    }
    default:
      // Google Cloud: the role, the policy binding (scope#bindings[N]) and its condition.
      return {
        role: text(grant.role, 'role'),
        grantId: optionalText(grant.grant_id),
        via: null,
        subject: null,
        condition,
        notes: [],
      };
  }
}

/** Reads the detail column into the facts a reviewer needs; empty lists are left out. */
function readFacts(cloud: string, detail: Record<string, unknown>): PermissionFact[] {
  const facts: PermissionFact[] = [];
  const add = (label: string, values: string[]) => {
    if (values.length > 0) {
      facts.push({ label, values });
    }
  };

  switch (cloud) {
    case 'kubernetes':
      add('Only the objects named', textList(detail.resource_names));
      break;
    case 'gcp':
      add('Denied by', records(detail.denied_by).map(describeDenyRule));
      add(
        'Deny rules that depend on group membership',
        records(detail.membership_dependent_denies).map(
          (rule) => `${describeDenyRule(rule)}: ${optionalText(rule.depends_on) ?? 'group membership'}`
        )
      );
      add('Deny policies whose rules were not read', textList(detail.unread_deny_policies));
      break;
    case 'azure':
      if (detail.is_data_action === true) {
        add('Kind', ['data action']);
      }
      add('Except (NotActions of the role)', textList(detail.excluded_permissions));
      add('Reaches', textList([detail.inherited_by]));
      break;
  }

  return facts;
}

function describeDenyRule(rule: Record<string, unknown>): string {
  const id = optionalText(rule.rule_id) ?? optionalText(rule.policy) ?? 'deny rule';
  const attachment = optionalText(rule.attachment_point);
  const condition =
    rule.condition === null || rule.condition === undefined ? '' : `, when ${JSON.stringify(rule.condition)}`;

  return attachment === null ? `${id}${condition}` : `${id} (on ${attachment}${condition})`;
}

function parseJson(json: string, column: string): unknown {
  try {
    return JSON.parse(json);
  } catch {
    throw new TypeError(`Column ${column} should contain JSON but contains ${json}.`);
  }
}

function asRecord(value: unknown, field: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new TypeError(`Field ${field} should be a JSON object.`);
  }

  return value as Record<string, unknown>;
}

function records(value: unknown): Array<Record<string, unknown>> {
  return Array.isArray(value) ? value.map((item, index) => asRecord(item, `item ${index}`)) : [];
}

function text(value: unknown, field: string): string {
  if (typeof value !== 'string') {
    throw new TypeError(`Field ${field} of a grant should be text.`);
  }

  return value;
}

function optionalText(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

function textList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}
