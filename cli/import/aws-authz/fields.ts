import { describe, isPlainObject } from '../policy-document';

/**
 * A problem in the input file at a JSON path such as `RoleDetailList[3].Arn`. The importer
 * collects the path so the message can point at the exact entry.
 */
export class InputError extends Error {
  constructor(
    readonly path: string,
    readonly problem: string
  ) {
    super(`${path}: ${problem}`);
    this.name = 'InputError';
  }
}

export type JsonObject = Record<string, unknown>;

export function objectAt(value: unknown, path: string): JsonObject {
  if (!isPlainObject(value)) {
    throw new InputError(path, `expected an object, got ${describe(value)}`);
  }
  return value;
}

export function arrayAt(parent: JsonObject, key: string, path: string, required = false): unknown[] {
  const value = parent[key];
  if (value === undefined || value === null) {
    if (required) {
      throw new InputError(`${path}.${key}`, 'is missing');
    }
    return [];
  }
  if (!Array.isArray(value)) {
    throw new InputError(`${path}.${key}`, `expected an array, got ${describe(value)}`);
  }
  return value;
}

export function stringAt(parent: JsonObject, key: string, path: string): string {
  const value = parent[key];
  if (typeof value !== 'string' || value === '') {
    throw new InputError(`${path}.${key}`, value === undefined ? 'is missing' : `expected a non-empty string, got ${describe(value)}`);
  }
  return value;
}

export function optionalStringAt(parent: JsonObject, key: string, path: string): string | null {
  const value = parent[key];
  if (value === undefined || value === null) {
    return null;
  }
  if (typeof value !== 'string') {
    throw new InputError(`${path}.${key}`, `expected a string, got ${describe(value)}`);
  }
  return value;
}

export function optionalIntegerAt(parent: JsonObject, key: string, path: string): number | null {
  const value = parent[key];
  if (value === undefined || value === null) {
    return null;
  }
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw new InputError(`${path}.${key}`, `expected an integer, got ${describe(value)}`);
  }
  return value;
}

export function optionalBooleanAt(parent: JsonObject, key: string, path: string): boolean | null {
  const value = parent[key];
  if (value === undefined || value === null) {
    return null;
  }
  if (typeof value !== 'boolean') {
    throw new InputError(`${path}.${key}`, `expected true or false, got ${describe(value)}`);
  }
  return value;
}

/**
 * Reads an AWS timestamp. The AWS CLI prints ISO 8601 with a `T` and an offset; boto3-based tools
 * print `2023-03-09 10:41:45+00:00`. Both parse. Returns UTC without a zone suffix, the form of
 * CloudQuery's `timestamp without time zone` columns.
 */
export function optionalTimestampAt(parent: JsonObject, key: string, path: string): string | null {
  const text = optionalStringAt(parent, key, path);
  if (text === null) {
    return null;
  }
  const date = parseAwsTimestamp(text);
  if (!date) {
    throw new InputError(`${path}.${key}`, `"${text}" is not a timestamp`);
  }
  return date.toISOString().replace('Z', '');
}

/** Formats a timestamp as Go's encoding/json writes time.Time (RFC 3339), for jsonb columns. */
export function goJsonTime(text: string, path: string): string {
  const date = parseAwsTimestamp(text);
  if (!date) {
    throw new InputError(path, `"${text}" is not a timestamp`);
  }
  return date.toISOString().replace('.000Z', 'Z');
}

function parseAwsTimestamp(text: string): Date | null {
  const normalised = /^\d{4}-\d{2}-\d{2} \d/.test(text) ? text.replace(' ', 'T') : text;
  if (!/^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(normalised)) {
    return null;
  }
  // AWS timestamps are UTC; a value without an offset is read as UTC, not as local time.
  const zoned = /T/.test(normalised) && !/(Z|[+-]\d{2}:?\d{2})$/.test(normalised) ? `${normalised}Z` : normalised;
  const date = new Date(zoned);
  return Number.isNaN(date.getTime()) ? null : date;
}
