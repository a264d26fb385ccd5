import type { Client, DatabaseError } from 'pg';

import { loadAwsActionCatalogue, type CatalogueLoad } from '../catalogue/aws-actions';
import { refreshIfMigrated } from '../engine/refresh';
import { UserError } from '../errors';
import { toolVersion } from '../version';
import { ensureLedger, readLedger, recordMigration } from './ledger';
import { readMigrationFiles, type MigrationFile } from './migration-files';

export interface MigrateOptions {
  sourceSchema: string;
  migrationsDir?: string;
}

export interface SourceTableStatus {
  table_name: string;
  present: boolean;
  missing_columns: string[];
  rebound: boolean;
  /** The table only feeds an optional feature, such as SCPs. */
  optional: boolean;
  /** For optional tables, the feature that is off while the table is absent. */
  purpose: string | null;
}

export interface MigrateResult {
  applied: string[];
  alreadyApplied: number;
  sources: SourceTableStatus[];
  catalogue: CatalogueLoad;
  /** Duration of the closing ciem.refresh(), in milliseconds. */
  refreshMs: number | null;
}

// Any fixed 64-bit key works; it only has to be the same for every openciem process.
const migrationLockKey = 4_727_001_332_590_117n;

/**
 * Applies the pending migrations of sql-views/ in order, each in its own transaction, then
 * points the staging views at the CloudQuery tables of the source schema. A session advisory lock
 * keeps two concurrent runs from applying the same migration twice.
 */
export async function migrate(client: Client, options: MigrateOptions): Promise<MigrateResult> {
  const files = await readMigrationFiles(options.migrationsDir);

  await client.query('SELECT pg_advisory_lock($1)', [migrationLockKey.toString()]);
  try {
    await ensureLedger(client);
    const applied = await readLedger(client);
    const pending = checkLedger(files, applied);

    for (const file of pending) {
      await applyMigration(client, file, options.sourceSchema);
    }

    const sources = await bindSources(client, options.sourceSchema);
    const catalogue = await loadAwsActionCatalogue(client);
    const refreshMs = await refreshIfMigrated(client);
    return { applied: pending.map((file) => file.name), alreadyApplied: applied.length, sources, catalogue, refreshMs };
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [migrationLockKey.toString()]);
  }
}

/** Returns the files not yet applied; rejects edited, unknown or out-of-order migrations. */
function checkLedger(files: MigrationFile[], applied: Awaited<ReturnType<typeof readLedger>>): MigrationFile[] {
  const byVersion = new Map(files.map((file) => [file.version, file]));

  for (const entry of applied) {
    const file = byVersion.get(entry.version);
    if (!file) {
      throw new UserError(
        `the database has migration ${entry.name}, which this openciem (${toolVersion}) does not ship`,
        'The database was migrated by a newer openciem: upgrade openciem before running migrate.'
      );
    }
    if (file.checksum !== entry.checksum) {
      throw new UserError(
        `migration ${file.name} was changed after it was applied on ${entry.applied_at.toISOString()} (checksum in the database ${entry.checksum.slice(0, 12)}…, file ${file.checksum.slice(0, 12)}…)`,
        'Applied migrations are immutable: restore the file and put the change in a new migration.'
      );
    }
  }

  const appliedVersions = new Set(applied.map((entry) => entry.version));
  const pending = files.filter((file) => !appliedVersions.has(file.version));
  const newest = applied.at(-1)?.version;
  const late = pending.find((file) => newest !== undefined && file.version < newest);
  if (late) {
    throw new UserError(
      `migration ${late.name} is older than ${newest}, which is already applied`,
      'Give the new migration a version above every applied one.'
    );
  }
  return pending;
}

async function applyMigration(client: Client, file: MigrationFile, sourceSchema: string): Promise<void> {
  const started = Date.now();
  await client.query('BEGIN');
  try {
    await client.query("SELECT set_config('openciem.source_schema', $1, true)", [sourceSchema]);
    await client.query(file.sql);
    await recordMigration(client, file, Date.now() - started, toolVersion);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK');
    throw new UserError(
      `migration ${file.name} failed${lineOf(file.sql, error)}: ${(error as Error).message}`,
      'Nothing of this migration was applied. Fix the cause and run migrate again.'
    );
  }
}

async function bindSources(client: Client, sourceSchema: string): Promise<SourceTableStatus[]> {
  await client.query('BEGIN');
  try {
    const result = await client.query<SourceTableStatus>(
      `SELECT b.table_name, b.present, b.missing_columns, b.rebound, coalesce(t.optional, false) AS optional, t.purpose
         FROM ciem.bind_sources($1) b
         LEFT JOIN ciem.source_tables t ON t.table_name = b.table_name`,
      [sourceSchema]
    );
    await client.query('COMMIT');
    return result.rows;
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  }
}

/** " at line N" for errors that carry a character position in the migration text. */
function lineOf(sql: string, error: unknown): string {
  const position = Number((error as DatabaseError).position);
  if (!Number.isInteger(position) || position <= 0) {
    return '';
  }
  return ` at line ${sql.slice(0, position - 1).split('\n').length}`;
}
