import { performance } from 'node:perf_hooks';

import type { Client } from 'pg';

import { readDashboardFiles } from '../tests/dashboards/grafana/dashboard-model';
import { panelQueries, panelSql, runPanelSql } from '../tests/dashboards/grafana/panel-queries';
import { resolveVariables } from '../tests/dashboards/grafana/variables';
import { percentile } from './outcome';

/** Timed runs of each query, after one untimed run that primes the plan and buffer caches. */
export const dashboardQueryRuns = 20;

/** Latency target of one panel query at 10,000 identities. */
export const dashboardQueryTargetMs = 200;

export interface DashboardQueryTiming {
  dashboard: string;
  /** Panel title and refId, or "variable <name>". */
  query: string;
  rows: number;
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
}

export interface DashboardQuerySummary {
  account: string;
  identity: string;
  runs: number;
  timings: DashboardQueryTiming[];
}

/**
 * Times every panel query and variable query of the bundled dashboards, as Grafana would send them. The account
 * variable is set to the account with the most identities, and the identity variable to an admin-equivalent identity
 * (of that account when it has one). A snapshot is taken first, so that the trend panels read one.
 */
export async function measureDashboardQueries(
  client: Client,
  runs: number = dashboardQueryRuns
): Promise<DashboardQuerySummary> {
  const account = await firstValue(
    client,
    'SELECT account_id FROM ciem.identities GROUP BY account_id ORDER BY count(*) DESC, account_id LIMIT 1',
    'the organisation has no identities'
  );
  const identity = await firstValue(
    client,
    'SELECT principal_arn FROM ciem.aws_admin_equivalent ORDER BY account_id = $1 DESC, principal_arn LIMIT 1',
    'the organisation has no admin-equivalent identity',
    [account]
  );
  await client.query('SELECT ciem.take_snapshot()');

  const timings: DashboardQueryTiming[] = [];
  for (const dashboardFile of readDashboardFiles()) {
    const now = new Date();
    const range = { from: new Date(now.getTime() - 90 * 86_400_000), to: now };
    const selection = { account: [account], identity };
    const { variables, executedSql } = await resolveVariables(client, dashboardFile.dashboard, range, selection);

    for (const [name, sql] of executedSql) {
      timings.push({
        dashboard: dashboardFile.file,
        query: `variable ${name}`,
        ...(await timeQuery(client, sql, runs)),
      });
    }
    for (const query of panelQueries(dashboardFile)) {
      const label = `${query.panel.title ?? `panel ${query.panel.id}`} (${query.target.refId ?? 'A'})`;
      timings.push({
        dashboard: dashboardFile.file,
        query: label,
        ...(await timeQuery(client, panelSql(query, variables, range), runs)),
      });
    }
  }
  return { account, identity, runs, timings };
}

async function timeQuery(
  client: Client,
  sql: string,
  runs: number
): Promise<Omit<DashboardQueryTiming, 'dashboard' | 'query'>> {
  const rows = (await runPanelSql(client, sql)).rows.length;
  const latencies: number[] = [];
  for (let run = 0; run < runs; run++) {
    const started = performance.now();
    await runPanelSql(client, sql);
    latencies.push(performance.now() - started);
  }
  return { rows, p50Ms: percentile(latencies, 50), p95Ms: percentile(latencies, 95), maxMs: Math.max(...latencies) };
}

async function firstValue(client: Client, sql: string, missing: string, values: unknown[] = []): Promise<string> {
  const result = await client.query<Record<string, string>>(sql, values);
  const row = result.rows[0];
  if (!row) {
    throw new Error(missing);
  }
  return Object.values(row)[0];
}
