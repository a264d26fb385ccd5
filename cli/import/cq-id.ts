import { createHash } from 'node:crypto';
import { NIL as nilUuid, v5 as uuidV5 } from 'uuid';

/**
 * Computes CloudQuery's deterministic `_cq_id`: SHA-256 over each key column's name followed by
 * its value, in column-name order, wrapped in a name-based (version 5) UUID in the nil namespace.
 * This mirrors plugin-sdk v4 `Resource.CalculateCQID` for tables with PrimaryKeyComponent columns,
 * so a row imported here gets the same `_cq_id` that a CloudQuery sync of the same account writes.
 */
export function cloudQueryId(row: Record<string, unknown>, keyColumns: string[]): string {
  const hash = createHash('sha256');
  for (const column of [...keyColumns].sort()) {
    const value = row[column];
    if (typeof value !== 'string') {
      throw new Error(`key column ${column} must be a string to derive _cq_id, got ${JSON.stringify(value)}`);
    }
    hash.update(column);
    hash.update(value);
  }
  return uuidV5(new Uint8Array(hash.digest()), nilUuid);
}
