import React from 'react';
import { act, fireEvent, render, screen, within } from '@testing-library/react';
import { PluginContextProvider } from '@grafana/data';
import { getBackendSrv, type BackendSrvRequest } from '@grafana/runtime';

import { testIds } from '../components/testIds';
import { failWith, fetchError, respondWith, sqlOf } from '../test/dsQuery';
import { identitiesResponse, noIdentitiesResponse } from '../test/identityResponses';
import { appMeta } from '../test/pluginMeta';
import Identities, { SEARCH_DELAY_MS } from './Identities';

jest.mock('@grafana/runtime', () => ({
  ...jest.requireActual('@grafana/runtime'),
  getBackendSrv: jest.fn(),
}));

const fetchMock = jest.fn();

beforeEach(() => {
  fetchMock.mockReset();
  jest.mocked(getBackendSrv).mockReturnValue({ fetch: fetchMock } as unknown as ReturnType<typeof getBackendSrv>);
  jest.spyOn(console, 'warn').mockImplementation(() => undefined);
});

afterEach(() => {
  jest.restoreAllMocks();
  jest.useRealTimers();
});

function renderIdentities(datasourceUid?: string) {
  return render(
    <PluginContextProvider meta={appMeta({ datasourceUid })}>
      <Identities />
    </PluginContextProvider>
  );
}

function requestedSql(): string[] {
  return fetchMock.mock.calls.map(([request]: [BackendSrvRequest]) => sqlOf(request));
}

describe('Identities page', () => {
  test('lists the identities of the view', async () => {
    fetchMock.mockReturnValue(respondWith(identitiesResponse()));

    renderIdentities();

    expect(await screen.findByText('arn:aws:iam::111122223333:user/alice')).toBeInTheDocument();
    expect(screen.getByText('deploy-bot')).toBeInTheDocument();
    expect(screen.getByText('AWSServiceRoleForSupport')).toBeInTheDocument();
    expect(screen.getByText('service-linked')).toBeInTheDocument();
  });

  test('queries the configured datasource', async () => {
    fetchMock.mockReturnValue(respondWith(identitiesResponse()));

    renderIdentities('ciem-pg');

    await screen.findByText('alice');
    const request: BackendSrvRequest = fetchMock.mock.calls[0][0];
    expect(request.data.queries[0].datasource.uid).toBe('ciem-pg');
  });

  test('sends the typed search as an escaped literal', async () => {
    jest.useFakeTimers();
    fetchMock.mockReturnValue(respondWith(identitiesResponse()));
    renderIdentities();
    await act(async () => undefined);

    fireEvent.change(screen.getByTestId(testIds.identities.search), { target: { value: "x' OR '1'='1" } });
    await act(async () => {
      jest.advanceTimersByTime(SEARCH_DELAY_MS);
    });

    const sql = requestedSql();
    expect(sql).toHaveLength(2);
    expect(sql[0]).not.toContain('WHERE');
    expect(sql[1]).toContain("display_name ILIKE '%x'' OR ''1''=''1%' ESCAPE '!'");
  });

  test('waits for a pause in typing before searching', async () => {
    jest.useFakeTimers();
    fetchMock.mockReturnValue(respondWith(identitiesResponse()));
    renderIdentities();
    await act(async () => undefined);

    const search = screen.getByTestId(testIds.identities.search);
    fireEvent.change(search, { target: { value: 'de' } });
    await act(async () => {
      jest.advanceTimersByTime(SEARCH_DELAY_MS - 1);
    });
    fireEvent.change(search, { target: { value: 'deploy' } });
    await act(async () => {
      jest.advanceTimersByTime(SEARCH_DELAY_MS);
    });

    const sql = requestedSql();
    expect(sql).toHaveLength(2);
    expect(sql[1]).toContain("'%deploy%'");
  });

  test('says when no identity matches', async () => {
    jest.useFakeTimers();
    fetchMock
      .mockReturnValueOnce(respondWith(identitiesResponse()))
      .mockReturnValue(respondWith(noIdentitiesResponse()));
    renderIdentities();
    await act(async () => undefined);

    fireEvent.change(screen.getByTestId(testIds.identities.search), { target: { value: 'nobody' } });
    await act(async () => {
      jest.advanceTimersByTime(SEARCH_DELAY_MS);
    });

    expect(screen.getByText('No identity has "nobody" in its name or ARN')).toBeInTheDocument();
  });

  test('explains an empty view', async () => {
    fetchMock.mockReturnValue(respondWith(noIdentitiesResponse()));

    renderIdentities();

    // The empty state's illustration is a large inline SVG, which takes jsdom about 2.5 s to render.
    expect(await screen.findByText('ciem.identities has no rows', {}, { timeout: 10_000 })).toBeInTheDocument();
  });

  test('shows how to fix a missing datasource', async () => {
    fetchMock.mockReturnValue(failWith(fetchError(404, { message: 'Data source not found' }, 'Not Found')));

    renderIdentities('gone');

    const alert = await screen.findByRole('alert');
    expect(within(alert).getByText('The identities could not be loaded')).toBeInTheDocument();
    expect(
      within(alert).getByText(
        'The datasource gone was not found. Provision it, or set another uid on the Configuration page.'
      )
    ).toBeInTheDocument();
  });
});
