import { getBackendSrv, type BackendSrvRequest } from '@grafana/runtime';

import { respondWith, sqlOf, tableResponse, type ResultColumn } from '../test/dsQuery';
import { fetchIdentities, fetchIdentityCounts, toIdentity } from './identities';
import { IDENTITY_LIST_LIMIT } from './queries';

jest.mock('@grafana/runtime', () => ({
  ...jest.requireActual('@grafana/runtime'),
  getBackendSrv: jest.fn(),
}));

const fetchMock = jest.fn();

beforeEach(() => {
  fetchMock.mockReset();
  jest.mocked(getBackendSrv).mockReturnValue({ fetch: fetchMock } as unknown as ReturnType<typeof getBackendSrv>);
});

const IDENTITY_COLUMNS: ResultColumn[] = [
  { name: 'cloud', type: 'string' },
  { name: 'account_id', type: 'string' },
  { name: 'identity_id', type: 'string' },
  { name: 'identity_type', type: 'string' },
  { name: 'display_name', type: 'string' },
  { name: 'path', type: 'string' },
  { name: 'created_at', type: 'time' },
  { name: 'last_used_at', type: 'time' },
  { name: 'permissions_boundary_arn', type: 'string' },
  { name: 'is_service_linked', type: 'boolean' },
];

function identityRow(index: number): unknown[] {
  const name = `user-${index}`;

  return [
    'aws',
    '111122223333',
    `arn:aws:iam::111122223333:user/${name}`,
    'user',
    name,
    '/',
    1700000000000,
    null,
    null,
    false,
  ];
}

describe('toIdentity', () => {
  test('maps view columns to fields', () => {
    const identity = toIdentity({
      cloud: 'aws',
      account_id: '444455556666',
      identity_id: 'arn:aws:iam::444455556666:role/ops/Deployer',
      identity_type: 'role',
      display_name: 'Deployer',
      path: '/ops/',
      created_at: 1600000000000,
      last_used_at: 1761955200000,
      permissions_boundary_arn: 'arn:aws:iam::444455556666:policy/Boundary',
      is_service_linked: false,
    });

    expect(identity).toEqual({
      cloud: 'aws',
      accountId: '444455556666',
      identityId: 'arn:aws:iam::444455556666:role/ops/Deployer',
      identityType: 'role',
      displayName: 'Deployer',
      path: '/ops/',
      createdAt: 1600000000000,
      lastUsedAt: 1761955200000,
      permissionsBoundaryArn: 'arn:aws:iam::444455556666:policy/Boundary',
      isServiceLinked: false,
    });
  });

  test('uses the ARN when the name is null', () => {
    const row = {
      cloud: 'aws',
      account_id: '1',
      identity_id: 'arn:aws:iam::1:group/Admins',
      identity_type: 'group',
      display_name: null,
      path: null,
      created_at: null,
      last_used_at: null,
      permissions_boundary_arn: null,
      is_service_linked: false,
    };

    expect(toIdentity(row).displayName).toBe('arn:aws:iam::1:group/Admins');
  });

  test('names the column of a wrong type', () => {
    const row = { cloud: 'aws', account_id: 111122223333 };

    expect(() => toIdentity(row)).toThrow('Column account_id should contain text but contains number.');
  });
});

describe('fetchIdentities', () => {
  test('requests one row beyond the limit', async () => {
    fetchMock.mockReturnValue(respondWith(tableResponse('', IDENTITY_COLUMNS, [identityRow(1)])));

    await fetchIdentities('openciem-postgres', 'alice');

    const request: BackendSrvRequest = fetchMock.mock.calls[0][0];
    expect(sqlOf(request)).toMatch(new RegExp(`LIMIT ${IDENTITY_LIST_LIMIT + 1}$`));
  });

  test('returns a complete list', async () => {
    const rows = [identityRow(1), identityRow(2)];
    fetchMock.mockReturnValue(respondWith(tableResponse('', IDENTITY_COLUMNS, rows)));

    const list = await fetchIdentities('openciem-postgres', '');

    expect(list.identities.map((identity) => identity.displayName)).toEqual(['user-1', 'user-2']);
    expect(list.truncated).toBe(false);
  });

  test('marks a list cut at the limit', async () => {
    const rows = Array.from({ length: IDENTITY_LIST_LIMIT + 1 }, (_, index) => identityRow(index));
    fetchMock.mockReturnValue(respondWith(tableResponse('', IDENTITY_COLUMNS, rows)));

    const list = await fetchIdentities('openciem-postgres', '');

    expect(list.identities).toHaveLength(IDENTITY_LIST_LIMIT);
    expect(list.truncated).toBe(true);
  });
});

describe('fetchIdentityCounts', () => {
  test('counts each identity type', async () => {
    const columns: ResultColumn[] = [
      { name: 'identity_type', type: 'string' },
      { name: 'identities', type: 'number' },
    ];
    fetchMock.mockReturnValue(
      respondWith(
        tableResponse('', columns, [
          ['role', 12],
          ['user', 5],
        ])
      )
    );

    const counts = await fetchIdentityCounts('openciem-postgres');

    expect(counts).toEqual({ users: 5, groups: 0, roles: 12 });
  });
});
