import type { Command } from 'commander';

import { connect } from '../db/connection';
import { describeSnapshot, takeSnapshot } from '../engine/snapshot';

interface SnapshotCommandOptions {
  databaseUrl?: string;
}

export function registerSnapshot(program: Command): void {
  program
    .command('snapshot')
    .description('Record finding counts, creep scores and compliance results with a timestamp, for trends')
    .option('--database-url <url>', 'PostgreSQL URL (default: DATABASE_URL, else the PG* variables)')
    .action(async (options: SnapshotCommandOptions) => {
      const client = await connect(options);
      try {
        console.log(describeSnapshot(await takeSnapshot(client)));
      } finally {
        await client.end();
      }
    });
}
