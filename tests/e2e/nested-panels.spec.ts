// The app's nested panel plugins on the bundled dashboards, in a real Grafana: Grafana loads them from dist/, they draw
// the demo data, and a click on a role in the trust graph opens that role's Identity page.
import { expect, test } from '@grafana/plugin-e2e';

import { testIds } from '../../src/components/testIds';
import { identityPageUrl } from '../../src/constants';
import { matrixTestIds, panelTestIds as matrixMessages } from '../../src/panels/permissionmatrix/testIds';
import { panelTestIds as graphMessages, trustGraphTestIds } from '../../src/panels/trustgraph/testIds';
import { watchDataQueries } from './dataQueries';
import { escapeRegExp } from './regexp';
import { dashboardWithPanelType, demoIdentities, nestedPanelId, panelOfType } from './targets';

const trustGraphId = nestedPanelId('trustgraph');
const permissionMatrixId = nestedPanelId('permissionmatrix');

test.describe('trust graph panel', () => {
  test('draws the demo trusts and opens a role', async ({ gotoDashboardPage, page }) => {
    const queries = watchDataQueries(page);
    const dashboard = dashboardWithPanelType(trustGraphId);
    const dashboardPage = await gotoDashboardPage({ uid: dashboard.uid });

    const panel = dashboardPage.getPanelByTitle(panelOfType(dashboard, trustGraphId).title);
    await panel.scrollIntoView();
    await expect(panel.locator.getByTestId(trustGraphTestIds.graph)).toBeVisible();
    for (const message of [graphMessages.failed, graphMessages.unreadable, graphMessages.empty]) {
      await expect(panel.locator.getByTestId(message)).toHaveCount(0);
    }

    const role = panel.locator.getByLabel(`Open the identity page of ${demoIdentities.vendorMonitoring}`, {
      exact: true,
    });
    await role.scrollIntoViewIfNeeded();
    await role.click();

    await expect(page).toHaveURL(new RegExp(`${escapeRegExp(identityPageUrl(demoIdentities.vendorMonitoring))}$`));
    await expect(page.getByTestId(testIds.identity.summary)).toContainText(demoIdentities.vendorMonitoring);
    expect(await queries.failures()).toEqual([]);
  });
});

test.describe('permission matrix panel', () => {
  test('draws the services of an admin-equivalent role', async ({ gotoDashboardPage, page }) => {
    const queries = watchDataQueries(page);
    const arn = demoIdentities.productionAdministrator;
    const dashboard = dashboardWithPanelType(permissionMatrixId);
    const dashboardPage = await gotoDashboardPage({
      uid: dashboard.uid,
      queryParams: new URLSearchParams({ 'var-identity': arn }),
    });

    const panel = dashboardPage.getPanelByTitle(panelOfType(dashboard, permissionMatrixId).title);
    await panel.scrollIntoView();
    await expect(panel.locator.getByTestId(matrixTestIds.grid)).toBeVisible();
    for (const message of [matrixMessages.failed, matrixMessages.unreadable, matrixMessages.empty]) {
      await expect(panel.locator.getByTestId(message)).toHaveCount(0);
    }

    // AdministratorAccess grants every service, so the role's row has a cell in the columns on screen.
    const cells = panel.locator.locator(`[data-testid^="${matrixTestIds.cell(arn, '')}"]`);
    await expect(cells.first()).toBeVisible();
    expect(await cells.count()).toBeGreaterThan(1);
    expect(await queries.failures()).toEqual([]);
  });
});
