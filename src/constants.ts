import pluginJson from './plugin.json';

export const PLUGIN_ID = pluginJson.id;

export const PLUGIN_BASE_URL = `/a/${PLUGIN_ID}`;

export enum ROUTES {
  Home = 'home',
  Identities = 'identities',
  Identity = 'identity',
}

/** Returns the URL of the Identity page of one identity. */
export function identityPageUrl(identityArn: string): string {
  return `${PLUGIN_BASE_URL}/${ROUTES.Identity}?arn=${encodeURIComponent(identityArn)}`;
}

/** UID of the identity dashboard, whose variable identity takes the ARN. */
export const IDENTITY_DASHBOARD_UID = 'openciem-identity';

/** Returns the URL of the identity dashboard for one identity. */
export function identityDashboardUrl(identityArn: string): string {
  return `/d/${IDENTITY_DASHBOARD_UID}?var-identity=${encodeURIComponent(identityArn)}`;
}

/** UID that the OpenCIEM provisioning gives its PostgreSQL datasource. */
export const DEFAULT_DATASOURCE_UID = 'openciem-postgres';

/** Plugin id of Grafana's built-in PostgreSQL datasource since Grafana 10.2.3 (`postgres` is its alias). */
export const POSTGRES_DATASOURCE_TYPE = 'grafana-postgresql-datasource';

/** UID of the identities dashboard that the app bundles. */
export const IDENTITIES_DASHBOARD_UID = 'openciem-identities';
