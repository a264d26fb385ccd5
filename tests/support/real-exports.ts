import type { Client } from 'pg';

import { importAuthorizationDetails } from '../../cli/import/aws-authz/import';
import { migrate } from '../../cli/migrate/run';
import { exportFiles } from './paths';

/** Account of the cloudsplaining example export, which runs BishopFox's iam-vulnerable. */
export const iamVulnerableAccount = '200611803367';

/**
 * Imports the three real IAM exports into the CloudQuery tables of schema public, then migrates.
 * The cloudsplaining example export is imported as iamVulnerableAccount, the account of its
 * iam-vulnerable principals.
 */
export async function loadRealExports(client: Client): Promise<void> {
  await importAuthorizationDetails(client, exportFiles.cloudsplaining, {
    sourceSchema: 'public',
    accountId: iamVulnerableAccount,
  });
  await importAuthorizationDetails(client, exportFiles.cloudsplainingSmall, { sourceSchema: 'public' });
  await importAuthorizationDetails(client, exportFiles.cloudmapper, { sourceSchema: 'public' });
  await migrate(client, { sourceSchema: 'public' });
}
