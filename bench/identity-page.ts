// Times the Identity page in the browser harness (tests/browser/harness) on the bench database: the time an
// admin-equivalent identity takes to show its summary and permission tree, and to open the tree's first service.
/// <reference lib="dom" />
import type { Page } from 'playwright-core';
import type { Client } from 'pg';

import { testIds } from '../src/components/testIds';
import { APP_ID } from '../src/test/harness/registry';
import { openHarnessPage } from '../tests/browser/harness/browser';
import { startHarnessSession } from '../tests/browser/harness/session';
import { percentile } from './outcome';

/** Timings of the Identity page for one admin-equivalent identity, over several page loads. */
export interface IdentityPageSummary {
  identityArn: string;
  /** Actions allowed or conditionally allowed to the identity, from ciem.identity_permission_summary. */
  effectivePermissions: number;
  /** Services in the first level of the tree. */
  services: number;
  loads: number;
  /** From navigation start to the end of DOMContentLoaded, once the harness bundle has run: the harness's own share. */
  scriptLoaded: Percentiles;
  /** From navigation start to the identity's summary on screen. */
  summaryShown: Percentiles;
  /** From navigation start to the summary and the tree's first rows on screen. */
  treeShown: Percentiles;
  /** From the click on the first service to its access levels on screen. */
  serviceExpanded: Percentiles;
}

export interface Percentiles {
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
}

/** The identity whose page is timed, with the size of its tree. */
export interface ChosenIdentity {
  arn: string;
  effectivePermissions: number;
  services: number;
}

// Candidates timed with ciem.identity_permission_summary, which takes about a second each; see chooseIdentity.
const CANDIDATES = 3;

// Maximum wait for one step of a load; a page that shows an error instead of the tree never gets there.
const STEP_TIMEOUT_MS = 60_000;

const SUMMARY_SELECTOR = `[data-testid="${testIds.identity.summary}"]`;
const TREE_ROW_SELECTOR = `[data-testid="${testIds.identity.tree}"] [role="treeitem"]`;

/**
 * Chooses the admin-equivalent identity with the most effective permissions. An admin-equivalent identity is allowed
 * the whole catalogue except what its Deny statements take away, so the CANDIDATES with the fewest Deny statements
 * (own, group and boundary) are counted with ciem.identity_permission_summary and the largest count wins.
 * NOTE: only those candidates are counted. When every one of them has a Deny statement, an identity with more Deny
 * statements that together deny fewer actions can be missed.
 */
export async function chooseIdentity(client: Client): Promise<ChosenIdentity | null> {
  const candidates = await client.query<{ principal_arn: string }>(
    `SELECT a.principal_arn
       FROM ciem.aws_admin_equivalent a
       LEFT JOIN ciem.aws_principal_policies pp ON pp.principal_arn = a.principal_arn
       LEFT JOIN ciem.aws_policy_statements s ON s.policy_key = pp.policy_key AND s.effect = 'Deny'
      GROUP BY a.principal_arn, a.conditional
      ORDER BY count(s.policy_key), a.conditional, a.principal_arn
      LIMIT $1`,
    [CANDIDATES]
  );

  let best: ChosenIdentity | null = null;
  for (const { principal_arn: arn } of candidates.rows) {
    const counted = await client.query<{ effective: string; services: string }>(
      `SELECT coalesce(sum(allowed + conditional), 0) AS effective, count(DISTINCT service) AS services
         FROM ciem.identity_permission_summary($1)`,
      [arn]
    );
    const effectivePermissions = Number(counted.rows[0].effective);
    if (best === null || effectivePermissions > best.effectivePermissions) {
      best = { arn, effectivePermissions, services: Number(counted.rows[0].services) };
    }
  }

  return best;
}

/**
 * Builds the harness, serves it on the database at `databaseUrl`, and opens the Identity page of `identityArn` once
 * untimed, then `loads` times, each in a new browser context so that no load reuses the page of another.
 */
export async function measureIdentityPage(
  databaseUrl: string,
  identity: ChosenIdentity,
  loads: number
): Promise<IdentityPageSummary> {
  // Production React, as Grafana runs it: the development build's checks took about 0.9 s of a load.
  const session = await startHarnessSession(databaseUrl, 'production');
  try {
    const url = `${session.server.url}/a/${APP_ID}/identity?arn=${encodeURIComponent(identity.arn)}`;
    const scriptLoaded: number[] = [];
    const summaryShown: number[] = [];
    const treeShown: number[] = [];
    const serviceExpanded: number[] = [];

    // The first load warms the operating system's and PostgreSQL's caches; it is not timed.
    for (let load = 0; load <= loads; load += 1) {
      const { page, problems } = await openHarnessPage(session.browser, 'dark');
      try {
        const timing = await timeLoad(page, url);
        const errors = [...problems.pageErrors, ...problems.consoleErrors];
        if (errors.length > 0) {
          throw new Error(`the Identity page logged errors: ${errors.join('; ')}`);
        }
        if (load > 0) {
          scriptLoaded.push(timing.scriptLoadedMs);
          summaryShown.push(timing.summaryShownMs);
          treeShown.push(timing.treeShownMs);
          serviceExpanded.push(timing.serviceExpandedMs);
        }
      } finally {
        await page.context().close();
      }
    }

    return {
      identityArn: identity.arn,
      effectivePermissions: identity.effectivePermissions,
      services: identity.services,
      loads,
      scriptLoaded: summarise(scriptLoaded),
      summaryShown: summarise(summaryShown),
      treeShown: summarise(treeShown),
      serviceExpanded: summarise(serviceExpanded),
    };
  } finally {
    await session.stop();
  }
}

/** Moments of one load, in milliseconds on the page's clock, which starts at navigation start. */
interface LoadMarks {
  scriptLoaded?: number;
  summary?: number;
  tree?: number;
}

/**
 * Opens the page and returns times from the page's own clock. Three count from navigation start: until the harness
 * bundle has run, until the summary is on screen, and until the tree's first rows are. The fourth counts from a click
 * on the first service until its access levels are on screen.
 */
async function timeLoad(page: Page, url: string) {
  // The script runs in the page before the bundle and records, at each animation frame, the first frame at which the
  // summary and the tree rows have a size. performance.now() counts from the navigation start of the document.
  await page.addInitScript(
    ({ summary, rows }) => {
      const marks: LoadMarks = {};
      (window as { openciemMarks?: LoadMarks }).openciemMarks = marks;
      const visible = (selector: string) => (document.querySelector(selector)?.getBoundingClientRect().height ?? 0) > 0;
      const check = () => {
        marks.summary ??= visible(summary) ? performance.now() : undefined;
        marks.tree ??= visible(rows) ? performance.now() : undefined;
        if (marks.summary === undefined || marks.tree === undefined) {
          requestAnimationFrame(check);
        }
      };
      requestAnimationFrame(check);
    },
    { summary: SUMMARY_SELECTOR, rows: TREE_ROW_SELECTOR }
  );
  await page.goto(url, { waitUntil: 'commit' });

  const loaded = await page.waitForFunction(
    () => {
      const marks = (window as { openciemMarks?: LoadMarks }).openciemMarks;
      const [navigation] = performance.getEntriesByType('navigation') as PerformanceNavigationTiming[];
      // The harness page runs its bundle synchronously, so DOMContentLoaded ends once the bundle has run.
      return marks?.summary !== undefined && marks.tree !== undefined && navigation?.domContentLoadedEventEnd > 0
        ? { ...marks, scriptLoaded: navigation.domContentLoadedEventEnd }
        : false;
    },
    undefined,
    { polling: 'raf', timeout: STEP_TIMEOUT_MS }
  );
  const marks = (await loaded.jsonValue()) as Required<LoadMarks>;

  // The click time is taken in the page, so the time Playwright takes to find and click the button is left out.
  await page.evaluate(() => {
    document.addEventListener('click', () => ((window as { clickedAt?: number }).clickedAt = performance.now()), {
      capture: true,
      once: true,
    });
  });
  await page.locator(`${TREE_ROW_SELECTOR}[aria-level="1"] button[aria-expanded="false"]`).first().click();
  const expandedAt = await page.waitForFunction(
    (rows) => {
      const level = document.querySelector(`${rows}[aria-level="2"]`);
      const clickedAt = (window as { clickedAt?: number }).clickedAt;
      return level !== null && level.getBoundingClientRect().height > 0 && clickedAt !== undefined
        ? performance.now() - clickedAt
        : false;
    },
    TREE_ROW_SELECTOR,
    { polling: 'raf', timeout: STEP_TIMEOUT_MS }
  );

  return {
    scriptLoadedMs: marks.scriptLoaded,
    summaryShownMs: marks.summary,
    treeShownMs: marks.tree,
    serviceExpandedMs: (await expandedAt.jsonValue()) as number,
  };
}

function summarise(values: number[]): Percentiles {
  return { p50Ms: percentile(values, 50), p95Ms: percentile(values, 95), maxMs: Math.max(...values) };
}
