import { performance } from 'node:perf_hooks';

import type { Client } from 'pg';

import { quoteIdent } from '../cli/db/connection';
import { measured, missing, percentile, type Outcome } from './outcome';
import type { Random } from './random';
import { serviceResources } from './service-actions';

/**
 * The engine's entry points; the bench measures whichever of them the migrations define. They are
 * found by name, because later arguments with defaults (such as an evaluation time) may follow
 * the ones the bench passes.
 */
const engineFunctions = {
  refresh: 'refresh',
  explain: 'explain',
  effectivePermissions: 'effective_permissions',
  identityPermissionSummary: 'identity_permission_summary',
} as const;

export type EngineFunction = keyof typeof engineFunctions;

export interface RelationSize {
  name: string;
  /** 'table' or 'materialized view'. */
  kind: string;
  rows: number;
  /** pg_total_relation_size: heap, indexes and TOAST. */
  bytes: number;
}

export interface LatencySummary {
  samples: number;
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
}

export interface ExplainSummary extends LatencySummary {
  /** How often each value of the decision field came back. */
  decisions: Record<string, number>;
}

export interface EffectivePermissionsSummary extends LatencySummary {
  meanRows: number;
}

/** An identity, action and resource to pass to ciem.explain. */
export interface ExplainRequest {
  identityArn: string;
  action: string;
  resource: string;
}

/** Returns which engine functions exist, each with the reason when it does not. */
export async function findEngineFunctions(client: Client): Promise<Record<EngineFunction, Outcome<true>>> {
  const result = {} as Record<EngineFunction, Outcome<true>>;
  for (const [key, name] of Object.entries(engineFunctions) as Array<[EngineFunction, string]>) {
    const found = await client.query(
      "SELECT 1 FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'ciem' AND p.proname = $1",
      [name]
    );
    result[key] =
      found.rowCount === 0 ? missing(`ciem.${name} is not defined by the migrations in sql-views/`) : measured(true);
  }
  return result;
}

/** Times one `SELECT ciem.refresh()`, in seconds. */
export async function timeRefresh(client: Client): Promise<number> {
  const started = performance.now();
  await client.query('SELECT ciem.refresh()');
  return (performance.now() - started) / 1000;
}

/** Lists every table and materialised view of schema ciem with its exact row count and size on disk. */
export async function measureRelations(client: Client): Promise<RelationSize[]> {
  const relations = await client.query<{ name: string; kind: string; bytes: string; populated: boolean }>(
    `SELECT c.relname AS name,
            CASE c.relkind WHEN 'm' THEN 'materialized view' ELSE 'table' END AS kind,
            pg_total_relation_size(c.oid) AS bytes,
            c.relispopulated AS populated
       FROM pg_class c
       JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = 'ciem' AND c.relkind IN ('r', 'm', 'p')
      ORDER BY c.relname`
  );
  const sizes: RelationSize[] = [];
  for (const relation of relations.rows) {
    // Counting an unpopulated materialised view raises an error, and it has no rows.
    const rows = relation.populated
      ? Number(
          (await client.query<{ count: string }>(`SELECT count(*) AS count FROM ciem.${quoteIdent(relation.name)}`))
            .rows[0].count
        )
      : 0;
    sizes.push({ name: relation.name, kind: relation.kind, rows, bytes: Number(relation.bytes) });
  }
  return sizes;
}

/**
 * Chooses explain requests for random identities. Half of the actions belong to services that
 * the generated policies grant, the rest to any service. The resource is "*", except for one
 * request in three whose service has an ARN template: that one names a resource of the
 * identity's account.
 */
export async function chooseExplainRequests(
  client: Client,
  identityArns: string[],
  count: number,
  random: Random
): Promise<ExplainRequest[]> {
  const actions = (
    await client.query<{ action: string }>('SELECT action FROM ciem.aws_actions ORDER BY action')
  ).rows.map((row) => row.action);
  if (actions.length === 0) {
    throw new Error('ciem.aws_actions is empty after migrate; the action catalogue did not load');
  }
  const granted = actions.filter((action) => action.split(':')[0] in serviceResources);

  return Array.from({ length: count }, () => {
    const identityArn = random.pick(identityArns);
    const action = random.chance(0.5) && granted.length > 0 ? random.pick(granted) : random.pick(actions);
    const template = serviceResources[action.split(':')[0]];
    const accountId = identityArn.split(':')[4];
    const resource =
      template && template !== '*' && random.chance(1 / 3)
        ? template
            .replace('{region}', 'eu-west-1')
            .replace('{account}', accountId)
            .replace('{name}', 'orders')
            .replace(/\*$/, 'item-1')
        : '*';
    return { identityArn, action, resource };
  });
}

/**
 * Runs each request through ciem.explain on one connection and times it client-side (round
 * trip included). The first warmUp requests prime the plan and buffer caches and are not counted.
 */
export async function measureExplain(
  client: Client,
  requests: ExplainRequest[],
  warmUp: number
): Promise<ExplainSummary> {
  const latencies: number[] = [];
  const decisions: Record<string, number> = {};
  for (const [index, request] of requests.entries()) {
    const started = performance.now();
    // The whole jsonb document is fetched, as a caller would.
    const result = await client.query<{ explanation: { decision?: unknown } | null }>(
      'SELECT ciem.explain($1, $2, $3) AS explanation',
      [request.identityArn, request.action, request.resource]
    );
    const elapsed = performance.now() - started;
    if (index < warmUp) {
      continue;
    }
    latencies.push(elapsed);
    const decision = String(result.rows[0].explanation?.decision ?? '(none)');
    decisions[decision] = (decisions[decision] ?? 0) + 1;
  }
  return { ...summarise(latencies), decisions };
}

/** Times `SELECT * FROM ciem.effective_permissions(identity)` for each identity, fetching every row. */
export async function measureEffectivePermissions(
  client: Client,
  identityArns: string[]
): Promise<EffectivePermissionsSummary> {
  const latencies: number[] = [];
  let rows = 0;
  for (const identityArn of identityArns) {
    const started = performance.now();
    const result = await client.query('SELECT * FROM ciem.effective_permissions($1)', [identityArn]);
    latencies.push(performance.now() - started);
    rows += result.rowCount ?? 0;
  }
  return { ...summarise(latencies), meanRows: rows / identityArns.length };
}

function summarise(latencies: number[]): LatencySummary {
  return {
    samples: latencies.length,
    p50Ms: percentile(latencies, 50),
    p95Ms: percentile(latencies, 95),
    maxMs: Math.max(...latencies),
  };
}
