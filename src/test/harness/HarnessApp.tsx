import React, { startTransition, useEffect, useState } from 'react';
import { Route, Router, Routes, useParams } from 'react-router-dom';
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { getBackendSrv, locationService } from '@grafana/runtime';
import { Alert, LoadingPlaceholder, useStyles2 } from '@grafana/ui';

import { AppRootHarness, applyPluginSettings, ConfigPageHarness, type StoredSettings } from './AppHarness';
import { PanelHarness } from './PanelHarness';
import { APP_ID, HARNESS_ENTRIES } from './registry';

/** Routes the harness URL to a page of the app, the configuration page or a panel, like Grafana's router. */
export function HarnessApp() {
  const styles = useStyles2(getStyles);
  const history = locationService.getHistory();
  const [location, setLocation] = useState(locationService.getLocation());
  const [settings, setSettings] = useState<StoredSettings | undefined>(undefined);

  useEffect(() => {
    // Like react-router's v7_startTransition behaviour, a navigation is a transition, so a page that is still loading
    // keeps the previous page on screen instead of suspending a click's synchronous update.
    const subscription = locationService
      .getLocationObservable()
      .subscribe((next) => startTransition(() => setLocation(next)));
    return () => subscription.unsubscribe();
  }, []);

  useEffect(() => {
    getBackendSrv()
      .get<StoredSettings>(`/api/plugins/${APP_ID}/settings`)
      .then((loaded) => {
        applyPluginSettings(loaded);
        setSettings(loaded);
      });
  }, []);

  if (!settings) {
    return <LoadingPlaceholder text="Loading the plugin settings" />;
  }

  return (
    <main className={styles.main}>
      <Router navigator={history} location={location}>
        <Routes>
          <Route path={`/a/${APP_ID}/*`} element={<AppRootHarness settings={settings} />} />
          <Route path={`/plugins/${APP_ID}`} element={<ConfigPageHarness settings={settings} />} />
          <Route path="/harness/panels/:id" element={<PanelRoute />} />
          <Route path="*" element={<NotInHarness path={location.pathname} />} />
        </Routes>
      </Router>
    </main>
  );
}

function PanelRoute() {
  const { id } = useParams();
  const entry = HARNESS_ENTRIES.find((candidate) => candidate.kind === 'panel' && candidate.id === id);

  return entry?.kind === 'panel' ? <PanelHarness entry={entry} /> : <NotInHarness path={`/harness/panels/${id}`} />;
}

/** Renders a notice for a Grafana route outside the harness, such as a dashboard, so tests can check the URL. */
function NotInHarness({ path }: { path: string }) {
  return (
    <Alert severity="info" title="Not part of the harness" data-testid="harness-not-in-harness">
      Grafana would show {path} here.
    </Alert>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  main: css({ padding: theme.spacing(2, 3), minHeight: '100vh', background: theme.colors.background.canvas }),
});
