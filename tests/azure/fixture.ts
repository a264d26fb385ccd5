import type { Client } from 'pg';

import {
  assignmentRow as assignmentRowOf,
  builtInDefinitions,
  builtInRoles,
  classicAdministratorRow as classicRowOf,
  resourceGroupScope as groupScopeOf,
  roleDefinitionRow as definitionRowOf,
  subscriptionRow as subscriptionRowOf,
  subscriptionScope as scopeOf,
  tenantRow as tenantRowOf,
  type Assignment,
  type RoleDefinition,
} from '../../cli/demo/azure-rows';
import type { Row } from '../../cli/import/aws-authz/parse';
import { writeAzureRows, type AzureRows } from '../../cli/import/azure/write-rows';
import { migrate } from '../../cli/migrate/run';

// Small handwritten Azure RBAC data in the shape CloudQuery's Azure plugin writes: one row per ARM
// object with the object's properties in camelCase, as the Azure SDK for Go marshals them.

export const tenantId = '0f3c1e2a-5b6d-4c7e-8f90-a1b2c3d4e5f6';
export const otherTenantId = '9e8d7c6b-5a49-4382-a1b0-f9e8d7c6b5a4';
export const subscriptionId = '11111111-2222-4333-8444-555555555555';
export const otherSubscriptionId = '66666666-7777-4888-9999-aaaaaaaaaaaa';
export const managementGroupScope = '/providers/Microsoft.Management/managementGroups/acme-root';

export const subscriptionScope = (subscription = subscriptionId) => scopeOf(subscription);
export const resourceGroupScope = (name: string, subscription = subscriptionId) => groupScopeOf(subscription, name);

export { builtInDefinitions, builtInRoles };

export function roleDefinitionRow(definition: RoleDefinition, subscription = subscriptionId): Row {
  return definitionRowOf(definition, subscription);
}

/** A role assignment listed for the fixture's subscription unless another is named. */
export function assignmentRow(assignment: Omit<Assignment, 'subscription'> & { subscription?: string }): Row {
  return assignmentRowOf({ ...assignment, subscription: assignment.subscription ?? subscriptionId });
}

export function classicAdministratorRow(email: string, role: string, subscription = subscriptionId): Row {
  return classicRowOf(subscription, email, role);
}

export function subscriptionRow(subscription = subscriptionId, managedByTenants: string[] = []): Row {
  return subscriptionRowOf(subscription, tenantId, `acme-${subscription.slice(0, 4)}`, managedByTenants);
}

export function tenantRow(): Row {
  return tenantRowOf(tenantId, 'Acme', ['acme.onmicrosoft.com', 'acme.example']);
}

/** Writes the rows as a CloudQuery sync would, then migrates (which ends with ciem.refresh()). */
export async function loadAzure(
  client: Client,
  rows: AzureRows,
  subscriptions = [subscriptionId, otherSubscriptionId]
): Promise<void> {
  await writeAzureRows(client, 'public', subscriptions, rows);
  await migrate(client, { sourceSchema: 'public' });
}

export interface AzureFinding {
  category: string;
  severity: string;
  title: string;
  finding_key: string;
  account_id: string;
  identity_type: string;
  evidence: Record<string, unknown>;
}

/** The open findings of one identity (a principal id, e-mail address or resource). */
export async function findingsOf(client: Client, identity: string, category?: string): Promise<AzureFinding[]> {
  const result = await client.query<AzureFinding>(
    `SELECT f.category, f.severity, f.title, r.finding_key, f.account_id, f.identity_type, f.evidence
       FROM ciem.findings f
       JOIN ciem.finding_records r USING (finding_id)
      WHERE f.cloud = 'azure' AND f.identity_arn = $1 AND ($2::text IS NULL OR f.category = $2)
      ORDER BY f.category, r.finding_key`,
    [identity, category ?? null]
  );
  return result.rows;
}

export async function decision(
  client: Client,
  identity: string,
  action: string,
  scope: string,
  dataAction = false,
  subscription = subscriptionId
): Promise<string> {
  const result = await client.query<{ d: { decision: string } }>(
    'SELECT ciem.azure_permission_decision($1, $2, $3, $4, $5) AS d',
    [subscription, identity, action, scope, dataAction]
  );
  return result.rows[0].d.decision;
}
