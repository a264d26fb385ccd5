import type { Client } from 'pg';

export interface EffectivePermission {
  account_id: string;
  identity_id: string;
  permission: string;
  scope_type: string;
  scope: string;
  decision: string;
  granted_by: Array<{ role: string; grant_id: string; condition: unknown }>;
  denied_by: Array<{ rule_id: string; policy: string; condition: unknown }>;
  membership_dependent_denies: Array<{ rule_id: string; depends_on: string }>;
  unread_deny_policies: string[];
}

/** Reads the effective permissions of one member in one project (or folder or organisation without projects). */
export async function permissionsOf(
  client: Client,
  accountId: string,
  identityId: string
): Promise<EffectivePermission[]> {
  const result = await client.query<EffectivePermission>(
    `SELECT account_id, identity_id, permission, scope_type, scope, decision, granted_by, denied_by,
            membership_dependent_denies, unread_deny_policies
       FROM ciem.gcp_effective_permissions
      WHERE account_id = $1 AND identity_id = $2
      ORDER BY permission, scope`,
    [accountId, identityId]
  );
  return result.rows;
}

/** Reads the decision for each permission of one member in one project, keyed by permission (one scope each). */
export async function decisionsOf(
  client: Client,
  accountId: string,
  identityId: string
): Promise<Record<string, string>> {
  const rows = await permissionsOf(client, accountId, identityId);
  return Object.fromEntries(rows.map((row) => [row.permission, row.decision]));
}

export interface GcpFinding {
  account_id: string;
  identity_arn: string;
  identity_type: string;
  category: string;
  severity: string;
  title: string;
  finding_key: string;
  evidence: Record<string, any>;
}

/** Reads the open GCP findings of one member, of one category, ordered by account and key. */
export async function findingsOf(client: Client, identityArn: string, category: string): Promise<GcpFinding[]> {
  const result = await client.query<GcpFinding>(
    `SELECT f.account_id, f.identity_arn, f.identity_type, f.category, f.severity, f.title, r.finding_key, f.evidence
       FROM ciem.findings f
       JOIN ciem.finding_records r USING (finding_id)
      WHERE f.cloud = 'gcp' AND f.identity_arn = $1 AND f.category = $2
      ORDER BY f.account_id, r.finding_key`,
    [identityArn, category]
  );
  return result.rows;
}

/** Reads the column names and types of a relation in schema ciem, in order. */
export async function columnsOf(client: Client, relation: string): Promise<Array<{ name: string; type: string }>> {
  const result = await client.query<{ name: string; type: string }>(
    `SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type
       FROM pg_attribute a
      WHERE a.attrelid = format('ciem.%I', $1::text)::regclass AND a.attnum > 0 AND NOT a.attisdropped
      ORDER BY a.attnum`,
    [relation]
  );
  return result.rows;
}
