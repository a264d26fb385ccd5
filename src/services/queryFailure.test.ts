import { explainQueryFailure } from './queryFailure';

const UID = 'openciem-postgres';

describe('explainQueryFailure', () => {
  test('datasource not found names the uid and the fix', () => {
    const message = explainQueryFailure({ status: 404, message: 'Data source not found' }, UID);

    expect(message).toBe(
      'The datasource openciem-postgres was not found. Provision it, or set another uid on the Configuration page.'
    );
  });

  test('denied datasource access asks for permission', () => {
    const message = explainQueryFailure({ status: 403, message: 'Access denied to data source' }, UID);

    expect(message).toContain('You do not have permission to query the datasource openciem-postgres');
  });

  test.each([
    ['pgx', 'ERROR: relation "ciem.identities" does not exist (SQLSTATE 42P01)'],
    ['lib/pq', 'db query error: pq: relation "ciem.identities" does not exist'],
  ])('missing view from %s suggests openciem migrate', (_driver, detail) => {
    const message = explainQueryFailure({ status: 400, message: detail }, UID);

    expect(message).toBe(
      'ciem.identities does not exist in the database of datasource openciem-postgres. ' +
        'Run openciem migrate against that database, or set the uid of another datasource on the Configuration page.'
    );
  });

  test.each([
    ['schema', 'ERROR: permission denied for schema ciem (SQLSTATE 42501)', 'ciem'],
    ['view', 'pq: permission denied for view identities', 'identities'],
    [
      'materialized view',
      'ERROR: permission denied for materialized view effective_permissions',
      'effective_permissions',
    ],
  ])('permission denied for a %s suggests the grants', (_kind, detail, object) => {
    const message = explainQueryFailure({ status: 400, message: detail }, UID);

    expect(message).toBe(
      `The database user of datasource openciem-postgres may not read ${object}. ` +
        'Grant it USAGE on schema ciem and SELECT on the views in it.'
    );
  });

  test('connection failure points at the datasource settings', () => {
    const detail = 'failed to connect to server - please inspect Grafana server log for details';
    const message = explainQueryFailure({ status: 400, message: detail }, UID);

    expect(message).toContain('Grafana could not connect to the PostgreSQL server of datasource openciem-postgres');
  });

  test('other failures keep the original message', () => {
    const message = explainQueryFailure({ status: 400, message: 'canceling statement due to statement timeout' }, UID);

    expect(message).toBe(
      'The query on datasource openciem-postgres failed: canceling statement due to statement timeout'
    );
  });
});
