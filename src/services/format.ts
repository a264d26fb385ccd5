import { dateTimeFormat } from '@grafana/data';

/** Formats epoch milliseconds in the user's time zone, or returns `missing` for null. */
export function formatTime(epochMs: number | null, missing: string): string {
  return epochMs === null ? missing : dateTimeFormat(epochMs);
}

/** Formats a count with its noun, singular for 1: "1 permission", "2,048 permissions". */
export function formatCount(count: number, singular: string, plural = `${singular}s`): string {
  return `${count.toLocaleString()} ${count === 1 ? singular : plural}`;
}
