import React from 'react';
import { render, screen, within } from '@testing-library/react';
import { PluginContextProvider } from '@grafana/data';
import { getBackendSrv, type BackendSrvRequest } from '@grafana/runtime';

import { testIds } from '../components/testIds';
import { failWith, queryError, respondWith, sqlOf, tableResponse } from '../test/dsQuery';
import { appMeta } from '../test/pluginMeta';
import Home from './Home';

jest.mock('@grafana/runtime', () => ({
  ...jest.requireActual('@grafana/runtime'),
  getBackendSrv: jest.fn(),
}));

const fetchMock = jest.fn();

const COUNTS = tableResponse(
  '',
  [
    { name: 'cloud', type: 'string' },
    { name: 'identity_type', type: 'string' },
    { name: 'identities', type: 'number' },
  ],
  [
    ['aws', 'group', 7],
    ['aws', 'role', 56],
    ['aws', 'user', 1234],
    ['kubernetes', 'service_account', 9],
  ]
);

const NO_COUNTS = tableResponse(
  '',
  [
    { name: 'cloud', type: 'string' },
    { name: 'identity_type', type: 'string' },
    { name: 'identities', type: 'number' },
  ],
  []
);

const MIGRATION = tableResponse(
  '',
  [
    { name: 'version', type: 'string' },
    { name: 'name', type: 'string' },
    { name: 'applied_at', type: 'time' },
  ],
  [['0003', 'identities', Date.UTC(2026, 10, 1, 12, 0, 0)]]
);

const SOURCE_PROBLEM_COLUMNS = [
  { name: 'table_name', type: 'string' as const },
  { name: 'source_schema', type: 'string' as const },
  { name: 'present', type: 'boolean' as const },
  { name: 'missing_columns', type: 'string' as const },
  { name: 'bound_at', type: 'time' as const },
];

const NO_SOURCE_PROBLEMS = tableResponse('', SOURCE_PROBLEM_COLUMNS, []);

/** Returns a fetch mock that responds to each overview query according to the relation it reads. */
function answerOverview(sourceProblems = NO_SOURCE_PROBLEMS, counts = COUNTS) {
  return (request: BackendSrvRequest) => {
    const sql = sqlOf(request);
    if (sql.includes('ciem.identities')) {
      return respondWith(counts);
    }
    if (sql.includes('ciem.schema_migrations')) {
      return respondWith(MIGRATION);
    }
    if (sql.includes('ciem.source_bindings')) {
      return respondWith(sourceProblems);
    }
    throw new Error(`Unexpected SQL: ${sql}`);
  };
}

beforeEach(() => {
  fetchMock.mockReset();
  jest.mocked(getBackendSrv).mockReturnValue({ fetch: fetchMock } as unknown as ReturnType<typeof getBackendSrv>);
  jest.spyOn(console, 'warn').mockImplementation(() => undefined);
});

afterEach(() => {
  jest.restoreAllMocks();
});

function renderHome() {
  return render(
    <PluginContextProvider meta={appMeta()}>
      <Home />
    </PluginContextProvider>
  );
}

describe('Home page', () => {
  test('shows the identities of each cloud', async () => {
    fetchMock.mockImplementation(answerOverview());

    renderHome();

    const aws = await screen.findByTestId(testIds.home.identityCount('aws'));
    expect(within(aws).getByText('AWS')).toBeInTheDocument();
    expect(within(aws).getByText((1297).toLocaleString())).toBeInTheDocument();
    expect(within(aws).getByText(`${(1234).toLocaleString()} user, 56 role, 7 group`)).toBeInTheDocument();
    const kubernetes = screen.getByTestId(testIds.home.identityCount('kubernetes'));
    expect(within(kubernetes).getByText('9 service account')).toBeInTheDocument();
  });

  test('links each cloud to its Identities list', async () => {
    fetchMock.mockImplementation(answerOverview());

    renderHome();

    const aws = await screen.findByTestId(testIds.home.identityCount('aws'));
    expect(within(aws).getByRole('link', { name: 'AWS' })).toHaveAttribute(
      'href',
      '/a/openciem-entitlements-app/identities?cloud=aws'
    );
  });

  test('says what to run before any identity exists', async () => {
    fetchMock.mockImplementation(answerOverview(NO_SOURCE_PROBLEMS, NO_COUNTS));

    renderHome();

    expect(await screen.findByTestId(testIds.home.noIdentities)).toHaveTextContent(/openciem refresh/);
  });

  test('shows the applied migration', async () => {
    fetchMock.mockImplementation(answerOverview());

    renderHome();

    expect(
      await screen.findByText(/Schema ciem is at migration 0003 \(identities\), applied 2026-11-01 12:00:00/)
    ).toBeInTheDocument();
  });

  test('warns about missing source tables', async () => {
    const problems = tableResponse('', SOURCE_PROBLEM_COLUMNS, [
      ['aws_iam_groups', 'public', false, '', Date.UTC(2026, 10, 1)],
      ['aws_iam_roles', 'public', true, 'permissions_boundary, role_last_used', Date.UTC(2026, 10, 1)],
    ]);
    fetchMock.mockImplementation(answerOverview(problems));

    renderHome();

    expect(
      await screen.findByText('public.aws_iam_groups does not exist, so the views over it return no rows.')
    ).toBeInTheDocument();
    expect(
      screen.getByText(
        'public.aws_iam_roles lacks the columns permissions_boundary, role_last_used, which OpenCIEM reads as NULL.'
      )
    ).toBeInTheDocument();
  });

  test('links to the bundled dashboard', async () => {
    fetchMock.mockImplementation(answerOverview());

    renderHome();

    const link = await screen.findByRole('link', { name: /open the identities dashboard/i });
    expect(link).toHaveAttribute('href', '/d/openciem-identities');
  });

  test('explains a schema that was never migrated', async () => {
    fetchMock.mockReturnValue(
      failWith(queryError('ERROR: relation "ciem.identities" does not exist (SQLSTATE 42P01)'))
    );

    renderHome();

    const alert = await screen.findByRole('alert');
    expect(within(alert).getByText('The overview could not be loaded')).toBeInTheDocument();
    expect(within(alert).getByText(/Run openciem migrate against that database/)).toBeInTheDocument();
  });
});
