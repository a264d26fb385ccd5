import pluginJson from './plugin.json';

export const PLUGIN_ID = pluginJson.id;

export const PLUGIN_BASE_URL = `/a/${PLUGIN_ID}`;

export enum ROUTES {
  Home = 'home',
  Identities = 'identities',
}

/** UID that the OpenCIEM provisioning gives its PostgreSQL datasource. */
export const DEFAULT_DATASOURCE_UID = 'openciem-postgres';

/** Plugin id of Grafana's built-in PostgreSQL datasource since Grafana 10.2.3 (`postgres` is its alias). */
export const POSTGRES_DATASOURCE_TYPE = 'grafana-postgresql-datasource';

/** UID of the identities dashboard that the app bundles. */
export const IDENTITIES_DASHBOARD_UID = 'openciem-identities';
