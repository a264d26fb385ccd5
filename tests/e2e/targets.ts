// What the end-to-end specs open and expect, read from the repository instead of retyped: the plugin id and routes
// from src/, the bundled dashboards from plugin.json and dashboards/, and the identities from the demo organisation
// that `docker compose up` loads.
import { readFileSync } from 'node:fs';
import path from 'node:path';

import { demoAccounts, generateDemoOrganisation } from '../../cli/demo/organisation';
import pluginJson from '../../src/plugin.json';

const repositoryRoot = path.resolve(__dirname, '..', '..');

export const PLUGIN_ID = pluginJson.id;

/** A data link of a panel's field, as the dashboard JSON stores it. */
interface DataLink {
  title: string;
  url: string;
}

/** A panel of a bundled dashboard, with the fields the specs read. */
export interface DashboardPanel {
  id: number;
  type: string;
  title: string;
  panels?: DashboardPanel[];
  fieldConfig?: {
    overrides?: Array<{
      matcher: { id: string; options?: unknown };
      properties: Array<{ id: string; value?: unknown }>;
    }>;
  };
}

/** A bundled dashboard: its JSON file and the fields the specs read. */
export interface BundledDashboard {
  file: string;
  uid: string;
  title: string;
  panels: DashboardPanel[];
}

/**
 * Reads every dashboard that plugin.json includes. Their paths are relative to dist/, where the build copies them
 * from the top-level dashboards/ folder.
 */
export function readBundledDashboards(): BundledDashboard[] {
  return pluginJson.includes
    .filter((include) => include.type === 'dashboard')
    .map((include) => {
      const file = path.join(repositoryRoot, include.path);
      const json = JSON.parse(readFileSync(file, 'utf8')) as Omit<BundledDashboard, 'file'>;

      return { file: include.path, uid: json.uid, title: json.title, panels: json.panels };
    });
}

/** Returns the panels of a dashboard, those inside rows included. */
export function allPanels(dashboard: BundledDashboard): DashboardPanel[] {
  return dashboard.panels.flatMap((panel) => [panel, ...(panel.panels ?? [])]).filter((panel) => panel.type !== 'row');
}

/** Returns the bundled dashboard with this uid; throws when plugin.json includes none. */
export function bundledDashboard(uid: string): BundledDashboard {
  const dashboard = readBundledDashboards().find((candidate) => candidate.uid === uid);
  if (!dashboard) {
    throw new Error(`plugin.json includes no dashboard with uid ${uid}`);
  }

  return dashboard;
}

/** Returns the first bundled dashboard with a panel of this plugin type; throws when none has one. */
export function dashboardWithPanelType(type: string): BundledDashboard {
  const dashboard = readBundledDashboards().find((candidate) => allPanels(candidate).some((panel) => panel.type === type));
  if (!dashboard) {
    throw new Error(`No bundled dashboard has a panel of type ${type}`);
  }

  return dashboard;
}

/** Returns the panel of a dashboard that has this plugin type; throws when there is not exactly one. */
export function panelOfType(dashboard: BundledDashboard, type: string): DashboardPanel {
  const matches = allPanels(dashboard).filter((panel) => panel.type === type);
  if (matches.length !== 1) {
    throw new Error(`Dashboard ${dashboard.uid} has ${matches.length} panels of type ${type}, expected one`);
  }

  return matches[0];
}

/**
 * Returns the column of a table panel whose cells link to the dashboard with `uid`, and the link's title for a cell
 * value, as Grafana interpolates ${__value.text}; throws when the panel has no such link.
 */
export function linkedColumn(panel: DashboardPanel, uid: string): { column: string; linkTitle: (value: string) => string } {
  for (const override of panel.fieldConfig?.overrides ?? []) {
    const links = override.properties.find((property) => property.id === 'links')?.value as DataLink[] | undefined;
    const link = links?.find((candidate) => candidate.url.startsWith(`/d/${uid}?`));
    if (override.matcher.id === 'byName' && link) {
      return {
        column: String(override.matcher.options),
        linkTitle: (value) => link.title.replace('${__value.text}', value),
      };
    }
  }

  throw new Error(`Panel "${panel.title}" has no column that links to dashboard ${uid}`);
}

/** Returns the plugin id of a nested panel plugin from its plugin.json under src/. */
export function nestedPanelId(folder: string): string {
  const file = path.join(repositoryRoot, 'src', 'panels', folder, 'plugin.json');
  return (JSON.parse(readFileSync(file, 'utf8')) as { id: string }).id;
}

/** Counts the users, roles and groups of the demo organisation, as the Home page shows them on its AWS card. */
export function demoIdentityCounts(): { users: number; roles: number; groups: number } {
  const counts = { users: 0, roles: 0, groups: 0 };
  for (const account of generateDemoOrganisation()) {
    const details = account.authorizationDetails as Record<string, unknown[] | undefined>;
    counts.users += details.UserDetailList?.length ?? 0;
    counts.roles += details.RoleDetailList?.length ?? 0;
    counts.groups += details.GroupDetailList?.length ?? 0;
  }

  return counts;
}

/** Identities of the demo organisation that the specs open. */
export const demoIdentities = {
  /** Holds AdministratorAccess and no boundary, so it is admin-equivalent and its tree is the largest. */
  productionAdministrator: `arn:aws:iam::${demoAccounts.production}:role/OrganizationAccountAccessRole`,
  /** Trusted by the vendor account outside the organisation, so the trust graph draws it under every filter. */
  vendorMonitoring: `arn:aws:iam::${demoAccounts.production}:role/VendorMonitoring`,
};

/** The production account, used to narrow the identities dashboard so the identity's row is on screen. */
export const productionAccount = demoAccounts.production;
