import { performance } from 'node:perf_hooks';

import type { Client } from 'pg';

import { writeAzureRows } from '../cli/import/azure/write-rows';
import { writeGcpRows } from '../cli/import/gcp/write';
import { parseKubectlList } from '../cli/import/kubectl/parse';
import { writeKubectlList } from '../cli/import/kubectl/write';
import { builtInRoleCatalogue, generateSubscription, planSubscriptions, tenantRows } from './azure-subscriptions';
import type { CloudName } from './cloud-mix';
import { generateHierarchy, generateProject, planProjects } from './gcp-projects';
import { predefinedRoleCatalogue } from './gcp-role-catalogue';
import { generateCluster, planClusters } from './kubernetes-clusters';

/** The generated share of one cloud other than AWS, with its timings. */
export interface CloudLoad {
  cloud: Exclude<CloudName, 'aws'>;
  /** Identities the plan gave the cloud. */
  planned: number;
  /** Clusters, projects or subscriptions. */
  accounts: number;
  /** Counts of the generated objects, named for the report (bindings, keys, assignments, ...). */
  objects: Record<string, number>;
  generateSeconds: number;
  importSeconds: number;
  /** account_id and identity_id of every generated identity, for choosing what to read. */
  identities: Array<{ accountId: string; identityId: string }>;
}

/** Generates one cloud's share and imports it through the product's writers, one account at a time. */
export async function loadCloud(
  client: Client,
  schema: string,
  cloud: Exclude<CloudName, 'aws'>,
  identities: number,
  seed: number,
  step: (text: string) => void
): Promise<CloudLoad> {
  const load: CloudLoad = {
    cloud,
    planned: identities,
    accounts: 0,
    objects: {},
    generateSeconds: 0,
    importSeconds: 0,
    identities: [],
  };
  const add = (counts: object) => {
    for (const [name, value] of Object.entries(counts)) {
      load.objects[name] = (load.objects[name] ?? 0) + (value as number);
    }
  };
  const timed = async <T>(kind: 'generateSeconds' | 'importSeconds', work: () => T | Promise<T>): Promise<T> => {
    const started = performance.now();
    const result = await work();
    load[kind] += (performance.now() - started) / 1000;
    return result;
  };

  if (cloud === 'kubernetes') {
    const plans = planClusters(identities, seed);
    load.accounts = plans.length;
    for (const plan of plans) {
      step(`generating and importing cluster ${plan.index + 1}/${plans.length} (${plan.identities} identities)`);
      const cluster = await timed('generateSeconds', () => generateCluster(seed, plan));
      // Through the parser too, as `openciem import kubectl` reads a file.
      await timed('importSeconds', () =>
        writeKubectlList(client, schema, parseKubectlList(cluster.list, cluster.context))
      );
      add(cluster.counts);
      load.identities.push(...cluster.identityIds.map((identityId) => ({ accountId: cluster.context, identityId })));
    }
  } else if (cloud === 'gcp') {
    const plan = planProjects(identities, seed);
    const catalogue = predefinedRoleCatalogue();
    load.accounts = plan.projects.length;
    await timed('importSeconds', () => writeGcpRows(client, schema, generateHierarchy(plan), 'openciem-bench'));
    for (const project of plan.projects) {
      step(
        `generating and importing project ${project.index + 1}/${plan.projects.length} (${project.identities} identities)`
      );
      const generated = await timed('generateSeconds', () => generateProject(plan, project, catalogue));
      await timed('importSeconds', () => writeGcpRows(client, schema, generated.rows, 'openciem-bench'));
      add(generated.counts);
      load.identities.push(
        ...generated.identityIds.map((identityId) => ({ accountId: generated.projectId, identityId }))
      );
    }
  } else {
    const plan = planSubscriptions(identities, seed);
    const catalogue = builtInRoleCatalogue();
    load.accounts = plan.subscriptions.length;
    await timed('importSeconds', () =>
      writeAzureRows(client, schema, [], { azure_subscription_tenants: tenantRows() })
    );
    for (const subscription of plan.subscriptions) {
      step(
        `generating and importing subscription ${subscription.index + 1}/${plan.subscriptions.length} (${subscription.identities} identities)`
      );
      const generated = await timed('generateSeconds', () => generateSubscription(plan, subscription, catalogue));
      await timed('importSeconds', () => writeAzureRows(client, schema, [generated.subscriptionId], generated.rows));
      add(generated.counts);
      load.identities.push(
        ...generated.identityIds.map((identityId) => ({ accountId: generated.subscriptionId, identityId }))
      );
    }
  }
  return load;
}
