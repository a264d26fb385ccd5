import { usePluginContext } from '@grafana/data';

import { resolveDatasourceUid, type AppSettings } from '../services/settings';

/** Returns the UID of the PostgreSQL datasource that the app pages query. */
export function useDatasourceUid(): string {
  // Grafana wraps an app's root page in a PluginContextProvider that carries the plugin settings.
  const context = usePluginContext<AppSettings>();

  return resolveDatasourceUid(context?.meta.jsonData);
}
