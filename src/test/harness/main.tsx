// Entry point of the browser harness: the real @grafana/ui, @grafana/data and @grafana/runtime, with Grafana's
// services replaced by ones that talk to the harness server (tests/browser/harness/server.ts).
import React from 'react';
import { createRoot } from 'react-dom/client';
import { patchArrayVectorProrotypeMethods, ThemeContext } from '@grafana/data';
import { config, setBackendSrv, type BackendSrv } from '@grafana/runtime';
import { GlobalStyles } from '@grafana/ui';

import { HarnessBackendSrv } from './backendSrv';
import { HarnessApp } from './HarnessApp';
import { interceptLinkClicks } from './interceptLinks';
import { registerOptionEditors } from './optionEditors';

// Grafana gives arrays the get() of its former Vector type, which DataFrameView still calls. @grafana/data applies
// the patch when its module loads, but a bundle that honours the package's sideEffects: false drops that module.
patchArrayVectorProrotypeMethods();

// The harness page sets window.grafanaBootData with the theme that the test requested, so config.theme2 is that theme.
const theme = config.theme2;

registerOptionEditors();
setBackendSrv(new HarnessBackendSrv() as unknown as BackendSrv);
interceptLinkClicks();

const container = document.getElementById('root');
if (!container) {
  throw new Error('The harness page has no #root element');
}

createRoot(container).render(
  <ThemeContext.Provider value={theme}>
    <GlobalStyles />
    <HarnessApp />
  </ThemeContext.Provider>
);
