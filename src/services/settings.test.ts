import { getBackendSrv, type BackendSrvRequest } from '@grafana/runtime';

import { failWith, fetchError, respondWith } from '../test/dsQuery';
import { resolveDatasourceUid, saveAppSettings, validateDatasourceUid } from './settings';

jest.mock('@grafana/runtime', () => ({
  ...jest.requireActual('@grafana/runtime'),
  getBackendSrv: jest.fn(),
}));

const fetchMock = jest.fn();

beforeEach(() => {
  fetchMock.mockReset();
  jest.mocked(getBackendSrv).mockReturnValue({ fetch: fetchMock } as unknown as ReturnType<typeof getBackendSrv>);
});

describe('resolveDatasourceUid', () => {
  test('defaults to openciem-postgres', () => {
    expect(resolveDatasourceUid(undefined)).toBe('openciem-postgres');
    expect(resolveDatasourceUid({})).toBe('openciem-postgres');
    expect(resolveDatasourceUid({ datasourceUid: '  ' })).toBe('openciem-postgres');
  });

  test('uses the configured uid', () => {
    expect(resolveDatasourceUid({ datasourceUid: ' ciem-pg ' })).toBe('ciem-pg');
  });
});

describe('validateDatasourceUid', () => {
  test.each(['openciem-postgres', 'P1809F7CD0C75ACF3', 'a_b-c', 'x'.repeat(40)])('accepts %s', (uid) => {
    expect(validateDatasourceUid(uid)).toBeUndefined();
  });

  test('rejects an empty uid', () => {
    expect(validateDatasourceUid('')).toBe('Enter the uid of a PostgreSQL datasource, for example openciem-postgres.');
  });

  test('rejects a uid over 40 characters', () => {
    expect(validateDatasourceUid('x'.repeat(41))).toBe(
      'A datasource uid has at most 40 characters, and this one has 41.'
    );
  });

  test.each(['with space', 'ds/../x', "x' OR '1'='1", 'ümlaut'])('rejects %s', (uid) => {
    expect(validateDatasourceUid(uid)).toBe('A datasource uid contains only letters, digits, hyphens and underscores.');
  });
});

describe('saveAppSettings', () => {
  test('posts jsonData and keeps enabled and pinned', async () => {
    fetchMock.mockReturnValue(respondWith({ message: 'Plugin settings updated' }));

    await saveAppSettings('openciem-entitlements-app', { enabled: true, pinned: false }, { datasourceUid: 'ciem-pg' });

    const request: BackendSrvRequest = fetchMock.mock.calls[0][0];
    expect(request.url).toBe('/api/plugins/openciem-entitlements-app/settings');
    expect(request.method).toBe('POST');
    expect(request.data).toEqual({ enabled: true, pinned: false, jsonData: { datasourceUid: 'ciem-pg' } });
  });

  test('explains a refusal for lack of permission', async () => {
    fetchMock.mockReturnValue(failWith(fetchError(403, { message: 'Permission denied' }, 'Forbidden')));

    await expect(saveAppSettings('openciem-entitlements-app', {}, { datasourceUid: 'x' })).rejects.toThrow(
      'Grafana rejected the settings because only an organization administrator may change them.'
    );
  });

  test('reports other failures with the status', async () => {
    fetchMock.mockReturnValue(failWith(fetchError(500, { message: 'internal' }, 'Internal Server Error')));

    await expect(saveAppSettings('openciem-entitlements-app', {}, { datasourceUid: 'x' })).rejects.toThrow(
      'Grafana did not save the settings (HTTP 500 Internal Server Error). Try again, and check the Grafana server log if it fails again.'
    );
  });
});
