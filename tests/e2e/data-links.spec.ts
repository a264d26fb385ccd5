// Links from an identity to its drill-down, in a real Grafana: a dashboard table's identity cell opens the identity
// dashboard for that identity, and the app's Identity page opens the same dashboard.
import { expect, resolveGrafanaSelector, test, type E2ESelectorGroups } from '@grafana/plugin-e2e';
import type { Locator, Page } from '@playwright/test';

import { testIds } from '../../src/components/testIds';
import { IDENTITIES_DASHBOARD_UID, IDENTITY_DASHBOARD_UID, identityPageUrl } from '../../src/constants';
import { bundledDashboard, demoIdentities, linkedColumn, panelOfType, productionAccount } from './targets';

test.describe('identity links', () => {
  test('an identity cell opens the identity dashboard', async ({ gotoDashboardPage, page, selectors }) => {
    const identities = bundledDashboard(IDENTITIES_DASHBOARD_UID);
    const table = panelOfType(identities, 'table');
    const { linkTitle } = linkedColumn(table, IDENTITY_DASHBOARD_UID);
    const arn = demoIdentities.vendorMonitoring;

    // One account keeps the table short enough that the role's row is drawn without scrolling the table.
    const dashboardPage = await gotoDashboardPage({
      uid: identities.uid,
      queryParams: new URLSearchParams({ 'var-account': productionAccount }),
    });
    const panel = dashboardPage.getPanelByTitle(table.title);
    await panel.scrollIntoView();
    await followDataLink(page, panel.locator.getByText(arn, { exact: true }), linkTitle(arn));

    await expectIdentityDashboard(page, selectors, arn);
  });

  test('the Identity page opens the identity dashboard', async ({ page, selectors }) => {
    const arn = demoIdentities.productionAdministrator;
    await page.goto(identityPageUrl(arn));

    await page.getByTestId(testIds.identity.summary).getByRole('link', { name: 'Open the identity dashboard' }).click();
    await expectIdentityDashboard(page, selectors, arn);
  });
});

/**
 * Clicks a table cell that has a data link and follows the link. Grafana's table follows a cell's only link at once.
 * A cell with several links opens a menu first, and then the spec clicks the link with this title.
 */
async function followDataLink(page: Page, cell: Locator, linkTitle: string): Promise<void> {
  const startUrl = page.url();
  await cell.click();

  await expect(async () => {
    if (page.url() === startUrl) {
      const menuLink = page.getByRole('link', { name: linkTitle, exact: true });
      if (await menuLink.isVisible()) {
        await menuLink.click();
      }
    }
    expect(page.url()).not.toBe(startUrl);
  }).toPass({ timeout: 10_000 });
}

/** Checks that the page is the identity dashboard for `arn` and that its first table shows that identity. */
async function expectIdentityDashboard(page: Page, selectors: E2ESelectorGroups, arn: string): Promise<void> {
  await expect(page).toHaveURL((url) => url.pathname.startsWith(`/d/${IDENTITY_DASHBOARD_UID}`));
  expect(new URL(page.url()).searchParams.get('var-identity')).toBe(arn);

  // The first table of the identity dashboard lists the chosen identity's attributes.
  const [summary] = bundledDashboard(IDENTITY_DASHBOARD_UID).panels.filter((panel) => panel.type === 'table');
  const panel = page.locator(resolveGrafanaSelector(selectors.components.Panels.Panel.title(summary.title)));
  await expect(panel.getByText(arn, { exact: true })).toBeVisible();
}
