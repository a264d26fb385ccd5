import path from 'node:path';

import type { Client } from 'pg';

import { importAuthorizationDetails } from '../../cli/import/aws-authz/import';
import { migrate } from '../../cli/migrate/run';
import { buildAuthorizationDetails, testAccountId, writeAuthorizationDetails, type PolicyRole } from './authorization-details';

/** One row of ciem.effective_permissions, as the comparison reads it. */
export interface EffectivePermission {
  /** Kept as text so that a value outside the four documented decisions shows up as a disagreement. */
  decision: string;
  resourcePatterns: string[];
  statements: unknown;
}

/**
 * Writes the fixture for the roles to a file in workDir, imports it the way a user runs openciem
 * import aws-authz, applies the migrations and refreshes the materialised views.
 */
export async function loadPolicyRoles(client: Client, roles: PolicyRole[], workDir: string): Promise<void> {
  const file = path.join(workDir, 'managed-policies-authorization-details.json');
  writeAuthorizationDetails(file, buildAuthorizationDetails(roles));
  await importAuthorizationDetails(client, file, { sourceSchema: 'public', accountId: testAccountId });
  await migrate(client, { sourceSchema: 'public' });
  await assertEngineInstalled(client);
  await client.query('SELECT ciem.refresh()');
}

/** Rejects a database whose migrations do not define the effective-permission engine yet. */
export async function assertEngineInstalled(client: Client): Promise<void> {
  const result = await client.query<{ found: boolean }>(
    `SELECT EXISTS (SELECT 1 FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
                     WHERE n.nspname = 'ciem' AND p.proname = 'effective_permissions') AS found`
  );
  if (!result.rows[0].found) {
    throw new Error('ciem.effective_permissions does not exist: no migration in sql-views/ defines it yet');
  }
}

/**
 * Reads the rows of ciem.effective_permissions for one identity and the given actions. The
 * contract is one row per action, so an action with more rows maps to all of them.
 */
export async function readEffectivePermissions(client: Client, identityArn: string, actions: string[]): Promise<Map<string, EffectivePermission[]>> {
  const result = await client.query<{ action: string; decision: string; resource_patterns: string[] | null; statements: unknown }>(
    `SELECT action, decision, resource_patterns, statements
       FROM ciem.effective_permissions($1)
      WHERE action = ANY($2::text[])`,
    [identityArn, actions]
  );
  const rows = new Map<string, EffectivePermission[]>();
  for (const row of result.rows) {
    const list = rows.get(row.action) ?? [];
    list.push({ decision: row.decision, resourcePatterns: row.resource_patterns ?? [], statements: row.statements });
    rows.set(row.action, list);
  }
  return rows;
}
