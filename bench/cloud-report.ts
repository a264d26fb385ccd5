import { cloudNames } from './cloud-mix';
import {
  cloudOfStep,
  refreshSecondsByCloud,
  relationBytesByCloud,
  totalByCloud,
  type CloudGroup,
  type TimedRead,
} from './cloud-measures';
import { bytes, count, milliseconds, seconds } from './format';
import type { ScaleResult } from './result';

const groups: CloudGroup[] = [...cloudNames, 'shared'];

/** Renders the mixed-cloud figures of each scale that has them; nothing for AWS-only runs. */
export function renderClouds(results: ScaleResult[]): string[] {
  const mixed = results.filter((result) => result.clouds);
  if (mixed.length === 0) {
    return [];
  }
  const lines = ['### Clouds', ''];
  lines.push(`Identities split ${mixed[0].clouds?.mix}.`, '');

  lines.push(
    '| identities | cloud | planned identities | rows of ciem.identities | accounts | generated objects | import |',
    '|---:|---|---:|---:|---:|---|---:|'
  );
  for (const result of mixed) {
    const clouds = result.clouds!;
    const measured = clouds.measures.ok ? clouds.measures.value.identities : {};
    if (clouds.aws) {
      lines.push(
        `| ${count(result.identities)} | aws | ${count(clouds.aws.planned)} | ${cell(measured.aws)} | ${count(clouds.aws.accounts)} | ${count(result.organisation.groups)} groups, ${count(result.organisation.attachments)} attachments | ${seconds(clouds.aws.importSeconds)} |`
      );
    }
    for (const load of clouds.loads) {
      const objects = Object.entries(load.objects)
        .map(([name, value]) => `${count(value)} ${name}`)
        .join(', ');
      lines.push(
        `| ${count(result.identities)} | ${load.cloud} | ${count(load.planned)} | ${cell(measured[load.cloud])} | ${count(load.accounts)} | ${objects} | ${seconds(load.importSeconds)} |`
      );
    }
  }
  lines.push('');

  lines.push(
    'Refresh steps and relation sizes by cloud. Steps and relations are assigned by name prefix (aws_, k8s_, gcp_, azure_); AWS steps without one (risk decisions, escalation paths, creep scores) count as AWS. "shared" is `refresh_findings`, which evaluates every cloud\'s finding sources, and the relations every cloud uses (catalogue, findings, settings).',
    ''
  );
  lines.push(
    `| identities | ciem.refresh() | ${groups.map((group) => `${group}: steps / finding sources / ciem size / source tables`).join(' | ')} |`,
    `|---:|---:|${groups.map(() => '---').join('|')}|`
  );
  for (const result of mixed) {
    const steps = result.refreshSplit.ok ? refreshSecondsByCloud(result.refreshSplit.value.steps) : undefined;
    const sizes = relationBytesByCloud(result.relations);
    const measures = result.clouds!.measures.ok ? result.clouds!.measures.value : undefined;
    const findingSeconds = measures
      ? totalByCloud(
          measures.findingSources,
          (source) => source.cloud,
          (source) => source.seconds
        )
      : undefined;
    const cells = groups.map((group) =>
      [
        steps ? seconds(steps[group] ?? 0) : 'missing',
        findingSeconds ? seconds(findingSeconds[group] ?? 0) : 'missing',
        bytes(sizes[group] ?? 0),
        measures ? bytes(measures.sourceBytes[group] ?? 0) : 'missing',
      ].join(' / ')
    );
    lines.push(
      `| ${count(result.identities)} | ${result.refresh.ok ? seconds(result.refresh.value.seconds) : 'missing'} | ${cells.join(' | ')} |`
    );
  }
  lines.push('');

  for (const result of mixed) {
    if (!result.refreshSplit.ok) {
      continue;
    }
    const steps = result.refreshSplit.value.steps.filter((step) => !['aws', 'shared'].includes(cloudOfStep(step.name)));
    if (steps.length > 0) {
      lines.push(
        `Steps of the other clouds at ${count(result.identities)} identities: ${steps.map((step) => `${step.name} ${seconds(step.seconds)}`).join(', ')}.`,
        ''
      );
    }
  }

  lines.push(
    'Reads, p50 / p95 (mean rows), each on random identities or accounts of the cloud after one untimed read:',
    '',
    '| identities | cloud | ciem.cloud_effective_permissions, one identity | Identity page tree, one identity | ciem.findings, one account | ciem.compliance_summary, one account |',
    '|---:|---|---|---|---|---|'
  );
  for (const result of mixed) {
    const measures = result.clouds!.measures;
    if (!measures.ok) {
      lines.push(`| ${count(result.identities)} | every cloud | missing: ${measures.reason} | | | |`);
      continue;
    }
    for (const read of measures.value.reads) {
      lines.push(
        `| ${count(result.identities)} | ${read.cloud} | ${read.effectivePermissions ? timed(read.effectivePermissions) : 'not applicable (ciem.effective_permissions)'} | ${read.permissionTree ? timed(read.permissionTree) : 'in the Identity page section'} | ${timed(read.findings)} | ${timed(read.complianceSummary)} |`
      );
    }
  }
  lines.push('');
  for (const result of mixed) {
    const measures = result.clouds!.measures;
    if (measures.ok) {
      lines.push(
        `- ${count(result.identities)} identities: the Identities page's query with a search, ${timed(measures.value.identitySearch)}; ciem.compliance_summary of every account, ${timed(measures.value.complianceSummaryAll)}.`
      );
    }
  }
  lines.push('');
  return lines;
}

function timed(read: TimedRead): string {
  return `${milliseconds(read.p50Ms)} / ${milliseconds(read.p95Ms)} (${count(read.meanRows)})`;
}

function cell(value: number | undefined): string {
  return value === undefined ? '0' : count(value);
}
