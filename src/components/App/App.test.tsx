import React from 'react';
import { MemoryRouter } from 'react-router-dom';
import { render, screen } from '@testing-library/react';
import { PluginContextProvider, type AppRootProps } from '@grafana/data';
import { getBackendSrv } from '@grafana/runtime';

import { fixtureResponse } from '../../test/fixtures';
import { appMeta } from '../../test/pluginMeta';
import { testIds } from '../testIds';
import App from './App';

jest.mock('@grafana/runtime', () => ({
  ...jest.requireActual('@grafana/runtime'),
  getBackendSrv: jest.fn(),
}));

// The pages load lazily, and the first import of a page and its @grafana/ui components takes jsdom several seconds. Each
// test may take that long and a bit more.
const LAZY_PAGE_TIMEOUT_MS = 10_000;

const fetchMock = jest.fn();

beforeEach(() => {
  fetchMock.mockReset();
  // Every page gets the same real result, an empty page of identities; these tests check routing only.
  fetchMock.mockImplementation(() => fixtureResponse('identities-page-no-match'));
  jest.mocked(getBackendSrv).mockReturnValue({ fetch: fetchMock } as unknown as ReturnType<typeof getBackendSrv>);
  jest.spyOn(console, 'warn').mockImplementation(() => undefined);
});

afterEach(() => {
  jest.restoreAllMocks();
});

function renderApp(path: string) {
  const meta = appMeta();
  const props = { basename: '/a/openciem-entitlements-app', meta, query: {}, path } as unknown as AppRootProps;

  return render(
    <MemoryRouter initialEntries={[path]}>
      <PluginContextProvider meta={meta}>
        <App {...props} />
      </PluginContextProvider>
    </MemoryRouter>
  );
}

describe('App', () => {
  test(
    'opens Home by default',
    async () => {
      renderApp('/');

      expect(
        await screen.findByTestId(testIds.home.container, {}, { timeout: LAZY_PAGE_TIMEOUT_MS })
      ).toBeInTheDocument();
    },
    LAZY_PAGE_TIMEOUT_MS + 5_000
  );

  test(
    'opens Home at /home',
    async () => {
      renderApp('/home');

      expect(
        await screen.findByTestId(testIds.home.container, {}, { timeout: LAZY_PAGE_TIMEOUT_MS })
      ).toBeInTheDocument();
    },
    LAZY_PAGE_TIMEOUT_MS + 5_000
  );

  test(
    'opens Identity at /identity',
    async () => {
      renderApp('/identity?arn=arn%3Aaws%3Aiam%3A%3A111122223333%3Auser%2Falice');

      expect(
        await screen.findByTestId(testIds.identity.container, {}, { timeout: LAZY_PAGE_TIMEOUT_MS })
      ).toBeInTheDocument();
    },
    LAZY_PAGE_TIMEOUT_MS + 5_000
  );

  test(
    'opens Identities at /identities',
    async () => {
      renderApp('/identities');

      expect(
        await screen.findByTestId(testIds.identities.container, {}, { timeout: LAZY_PAGE_TIMEOUT_MS })
      ).toBeInTheDocument();
    },
    LAZY_PAGE_TIMEOUT_MS + 5_000
  );
});
