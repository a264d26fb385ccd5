import { isFetchError } from '@grafana/runtime';

import type { QueryFailure } from './queryFailure';

/** A failed /api/ds/query request. Its message names the failure and the fix for the user. */
export class QueryFailedError extends Error {
  constructor(
    message: string,
    /** UID of the datasource that the query was sent to. */
    readonly datasourceUid: string,
    /** Message from Grafana or PostgreSQL, as received. */
    readonly detail: string,
    /** HTTP status of the response, when there was a response. */
    readonly status?: number
  ) {
    super(message);
    this.name = 'QueryFailedError';
  }
}

/**
 * Extracts the status and the most specific message from an error thrown by getBackendSrv().fetch.
 *
 * A query that reached PostgreSQL reports its error in `results[refId].error` (HTTP 400). Grafana's own refusals,
 * such as an unknown datasource (404) or a missing permission (403), put it in `message`.
 */
export function readQueryFailure(error: unknown): QueryFailure {
  if (isFetchError(error)) {
    const data: unknown = error.data;
    const message = readResultError(data) ?? readStringProperty(data, 'message') ?? error.statusText ?? 'no message';

    return { status: error.status, message };
  }

  if (error instanceof Error) {
    return { message: error.message };
  }

  return { message: String(error) };
}

function readResultError(data: unknown): string | undefined {
  const results = readProperty(data, 'results');
  if (typeof results !== 'object' || results === null) {
    return undefined;
  }

  for (const result of Object.values(results)) {
    const message = readStringProperty(result, 'error');
    if (message !== undefined) {
      return message;
    }
  }

  return undefined;
}

function readStringProperty(value: unknown, key: string): string | undefined {
  const property = readProperty(value, key);

  return typeof property === 'string' && property !== '' ? property : undefined;
}

function readProperty(value: unknown, key: string): unknown {
  if (typeof value !== 'object' || value === null || !(key in value)) {
    return undefined;
  }

  return (value as Record<string, unknown>)[key];
}
