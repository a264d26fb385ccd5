// Every dashboard that plugin.json bundles, in a real Grafana on the demo data: it was imported when the app was
// enabled, every panel renders without an error, and every query Grafana sends for it succeeds.
import { expect, test } from '@grafana/plugin-e2e';

import { watchDataQueries } from './dataQueries';
import { escapeRegExp } from './regexp';
import { allPanels, demoIdentities, readBundledDashboards } from './targets';

// Grafana mounts a panel only once it scrolls into view, and the specs scroll through each dashboard in steps.
test.describe.configure({ timeout: 120_000 });

// Dashboards without an identity variable ignore the parameter.
const identityParams = () => new URLSearchParams({ 'var-identity': demoIdentities.productionAdministrator });

for (const dashboard of readBundledDashboards()) {
  test(`dashboard ${dashboard.uid} renders every panel without an error`, async ({ gotoDashboardPage, page }) => {
    const queries = watchDataQueries(page);
    const dashboardPage = await gotoDashboardPage({ uid: dashboard.uid, queryParams: identityParams() });

    // Grafana shows "Dashboard not found" under another title when the app did not import the dashboard.
    await expect(page).toHaveTitle(new RegExp(`^${escapeRegExp(dashboard.title)} - `));
    await dashboardPage.waitForPanelsQueriesToComplete({ scrollAll: true });

    // A title with a variable, such as ${identity:text}, is shown interpolated; the panel error check below covers it.
    const titled = allPanels(dashboard).filter((panel) => !panel.title.includes('$'));
    for (const panel of titled) {
      const onScreen = dashboardPage.getPanelByTitle(panel.title);
      await onScreen.scrollIntoView();
      await expect(onScreen.locator, `panel "${panel.title}"`).toBeVisible();
      await expect(onScreen.getErrorIcon(), `error icon of panel "${panel.title}"`).toHaveCount(0);
    }

    await expect(dashboardPage).not.toHavePanelErrors();
    expect(queries.count()).toBeGreaterThan(0);
    expect(await queries.failures()).toEqual([]);
  });
}
