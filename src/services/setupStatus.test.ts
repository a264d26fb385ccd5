import { getBackendSrv } from '@grafana/runtime';

import { answerWithFixtures } from '../test/fixtures';
import { fetchSetupStatus, listSetupSteps, REQUIRED_MIGRATION, type SetupStatus } from './setupStatus';

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

const EXPORTS = [
  'setup-migration-exports',
  'setup-source-tables-exports',
  'setup-refresh-exports',
  'setup-snapshot-exports',
];

async function statusOf(fixtures: string[]): Promise<SetupStatus> {
  fetchMock.mockImplementation(answerWithFixtures(fixtures));

  return fetchSetupStatus('openciem-postgres');
}

describe('fetchSetupStatus', () => {
  test('reads every check of a migrated database', async () => {
    const status = await statusOf(EXPORTS);

    expect(status.migration).toMatchObject({ status: 'done', value: { version: expect.any(String) } });
    expect(status.sourceTables).toMatchObject({ status: 'done' });
    expect(status.lastRefresh).toMatchObject({ status: 'done', value: { durationMs: expect.any(Number) } });
    expect(status.lastSnapshot).toEqual({ status: 'done', value: null });
  });

  test('marks optional tables', async () => {
    const status = await statusOf(EXPORTS);
    if (status.sourceTables.status !== 'done') {
      throw new Error('The source tables should have loaded');
    }

    const byName = new Map(status.sourceTables.value.map((table) => [table.tableName, table]));
    expect(byName.get('aws_iam_roles')).toMatchObject({ present: true, optional: false, missingColumns: null });
    expect(byName.get('aws_iam_role_last_accessed_details')).toMatchObject({ present: false, optional: true });
  });

  test('reports each failed check alone', async () => {
    const status = await statusOf([
      'setup-migration-empty',
      'setup-source-tables-empty',
      'setup-refresh-exports',
      'setup-snapshot-exports',
    ]);

    expect(status.migration.status).toBe('failed');
    expect(status.sourceTables.status).toBe('failed');
    expect(status.lastRefresh.status).toBe('done');
  });
});

describe('listSetupSteps', () => {
  test('asks for a snapshot on the exports', async () => {
    const steps = listSetupSteps(await statusOf(EXPORTS));

    expect(steps).toEqual([
      {
        title: 'Record a first snapshot for the trend panels',
        command: 'npx openciem snapshot --database-url "$DATABASE_URL"',
      },
    ]);
  });

  test('lists required tables that are missing', async () => {
    const steps = listSetupSteps(
      await statusOf([
        'setup-migration-exports',
        'setup-source-tables-unsynced',
        'setup-refresh-exports',
        'setup-snapshot-exports',
      ])
    );

    const sync = steps.find((step) => step.title.startsWith('Sync the required CloudQuery tables'));
    expect(sync?.title).toContain('aws_iam_roles');
    expect(sync?.title).not.toContain('aws_iam_role_last_accessed_details');
    expect(sync?.command).toContain('  - aws_iam_users');
    expect(sync?.command).toContain('npx openciem migrate --database-url "$DATABASE_URL" --source-schema public');
  });

  test('asks for migrate on an empty schema', () => {
    const status: SetupStatus = {
      migration: { status: 'done', value: null },
      sourceTables: { status: 'done', value: [] },
      lastRefresh: { status: 'done', value: null },
      lastSnapshot: { status: 'done', value: null },
    };

    expect(listSetupSteps(status).map((step) => step.title)).toEqual([
      'Create the ciem schema',
      'Compute the effective permissions and findings',
      'Record a first snapshot for the trend panels',
    ]);
  });

  test('asks for migrate on an old schema', async () => {
    const status = await statusOf(EXPORTS);
    const old: SetupStatus = {
      ...status,
      migration: { status: 'done', value: { version: '0020', name: 'role_reach', appliedAt: null } },
    };

    expect(listSetupSteps(old)[0].title).toBe(
      `Apply the migrations up to ${REQUIRED_MIGRATION}: the schema is at 0020, older than this plugin`
    );
  });

  test('adds nothing for failed checks', async () => {
    const status = await statusOf([
      'setup-migration-empty',
      'setup-source-tables-empty',
      'setup-refresh-exports',
      'setup-snapshot-exports',
    ]);

    expect(listSetupSteps(status).map((step) => step.title)).toEqual(['Record a first snapshot for the trend panels']);
  });
});
