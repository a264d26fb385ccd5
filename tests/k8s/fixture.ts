import type { Client } from 'pg';

import { ClusterBuilder } from '../../cli/demo/k8s-builders';
import { parseKubectlList } from '../../cli/import/kubectl/parse';
import { writeKubectlList } from '../../cli/import/kubectl/write';
import { migrate } from '../../cli/migrate/run';

/**
 * Starts a cluster of its own for one test case: the context keeps each case's rows apart, as an
 * AWS account does in the other fixtures.
 */
export function cluster(context: string): { context: string; builder: ClusterBuilder } {
  return { context, builder: new ClusterBuilder() };
}

/** Writes each cluster as `openciem import kubectl` would, then migrates, which ends with ciem.refresh(). */
export async function loadClusters(
  client: Client,
  clusters: Array<{ context: string; builder: ClusterBuilder }>
): Promise<void> {
  for (const item of clusters) {
    await writeKubectlList(client, 'public', parseKubectlList(item.builder.build(), item.context));
  }
  await migrate(client, { sourceSchema: 'public' });
}

export interface PermissionRow {
  permission: string;
  scope_type: string;
  scope: string;
  resource_names: string[];
}

/** Reads the effective permissions of one identity, sorted, without their evidence. */
export async function permissionsOf(client: Client, context: string, identityId: string): Promise<PermissionRow[]> {
  const result = await client.query<PermissionRow>(
    `SELECT permission, scope_type, scope, resource_names
       FROM ciem.k8s_effective_permissions
      WHERE account_id = $1 AND identity_id = $2
      ORDER BY scope_type, scope, permission, resource_names`,
    [context, identityId]
  );
  return result.rows;
}

/** Decides one request with ciem.k8s_can: "allowed" or "denied". */
export async function decisionOf(
  client: Client,
  context: string,
  identityId: string,
  request: { verb: string; apiGroup?: string; resource: string; namespace?: string; name?: string }
): Promise<string> {
  const result = await client.query<{ decision: string }>(
    "SELECT ciem.k8s_can($1, $2, $3, $4, $5, $6, $7) ->> 'decision' AS decision",
    [
      context,
      identityId,
      request.verb,
      request.apiGroup ?? '',
      request.resource,
      request.namespace ?? null,
      request.name ?? null,
    ]
  );
  return result.rows[0].decision;
}

export interface FindingRow {
  identity_arn: string;
  category: string;
  severity: string;
  title: string;
  evidence: Record<string, any>;
}

/** Reads the open Kubernetes findings of one cluster, optionally of one category. */
export async function findingsOf(client: Client, context: string, category?: string): Promise<FindingRow[]> {
  const result = await client.query<FindingRow>(
    `SELECT identity_arn, category, severity, title, evidence
       FROM ciem.findings
      WHERE cloud = 'kubernetes' AND account_id = $1 AND ($2::text IS NULL OR category = $2)
      ORDER BY category, identity_arn, title`,
    [context, category ?? null]
  );
  return result.rows;
}
