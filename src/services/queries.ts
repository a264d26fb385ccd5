// SQL for the ciem views. Grafana's /api/ds/query takes raw SQL without bind parameters, so every value that comes from
// a user is quoted here with quoteLiteral.

// The LIKE escape character. It is not a backslash, so the pattern means the same whatever standard_conforming_strings is.
export const LIKE_ESCAPE = '!';

/**
 * Quotes text as a PostgreSQL string literal.
 *
 * Single quotes are doubled. A value with backslashes becomes an escape string (E'...') with the backslashes doubled,
 * so the literal reads back as the same text whether standard_conforming_strings is on or off.
 * Throws a RangeError for the NUL character, which PostgreSQL text cannot store.
 */
export function quoteLiteral(text: string): string {
  if (text.includes('\u0000')) {
    throw new RangeError('The text contains the NUL character (U+0000), which PostgreSQL text cannot store.');
  }

  const quotesDoubled = text.replace(/'/g, "''");
  if (!quotesDoubled.includes('\\')) {
    return `'${quotesDoubled}'`;
  }

  return `E'${quotesDoubled.replace(/\\/g, '\\\\')}'`;
}

/** Builds a LIKE pattern that matches `text` anywhere in a value, taking % and _ in `text` literally. */
export function buildContainsPattern(text: string): string {
  const escaped = text.replace(/[!%_]/g, (character) => `${LIKE_ESCAPE}${character}`);

  return `%${escaped}%`;
}

/** Builds the query for the migration that was applied last to the ciem schema. */
export function buildLatestMigrationQuery(): string {
  return [
    'SELECT version, name, applied_at',
    'FROM ciem.schema_migrations',
    'ORDER BY applied_at DESC, version DESC',
    'LIMIT 1',
  ].join('\n');
}

/** Builds the query for the required CloudQuery source tables that are missing, and tables that lack columns the views read. */
export function buildSourceProblemsQuery(): string {
  // array_to_string returns a plain list, so the result does not depend on how the datasource encodes text[].
  return [
    "SELECT b.table_name, b.source_schema, b.present, array_to_string(b.missing_columns, ', ') AS missing_columns, b.bound_at",
    'FROM ciem.source_bindings b',
    // Optional tables (AWS Organizations) only switch a feature off; they are not problems.
    'LEFT JOIN ciem.source_tables t ON t.table_name = b.table_name',
    'WHERE (NOT b.present AND NOT coalesce(t.optional, false)) OR cardinality(b.missing_columns) > 0',
    'ORDER BY b.source_schema, b.table_name',
  ].join('\n');
}
