import { dateTimeFormat } from '@grafana/data';

/** Formats epoch milliseconds in the user's time zone, or returns `missing` for null. */
export function formatTime(epochMs: number | null, missing: string): string {
  return epochMs === null ? missing : dateTimeFormat(epochMs);
}
