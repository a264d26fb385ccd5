// The pages and panels that the browser harness mounts. The browser bundle renders them and the browser tests and
// `npm run screenshots` open each one, so a new page or panel needs one entry here. This file contains data only, so
// that the node side can read it without loading React.
import { buildPermissionMatrixQuery } from '../../panels/permissionmatrix/query';
import { buildTrustGraphQuery } from '../../panels/trustgraph/query';

export const APP_ID = 'openciem-entitlements-app';

interface EntryBase {
  /** Name of the entry, used in test names and screenshot file names. */
  id: string;
  /** URL path the harness opens, as in Grafana. */
  route: string;
  /** CSS selector of an element that appears once the entry shows its data. */
  readySelector: string;
}

/** A page of the app: any route under /a/openciem-entitlements-app/, rendered by the app's root page. */
export interface AppPageEntry extends EntryBase {
  kind: 'app-page';
}

/** The app's configuration page, at Grafana's /plugins/<id> route. */
export interface ConfigPageEntry extends EntryBase {
  kind: 'config-page';
}

/** A nested panel plugin, fed by one SQL query through /api/ds/query. */
export interface PanelEntry extends EntryBase {
  kind: 'panel';
  /** Folder of the panel under src/panels, which contains its module.tsx. */
  folder: string;
  title: string;
  sql: string;
  width: number;
  height: number;
}

export type HarnessEntry = AppPageEntry | ConfigPageEntry | PanelEntry;

const testId = (id: string) => `[data-testid="${id}"]`;

export const HARNESS_ENTRIES: HarnessEntry[] = [
  {
    id: 'home',
    kind: 'app-page',
    route: `/a/${APP_ID}/home`,
    readySelector: testId('data-testid openciem-home-count-Users'),
  },
  {
    id: 'identities',
    kind: 'app-page',
    route: `/a/${APP_ID}/identities`,
    readySelector: `${testId('data-testid openciem-identities')} table tbody tr`,
  },
  {
    id: 'configuration',
    kind: 'config-page',
    route: `/plugins/${APP_ID}`,
    readySelector: testId('data-testid openciem-config-datasource-uid'),
  },
  {
    id: 'trust-graph',
    kind: 'panel',
    route: '/harness/panels/trust-graph',
    folder: 'trustgraph',
    title: 'Cross-account trust',
    // The real exports of cloudsplaining (200611803367) and cloudmapper (123456789012).
    sql: buildTrustGraphQuery(['200611803367', '123456789012']),
    width: 1200,
    height: 720,
    readySelector: testId('openciem-trustgraph'),
  },
  {
    id: 'permission-matrix',
    kind: 'panel',
    route: '/harness/panels/permission-matrix',
    folder: 'permissionmatrix',
    title: 'Highest access level per service',
    sql: buildPermissionMatrixQuery(),
    width: 1200,
    height: 620,
    readySelector: testId('openciem-permissionmatrix-grid'),
  },
];

/** Returns the entry with this id; throws when there is none, naming the ids there are. */
export function harnessEntry(id: string): HarnessEntry {
  const entry = HARNESS_ENTRIES.find((candidate) => candidate.id === id);
  if (!entry) {
    throw new Error(`No harness entry ${id}; the entries are ${HARNESS_ENTRIES.map((e) => e.id).join(', ')}`);
  }

  return entry;
}
