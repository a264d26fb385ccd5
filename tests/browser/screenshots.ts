// npm run screenshots: refreshes docs/screenshots with a PNG of every harness entry in the dark and the light theme.
// It starts its own PostgreSQL (or uses TEST_DATABASE_URL), loads the dataset the browser tests use, and fails when a
// page logs an error, so a screenshot never shows a broken page.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { startEmbeddedPostgres, type EmbeddedServer } from '../../cli/db/embedded';
import { HARNESS_ENTRIES } from '../../src/test/harness/registry';
import { createTestDatabase } from '../support/database';
import { freePort } from '../support/global-setup';
import { loadPanelDataset } from '../support/panel-dataset';
import { repositoryRoot } from '../support/paths';
import { openEntry, screenshotEntry, startHarnessSession, THEMES } from './harness/session';

const screenshotsDir = path.join(repositoryRoot, 'docs', 'screenshots');

async function main(): Promise<void> {
  let embedded: EmbeddedServer | undefined;
  let dataDir: string | undefined;

  if (!process.env.TEST_DATABASE_URL) {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'openciem-screenshots-pg-'));
    embedded = await startEmbeddedPostgres({ dataDir, port: await freePort() });
  }
  process.env.OPENCIEM_TEST_ADMIN_URL = process.env.TEST_DATABASE_URL ?? embedded?.url;

  const database = await createTestDatabase();
  try {
    console.log('Loading the demo organisation and the cloudsplaining and cloudmapper exports');
    await loadPanelDataset(database.client);

    console.log('Building the harness bundle');
    const session = await startHarnessSession(database.url);
    try {
      mkdirSync(screenshotsDir, { recursive: true });
      for (const entry of HARNESS_ENTRIES) {
        for (const theme of THEMES) {
          const opened = await openEntry(session, entry, theme);
          const file = path.join(screenshotsDir, `${entry.id}-${theme}.png`);
          await screenshotEntry(opened.page, entry, file);
          await opened.close();

          const problems = [...opened.problems.pageErrors, ...opened.problems.consoleErrors];
          if (problems.length > 0) {
            throw new Error(`${entry.id} in the ${theme} theme logged errors:\n${problems.join('\n')}`);
          }
          console.log(`Wrote ${path.relative(repositoryRoot, file)}`);
        }
      }
    } finally {
      await session.stop();
    }
  } finally {
    await database.drop();
    await embedded?.stop();
    if (dataDir) {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
