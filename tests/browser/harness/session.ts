// The callback of page.waitForFunction runs in the browser, so it uses its types.
/// <reference lib="dom" />
import type { Browser, Page } from 'playwright-core';

import type { HarnessEntry } from '../../../src/test/harness/registry';
import { launchChromium, openHarnessPage, type PageProblems, type Theme } from './browser';
import { buildHarnessBundle, type HarnessMode } from './bundle';
import { startHarnessServer, type HarnessServer } from './server';

export const THEMES: Theme[] = ['dark', 'light'];

/** Time an entry may take to show its data; the slowest, the permission matrix, took about 2 s in a local run. */
const READY_TIMEOUT_MS = 30_000;

export interface HarnessSession {
  server: HarnessServer;
  browser: Browser;
  stop(): Promise<void>;
}

export interface OpenedEntry {
  page: Page;
  problems: PageProblems;
  close(): Promise<void>;
}

/** Builds the harness bundle, starts the harness server on the database at `databaseUrl`, and launches Chromium. */
export async function startHarnessSession(
  databaseUrl: string,
  mode: HarnessMode = 'development'
): Promise<HarnessSession> {
  await buildHarnessBundle(mode);
  const server = await startHarnessServer(databaseUrl, mode);

  let browser: Browser;
  try {
    browser = await launchChromium();
  } catch (error) {
    await server.stop();
    throw error;
  }

  return {
    server,
    browser,
    stop: async () => {
      await browser.close();
      await server.stop();
    },
  };
}

/** Opens an entry's route in a new page of the given theme and waits until it shows its data. */
export async function openEntry(session: HarnessSession, entry: HarnessEntry, theme: Theme): Promise<OpenedEntry> {
  const { page, problems } = await openHarnessPage(session.browser, theme);
  await page.goto(`${session.server.url}${entry.route}`);
  await page.waitForSelector(entry.readySelector, { timeout: READY_TIMEOUT_MS });

  return { page, problems, close: () => page.context().close() };
}

/**
 * Saves a PNG of the entry: the panel for a panel entry, the whole page for a page entry marked fullPage, the visible
 * part of the page otherwise. A page entry's expand buttons are clicked first, each once it appears.
 */
export async function screenshotEntry(page: Page, entry: HarnessEntry, file: string): Promise<void> {
  if (entry.kind === 'panel') {
    await page.locator(`[data-harness-panel="${entry.id}"]`).screenshot({ path: file });
    return;
  }

  const expand = entry.kind === 'app-page' ? (entry.expand ?? []) : [];
  for (const name of expand) {
    await page.getByRole('button', { name, exact: true }).click({ timeout: READY_TIMEOUT_MS });
  }
  if (expand.length > 0) {
    // An opened node may start a query, so the screenshot waits for its rows and its icons.
    await page.waitForLoadState('networkidle');
    await waitForOpenChevrons(page);
  }

  await page.screenshot({ path: file, fullPage: entry.kind === 'app-page' && entry.fullPage === true });
}

/**
 * Waits until every open node of the tree draws the open chevron, an SVG path that no closed node draws. @grafana/ui
 * swaps an icon's SVG in after a render, so the path can lag behind the node's state.
 */
export async function waitForOpenChevrons(page: Page, timeoutMs = READY_TIMEOUT_MS): Promise<void> {
  await page.waitForFunction(
    () => {
      const paths = (expanded: boolean) =>
        Array.from(document.querySelectorAll(`[role="tree"] button[aria-expanded="${expanded}"] svg path`)).map(
          (path) => path.getAttribute('d')
        );
      const closed = new Set(paths(false));
      return paths(true).every((path) => !closed.has(path));
    },
    undefined,
    { timeout: timeoutMs }
  );
}
