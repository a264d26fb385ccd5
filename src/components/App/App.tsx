import React, { lazy, Suspense } from 'react';
import { Route, Routes } from 'react-router-dom';
import type { AppRootProps } from '@grafana/data';
import { LoadingPlaceholder } from '@grafana/ui';

import { ROUTES } from '../../constants';
import { AppErrorBoundary } from '../AppErrorBoundary/AppErrorBoundary';

const Home = lazy(() => import('../../pages/Home'));
const Identities = lazy(() => import('../../pages/Identities'));
const Identity = lazy(() => import('../../pages/Identity'));

// The pages read the plugin settings through usePluginContext, so the root page does not pass its props on.
function App(_props: AppRootProps) {
  return (
    <AppErrorBoundary>
      <Suspense fallback={<LoadingPlaceholder text="Loading page" />}>
        <Routes>
          <Route path={ROUTES.Home} element={<Home />} />
          <Route path={ROUTES.Identities} element={<Identities />} />
          <Route path={ROUTES.Identity} element={<Identity />} />
          <Route path="*" element={<Home />} />
        </Routes>
      </Suspense>
    </AppErrorBoundary>
  );
}

export default App;
