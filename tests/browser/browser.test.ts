// Callbacks of page.evaluate and addInitScript run in the browser, so they use its types.
/// <reference lib="dom" />
// Mounts the app's pages and the nested panels in headless Chromium with the real @grafana/ui, fed by real PostgreSQL
// through the harness server. The tests check what a user would: each entry renders its data in both themes without a
// console error, the panels' hover and click work, and links navigate. docs/browser-tests.md describes the harness.
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { CELL_HEIGHT, CELL_WIDTH } from '../../src/panels/permissionmatrix/cellSize';
import { harnessEntry, HARNESS_ENTRIES, type HarnessEntry } from '../../src/test/harness/registry';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { loadPanelDataset } from '../support/panel-dataset';
import type { Theme } from './harness/browser';
import {
  openEntry,
  screenshotEntry,
  startHarnessSession,
  THEMES,
  waitForOpenChevrons,
  type HarnessSession,
  type OpenedEntry,
} from './harness/session';

// Loading the dataset took about 10 s and building the bundle about 6 s in a local run. The limit leaves room for slow
// machines and a cold webpack cache.
const SETUP_TIMEOUT_MS = 300_000;
const TEST_TIMEOUT_MS = 60_000;
// The open chevron's SVG took under 2 s to appear in local runs. A chevron that never changes fails the test.
const CHEVRON_TIMEOUT_MS = 10_000;

const APP = '/a/openciem-entitlements-app';
const SSO_ADMIN =
  'arn:aws:iam::200611803367:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_AdministratorAccess_dc6414f7f2ab04fc';
const SAML_PROVIDER = 'arn:aws:iam::200611803367:saml-provider/AWSSSO_b937d2dff24f2774_DO_NOT_DELETE';

interface MatrixRow {
  identity_arn: string;
  service: string;
  unused: boolean;
}

let database: TestDatabase;
let session: HarnessSession;
let screenshotDir: string;
const opened: OpenedEntry[] = [];

beforeAll(async () => {
  screenshotDir = mkdtempSync(path.join(os.tmpdir(), 'openciem-screenshots-'));
  database = await createTestDatabase();
  await loadPanelDataset(database.client);
  session = await startHarnessSession(database.url);
}, SETUP_TIMEOUT_MS);

afterEach(async () => {
  await Promise.all(opened.splice(0).map((entry) => entry.close()));
});

afterAll(async () => {
  await session?.stop();
  await database?.drop();
  rmSync(screenshotDir, { recursive: true, force: true });
});

async function open(entry: HarnessEntry, theme: Theme = 'dark'): Promise<OpenedEntry> {
  const result = await openEntry(session, entry, theme);
  opened.push(result);
  return result;
}

function expectNoProblems({ problems }: OpenedEntry) {
  expect(problems.pageErrors).toEqual([]);
  expect(problems.consoleErrors).toEqual([]);
}

describe.each(THEMES)('%s theme', (theme) => {
  test.each(HARNESS_ENTRIES.map((entry) => [entry.id, entry] as const))(
    '%s renders without errors',
    async (id, entry) => {
      const result = await open(entry, theme);
      const file = path.join(screenshotDir, `${id}-${theme}.png`);
      await screenshotEntry(result.page, entry, file);

      expectNoProblems(result);
      expect(existsSync(file)).toBe(true);
      expect(statSync(file).size).toBeGreaterThan(1000);
    },
    TEST_TIMEOUT_MS
  );

  test(
    'pages use the theme background',
    async () => {
      const { page } = await open(harnessEntry('home'), theme);
      const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
      const [red] = (background.match(/\d+/g) ?? ['0']).map(Number);

      expect(theme === 'dark' ? red < 64 : red > 192).toBe(true);
    },
    TEST_TIMEOUT_MS
  );
});

describe('trust graph panel', () => {
  const edge = `[data-testid="openciem-trustgraph-edge principal:${SAML_PROVIDER}->role:${SSO_ADMIN}"]`;
  const role = `[data-testid="openciem-trustgraph-node role:${SSO_ADMIN}"]`;

  test(
    'hovering an edge shows the trust policy statement',
    async () => {
      const result = await open(harnessEntry('trust-graph'));
      // Edges cross in the middle and the SAML provider has two, so the pointer goes to the end of this edge, next to
      // the SSO administrator role, which has this edge only.
      await result.page.locator(role).scrollIntoViewIfNeeded();
      const point = await result.page
        .locator(`${edge} path`)
        .last()
        .evaluate((element) => {
          const path = element as SVGPathElement;
          const end = path.getPointAtLength(path.getTotalLength() * 0.97);
          const toScreen = path.getScreenCTM();
          if (!toScreen) {
            throw new Error('The edge is not rendered');
          }
          return { x: end.matrixTransform(toScreen).x, y: end.matrixTransform(toScreen).y };
        });
      await result.page.mouse.move(point.x, point.y);

      const tooltip = result.page.getByTestId('openciem-trustgraph-tooltip');
      await tooltip.waitFor();
      const text = await tooltip.innerText();
      expect(text).toContain('Federated (SAML)');
      expect(text).toContain(SSO_ADMIN);
      expect(text).toContain('sts:AssumeRoleWithSAML, sts:TagSession');
      expect(text).toContain('"SAML:aud": "https://signin.aws.amazon.com/saml"');
      expect(text).toMatch(/Narrowed by\s+SAML:aud/);
      // The hovered edge is drawn wider.
      expect(await result.page.locator(`${edge} path`).first().getAttribute('stroke-width')).toBe('3');
      expectNoProblems(result);
    },
    TEST_TIMEOUT_MS
  );

  test(
    'clicking a role opens its identity page',
    async () => {
      const result = await open(harnessEntry('trust-graph'));
      await result.page.locator(role).scrollIntoViewIfNeeded();
      await result.page.locator(role).click();
      await result.page.waitForURL((url) => url.pathname === `${APP}/identity`);

      const url = new URL(result.page.url());
      expect(url.searchParams.get('arn')).toBe(SSO_ADMIN);
      expect(url.search).toBe(`?arn=${encodeURIComponent(SSO_ADMIN)}`);
      expectNoProblems(result);
    },
    TEST_TIMEOUT_MS
  );
});

describe('permission matrix panel', () => {
  test(
    'hovering a cell names identity, service and level',
    async () => {
      const result = await open(harnessEntry('permission-matrix'));
      const cell = result.page.locator('[data-testid^="openciem-permissionmatrix-cell "]').first();
      const label = (await cell.getAttribute('aria-label')) ?? '';
      await cell.hover();

      const tooltip = result.page.getByTestId('openciem-permissionmatrix-tooltip');
      await tooltip.waitFor();
      const [identity, rest] = label.split(', ');
      const [service, level] = rest.split(': ');
      const text = await tooltip.innerText();
      expect(text).toContain(identity);
      expect(text).toContain(service);
      expect(text).toContain(level.replace(', unused', ''));
      expectNoProblems(result);
    },
    TEST_TIMEOUT_MS
  );

  test(
    'many services scroll instead of narrowing the columns',
    async () => {
      const result = await open(harnessEntry('permission-matrix'));
      const body = result.page.getByTestId('openciem-permissionmatrix-body');
      const before = await body.evaluate((element) => ({ scroll: element.scrollWidth, client: element.clientWidth }));
      expect(before.scroll).toBeGreaterThan(before.client * 2);

      await body.evaluate((element) => element.scrollTo({ left: element.scrollWidth }));
      await result.page.getByTitle('xray', { exact: true }).waitFor();
      expectNoProblems(result);
    },
    TEST_TIMEOUT_MS
  );

  test(
    'marks the unused grants that the query returns',
    async () => {
      const entry = harnessEntry('permission-matrix');
      const rows = (await database.client.query<MatrixRow>(entry.kind === 'panel' ? entry.sql : '')).rows;
      const identities = [...new Set(rows.map((row) => row.identity_arn))];
      const services = [...new Set(rows.map((row) => row.service))].sort((left, right) => left.localeCompare(right));
      const unused = rows.find((row) => row.unused);
      if (!unused) {
        throw new Error('The dataset has no unused grant: the demo activity did not load');
      }

      const result = await open(entry);
      const body = result.page.getByTestId('openciem-permissionmatrix-body');
      const offset = {
        left: services.indexOf(unused.service) * CELL_WIDTH,
        top: identities.indexOf(unused.identity_arn) * CELL_HEIGHT,
      };
      await body.evaluate((element, to) => element.scrollTo(to), offset);

      const cell = result.page.getByTestId(`openciem-permissionmatrix-cell ${unused.identity_arn} ${unused.service}`);
      await cell.hover();
      expect(await cell.getAttribute('data-unused')).toBe('true');
      expect(await result.page.getByTestId('openciem-permissionmatrix-tooltip').innerText()).toContain(
        'not used in the tracking window'
      );
      expectNoProblems(result);
    },
    TEST_TIMEOUT_MS
  );
});

describe('app pages', () => {
  test(
    'the Google Cloud card of Home opens its Identities list',
    async () => {
      const result = await open(harnessEntry('home'));
      await result.page.getByTestId('data-testid openciem-home-count-gcp').click();

      await result.page.waitForURL(
        (url) => url.pathname === `${APP}/identities` && url.searchParams.get('cloud') === 'gcp'
      );
      await result.page.locator(harnessEntry('identities').readySelector).first().waitFor();
      expectNoProblems(result);
    },
    TEST_TIMEOUT_MS
  );

  test(
    'the dashboard button of Home opens the identities dashboard',
    async () => {
      const result = await open(harnessEntry('home'));
      await result.page.getByRole('link', { name: 'Open the identities dashboard' }).click();

      await result.page.waitForURL((url) => url.pathname === '/d/openciem-identities');
      await result.page.getByTestId('harness-not-in-harness').waitFor();
      expectNoProblems(result);
    },
    TEST_TIMEOUT_MS
  );

  test(
    'searching Identities filters the table',
    async () => {
      const result = await open(harnessEntry('identities'));
      await result.page.getByTestId('data-testid openciem-identities-search').fill('privesc-sre-user');

      await result.page.waitForFunction(() => document.querySelectorAll('table tbody tr').length === 1);
      expect(await result.page.locator('table tbody tr').innerText()).toContain('privesc-sre-user');
      expectNoProblems(result);
    },
    TEST_TIMEOUT_MS
  );

  test(
    'Configuration tests the datasource against the database',
    async () => {
      const result = await open(harnessEntry('configuration'));
      await result.page.getByTestId('data-testid openciem-config-test').click();

      await result.page.getByText('Datasource openciem-postgres works').waitFor();
      expect(await result.page.getByText(/The ciem schema is at migration \d{4}/).count()).toBe(1);
      expectNoProblems(result);
    },
    TEST_TIMEOUT_MS
  );
});

describe('identity pages of other clouds', () => {
  test.each([
    ['identity-gcp', 'Google Cloud', 'storage'],
    ['identity-azure', 'Azure', '*'],
    ['identity-kubernetes', 'Kubernetes', 'core/secrets'],
  ])(
    '%s expands a group and the grants of a permission',
    async (id, cloud, group) => {
      const result = await open(harnessEntry(id));
      const { page } = result;
      expect(await page.getByTestId('data-testid openciem-identity-summary').innerText()).toContain(cloud);

      // The Kubernetes group is below the tree's first screen, so the click scrolls the virtualised tree.
      await page.getByRole('button', { name: `Expand group ${group}`, exact: true }).click();
      const permission = page.getByRole('button', { name: /^Expand grants of / }).first();
      await permission.click();

      const grants = page.locator('[data-testid^="data-testid openciem-identity-grants-"]').first();
      await grants.waitFor();
      expect(await grants.innerText()).toContain('Granted by');
      expect(await page.locator('[role="tree"] button[aria-expanded="true"]').count()).toBe(2);
      await waitForOpenChevrons(page, CHEVRON_TIMEOUT_MS);
      expectNoProblems(result);
    },
    TEST_TIMEOUT_MS
  );

  test(
    'a Google Cloud row of Identities opens its identity page',
    async () => {
      const gcpList = { ...harnessEntry('identities'), id: 'identities-gcp', route: `${APP}/identities?cloud=gcp` };
      const result = await open(gcpList);
      await result.page.getByRole('link', { name: 'CI runner', exact: true }).click();

      await result.page.waitForURL((url) => url.pathname === `${APP}/identity`);
      const url = new URL(result.page.url());
      expect([url.searchParams.get('cloud'), url.searchParams.get('account'), url.searchParams.get('id')]).toEqual([
        'gcp',
        'acme-sandbox',
        'serviceAccount:ci-runner@acme-sandbox.iam.gserviceaccount.com',
      ]);
      await result.page.getByTestId('data-testid openciem-identity-tree').waitFor();
      expectNoProblems(result);
    },
    TEST_TIMEOUT_MS
  );
});
