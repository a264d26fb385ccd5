import { milliseconds, seconds } from './format';
import type { ScaleResult } from './result';

// The targets the findings are measured against on the 10,000-identity organisation.
const findingsRefreshTargetSeconds = 60;
const findingReadTargetMs = 100;

/** Renders, per scale, the refresh split into engine and findings, and the finding reads, as Markdown. */
export function renderFindings(results: ScaleResult[]): string[] {
  const lines: string[] = [];
  for (const result of results) {
    lines.push(`### Findings at ${result.identities.toLocaleString('en-GB')} identities`, '');
    lines.push(...renderRefreshSplit(result), ...renderFindingReads(result));
  }
  return lines;
}

function renderRefreshSplit(result: ScaleResult): string[] {
  if (!result.refreshSplit.ok) {
    return [`Refresh steps missing: ${result.refreshSplit.reason}`, ''];
  }
  const split = result.refreshSplit.value;
  const lines = [
    `ciem.refresh(): engine relations ${seconds(split.engineSeconds)}, findings ${seconds(split.findingsSeconds)} ` +
      `(target: at most ${findingsRefreshTargetSeconds} s beyond the engine).`,
    '',
    '| position | step | time |',
    '|---:|---|---:|',
  ];
  for (const step of split.steps) {
    lines.push(`| ${step.position} | ${step.name} | ${seconds(step.seconds)} |`);
  }
  lines.push('');
  return lines;
}

function renderFindingReads(result: ScaleResult): string[] {
  if (!result.findingReads.ok) {
    return [`Finding reads missing: ${result.findingReads.reason}`, ''];
  }
  const reads = result.findingReads.value;
  // The target applies to what the dashboards and pages read: one identity's findings, and an
  // account's count with its first page. Fetching an account's every row is listed beside them.
  const targeted = reads.filter((read) => read.filter !== 'account');
  const worst = targeted.reduce((slowest, read) => (read.p95Ms > slowest.p95Ms ? read : slowest), targeted[0]);
  const whole = reads.filter((read) => read.filter === 'account');
  const worstWhole = whole.reduce((slowest, read) => (read.p95Ms > slowest.p95Ms ? read : slowest), whole[0]);
  const lines = [
    `Reads of each finding view filtered to one identity, and to one account as a table reads it (row count and ` +
      `first 100 rows by severity): slowest p95 ${milliseconds(worst.p95Ms)} (${worst.view} by ${worst.filter}; ` +
      `target: at most ${findingReadTargetMs} ms). Fetching every row of an account: slowest p95 ` +
      `${milliseconds(worstWhole.p95Ms)} (${worstWhole.view}, ${worstWhole.meanRows.toFixed(0)} rows).`,
    '',
    '| view | filter | samples | mean rows | p50 | p95 |',
    '|---|---|---:|---:|---:|---:|',
  ];
  for (const read of reads) {
    lines.push(
      `| ${read.view} | ${read.filter} | ${read.samples} | ${read.meanRows.toFixed(1)} | ${milliseconds(read.p50Ms)} | ${milliseconds(read.p95Ms)} |`
    );
  }
  lines.push('');
  return lines;
}
