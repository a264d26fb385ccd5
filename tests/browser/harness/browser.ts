// Callbacks of page.evaluate and addInitScript run in the browser, so they use its types.
/// <reference lib="dom" />
import { chromium, type Browser, type Page } from 'playwright-core';

/** Debian's chromium package; .ci/run installs it. Playwright's own browser download cannot run here. */
export const CHROMIUM_PATH = process.env.OPENCIEM_CHROMIUM ?? '/usr/bin/chromium';

/**
 * Launches headless Chromium. Chromium's sandbox needs user namespaces that a root user in a container lacks, so the
 * harness turns it off for root only. The pages it opens are this repository's own, served from 127.0.0.1.
 */
export function launchChromium(): Promise<Browser> {
  const asRoot = process.getuid?.() === 0;

  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: asRoot ? ['--no-sandbox'] : [],
  });
}

export type Theme = 'dark' | 'light';

/** The console errors and uncaught page errors of one page, which a passing page must not have. */
export interface PageProblems {
  consoleErrors: string[];
  pageErrors: string[];
}

/** Opens a page in its own context with the harness theme set before the bundle runs, recording its problems. */
export async function openHarnessPage(
  browser: Browser,
  theme: Theme,
  viewport = { width: 1280, height: 900 }
): Promise<{ page: Page; problems: PageProblems }> {
  const context = await browser.newContext({ viewport, colorScheme: theme });
  await context.addInitScript((mode) => {
    (window as { openciemHarnessTheme?: string }).openciemHarnessTheme = mode;
  }, theme);

  const page = await context.newPage();
  const problems: PageProblems = { consoleErrors: [], pageErrors: [] };
  page.on('console', (message) => {
    if (message.type() === 'error') {
      problems.consoleErrors.push(message.text());
    }
  });
  page.on('pageerror', (error) => problems.pageErrors.push(error.message));

  return { page, problems };
}
