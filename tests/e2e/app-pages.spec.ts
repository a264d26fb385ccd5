// The app's pages in a real Grafana, on the demo organisation that docker compose loads: each page renders its data,
// and no query that a page sends fails.
import { expect, test } from '@grafana/plugin-e2e';

import { testIds } from '../../src/components/testIds';
import { DEFAULT_DATASOURCE_UID, identityPageUrl, ROUTES } from '../../src/constants';
import { watchDataQueries } from './dataQueries';
import { escapeRegExp } from './regexp';
import { demoIdentities, demoIdentityCounts, PLUGIN_ID } from './targets';

test.describe('app pages', () => {
  test('Home shows the demo identity counts', async ({ gotoAppPage, page }) => {
    const queries = watchDataQueries(page);
    await gotoAppPage({ pluginId: PLUGIN_ID, path: ROUTES.Home });

    const counts = demoIdentityCounts();
    const aws = page.getByTestId(testIds.home.identityCount('aws'));
    await expect(aws).toContainText(`${counts.users} user`);
    await expect(aws).toContainText(`${counts.roles} role`);
    await expect(aws).toContainText(`${counts.groups} group`);
    for (const cloud of ['gcp', 'azure', 'kubernetes']) {
      await expect(page.getByTestId(testIds.home.identityCount(cloud))).toBeVisible();
    }
    expect(await queries.failures()).toEqual([]);
  });

  test('Identities finds a demo role by name', async ({ gotoAppPage, page }) => {
    const queries = watchDataQueries(page);
    await gotoAppPage({ pluginId: PLUGIN_ID, path: ROUTES.Identities });

    const table = page.getByTestId(testIds.identities.table);
    await expect(table.locator('tbody tr').first()).toBeVisible();
    await page.getByTestId(testIds.identities.search).fill('VendorMonitoring');
    await expect(table.locator('tbody tr')).toHaveCount(1);
    await expect(table.getByRole('link', { name: 'VendorMonitoring', exact: true })).toBeVisible();
    expect(await queries.failures()).toEqual([]);
  });

  test('Identities links a row to its Identity page', async ({ gotoAppPage, page }) => {
    await gotoAppPage({ pluginId: PLUGIN_ID, path: ROUTES.Identities });
    await page.getByTestId(testIds.identities.search).fill('VendorMonitoring');

    const table = page.getByTestId(testIds.identities.table);
    await expect(table.locator('tbody tr')).toHaveCount(1);
    await table.getByRole('link', { name: 'VendorMonitoring', exact: true }).click();

    await expect(page).toHaveURL(new RegExp(`${escapeRegExp(identityPageUrl(demoIdentities.vendorMonitoring))}$`));
    await expect(page.getByTestId(testIds.identity.summary)).toContainText(demoIdentities.vendorMonitoring);
  });

  test('Identity shows an admin-equivalent role and expands its tree', async ({ page }) => {
    const queries = watchDataQueries(page);
    await page.goto(identityPageUrl(demoIdentities.productionAdministrator));

    await expect(page.getByTestId(testIds.identity.summary)).toContainText(demoIdentities.productionAdministrator);
    await expect(page.getByTestId(testIds.identity.findings)).toContainText(/admin/i);

    // The first level of the tree is one row per service; opening a service shows its access levels, and opening a
    // level loads its actions.
    const tree = page.getByTestId(testIds.identity.tree);
    const service = tree.locator('[role="treeitem"][aria-level="1"]').first();
    await expect(service).toBeVisible();
    await service.getByRole('button', { name: /^Expand service / }).click();

    const level = tree.locator('[role="treeitem"][aria-level="2"]').first();
    await expect(level).toBeVisible();
    await level.getByRole('button', { name: /^Expand / }).click();
    await expect(tree.locator('[role="treeitem"][aria-level="3"]').first()).toBeVisible();
    expect(await queries.failures()).toEqual([]);
  });

  test('Configuration finds the migrated demo database', async ({ gotoAppConfigPage, page }) => {
    const queries = watchDataQueries(page);
    await gotoAppConfigPage({ pluginId: PLUGIN_ID });

    await expect(page.getByTestId(testIds.appConfig.datasourceUid)).toHaveValue(DEFAULT_DATASOURCE_UID);
    await page.getByTestId(testIds.appConfig.test).click();
    await expect(page.getByText(`Datasource ${DEFAULT_DATASOURCE_UID} works`, { exact: true })).toBeVisible();
    expect(await queries.failures()).toEqual([]);
  });
});
