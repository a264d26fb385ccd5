import { performance } from 'node:perf_hooks';

import type { Client } from 'pg';

import { percentile } from './outcome';

/** Timings of the two queries behind the Identity page's permission tree, for one admin-equivalent identity. */
export interface IdentityTreeSummary {
  identityArn: string;
  /** ciem.identity_permission_summary: one row per service and access level. */
  summary: TimedQuery;
  /** ciem.identity_service_actions for the node with the most actions. */
  largestNode: TimedQuery & { service: string; accessLevel: string };
}

export interface TimedQuery {
  rows: number;
  samples: number;
  p50Ms: number;
  maxMs: number;
}

interface SummaryRow {
  service: string;
  access_level: string;
  allowed: number;
  conditional: number;
  denied: number;
}

const SAMPLES = 5;

// The AWS-managed policy that allows every action on every resource.
const ADMINISTRATOR_ACCESS = 'arn:aws:iam::aws:policy/AdministratorAccess';

/**
 * Returns an identity that has AdministratorAccess directly or through a group and has no permissions boundary, so the
 * engine allows it every action of the catalogue; null when the organisation has none.
 */
export async function findAdministrator(client: Client): Promise<string | null> {
  const result = await client.query<{ principal_arn: string }>(
    `SELECT p.principal_arn
       FROM ciem.aws_principal_policies pp
       JOIN ciem.aws_principals p ON p.principal_arn = pp.principal_arn
      WHERE pp.policy_key = $1 AND pp.via IN ('direct', 'group') AND p.boundary_arn IS NULL
      ORDER BY p.principal_arn
      LIMIT 1`,
    [ADMINISTRATOR_ACCESS]
  );

  return result.rows[0]?.principal_arn ?? null;
}

/**
 * Times the first level of the tree (the summary the page loads) and the node with the most actions (what one click on a
 * level loads), SAMPLES times each on one connection, every row fetched as the page fetches it.
 */
export async function measureIdentityTree(client: Client, identityArn: string): Promise<IdentityTreeSummary> {
  const summary = await timeQuery<SummaryRow>(client, 'SELECT * FROM ciem.identity_permission_summary($1)', [identityArn]);

  const [largest] = [...summary.lastRows].sort(
    (a, b) => b.allowed + b.conditional + b.denied - (a.allowed + a.conditional + a.denied)
  );
  const node = await timeQuery(client, 'SELECT * FROM ciem.identity_service_actions($1, $2, $3)', [
    identityArn,
    largest.service,
    largest.access_level,
  ]);

  return {
    identityArn,
    summary: summary.timing,
    largestNode: { ...node.timing, service: largest.service, accessLevel: largest.access_level },
  };
}

export async function timeQuery<T extends object>(
  client: Client,
  sql: string,
  params: unknown[]
): Promise<{ timing: TimedQuery; lastRows: T[] }> {
  const latencies: number[] = [];
  let lastRows: T[] = [];
  for (let sample = 0; sample < SAMPLES; sample += 1) {
    const started = performance.now();
    const result = await client.query<T>(sql, params);
    latencies.push(performance.now() - started);
    lastRows = result.rows;
  }

  return {
    timing: { rows: lastRows.length, samples: SAMPLES, p50Ms: percentile(latencies, 50), maxMs: Math.max(...latencies) },
    lastRows,
  };
}
