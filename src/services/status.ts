import { runSql } from './datasource';
import { buildLatestMigrationQuery, buildSourceProblemsQuery } from './queries';
import { readBoolean, readOptionalText, readOptionalTime, readText } from './rows';

/** The migration that was applied last to the ciem schema. */
export interface AppliedMigration {
  version: string;
  name: string;
  /** Epoch milliseconds. */
  appliedAt: number | null;
}

/** A CloudQuery table that the views read but that was missing, or lacked columns, when the views were bound. */
export interface SourceProblem {
  tableName: string;
  sourceSchema: string;
  present: boolean;
  /** Comma-separated names of the columns that the table lacked. */
  missingColumns: string | null;
  /** Epoch milliseconds. */
  boundAt: number | null;
}

/** Fetches the latest applied migration, or null when ciem.schema_migrations is empty. */
export async function fetchLatestMigration(datasourceUid: string): Promise<AppliedMigration | null> {
  const [row] = await runSql(datasourceUid, buildLatestMigrationQuery());
  if (row === undefined) {
    return null;
  }

  return {
    version: readText(row, 'version'),
    name: readText(row, 'name'),
    appliedAt: readOptionalTime(row, 'applied_at'),
  };
}

/** Fetches the source tables that were missing or incomplete when the views were bound. */
export async function fetchSourceProblems(datasourceUid: string): Promise<SourceProblem[]> {
  const rows = await runSql(datasourceUid, buildSourceProblemsQuery());

  return rows.map((row) => ({
    tableName: readText(row, 'table_name'),
    sourceSchema: readText(row, 'source_schema'),
    present: readBoolean(row, 'present'),
    missingColumns: readOptionalText(row, 'missing_columns'),
    boundAt: readOptionalTime(row, 'bound_at'),
  }));
}
