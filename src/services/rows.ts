import type { SqlRow } from './datasource';

// Typed access to the columns of a result row. A wrong type means the ciem views and this plugin disagree on a column,
// so the error names the column instead of letting a page render a wrong value.

export function readText(row: SqlRow, column: string): string {
  const value = row[column];
  if (typeof value !== 'string') {
    throw columnTypeError(column, 'text', value);
  }

  return value;
}

export function readOptionalText(row: SqlRow, column: string): string | null {
  const value = row[column];
  if (value === null || value === undefined) {
    return null;
  }

  return readText(row, column);
}

export function readNumber(row: SqlRow, column: string): number {
  const value = row[column];
  if (typeof value !== 'number' || Number.isNaN(value)) {
    throw columnTypeError(column, 'a number', value);
  }

  return value;
}

export function readOptionalNumber(row: SqlRow, column: string): number | null {
  const value = row[column];
  if (value === null || value === undefined) {
    return null;
  }

  return readNumber(row, column);
}

/** Reads a timestamp column, which the data frame stores as epoch milliseconds. */
export function readOptionalTime(row: SqlRow, column: string): number | null {
  const value = row[column];
  if (value === null || value === undefined) {
    return null;
  }

  return readNumber(row, column);
}

export function readBoolean(row: SqlRow, column: string): boolean {
  const value = row[column];
  if (typeof value !== 'boolean') {
    throw columnTypeError(column, 'a boolean', value);
  }

  return value;
}

function columnTypeError(column: string, expected: string, value: unknown): TypeError {
  const received = value === null ? 'null' : typeof value;

  return new TypeError(
    `Column ${column} should contain ${expected} but contains ${received}. ` +
      'The ciem views may be from another OpenCIEM version than this plugin: run openciem migrate.'
  );
}
