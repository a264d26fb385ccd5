import type { Client } from 'pg';

import { UserError } from '../errors';

export interface SnapshotSummary {
  snapshotId: string;
  takenAt: Date;
  findingCount: number;
  newCount: number;
}

/** Runs ciem.take_snapshot() and reports what it recorded and how many findings are new. */
export async function takeSnapshot(client: Client): Promise<SnapshotSummary> {
  const present = await client.query<{ present: boolean }>("SELECT to_regprocedure('ciem.take_snapshot()') IS NOT NULL AS present");
  if (!present.rows[0].present) {
    throw new UserError('the database has no ciem.take_snapshot() yet', 'Run openciem migrate first.');
  }

  const created = await client.query<{ id: string }>('SELECT ciem.take_snapshot()::text AS id');
  const summary = await client.query<{ taken_at: Date; finding_count: number; new_count: number }>(
    `SELECT s.taken_at, s.finding_count, (SELECT count(*)::int FROM ciem.new_findings) AS new_count
       FROM ciem.snapshots s
      WHERE s.snapshot_id = $1`,
    [created.rows[0].id]
  );
  const row = summary.rows[0];
  return { snapshotId: created.rows[0].id, takenAt: row.taken_at, findingCount: row.finding_count, newCount: row.new_count };
}

export function describeSnapshot(summary: SnapshotSummary): string {
  return `Snapshot ${summary.snapshotId}: ${summary.findingCount} open findings, ${summary.newCount} new since the previous snapshot.`;
}
