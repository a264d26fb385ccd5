import type { Client } from 'pg';

import { loadDemo } from '../../cli/demo/load';
import { importAuthorizationDetails } from '../../cli/import/aws-authz/import';
import { exportFiles } from './paths';

/** Account of the iam-vulnerable example that cloudsplaining ships; the export does not name it. */
export const CLOUDSPLAINING_ACCOUNT = '200611803367';

/** Account of cloudmapper's demo export. */
export const CLOUDMAPPER_ACCOUNT = '123456789012';

/** Demo accounts whose activity marks unused services; the demo's fourth account has cloudmapper's id. */
export const DEMO_ACTIVITY_ACCOUNTS = ['111122223333', '444455556666', '777788889999'];

/**
 * Loads the data the panels and app pages are tested on: the demo organisation, whose activity marks unused
 * services, and the real cloudsplaining and cloudmapper exports, whose trust policies include public, federated and
 * same-account trust. The demo is dated today, so its unused marks are the same on every run.
 *
 * The demo's development account has the id of cloudmapper's export, 123456789012, and the import replaces that
 * account's rows, so the account contains cloudmapper's identities only.
 */
export async function loadPanelDataset(client: Client): Promise<void> {
  await loadDemo(client, 'public', new Date());
  await importAuthorizationDetails(client, exportFiles.cloudsplaining, {
    sourceSchema: 'public',
    accountId: CLOUDSPLAINING_ACCOUNT,
  });
  await importAuthorizationDetails(client, exportFiles.cloudmapper, { sourceSchema: 'public' });
  await client.query('SELECT ciem.refresh()');
}
