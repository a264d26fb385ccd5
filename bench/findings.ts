import { performance } from 'node:perf_hooks';

import type { Client } from 'pg';

import { percentile } from './outcome';
import type { Random } from './random';

/** One relation of a refresh, as ciem.refresh_steps records it. */
export interface RefreshStep {
  position: number;
  name: string;
  seconds: number;
}

/** The last ciem.refresh() split into the effective-permission engine and the findings. */
export interface RefreshSplit {
  engineSeconds: number;
  findingsSeconds: number;
  steps: RefreshStep[];
}

/** Latency of reading one finding view filtered one way. */
export interface FindingRead {
  view: string;
  /**
   * identity and account: every row of one identity or account. account page: what a dashboard
   * table reads, the account's row count and its first 100 rows by severity, in one timing.
   */
  filter: 'account' | 'account page' | 'identity';
  samples: number;
  p50Ms: number;
  p95Ms: number;
  meanRows: number;
}

// ciem.refresh_relations numbers the engine's relations below 100 and the findings' from 100 up.
const firstFindingsPosition = 100;

/** Reads the steps of the last ciem.refresh() from ciem.refresh_steps. */
export async function readRefreshSplit(client: Client): Promise<RefreshSplit> {
  const result = await client.query<{ position: number; relation_name: string; duration_ms: number }>(
    `SELECT position, relation_name, duration_ms
       FROM ciem.refresh_steps
      WHERE refresh_started_at = (SELECT max(refresh_started_at) FROM ciem.refresh_steps)
      ORDER BY position`
  );
  if (result.rows.length === 0) {
    throw new Error('ciem.refresh_steps is empty: no ciem.refresh() has finished since migration 0021');
  }

  const steps = result.rows.map((row) => ({
    position: row.position,
    name: row.relation_name,
    seconds: row.duration_ms / 1000,
  }));
  const total = (wanted: (step: RefreshStep) => boolean) =>
    steps.filter(wanted).reduce((sum, step) => sum + step.seconds, 0);
  return {
    engineSeconds: total((step) => step.position < firstFindingsPosition),
    findingsSeconds: total((step) => step.position >= firstFindingsPosition),
    steps,
  };
}

/**
 * Times reading every finding view (ciem.findings, ciem.new_findings and each rule's view in
 * ciem.finding_sources) filtered to one account and to one identity, fetching every row, each
 * on random accounts and identities. The first read of each view warms the caches and is not
 * counted.
 */
export async function measureFindingReads(
  client: Client,
  identityArns: string[],
  samples: number,
  random: Random
): Promise<FindingRead[]> {
  const sources = await client.query<{ relation: string }>(
    'SELECT relation FROM ciem.finding_sources ORDER BY relation'
  );
  const views = ['ciem.findings', 'ciem.new_findings', ...sources.rows.map((row) => row.relation)];
  const accounts = [...new Set(identityArns.map((arn) => arn.split(':')[4]))];

  const reads: FindingRead[] = [];
  for (const view of views) {
    // Accounts are few, so they are drawn with replacement.
    const someAccounts = Array.from({ length: samples + 1 }, () => random.pick(accounts));
    reads.push(await timeReads(client, view, 'account', 'account_id', someAccounts));
    reads.push(await timeReads(client, view, 'account page', 'account_id', someAccounts));
    reads.push(await timeReads(client, view, 'identity', 'identity_arn', random.sample(identityArns, samples + 1)));
  }
  return reads;
}

const pageSize = 100;

async function readPage(client: Client, view: string, column: string, value: string) {
  await client.query(`SELECT count(*) FROM ${view} WHERE ${column} = $1`, [value]);
  return client.query(`SELECT * FROM ${view} WHERE ${column} = $1 ORDER BY severity, identity_arn LIMIT ${pageSize}`, [value]);
}

async function timeReads(
  client: Client,
  view: string,
  filter: FindingRead['filter'],
  column: string,
  values: string[]
): Promise<FindingRead> {
  const latencies: number[] = [];
  let rows = 0;
  for (const [index, value] of values.entries()) {
    const started = performance.now();
    // view comes from ciem.finding_sources, written by the migrations; the value is a parameter.
    const result =
      filter === 'account page'
        ? await readPage(client, view, column, value)
        : await client.query(`SELECT * FROM ${view} WHERE ${column} = $1`, [value]);
    const elapsed = performance.now() - started;
    if (index === 0) {
      continue;
    }
    latencies.push(elapsed);
    rows += result.rowCount ?? 0;
  }
  return {
    view,
    filter,
    samples: latencies.length,
    p50Ms: percentile(latencies, 50),
    p95Ms: percentile(latencies, 95),
    meanRows: rows / latencies.length,
  };
}
