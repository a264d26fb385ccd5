import type { Client } from 'pg';

export interface AppliedMigration {
  version: string;
  name: string;
  checksum: string;
  applied_at: Date;
}

/**
 * Creates schema ciem and the migration ledger if needed. The ledger is created here rather than
 * by a migration because it must exist before the first migration is recorded.
 */
export async function ensureLedger(client: Client): Promise<void> {
  await client.query(`
    CREATE SCHEMA IF NOT EXISTS ciem;
    CREATE TABLE IF NOT EXISTS ciem.schema_migrations (
        version       text        PRIMARY KEY,
        name          text        NOT NULL,
        checksum      text        NOT NULL,
        applied_at    timestamptz NOT NULL DEFAULT now(),
        applied_by    text        NOT NULL DEFAULT current_user,
        duration_ms   integer     NOT NULL,
        tool_version  text        NOT NULL
    );
    COMMENT ON TABLE ciem.schema_migrations IS
        'One row per applied file of sql-views/: its SHA-256 checksum, when and by whom it was applied, and the openciem version that applied it.';
  `);
}

export async function readLedger(client: Client): Promise<AppliedMigration[]> {
  const result = await client.query<AppliedMigration>(
    'SELECT version, name, checksum, applied_at FROM ciem.schema_migrations ORDER BY version'
  );
  return result.rows;
}

export async function recordMigration(
  client: Client,
  migration: { version: string; name: string; checksum: string },
  durationMs: number,
  toolVersion: string
): Promise<void> {
  await client.query(
    'INSERT INTO ciem.schema_migrations (version, name, checksum, duration_ms, tool_version) VALUES ($1, $2, $3, $4, $5)',
    [migration.version, migration.name, migration.checksum, durationMs, toolVersion]
  );
}
