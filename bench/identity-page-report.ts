import { count, milliseconds } from './format';
import type { Percentiles } from './identity-page';
import type { ScaleResult } from './result';

/** Renders, per scale, the Identity page's timings in the browser harness for an admin-equivalent identity. */
export function renderIdentityPage(results: ScaleResult[]): string[] {
  const measured = results.filter((result) => result.identityPage !== undefined);
  if (measured.length === 0) {
    return [];
  }

  const lines = ['### Identity page in the browser harness', ''];
  lines.push(
    '| identities | identity | effective permissions | services | loads | harness bundle run, from navigation: p50 / p95 | summary shown, from navigation: p50 / p95 | summary and tree shown, from navigation: p50 / p95 / max | first service expanded, from the click: p50 / p95 / max |',
    '|---:|---|---:|---:|---:|---|---|---|---|'
  );
  for (const result of measured) {
    const outcome = result.identityPage;
    if (outcome === undefined) {
      continue;
    }
    if (!outcome.ok) {
      lines.push(`| ${count(result.identities)} | missing: ${outcome.reason.replace(/\|/g, '\\|')} | | | | | | | |`);
      continue;
    }

    const page = outcome.value;
    const cells = [
      count(result.identities),
      `\`${page.identityArn}\``,
      count(page.effectivePermissions),
      count(page.services),
      count(page.loads),
      `${milliseconds(page.scriptLoaded.p50Ms)} / ${milliseconds(page.scriptLoaded.p95Ms)}`,
      `${milliseconds(page.summaryShown.p50Ms)} / ${milliseconds(page.summaryShown.p95Ms)}`,
      spread(page.treeShown),
      spread(page.serviceExpanded),
    ];
    lines.push(`| ${cells.join(' | ')} |`);
  }
  lines.push('');

  return lines;
}

function spread(timing: Percentiles): string {
  return `${milliseconds(timing.p50Ms)} / ${milliseconds(timing.p95Ms)} / ${milliseconds(timing.maxMs)}`;
}
