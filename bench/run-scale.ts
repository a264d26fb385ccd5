import { performance } from 'node:perf_hooks';

import { Client } from 'pg';

import { parseAuthorizationDetails } from '../cli/import/aws-authz/parse';
import { writeExport } from '../cli/import/aws-authz/write';
import { migrate } from '../cli/migrate/run';
import { loadRankedManagedPolicies } from './managed-corpus';
import {
  chooseExplainRequests,
  findEngineFunctions,
  measureEffectivePermissions,
  measureExplain,
  measureRelations,
  timeRefresh,
} from './measure';
import { measureFindingReads, readRefreshSplit } from './findings';
import { measureIdentityList } from './identity-list';
import { chooseIdentity, measureIdentityPage } from './identity-page';
import { findAdministrator, measureIdentityTree } from './identity-tree';
import { generateAccount, planOrganisation, type GeneratorInputs } from './organisation';
import { describeMix, splitIdentities, type CloudName, type CloudWeight } from './cloud-mix';
import { measureCloudReads, type SampleIdentity } from './cloud-measures';
import { loadCloud } from './other-clouds';
import { measured, missing, type Outcome } from './outcome';
import { CpuContentionMeter } from './cpu-contention';
import { measureDashboardQueries } from './dashboard-queries';
import { ServerMemorySampler } from './process-memory';
import { Random } from './random';
import type { CloudsResult, OrganisationSummary, ScaleMessage, ScaleResult } from './result';
import { startBenchServer, type BenchServer } from './server';
import { loadServiceActions } from './service-actions';

/** Options of one scale, passed by the main process as JSON in the first argument. */
export interface ScaleOptions {
  identities: number;
  seed: number;
  corpusPath?: string;
  explainSamples: number;
  effectivePermissionSamples: number;
  findingReadSamples: number;
  /** Timed loads of the Identity page in the browser harness. */
  identityPageLoads: number;
  keepData: boolean;
  /** The clouds to generate and their weights; absent for the AWS-only organisation. */
  clouds?: CloudWeight[];
  /** Reads timed per kind and cloud in the mixed-cloud measurements. */
  cloudReadSamples?: number;
}

const sourceSchema = 'public';
const explainWarmUp = 10;
const settingNames = [
  'shared_buffers',
  'work_mem',
  'maintenance_work_mem',
  'max_parallel_workers_per_gather',
  'max_wal_size',
  'synchronous_commit',
];

/**
 * Runs one scale in its own process, so that the peak memory getrusage reports belongs to that
 * scale alone: generate, import, migrate, refresh, then query. The PostgreSQL it starts is
 * stopped on success, on error, on SIGINT or SIGTERM, and when the main process goes away.
 */
async function runScale(options: ScaleOptions): Promise<ScaleResult> {
  const label = options.identities.toLocaleString('en-GB');
  const started = performance.now();
  const step = (text: string) => {
    process.stderr.write(`[${label}] ${text} (${((performance.now() - started) / 1000).toFixed(1)} s)\n`);
    void send({ type: 'step', step: text });
  };

  step('reading the AWS-managed policy corpus and the action catalogue');
  const inputs: GeneratorInputs = {
    managedPolicies: loadRankedManagedPolicies(new Random(options.seed).fork('corpus'), options.corpusPath),
    serviceActions: await loadServiceActions(),
  };

  step('starting PostgreSQL');
  const bench = await startBenchServer(options.keepData);
  stopOnExit(bench);
  const sampler = new ServerMemorySampler(bench.postmasterPid);
  const cpu = new CpuContentionMeter(bench.postmasterPid);
  try {
    const client = await connectTo(bench);
    const postgres = await readServerSettings(client);

    sampler.start();
    const split = options.clouds ? splitIdentities(options.identities, options.clouds) : undefined;
    const awsIdentities = split ? (split.get('aws') ?? 0) : options.identities;
    const aws =
      awsIdentities > 0
        ? await loadOrganisation(client, awsIdentities, options.seed, inputs, step)
        : { organisation: emptySummary(0), identityArns: [], generateSeconds: 0, importSeconds: 0 };
    const { organisation, identityArns } = aws;
    let { generateSeconds, importSeconds } = aws;
    const otherClouds = [];
    for (const [cloud, identities] of split ?? []) {
      if (cloud !== 'aws') {
        const load = await loadCloud(client, sourceSchema, cloud, identities, options.seed, step);
        generateSeconds += load.generateSeconds;
        importSeconds += load.importSeconds;
        otherClouds.push(load);
      }
    }
    const loadMemory = sampler.stop();

    step('migrating');
    sampler.start();
    const migrateStart = performance.now();
    const migration = await migrate(client, { sourceSchema });
    const migrateSeconds = (performance.now() - migrateStart) / 1000;
    // Read defensively: older migrate results carry no refreshMs.
    const migrateRefreshMs = (migration as { refreshMs?: number | null }).refreshMs;
    const migrateRefreshSeconds = typeof migrateRefreshMs === 'number' ? migrateRefreshMs / 1000 : null;
    const migrateMemory = sampler.stop();
    await client.end();

    const engine = await withClient(bench, findEngineFunctions);
    // A new connection per step, so that each backend's memory reflects that step alone.
    sampler.start();
    cpu.start();
    const refresh = await whenDefined(engine.refresh, 'ciem.refresh()', async () => {
      step('refreshing');
      return { seconds: await withClient(bench, timeRefresh) };
    });
    const refreshMemory = sampler.stop();
    const refreshCpu = cpu.stop();
    const refreshSplit = await whenDefined(
      refresh.ok ? measured(true) : missing(refresh.reason),
      'ciem.refresh_steps',
      () => withClient(bench, readRefreshSplit)
    );

    step('measuring relation sizes');
    const relations = await withClient(bench, measureRelations);
    const sourceBytes = await withClient(bench, measureSourceBytes);

    sampler.start();
    cpu.start();
    const { explain, effectivePermissions, identityList, identityTree } = await measureQueries(bench, engine, options, identityArns, step);
    const findingReads = await whenDefined(refresh.ok ? measured(true) : missing(refresh.reason), 'finding reads', () => {
      step(`timing finding reads by account and by identity, ${options.findingReadSamples} of each per view`);
      const random = new Random(options.seed).fork('finding reads');
      return withClient(bench, (client) => measureFindingReads(client, identityArns, options.findingReadSamples, random));
    });
    const queryMemory = sampler.stop();
    const queryCpu = cpu.stop();
    const queried = explain.ok || effectivePermissions.ok;
    step('timing the dashboard queries');
    const dashboardQueries = await whenDefined(
      refresh.ok ? measured(true) : missing(refresh.reason),
      'dashboard queries',
      () => withClient(bench, (client) => measureDashboardQueries(client))
    );

    const identityPage = await whenDefined(
      refresh.ok ? engine.identityPermissionSummary : missing(refresh.reason),
      'the Identity page in the harness',
      async () => {
        step('choosing the admin-equivalent identity with the most effective permissions');
        const identity = await withClient(bench, chooseIdentity);
        if (identity === null) {
          throw new Error('not found: an admin-equivalent identity (ciem.aws_admin_equivalent is empty)');
        }
        step(`timing ${options.identityPageLoads} loads of the Identity page in the browser harness`);
        return measureIdentityPage(bench.server.url, identity, options.identityPageLoads);
      }
    );

    let clouds: CloudsResult | undefined;
    if (options.clouds && split) {
      const samples: SampleIdentity[] = [
        ...identityArns.map((arn) => ({ cloud: 'aws' as CloudName, accountId: arn.split(':')[4], identityId: arn })),
        ...otherClouds.flatMap((load) => load.identities.map((identity) => ({ cloud: load.cloud as CloudName, ...identity }))),
      ];
      const cloudReadSamples = options.cloudReadSamples ?? 40;
      const measures = await whenDefined(refresh.ok ? measured(true) : missing(refresh.reason), 'cross-cloud reads', () => {
        step(`timing cross-cloud reads, ${cloudReadSamples} of each kind per cloud, and each finding source`);
        const random = new Random(options.seed).fork('cloud reads');
        return withClient(bench, (client) => measureCloudReads(client, samples, cloudReadSamples, random, sourceSchema));
      });
      clouds = {
        mix: describeMix(options.clouds),
        aws: split.has('aws') ? { planned: awsIdentities, accounts: organisation.accounts, importSeconds: aws.importSeconds } : undefined,
        loads: otherClouds.map(({ identities: _identities, ...load }) => load),
        measures,
      };
    }

    step('done; stopping PostgreSQL');
    return {
      identities: options.identities,
      seed: options.seed,
      organisation,
      postgres,
      generateSeconds,
      importSeconds,
      migrateSeconds,
      migrateRefreshSeconds,
      refresh,
      refreshSplit,
      relations,
      sourceBytes,
      explain,
      effectivePermissions,
      findingReads,
      identityList,
      identityTree,
      dashboardQueries,
      identityPage,
      clouds,
      serverMemory: {
        load: loadMemory,
        migrate: migrateMemory,
        refresh: refresh.ok ? measured(refreshMemory) : missing(refresh.reason),
        queries: queried ? measured(queryMemory) : missing('no query function was measured'),
      },
      cpu: {
        refresh: refresh.ok ? measured(refreshCpu) : missing(refresh.reason),
        queries: queried ? measured(queryCpu) : missing('no query function was measured'),
      },
      // ru_maxrss is in kilobytes on Linux.
      benchPeakBytes: process.resourceUsage().maxRSS * 1024,
    };
  } finally {
    sampler.stop();
    await bench.stop();
  }
}

/**
 * Generates the organisation one account at a time and imports each account through the
 * product's importer, timing generation and import apart.
 */
async function loadOrganisation(
  client: Client,
  identities: number,
  seed: number,
  inputs: GeneratorInputs,
  step: (text: string) => void
) {
  const plan = planOrganisation(identities, seed);
  const organisation = emptySummary(plan.accounts.length);
  const awsManaged = new Set<string>();
  const identityArns: string[] = [];
  let generateSeconds = 0;
  let importSeconds = 0;
  for (const account of plan.accounts) {
    step(
      `generating and importing account ${account.index + 1}/${plan.accounts.length} (${(account.users + account.roles).toLocaleString('en-GB')} identities)`
    );
    const generateStart = performance.now();
    const generated = generateAccount(plan, account, inputs);
    generateSeconds += (performance.now() - generateStart) / 1000;

    const importStart = performance.now();
    await writeExport(
      client,
      sourceSchema,
      parseAuthorizationDetails(generated.authorizationDetails, generated.accountId)
    );
    importSeconds += (performance.now() - importStart) / 1000;

    addCounts(organisation, generated.counts);
    generated.counts.awsManagedPolicies.forEach((arn) => awsManaged.add(arn));
    identityArns.push(...generated.identityArns);
  }
  organisation.awsManagedPolicies = awsManaged.size;
  return { organisation, identityArns, generateSeconds, importSeconds };
}

/** Times ciem.explain and ciem.effective_permissions for random identities, each on its own connection. */
async function measureQueries(
  bench: BenchServer,
  engine: Awaited<ReturnType<typeof findEngineFunctions>>,
  options: ScaleOptions,
  identityArns: string[],
  step: (text: string) => void
) {
  const random = new Random(options.seed).fork('queries');
  const explain = await whenDefined(engine.explain, 'ciem.explain', async () => {
    step(`timing ${options.explainSamples} explain requests`);
    return withClient(bench, async (queryClient) => {
      const requests = await chooseExplainRequests(
        queryClient,
        identityArns,
        options.explainSamples + explainWarmUp,
        random
      );
      return measureExplain(queryClient, requests, explainWarmUp);
    });
  });
  const effectivePermissions = await whenDefined(
    engine.effectivePermissions,
    'ciem.effective_permissions',
    async () => {
      step(`timing effective_permissions for ${options.effectivePermissionSamples} identities`);
      const identities = random.sample(identityArns, options.effectivePermissionSamples);
      return withClient(bench, (queryClient) => measureEffectivePermissions(queryClient, identities));
    }
  );
  const identityTree = await whenDefined(engine.identityPermissionSummary, 'ciem.identity_permission_summary', async () => {
    step('timing the Identity page tree for an identity with AdministratorAccess');
    return withClient(bench, async (queryClient) => {
      const administrator = await findAdministrator(queryClient);
      if (administrator === null) {
        throw new Error('not found: an identity with AdministratorAccess and no permissions boundary');
      }
      return measureIdentityTree(queryClient, administrator);
    });
  });
  const identityList = await whenDefined(engine.identityPermissionSummary, 'ciem.identity_permission_summary', async () => {
    step('timing the Identities page');
    return withClient(bench, measureIdentityList);
  });
  return { explain, effectivePermissions, identityList, identityTree };
}

/**
 * Runs work when the engine function exists. A failure is recorded as the reason for the
 * missing figure, so that one broken step still leaves the other measurements.
 */
async function whenDefined<T>(available: Outcome<true>, name: string, work: () => Promise<T>): Promise<Outcome<T>> {
  if (!available.ok) {
    return missing(available.reason);
  }
  try {
    return measured(await work());
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`bench: ${name} failed: ${message}\n`);
    return missing(`${name} failed: ${message}`);
  }
}

async function connectTo(bench: BenchServer): Promise<Client> {
  const client = new Client({ connectionString: bench.server.url });
  await client.connect();
  return client;
}

async function withClient<T>(bench: BenchServer, work: (client: Client) => Promise<T>): Promise<T> {
  const client = await connectTo(bench);
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

async function readServerSettings(client: Client): Promise<ScaleResult['postgres']> {
  const version = (await client.query<{ server_version: string }>('SHOW server_version')).rows[0].server_version;
  const rows = await client.query<{ name: string; setting: string }>(
    'SELECT name, current_setting(name) AS setting FROM pg_settings WHERE name = ANY($1) ORDER BY name',
    [settingNames]
  );
  return { version, settings: Object.fromEntries(rows.rows.map((row) => [row.name, row.setting])) };
}

async function measureSourceBytes(client: Client): Promise<number> {
  const result = await client.query<{ bytes: string | null }>(
    `SELECT sum(pg_total_relation_size(c.oid)) AS bytes
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = $1 AND c.relkind = 'r'`,
    [sourceSchema]
  );
  return Number(result.rows[0].bytes ?? 0);
}

function emptySummary(accounts: number): OrganisationSummary {
  return {
    accounts,
    users: 0,
    roles: 0,
    groups: 0,
    customerPolicies: 0,
    boundaryPolicies: 0,
    awsManagedPolicies: 0,
    inlinePolicies: 0,
    boundedIdentities: 0,
    attachments: 0,
  };
}

function addCounts(summary: OrganisationSummary, counts: ReturnType<typeof generateAccount>['counts']): void {
  summary.users += counts.users;
  summary.roles += counts.roles;
  summary.groups += counts.groups;
  summary.customerPolicies += counts.customerPolicies;
  summary.boundaryPolicies += counts.boundaryPolicies;
  summary.inlinePolicies += counts.inlinePolicies;
  summary.boundedIdentities += counts.boundedIdentities;
  summary.attachments += counts.attachments;
}

/** Set once the result is sent, after which closing the channel to the main process is expected. */
let finished = false;

function stopOnExit(bench: BenchServer): void {
  const stopAndExit = (code: number) => {
    void bench.stop().finally(() => process.exit(code));
  };
  process.once('SIGINT', () => stopAndExit(130));
  process.once('SIGTERM', () => stopAndExit(143));
  process.once('disconnect', () => {
    if (!finished) {
      stopAndExit(1);
    }
  });
}

/** Sends a message to the main process; resolves once it is written, so disconnecting cannot drop it. */
function send(message: ScaleMessage): Promise<void> {
  return new Promise((resolve) => {
    if (!process.send) {
      resolve();
      return;
    }
    process.send(message, undefined, {}, () => resolve());
  });
}

if (require.main === module) {
  const options = JSON.parse(process.argv[2] ?? '{}') as ScaleOptions;
  runScale(options)
    .then(
      (result): ScaleMessage => ({ type: 'result', result }),
      (error: unknown): ScaleMessage => {
        process.exitCode = 1;
        return { type: 'error', message: error instanceof Error ? error.message : String(error) };
      }
    )
    .then(async (message) => {
      finished = true;
      await send(message);
      process.disconnect?.();
    });
}
