import type { PanelData } from '@grafana/data';

/** Returns the message of the query's error when the query failed and returned no frames, else undefined. */
export function failedQueryMessage(data: PanelData): string | undefined {
  const error = data.errors?.[0];
  if (!error || data.series.length > 0) {
    return undefined;
  }

  return error.message ?? 'The datasource returned an error without a message.';
}
