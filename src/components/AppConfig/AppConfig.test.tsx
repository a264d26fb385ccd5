import React from 'react';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { getBackendSrv, type BackendSrvRequest } from '@grafana/runtime';

import { failWith, fetchError, respondWith } from '../../test/dsQuery';
import { answerWithFixtures, fixtureRows } from '../../test/fixtures';
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

const EXPORTS = [
  'setup-migration-exports',
  'setup-source-tables-exports',
  'setup-refresh-exports',
  'setup-snapshot-exports',
];

function settingsRequests(): BackendSrvRequest[] {
  return fetchMock.mock.calls
    .map(([request]: [BackendSrvRequest]) => request)
    .filter((request) => request.url !== '/api/ds/query');
}

function dsQueries(): BackendSrvRequest[] {
  return fetchMock.mock.calls
    .map(([request]: [BackendSrvRequest]) => request)
    .filter((request) => request.url === '/api/ds/query');
}

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
    const request = settingsRequests()[0];
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
    expect(settingsRequests()).toEqual([]);
  });

  test('explains a failed save', async () => {
    const answer = answerWithFixtures(EXPORTS);
    fetchMock.mockImplementation((request: BackendSrvRequest) =>
      request.url === '/api/ds/query'
        ? answer(request)
        : failWith(fetchError(403, { message: 'Permission denied' }, 'Forbidden'))
    );
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

  test('checks the saved datasource on opening', async () => {
    fetchMock.mockImplementation(answerWithFixtures(EXPORTS));

    renderConfig('ciem-pg');

    const alert = await screen.findByRole('status');
    expect(within(alert).getByText('Datasource ciem-pg works')).toBeInTheDocument();
    expect(dsQueries().every((request) => request.data.queries[0].datasource.uid === 'ciem-pg')).toBe(true);
  });

  test('tests the datasource that was typed', async () => {
    fetchMock.mockImplementation(answerWithFixtures(EXPORTS));
    renderConfig();
    await screen.findByText('Datasource openciem-postgres works');

    fireEvent.change(uidInput(), { target: { value: 'ciem-pg' } });
    fireEvent.click(screen.getByTestId(testIds.appConfig.test));

    expect(await screen.findByText('Datasource ciem-pg works')).toBeInTheDocument();
    expect(dsQueries().at(-1)?.data.queries[0].datasource.uid).toBe('ciem-pg');
  });

  test('shows migration, refresh and snapshot', async () => {
    const [migration] = fixtureRows('setup-migration-exports');
    fetchMock.mockImplementation(answerWithFixtures(EXPORTS));

    renderConfig();

    expect(
      await screen.findByText(
        new RegExp(`The ciem schema is at migration ${migration.version} \\(${migration.name}\\)`)
      )
    ).toBeInTheDocument();
    expect(screen.getByText(/^Last refresh finished .* and took \d+\.\d s\.$/)).toBeInTheDocument();
    expect(screen.getByText('No snapshot has been taken, so the trend panels are empty.')).toBeInTheDocument();
  });

  test('lists the CloudQuery tables', async () => {
    fetchMock.mockImplementation(answerWithFixtures(EXPORTS));

    renderConfig();

    const tables = await screen.findByTestId(testIds.setup.sourceTables);
    const roles = within(tables).getByText('aws_iam_roles').closest('tr') as HTMLElement;
    const reports = within(tables).getByText('aws_iam_role_last_accessed_details').closest('tr') as HTMLElement;
    expect(within(roles).getByText('present')).toBeInTheDocument();
    expect(within(reports).getByText('missing (optional)')).toBeInTheDocument();
    expect(within(reports).getByText(/^last accessed information/)).toBeInTheDocument();
  });

  test('gives the command for each missing piece', async () => {
    fetchMock.mockImplementation(
      answerWithFixtures([
        'setup-migration-exports',
        'setup-source-tables-unsynced',
        'setup-refresh-exports',
        'setup-snapshot-exports',
      ])
    );

    renderConfig();

    expect(await screen.findByText('Missing pieces')).toBeInTheDocument();
    expect(screen.getByText(/^Sync the required CloudQuery tables .*aws_iam_users/)).toBeInTheDocument();
    expect(screen.getByText(/# Add to spec.tables of the CloudQuery AWS source/)).toBeInTheDocument();
    expect(screen.getByText('npx openciem snapshot --database-url "$DATABASE_URL"')).toBeInTheDocument();
  });

  test('explains a schema that was never migrated', async () => {
    fetchMock.mockImplementation(
      answerWithFixtures([
        'setup-migration-empty',
        'setup-source-tables-empty',
        'setup-refresh-exports',
        'setup-snapshot-exports',
      ])
    );

    renderConfig();

    expect(await screen.findByText('Datasource openciem-postgres does not work')).toBeInTheDocument();
    expect(
      screen.getByText(
        'ciem.schema_migrations does not exist in the database of datasource openciem-postgres. ' +
          'Run openciem migrate against that database, or set the uid of another datasource on the Configuration page.'
      )
    ).toBeInTheDocument();
  });

  test('explains a datasource that fails the test', async () => {
    fetchMock.mockReturnValue(failWith(fetchError(404, { message: 'Data source not found' }, 'Not Found')));
    renderConfig('gone');

    fireEvent.click(screen.getByTestId(testIds.appConfig.test));

    const alert = await screen.findByRole('alert', { name: 'Datasource gone does not work' });
    expect(
      within(alert).getByText(
        'The datasource gone was not found. Provision it, or set another uid on the Configuration page.'
      )
    ).toBeInTheDocument();
    expect(screen.queryByTestId(testIds.setup.sourceTables)).not.toBeInTheDocument();
  });
});
