import { performance } from 'node:perf_hooks';

import type { Client } from 'pg';

import { buildCloudPermissionSummaryQuery, type CloudIdentityScope } from '../src/services/cloudIdentityQueries';
import { buildIdentityPageQuery, FIRST_PAGE } from '../src/services/identityQueries';
import type { CloudName } from './cloud-mix';
import type { RefreshStep } from './findings';
import type { RelationSize } from './measure';
import { percentile } from './outcome';
import type { Random } from './random';

/** The cloud a relation or refresh step belongs to; "shared" for what serves every cloud. */
export type CloudGroup = CloudName | 'shared';

export interface TimedRead {
  samples: number;
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
  meanRows: number;
}

/** Latency of the reads a page or dashboard makes for one cloud's identity or account. */
export interface CloudReads {
  cloud: CloudName;
  /** ciem.cloud_effective_permissions of one identity; absent for AWS, whose permissions come from ciem.effective_permissions. */
  effectivePermissions?: TimedRead;
  /** The Identity page's first level of the tree for one identity (ciem.cloud_permission_summary); absent for AWS. */
  permissionTree?: TimedRead;
  /** Every open finding of one account, project, subscription or cluster from ciem.findings. */
  findings: TimedRead;
  /** ciem.compliance_summary of one account. */
  complianceSummary: TimedRead;
}

/** The cost of evaluating one finding source, as ciem.refresh_findings() reads it. */
export interface FindingSourceCost {
  source: string;
  cloud: CloudGroup;
  rows: number;
  seconds: number;
}

export interface CloudMeasures {
  /** Rows of ciem.identities per cloud, to compare with what the generator planned. */
  identities: Partial<Record<CloudName, number>>;
  reads: CloudReads[];
  /** The Identities page's query with a search, for fragments of identities of every cloud. */
  identitySearch: TimedRead;
  /** ciem.compliance_summary read whole, as the compliance dashboard does across every account. */
  complianceSummaryAll: TimedRead;
  findingSources: FindingSourceCost[];
  /** Bytes of the source tables in the source schema, per cloud by table prefix. */
  sourceBytes: Partial<Record<CloudGroup, number>>;
}

/** An identity to read, with the account it belongs to. */
export interface SampleIdentity {
  cloud: CloudName;
  accountId: string;
  identityId: string;
}

const prefixes: Array<[string, CloudName]> = [
  ['k8s_', 'kubernetes'],
  ['gcp_', 'gcp'],
  ['azure_', 'azure'],
  ['aws_', 'aws'],
];

/** Returns the cloud of a relation of schema ciem or of the source schema, by its name's prefix. */
export function cloudOfRelation(name: string): CloudGroup {
  const bare = name.replace(/^ciem\./, '');
  return prefixes.find(([prefix]) => bare.startsWith(prefix))?.[1] ?? 'shared';
}

/**
 * Returns the cloud of a step of ciem.refresh(). Steps without a cloud prefix (creep scores, action
 * usage, the risk and escalation functions) are AWS's, except refresh_findings, which gathers the
 * findings of every cloud.
 */
export function cloudOfStep(name: string): CloudGroup {
  if (name === 'refresh_findings') {
    return 'shared';
  }
  const cloud = cloudOfRelation(name);
  return cloud === 'shared' ? 'aws' : cloud;
}

/**
 * Returns the cloud of a finding source by its name in ciem.finding_sources: aws_, k8s_, gcp_ or
 * azure_, or cis_<cloud>_ for a benchmark. The AWS sources named before other clouds were modelled
 * (cross_account_trust, public_trust) have no prefix.
 */
export function cloudOfFindingSource(sourceName: string): CloudName {
  const name = sourceName.replace(/^cis_/, '').replace(/^kubernetes_/, 'k8s_');
  const cloud = cloudOfRelation(name);
  return cloud === 'shared' ? 'aws' : cloud;
}

/** Adds up seconds or bytes per cloud. */
export function totalByCloud<T>(
  items: T[],
  cloudOf: (item: T) => CloudGroup,
  amount: (item: T) => number
): Partial<Record<CloudGroup, number>> {
  const totals: Partial<Record<CloudGroup, number>> = {};
  for (const item of items) {
    const cloud = cloudOf(item);
    totals[cloud] = (totals[cloud] ?? 0) + amount(item);
  }
  return totals;
}

export const refreshSecondsByCloud = (steps: RefreshStep[]) =>
  totalByCloud(
    steps,
    (step) => cloudOfStep(step.name),
    (step) => step.seconds
  );

export const relationBytesByCloud = (relations: RelationSize[]) =>
  totalByCloud(
    relations,
    (relation) => cloudOfRelation(relation.name),
    (relation) => relation.bytes
  );

/**
 * Times the cross-cloud reads on random identities and accounts of each cloud: samples reads of
 * each kind per cloud, each after one untimed read that primes the caches.
 */
export async function measureCloudReads(
  client: Client,
  identities: SampleIdentity[],
  samples: number,
  random: Random,
  sourceSchema: string
): Promise<CloudMeasures> {
  const counts = await client.query<{ cloud: CloudName; count: string }>(
    'SELECT cloud, count(*) AS count FROM ciem.identities GROUP BY cloud ORDER BY cloud'
  );

  const reads: CloudReads[] = [];
  const clouds = [...new Set(identities.map((identity) => identity.cloud))];
  for (const cloud of clouds) {
    const ofCloud = identities.filter((identity) => identity.cloud === cloud);
    const chosen = Array.from({ length: samples + 1 }, () => random.pick(ofCloud));
    const accounts = chosen.map((identity) => [identity.accountId]);
    reads.push({
      cloud,
      effectivePermissions:
        cloud === 'aws'
          ? undefined
          : await timeReads(
              client,
              'SELECT * FROM ciem.cloud_effective_permissions WHERE account_id = $1 AND identity_id = $2',
              chosen.map((identity) => [identity.accountId, identity.identityId])
            ),
      permissionTree:
        cloud === 'aws'
          ? undefined
          : await timeQueries(
              client,
              chosen.map((identity) => buildCloudPermissionSummaryQuery(pageScope(identity)))
            ),
      findings: await timeReads(client, 'SELECT * FROM ciem.findings WHERE account_id = $1', accounts),
      complianceSummary: await timeReads(
        client,
        'SELECT * FROM ciem.compliance_summary WHERE account_id = $1',
        accounts
      ),
    });
  }

  // Searches for the last part of random identities' ids, as a user types a name.
  const fragments = Array.from({ length: samples + 1 }, () => searchFragment(random.pick(identities).identityId));
  const identitySearch = await timeQueries(
    client,
    fragments.map((search) => buildIdentityPageQuery({ ...FIRST_PAGE, search }))
  );
  const complianceSummaryAll = await timeReads(
    client,
    'SELECT * FROM ciem.compliance_summary',
    Array.from({ length: Math.min(samples, 10) + 1 }, () => [])
  );

  return {
    identities: Object.fromEntries(counts.rows.map((row) => [row.cloud, Number(row.count)])),
    reads,
    identitySearch,
    complianceSummaryAll,
    findingSources: await measureFindingSources(client),
    sourceBytes: await measureSourceBytesByCloud(client, sourceSchema),
  };
}

/** Returns the scope the Identity page reads: Kubernetes subjects in their cluster, other clouds' identities in every account. */
function pageScope(identity: SampleIdentity): CloudIdentityScope {
  return {
    cloud: identity.cloud,
    identityId: identity.identityId,
    accountId: identity.cloud === 'kubernetes' ? identity.accountId : null,
  };
}

/** Returns what a user would type to find an identity: the last 10 characters of the name after the last "/" or ":", before any "@". */
export function searchFragment(identityId: string): string {
  const name = identityId.split('@')[0].split(/[/:]/).pop() ?? identityId;
  return name.slice(-10);
}

/**
 * Evaluates each finding source once, as ciem.refresh_findings() does when it copies the
 * source's rows: every row with its evidence. Its time is the source's share of the findings step.
 */
async function measureFindingSources(client: Client): Promise<FindingSourceCost[]> {
  const sources = await client.query<{ source_name: string; relation: string }>(
    'SELECT source_name, relation FROM ciem.finding_sources ORDER BY source_name'
  );
  const costs: FindingSourceCost[] = [];
  for (const source of sources.rows) {
    const started = performance.now();
    // relation comes from ciem.finding_sources, written by the migrations.
    const result = await client.query<{ rows: string }>(
      `SELECT count(*) AS rows, sum(octet_length(evidence::text)) AS evidence_bytes FROM ${source.relation}`
    );
    costs.push({
      source: source.source_name,
      cloud: cloudOfFindingSource(source.source_name),
      rows: Number(result.rows[0].rows),
      seconds: (performance.now() - started) / 1000,
    });
  }
  return costs;
}

async function measureSourceBytesByCloud(client: Client, schema: string): Promise<Partial<Record<CloudGroup, number>>> {
  const tables = await client.query<{ name: string; bytes: string }>(
    `SELECT c.relname AS name, pg_total_relation_size(c.oid) AS bytes
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = $1 AND c.relkind = 'r'`,
    [schema]
  );
  return totalByCloud(
    tables.rows,
    (table) => cloudOfRelation(table.name),
    (table) => Number(table.bytes)
  );
}

/** Runs one parameterised query per parameter list, the first untimed. */
async function timeReads(client: Client, sql: string, parameterLists: unknown[][]): Promise<TimedRead> {
  const latencies: number[] = [];
  let rows = 0;
  for (const [index, parameters] of parameterLists.entries()) {
    const started = performance.now();
    const result = await client.query(sql, parameters);
    const elapsed = performance.now() - started;
    if (index > 0) {
      latencies.push(elapsed);
      rows += result.rowCount ?? 0;
    }
  }
  return summarise(latencies, rows);
}

async function timeQueries(client: Client, queries: string[]): Promise<TimedRead> {
  const latencies: number[] = [];
  let rows = 0;
  for (const [index, sql] of queries.entries()) {
    const started = performance.now();
    const result = await client.query(sql);
    const elapsed = performance.now() - started;
    if (index > 0) {
      latencies.push(elapsed);
      rows += result.rowCount ?? 0;
    }
  }
  return summarise(latencies, rows);
}

function summarise(latencies: number[], rows: number): TimedRead {
  return {
    samples: latencies.length,
    p50Ms: percentile(latencies, 50),
    p95Ms: percentile(latencies, 95),
    maxMs: Math.max(...latencies),
    meanRows: rows / latencies.length,
  };
}
