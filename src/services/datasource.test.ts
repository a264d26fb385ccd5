import { getBackendSrv, type BackendDataSourceResponse, type BackendSrvRequest } from '@grafana/runtime';

import { failWith, fetchError, queryError, respondWith, sqlOf, tableResponse } from '../test/dsQuery';
import { responseToRows, runSql } from './datasource';
import { QueryFailedError } from './queryErrors';

jest.mock('@grafana/runtime', () => ({
  ...jest.requireActual('@grafana/runtime'),
  getBackendSrv: jest.fn(),
}));

jest.mock('./logger', () => ({ logger: { info: jest.fn(), warn: jest.fn(), error: jest.fn() } }));

const fetchMock = jest.fn();

beforeEach(() => {
  fetchMock.mockReset();
  jest.mocked(getBackendSrv).mockReturnValue({ fetch: fetchMock } as unknown as ReturnType<typeof getBackendSrv>);
});

// A response as Grafana 12.4 returns it for a table-format query on ciem.identities: one frame per refId, columns as
// arrays, timestamps in epoch ms, SQL NULL as null.
const IDENTITIES_RESPONSE = {
  results: {
    A: {
      status: 200,
      frames: [
        {
          schema: {
            refId: 'A',
            meta: {
              typeVersion: [0, 0],
              executedQueryString: 'SELECT identity_id, identity_type, created_at, last_used_at, is_service_linked ...',
            },
            fields: [
              { name: 'identity_id', type: 'string', typeInfo: { frame: 'string', nullable: true } },
              { name: 'identity_type', type: 'string', typeInfo: { frame: 'string', nullable: true } },
              { name: 'created_at', type: 'time', typeInfo: { frame: 'time.Time', nullable: true } },
              { name: 'last_used_at', type: 'time', typeInfo: { frame: 'time.Time', nullable: true } },
              { name: 'is_service_linked', type: 'boolean', typeInfo: { frame: 'bool', nullable: true } },
            ],
          },
          data: {
            values: [
              [
                'arn:aws:iam::111122223333:user/alice',
                'arn:aws:iam::111122223333:role/aws-service-role/support.amazonaws.com/AWSServiceRoleForSupport',
              ],
              ['user', 'role'],
              [1700000000000, 1600000000000],
              [null, 1761955200000],
              [false, true],
            ],
          },
        },
      ],
    },
  },
} as unknown as BackendDataSourceResponse;

describe('responseToRows', () => {
  test('turns frame columns into rows', () => {
    const rows = responseToRows({ data: IDENTITIES_RESPONSE }, 'openciem-postgres');

    expect(rows).toEqual([
      {
        identity_id: 'arn:aws:iam::111122223333:user/alice',
        identity_type: 'user',
        created_at: 1700000000000,
        last_used_at: null,
        is_service_linked: false,
      },
      {
        identity_id: 'arn:aws:iam::111122223333:role/aws-service-role/support.amazonaws.com/AWSServiceRoleForSupport',
        identity_type: 'role',
        created_at: 1600000000000,
        last_used_at: 1761955200000,
        is_service_linked: true,
      },
    ]);
  });

  test('returns no rows for an empty frame', () => {
    const empty = tableResponse(
      'SELECT identity_id FROM ciem.identities',
      [{ name: 'identity_id', type: 'string' }],
      []
    );

    expect(responseToRows({ data: empty }, 'openciem-postgres')).toEqual([]);
  });

  test('throws the error that the response reports', () => {
    const body = { results: { A: { status: 400, error: 'db query error: pq: syntax error at or near "FORM"' } } };

    expect(() => responseToRows({ data: body }, 'openciem-postgres')).toThrow(
      'The query on datasource openciem-postgres failed: db query error: pq: syntax error at or near "FORM"'
    );
  });
});

describe('runSql', () => {
  test('posts the SQL to /api/ds/query for the datasource', async () => {
    fetchMock.mockReturnValue(respondWith(IDENTITIES_RESPONSE));

    await runSql('openciem-postgres', 'SELECT 1');

    expect(fetchMock).toHaveBeenCalledTimes(1);
    const request: BackendSrvRequest = fetchMock.mock.calls[0][0];
    expect(request.url).toBe('/api/ds/query');
    expect(request.method).toBe('POST');
    expect(request.showErrorAlert).toBe(false);
    expect(request.data).toEqual({
      queries: [
        {
          refId: 'A',
          datasource: { uid: 'openciem-postgres', type: 'grafana-postgresql-datasource' },
          rawSql: 'SELECT 1',
          format: 'table',
        },
      ],
    });
    expect(sqlOf(request)).toBe('SELECT 1');
  });

  test('returns the rows of the response', async () => {
    fetchMock.mockReturnValue(respondWith(IDENTITIES_RESPONSE));

    const rows = await runSql('openciem-postgres', 'SELECT 1');

    expect(rows.map((row) => row.identity_type)).toEqual(['user', 'role']);
  });

  test('explains a datasource that does not exist', async () => {
    fetchMock.mockReturnValue(failWith(fetchError(404, { message: 'Data source not found' }, 'Not Found')));

    const failure = runSql('missing-uid', 'SELECT 1');

    await expect(failure).rejects.toThrow(QueryFailedError);
    await expect(failure).rejects.toThrow(
      'The datasource missing-uid was not found. Provision it, or set another uid on the Configuration page.'
    );
  });

  test('keeps the PostgreSQL message of a failed query', async () => {
    const message = 'ERROR: relation "ciem.identities" does not exist (SQLSTATE 42P01)';
    fetchMock.mockReturnValue(failWith(queryError(message)));

    const error = await runSql('openciem-postgres', 'SELECT 1').catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(QueryFailedError);
    expect((error as QueryFailedError).detail).toBe(message);
    expect((error as QueryFailedError).status).toBe(400);
    expect((error as QueryFailedError).message).toMatch(/^ciem\.identities does not exist in the database/);
  });
});
