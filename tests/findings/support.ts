import type { Client } from 'pg';

export interface FindingRow {
  finding_id: string;
  category: string;
  finding_key: string;
  severity: string;
  title: string;
  evidence: Record<string, unknown>;
  suppressed: boolean;
}

/** The categories of the over-privilege rules; the other rules (unused access, compliance) also report on fixture users. */
export const overPrivilegeCategories = [
  'admin_equivalent',
  'privilege_escalation',
  'data_exfiltration',
  'credentials_exposure',
  'resource_exposure',
  'infrastructure_modification',
];

/** The open findings of one identity, of one category or else of the over-privilege categories, ordered by key. */
export async function findingsOf(client: Client, identityArn: string, category?: string): Promise<FindingRow[]> {
  const result = await client.query<FindingRow>(
    `SELECT f.finding_id, f.category, r.finding_key, f.severity, f.title, f.evidence, f.suppressed
       FROM ciem.findings f
       JOIN ciem.finding_records r USING (finding_id)
      WHERE f.identity_arn = $1 AND f.category = ANY ($2)
      ORDER BY f.category, r.finding_key`,
    [identityArn, category ? [category] : overPrivilegeCategories]
  );
  return result.rows;
}

/** The escalation methods (finding keys) found for one identity. */
export async function escalationMethods(client: Client, identityArn: string): Promise<string[]> {
  return (await findingsOf(client, identityArn, 'privilege_escalation')).map((finding) => finding.finding_key);
}

/** The over-privilege categories of the open findings of one identity. */
export async function categoriesOf(client: Client, identityArn: string): Promise<string[]> {
  return [...new Set((await findingsOf(client, identityArn)).map((finding) => finding.category))];
}
