import { dashboardQueryTargetMs } from './dashboard-queries';
import { count, milliseconds } from './format';
import type { ScaleResult } from './result';

/** Renders, per scale, the latency of every dashboard query, slowest first, marking those over the target. */
export function renderDashboardQueries(results: ScaleResult[]): string[] {
  const lines: string[] = [];
  for (const result of results) {
    const outcome = result.dashboardQueries;
    if (outcome === undefined) {
      continue;
    }
    lines.push(`### Dashboard queries at ${count(result.identities)} identities`, '');
    if (!outcome.ok) {
      lines.push(`Missing: ${outcome.reason}`, '');
      continue;
    }

    const { account, identity, runs, timings } = outcome.value;
    const over = timings.filter((timing) => timing.p95Ms > dashboardQueryTargetMs);
    lines.push(
      `Each query ${runs} times after one untimed run, on one connection, as Grafana would send it; account ${account}, identity ${identity}. ` +
        `${over.length} of ${timings.length} queries have a p95 above ${dashboardQueryTargetMs} ms.`,
      ''
    );
    lines.push('| dashboard | query | rows | p50 | p95 | max |', '|---|---|---:|---:|---:|---:|');
    for (const timing of [...timings].sort((a, b) => b.p95Ms - a.p95Ms)) {
      const p95 = `${milliseconds(timing.p95Ms)}${timing.p95Ms > dashboardQueryTargetMs ? ' (over target)' : ''}`;
      const query = timing.query.replace(/\|/g, '\\|');
      lines.push(
        `| ${timing.dashboard} | ${query} | ${count(timing.rows)} | ${milliseconds(timing.p50Ms)} | ${p95} | ${milliseconds(timing.maxMs)} |`
      );
    }
    lines.push('');
  }
  return lines;
}
