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
  /** Screenshot the whole page rather than the viewport, for pages whose data starts below the fold. */
  fullPage?: boolean;
  /** Accessible names of the buttons that the screenshot clicks first, in order, such as a tree's toggles. */
  expand?: string[];
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

/** The Identity page's address of a Kubernetes, Google Cloud or Azure identity, as the Identities page links it. */
const cloudIdentityRoute = (cloud: string, account: string, id: string) =>
  `/a/${APP_ID}/identity?${new URLSearchParams({ cloud, account, id }).toString()}`;

export const HARNESS_ENTRIES: HarnessEntry[] = [
  {
    id: 'home',
    kind: 'app-page',
    route: `/a/${APP_ID}/home`,
    readySelector: testId('data-testid openciem-home-count-aws'),
  },
  {
    id: 'identities',
    kind: 'app-page',
    route: `/a/${APP_ID}/identities`,
    readySelector: `${testId('data-testid openciem-identities')} table tbody tr`,
  },
  {
    id: 'identity',
    kind: 'app-page',
    // A role of the cloudsplaining export that holds AdministratorAccess: the largest tree.
    route: `/a/${APP_ID}/identity?arn=${encodeURIComponent('arn:aws:iam::200611803367:role/OrganizationAccountAccessRole')}`,
    readySelector: testId('data-testid openciem-identity-tree'),
  },
  {
    id: 'identity-gcp',
    kind: 'app-page',
    // A demo service account with Editor in its own project and in acme-prod, where a deny policy applies.
    route: cloudIdentityRoute('gcp', 'acme-sandbox', 'serviceAccount:ci-runner@acme-sandbox.iam.gserviceaccount.com'),
    readySelector: testId('data-testid openciem-identity-tree'),
    fullPage: true,
    expand: ['Expand group storage', 'Expand grants of storage.buckets.delete at project projects/acme-prod'],
  },
  {
    id: 'identity-azure',
    kind: 'app-page',
    // The demo principal with Contributor on the subscription.
    route: cloudIdentityRoute('azure', '3f2504e0-4f89-41d3-9a0c-0305e82c3301', '1d0a5b1e-7c1f-4f0e-9a51-0a11ce000004'),
    readySelector: testId('data-testid openciem-identity-tree'),
    fullPage: true,
    expand: [
      'Expand group *',
      'Expand grants of * at subscription /subscriptions/3f2504e0-4f89-41d3-9a0c-0305e82c3301',
    ],
  },
  {
    id: 'identity-kubernetes',
    kind: 'app-page',
    // A demo user with admin in one namespace and the cluster's default grants.
    route: cloudIdentityRoute('kubernetes', 'acme-prod', 'User:alice@acme.example'),
    readySelector: testId('data-testid openciem-identity-tree'),
    fullPage: true,
    expand: ['Expand group core/secrets', 'Expand grants of create secrets at namespace payments, in acme-prod'],
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
