import { PluginType, type AppPluginMeta } from '@grafana/data';

import type { AppSettings } from '../services/settings';

/** Builds the plugin meta that Grafana passes to the app's pages and configuration page. */
export function appMeta(jsonData: AppSettings = {}): AppPluginMeta<AppSettings> {
  return {
    id: 'openciem-entitlements-app',
    name: 'OpenCIEM',
    type: PluginType.app,
    enabled: true,
    pinned: true,
    jsonData,
    module: 'public/plugins/openciem-entitlements-app/module.js',
    baseUrl: 'public/plugins/openciem-entitlements-app',
    info: {
      author: { name: 'OpenCIEM contributors' },
      description: '',
      links: [],
      logos: { small: '', large: '' },
      screenshots: [],
      updated: '',
      version: '0.1.0',
    },
  };
}
