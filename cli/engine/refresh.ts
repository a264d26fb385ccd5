import type { Client } from 'pg';

/**
 * Runs ciem.refresh() when the schema has it, and returns its duration in milliseconds, or null
 * when the database is not migrated yet (an import before the first migrate, say).
 */
export async function refreshIfMigrated(client: Client): Promise<number | null> {
  const present = await client.query<{ present: boolean }>("SELECT to_regprocedure('ciem.refresh()') IS NOT NULL AS present");
  if (!present.rows[0].present) {
    return null;
  }
  const started = Date.now();
  await client.query('SELECT ciem.refresh()');
  return Date.now() - started;
}
