import { dashboardQueryTargetMs } from './dashboard-queries';
import type { ScaleResult } from './result';

/** Renders, per scale, the latency of every dashboard query, slowest first, marking those over the target. */
export function renderDashboardQueries(results: ScaleResult[]): string[] {
  const lines: string[] = [];
  for (const result of results) {
    const outcome = result.dashboardQueries;
    if (outcome === undefined) {
      continue;
    }
    lines.push(`### Dashboard queries at ${result.identities.toLocaleString('en-GB')} identities`, '');
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
      const p95 = `${timing.p95Ms.toFixed(1)} ms${timing.p95Ms > dashboardQueryTargetMs ? ' (over target)' : ''}`;
      lines.push(
        `| ${timing.dashboard} | ${timing.query.replace(/\|/g, '\\|')} | ${timing.rows.toLocaleString('en-GB')} | ${timing.p50Ms.toFixed(1)} ms | ${p95} | ${timing.maxMs.toFixed(1)} ms |`
      );
    }
    lines.push('');
  }
  return lines;
}
