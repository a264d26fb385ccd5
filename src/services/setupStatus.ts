// The setup checks of the Configuration page: what the ciem schema of a datasource has, and the command that adds each
// missing piece. Each check runs its own query, so a schema from an older migration still shows the checks it passes.
import { runSql } from './datasource';
import { settle, type LoadState } from './loadState';
import { readBoolean, readNumber, readOptionalText, readOptionalTime, readText } from './rows';
import { buildLastRefreshQuery, buildLastSnapshotQuery, buildSourceTablesQuery } from './setupQueries';
import { fetchLatestMigration, type AppliedMigration } from './status';

/**
 * The first migration whose relations every page of this plugin reads: the Identity page's tree functions for
 * Kubernetes, Google Cloud and Azure identities.
 */
export const REQUIRED_MIGRATION = '0031';

/** A CloudQuery table that the ciem views read, as the last bind of openciem migrate found it. */
export interface SourceTable {
  tableName: string;
  sourceSchema: string;
  present: boolean;
  /** Comma-separated names of the columns that the table lacked, or null. */
  missingColumns: string | null;
  /** Epoch milliseconds. */
  boundAt: number | null;
  /** True when the views do without the table and only the feature in purpose is off. */
  optional: boolean;
  purpose: string | null;
}

export interface RefreshRecord {
  /** Epoch milliseconds. */
  finishedAt: number | null;
  durationMs: number;
}

export interface SnapshotRecord {
  /** Epoch milliseconds. */
  takenAt: number | null;
  findingCount: number;
}

export interface SetupStatus {
  migration: LoadState<AppliedMigration | null>;
  sourceTables: LoadState<SourceTable[]>;
  lastRefresh: LoadState<RefreshRecord | null>;
  lastSnapshot: LoadState<SnapshotRecord | null>;
}

/** A missing piece of the setup and the command that adds it. */
export interface SetupStep {
  title: string;
  command: string;
}

/** Runs every setup check on a datasource; a failed check is reported in its own field rather than thrown. */
export async function fetchSetupStatus(datasourceUid: string): Promise<SetupStatus> {
  const [migration, sourceTables, lastRefresh, lastSnapshot] = await Promise.all([
    settle(fetchLatestMigration(datasourceUid)),
    settle(fetchSourceTables(datasourceUid)),
    settle(fetchLastRefresh(datasourceUid)),
    settle(fetchLastSnapshot(datasourceUid)),
  ]);

  return { migration, sourceTables, lastRefresh, lastSnapshot };
}

export async function fetchSourceTables(datasourceUid: string): Promise<SourceTable[]> {
  const rows = await runSql(datasourceUid, buildSourceTablesQuery());

  return rows.map((row) => ({
    tableName: readText(row, 'table_name'),
    sourceSchema: readText(row, 'source_schema'),
    present: readBoolean(row, 'present'),
    missingColumns: emptyToNull(readOptionalText(row, 'missing_columns')),
    boundAt: readOptionalTime(row, 'bound_at'),
    optional: readBoolean(row, 'optional'),
    purpose: readOptionalText(row, 'purpose'),
  }));
}

async function fetchLastRefresh(datasourceUid: string): Promise<RefreshRecord | null> {
  const [row] = await runSql(datasourceUid, buildLastRefreshQuery());

  return row === undefined
    ? null
    : { finishedAt: readOptionalTime(row, 'finished_at'), durationMs: readNumber(row, 'duration_ms') };
}

async function fetchLastSnapshot(datasourceUid: string): Promise<SnapshotRecord | null> {
  const [row] = await runSql(datasourceUid, buildLastSnapshotQuery());

  return row === undefined
    ? null
    : { takenAt: readOptionalTime(row, 'taken_at'), findingCount: readNumber(row, 'finding_count') };
}

/** Lists what the setup lacks, in the order to fix it, each with its command. Failed checks add nothing. */
export function listSetupSteps(status: SetupStatus): SetupStep[] {
  const steps: SetupStep[] = [];
  const sourceSchema =
    status.sourceTables.status === 'done' ? (status.sourceTables.value[0]?.sourceSchema ?? 'public') : 'public';
  const migrate = `npx openciem migrate --database-url "$DATABASE_URL" --source-schema ${sourceSchema}`;

  const migration = status.migration;
  if (migration.status === 'done' && migration.value === null) {
    steps.push({ title: 'Create the ciem schema', command: migrate });
  } else if (migration.status === 'done' && migration.value !== null && migration.value.version < REQUIRED_MIGRATION) {
    steps.push({
      title: `Apply the migrations up to ${REQUIRED_MIGRATION}: the schema is at ${migration.value.version}, older than this plugin`,
      command: migrate,
    });
  }

  if (status.sourceTables.status === 'done') {
    const missing = status.sourceTables.value.filter((table) => !table.present && !table.optional);
    if (missing.length > 0) {
      steps.push({
        title: `Sync the required CloudQuery tables ${missing.map((table) => table.tableName).join(', ')}, then bind them`,
        command: `${cloudQueryTablesSnippet(missing)}\n# Then run the CloudQuery sync, and bind the new tables:\n${migrate}`,
      });
    }

    const incomplete = status.sourceTables.value.filter((table) => table.present && table.missingColumns !== null);
    if (incomplete.length > 0) {
      steps.push({
        title: `Upgrade the CloudQuery AWS source plugin to v24 or later: ${incomplete.map((table) => table.tableName).join(', ')} lack columns`,
        command: `# After the next CloudQuery sync with the new plugin version:\n${migrate}`,
      });
    }
  }

  if (status.lastRefresh.status === 'done' && status.lastRefresh.value === null) {
    steps.push({
      title: 'Compute the effective permissions and findings',
      command: 'npx openciem refresh --database-url "$DATABASE_URL"',
    });
  }

  if (status.lastSnapshot.status === 'done' && status.lastSnapshot.value === null) {
    steps.push({
      title: 'Record a first snapshot for the trend panels',
      command: 'npx openciem snapshot --database-url "$DATABASE_URL"',
    });
  }

  return steps;
}

/** Returns the tables entry of a CloudQuery AWS source spec that lists the given tables. */
export function cloudQueryTablesSnippet(tables: SourceTable[]): string {
  return [
    '# Add to spec.tables of the CloudQuery AWS source (aws.yml):',
    ...tables.map((table) => `  - ${table.tableName}`),
  ].join('\n');
}

function emptyToNull(text: string | null): string | null {
  return text === null || text === '' ? null : text;
}
