// SQL of the setup checks on the Configuration page. Each reads one relation, so a schema from an older migration still
// shows what it has.

/** Builds the query for every CloudQuery table the views read, whether it was present at the last bind, and what it feeds. */
export function buildSourceTablesQuery(): string {
  // array_to_string returns a plain list, so the result does not depend on how the datasource encodes text[].
  return [
    'SELECT b.table_name, b.source_schema, b.present,',
    "  array_to_string(b.missing_columns, ', ') AS missing_columns, b.bound_at,",
    '  coalesce(t.optional, false) AS optional, t.purpose',
    'FROM ciem.source_bindings b',
    'LEFT JOIN ciem.source_tables t ON t.table_name = b.table_name',
    'ORDER BY coalesce(t.optional, false), b.table_name',
  ].join('\n');
}

/** Builds the query for the last completed ciem.refresh(). */
export function buildLastRefreshQuery(): string {
  return [
    'SELECT started_at, finished_at, duration_ms',
    'FROM ciem.refresh_log',
    'ORDER BY finished_at DESC',
    'LIMIT 1',
  ].join('\n');
}

/** Builds the query for the last snapshot that ciem.take_snapshot() took. */
export function buildLastSnapshotQuery(): string {
  return [
    'SELECT snapshot_id, taken_at, finding_count',
    'FROM ciem.snapshots',
    'ORDER BY taken_at DESC',
    'LIMIT 1',
  ].join('\n');
}
