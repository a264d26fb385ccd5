import React from 'react';
import { PluginContextProvider } from '@grafana/data';

import { plugin } from '../../module';
import type { AppSettings } from '../../services/settings';
import { appMeta } from '../pluginMeta';
import { APP_ID } from './registry';

/** The app's settings as Grafana's /api/plugins/<id>/settings returns them. */
export interface StoredSettings {
  enabled: boolean;
  pinned: boolean;
  jsonData: AppSettings;
}

function metaOf(settings: StoredSettings) {
  return { ...appMeta(settings.jsonData), enabled: settings.enabled, pinned: settings.pinned };
}

/** Renders the app's root page as Grafana renders it under /a/<plugin id>/. */
export function AppRootHarness({ settings }: { settings: StoredSettings }) {
  const meta = metaOf(settings);
  const Root = plugin.root;
  if (!Root) {
    throw new Error('src/module.tsx sets no root page');
  }

  // Grafana 12.4 still passes query, path and onNavChanged, which AppRootProps marks deprecated but requires.
  const legacyProps = { query: {}, path: `/a/${APP_ID}`, onNavChanged: () => undefined };

  return (
    <PluginContextProvider meta={meta}>
      <Root meta={meta} basename={`/a/${APP_ID}`} {...legacyProps} />
    </PluginContextProvider>
  );
}

/** Sets the app plugin's meta from the loaded settings, as Grafana does before it renders a configuration page. */
export function applyPluginSettings(settings: StoredSettings): void {
  plugin.meta = metaOf(settings);
}

/** Renders the app's first configuration page as Grafana renders it under /plugins/<plugin id>. */
export function ConfigPageHarness({ settings }: { settings: StoredSettings }) {
  const meta = metaOf(settings);
  const [page] = plugin.configPages ?? [];
  if (!page) {
    throw new Error('src/module.tsx adds no configuration page');
  }

  const Body = page.body;

  return (
    <PluginContextProvider meta={meta}>
      <Body plugin={plugin} query={{}} />
    </PluginContextProvider>
  );
}
