import type { Command } from 'commander';

import { connect } from '../db/connection';
import { refreshIfMigrated } from '../engine/refresh';
import { describeSnapshot, takeSnapshot } from '../engine/snapshot';
import { UserError } from '../errors';

interface RefreshCommandOptions {
  databaseUrl?: string;
  /** False with --no-snapshot. */
  snapshot: boolean;
}

export function registerRefresh(program: Command): void {
  program
    .command('refresh')
    .description('Recompute the materialised ciem relations and the findings from the CloudQuery tables, then take a snapshot; readers keep answering meanwhile')
    .option('--database-url <url>', 'PostgreSQL URL (default: DATABASE_URL, else the PG* variables)')
    .option('--no-snapshot', 'do not record a snapshot for trends after the refresh')
    .action(async (options: RefreshCommandOptions) => {
      const client = await connect(options);
      try {
        const duration = await refreshIfMigrated(client);
        if (duration === null) {
          throw new UserError('the database has no ciem schema yet', 'Run openciem migrate first; it ends with a refresh.');
        }
        console.log(`Refreshed the ciem relations in ${(duration / 1000).toFixed(1)} s.`);
        if (options.snapshot) {
          console.log(describeSnapshot(await takeSnapshot(client)));
        }
      } finally {
        await client.end();
      }
    });
}
