import React from 'react';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { getBackendSrv, type BackendSrvRequest } from '@grafana/runtime';

import { failWith, fetchError, respondWith, sqlOf, tableResponse } from '../../test/dsQuery';
import { appMeta } from '../../test/pluginMeta';
import { testIds } from '../testIds';
import AppConfig, { type AppConfigProps } from './AppConfig';

jest.mock('@grafana/runtime', () => ({
  ...jest.requireActual('@grafana/runtime'),
  getBackendSrv: jest.fn(),
}));

const fetchMock = jest.fn();
const reloadMock = jest.fn();
const originalLocation = window.location;

beforeEach(() => {
  fetchMock.mockReset();
  reloadMock.mockReset();
  jest.mocked(getBackendSrv).mockReturnValue({ fetch: fetchMock } as unknown as ReturnType<typeof getBackendSrv>);
  jest.spyOn(console, 'warn').mockImplementation(() => undefined);
  // jsdom does not implement page reloads.
  Object.defineProperty(window, 'location', { configurable: true, value: { ...originalLocation, reload: reloadMock } });
});

afterEach(() => {
  jest.restoreAllMocks();
  Object.defineProperty(window, 'location', { configurable: true, value: originalLocation });
});

function renderConfig(datasourceUid?: string) {
  const props = { plugin: { meta: appMeta({ datasourceUid }) }, query: {} } as unknown as AppConfigProps;

  return render(<AppConfig {...props} />);
}

function uidInput(): HTMLInputElement {
  return screen.getByTestId(testIds.appConfig.datasourceUid);
}

const MIGRATION = tableResponse(
  '',
  [
    { name: 'version', type: 'string' },
    { name: 'name', type: 'string' },
    { name: 'applied_at', type: 'time' },
  ],
  [['0003', 'identities', Date.UTC(2026, 10, 1, 12, 0, 0)]]
);

describe('AppConfig', () => {
  test('shows the default datasource uid', () => {
    renderConfig();

    expect(uidInput()).toHaveValue('openciem-postgres');
  });

  test('shows the configured datasource uid', () => {
    renderConfig('ciem-pg');

    expect(uidInput()).toHaveValue('ciem-pg');
  });

  test('saves the uid in jsonData and reloads', async () => {
    fetchMock.mockReturnValue(respondWith({ message: 'Plugin settings updated' }));
    renderConfig();

    fireEvent.change(uidInput(), { target: { value: ' ciem-pg ' } });
    fireEvent.click(screen.getByTestId(testIds.appConfig.save));

    await waitFor(() => expect(reloadMock).toHaveBeenCalledTimes(1));
    const request: BackendSrvRequest = fetchMock.mock.calls[0][0];
    expect(request.url).toBe('/api/plugins/openciem-entitlements-app/settings');
    expect(request.data).toEqual({ enabled: true, pinned: true, jsonData: { datasourceUid: 'ciem-pg' } });
  });

  test('rejects an invalid uid before saving', () => {
    renderConfig();

    fireEvent.change(uidInput(), { target: { value: 'not a uid' } });

    expect(
      screen.getByText('A datasource uid contains only letters, digits, hyphens and underscores.')
    ).toBeInTheDocument();
    expect(screen.getByTestId(testIds.appConfig.save)).toBeDisabled();
    fireEvent.submit(uidInput().closest('form')!);
    expect(fetchMock).not.toHaveBeenCalled();
  });

  test('explains a failed save', async () => {
    fetchMock.mockReturnValue(failWith(fetchError(403, { message: 'Permission denied' }, 'Forbidden')));
    renderConfig();

    fireEvent.click(screen.getByTestId(testIds.appConfig.save));

    const alert = await screen.findByRole('alert');
    expect(within(alert).getByText('The settings were not saved')).toBeInTheDocument();
    expect(
      within(alert).getByText(
        'Grafana rejected the settings because only an organization administrator may change them.'
      )
    ).toBeInTheDocument();
    expect(reloadMock).not.toHaveBeenCalled();
  });

  test('tests the datasource that was typed', async () => {
    fetchMock.mockReturnValue(respondWith(MIGRATION));
    renderConfig();

    fireEvent.change(uidInput(), { target: { value: 'ciem-pg' } });
    fireEvent.click(screen.getByTestId(testIds.appConfig.test));

    const alert = await screen.findByRole('status');
    expect(within(alert).getByText('Datasource ciem-pg works')).toBeInTheDocument();
    const request: BackendSrvRequest = fetchMock.mock.calls[0][0];
    expect(request.data.queries[0].datasource.uid).toBe('ciem-pg');
    expect(sqlOf(request)).toContain('FROM ciem.schema_migrations');
  });

  test('explains a datasource that fails the test', async () => {
    fetchMock.mockReturnValue(failWith(fetchError(404, { message: 'Data source not found' }, 'Not Found')));
    renderConfig('gone');

    fireEvent.click(screen.getByTestId(testIds.appConfig.test));

    const alert = await screen.findByRole('alert');
    expect(within(alert).getByText('Datasource gone does not work')).toBeInTheDocument();
    expect(
      within(alert).getByText(
        'The datasource gone was not found. Provision it, or set another uid on the Configuration page.'
      )
    ).toBeInTheDocument();
  });
});
