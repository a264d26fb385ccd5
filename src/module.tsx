import React, { lazy, Suspense } from 'react';
import { AppPlugin } from '@grafana/data';
import { LoadingPlaceholder } from '@grafana/ui';

import type { AppConfigProps } from './components/AppConfig/AppConfig';
import type { AppSettings } from './services/settings';

// Everything imported here ends up in module.js, which Grafana loads before it shows any page of the app, so the pages
// are imported lazily.
const App = lazy(() => import('./components/App/App'));
const LazyAppConfig = lazy(() => import('./components/AppConfig/AppConfig'));

// Grafana shows its own loading state while the root page loads, but not while a configuration page loads.
const AppConfig = (props: AppConfigProps) => (
  <Suspense fallback={<LoadingPlaceholder text="Loading the configuration" />}>
    <LazyAppConfig {...props} />
  </Suspense>
);

export const plugin = new AppPlugin<AppSettings>().setRootPage(App).addConfigPage({
  title: 'Configuration',
  icon: 'cog',
  body: AppConfig,
  id: 'configuration',
});
