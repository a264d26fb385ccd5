// Records the responses of /api/ds/query, Grafana's endpoint for every panel and app query, so a spec can check that
// no query failed even where the UI shows the failure only as a small icon.
import type { Page, Response } from '@playwright/test';

export interface DataQueryWatch {
  /** Waits for every response seen so far and returns one line per failed query: refId, error and the start of its SQL. */
  failures(): Promise<string[]>;
  /** Number of /api/ds/query responses seen so far. */
  count(): number;
}

/** Starts recording the /api/ds/query responses of a page; call it before the page navigates. */
export function watchDataQueries(page: Page): DataQueryWatch {
  const checks: Array<Promise<string[]>> = [];
  page.on('response', (response) => {
    if (response.request().method() === 'POST' && new URL(response.url()).pathname.endsWith('/api/ds/query')) {
      checks.push(readFailures(response));
    }
  });

  return {
    failures: async () => (await Promise.all(checks)).flat(),
    count: () => checks.length,
  };
}

interface DataQueryResponse {
  results?: Record<string, { error?: string; status?: number }>;
}

interface DataQueryRequest {
  queries?: Array<{ refId?: string; rawSql?: string }>;
}

async function readFailures(response: Response): Promise<string[]> {
  const sqlByRefId = new Map<string, string>();
  const request = response.request().postDataJSON() as DataQueryRequest | null;
  for (const query of request?.queries ?? []) {
    sqlByRefId.set(query.refId ?? '', (query.rawSql ?? '').replace(/\s+/g, ' ').slice(0, 160));
  }

  let body: DataQueryResponse;
  try {
    body = (await response.json()) as DataQueryResponse;
  } catch {
    // The body is gone when the page navigated away before it was read; only the status is left to judge.
    return response.ok() ? [] : [`HTTP ${response.status()} from ${response.url()} with no readable body`];
  }

  const failures = Object.entries(body.results ?? {})
    .filter(([, result]) => result.error !== undefined && result.error !== '')
    .map(([refId, result]) => `${refId}: ${result.error} (SQL: ${sqlByRefId.get(refId) ?? 'unknown'})`);
  if (failures.length === 0 && !response.ok()) {
    failures.push(`HTTP ${response.status()} from ${response.url()}`);
  }

  return failures;
}
