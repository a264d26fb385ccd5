import type { Client } from 'pg';

import { parseAuthorizationDetails } from '../import/aws-authz/parse';
import { writeExport } from '../import/aws-authz/write';
import { takeSnapshot, type SnapshotSummary } from '../engine/snapshot';
import { migrate, type MigrateResult } from '../migrate/run';
import { writeAccountHygiene } from './account-hygiene';
import { writeActivity } from '../unused/write-activity';
import { generateDemoActivity } from './activity';
import { writeAzureDemo } from './azure-demo';
import { writeGcpDemo } from './gcp-demo';
import { writeKubernetesDemo } from './k8s-demo';
import { generateDemoOrganisation, type DemoAccount } from './organisation';

export interface DemoLoadResult {
  accounts: DemoAccount[];
  migration: MigrateResult;
  /** The snapshot taken after the refresh, as openciem refresh takes one, so that trend panels have a point. */
  snapshot: SnapshotSummary;
}

/**
 * Writes the demo organisation into the CloudQuery tables of sourceSchema, as an import of each
 * account's export would, then migrates so that the ciem views read it, and takes a snapshot.
 */
export async function loadDemo(client: Client, sourceSchema: string, asOf: Date): Promise<DemoLoadResult> {
  const accounts = generateDemoOrganisation(asOf);
  for (const account of accounts) {
    await writeExport(client, sourceSchema, parseAuthorizationDetails(account.authorizationDetails, account.accountId));
  }
  await writeAccountHygiene(client, sourceSchema, asOf);
  await writeKubernetesDemo(client, sourceSchema);
  await writeAzureDemo(client, sourceSchema, asOf);
  await writeGcpDemo(client, sourceSchema, asOf);
  for (const [accountId, rows] of Object.entries(generateDemoActivity(asOf))) {
    await writeActivity(client, sourceSchema, accountId, rows);
  }
  const migration = await migrate(client, { sourceSchema });
  const snapshot = await takeSnapshot(client);
  return { accounts, migration, snapshot };
}
