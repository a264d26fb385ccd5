import { getBackendSrv, type BackendSrvRequest } from '@grafana/runtime';

import { sqlOf } from '../test/dsQuery';
import { fixtureResponse, fixtureRows, readFixture } from '../test/fixtures';
import {
  fetchAccounts,
  fetchCloudIdentityCounts,
  fetchIdentityFacets,
  fetchIdentityPage,
  groupFacetsByCloud,
  toIdentity,
} from './identities';
import { FIRST_PAGE } from './identityQueries';

jest.mock('@grafana/runtime', () => ({
  ...jest.requireActual('@grafana/runtime'),
  getBackendSrv: jest.fn(),
}));

const fetchMock = jest.fn();

beforeEach(() => {
  fetchMock.mockReset();
  jest.mocked(getBackendSrv).mockReturnValue({ fetch: fetchMock } as unknown as ReturnType<typeof getBackendSrv>);
});

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

describe('fetchIdentityPage', () => {
  const options = FIRST_PAGE;

  test('maps rows and total count', async () => {
    const rows = fixtureRows('identities-page-demo');
    fetchMock.mockReturnValue(fixtureResponse('identities-page-demo'));

    const page = await fetchIdentityPage('openciem-postgres', options);

    expect(page.totalCount).toBe(rows[0].total_count);
    expect(page.items.map((identity) => identity.identityId)).toEqual(rows.map((row) => row.identity_id));
    expect(page.items[0].creepScore?.score).toBe(rows[0].creep_score);
    expect(page.items[0].openFindings).toBe(rows[0].open_findings);
    expect(page.items[0].highestSeverity).toBe(rows[0].highest_severity);
  });

  test('reads no score as null', async () => {
    fetchMock.mockReturnValue(fixtureResponse('identities-page-exports-2'));

    const page = await fetchIdentityPage('openciem-postgres', {
      ...options,
      sortBy: 'name',
      descending: false,
      page: 1,
    });

    expect(page.items.every((identity) => identity.creepScore === null)).toBe(true);
  });

  test('counts zero for an empty page', async () => {
    fetchMock.mockReturnValue(fixtureResponse('identities-page-no-match'));

    const page = await fetchIdentityPage('openciem-postgres', { ...options, search: 'no-such-identity' });

    expect(page).toEqual({ items: [], totalCount: 0 });
  });

  test('sends the page query', async () => {
    fetchMock.mockReturnValue(fixtureResponse('identities-page-demo'));

    await fetchIdentityPage('openciem-postgres', options);

    const request: BackendSrvRequest = fetchMock.mock.calls[0][0];
    expect(sqlOf(request)).toBe(readFixture('identities-page-demo').sql);
  });
});

describe('fetchAccounts', () => {
  test('maps the accounts', async () => {
    const rows = fixtureRows('accounts-demo');
    fetchMock.mockReturnValue(fixtureResponse('accounts-demo'));

    const accounts = await fetchAccounts('openciem-postgres');

    expect(accounts).toEqual(
      rows.map((row) => ({
        cloud: row.cloud,
        accountId: row.account_id,
        accountName: row.account_name,
        identities: row.identities,
      }))
    );
  });
});

describe('fetchIdentityFacets', () => {
  test('maps the clouds and types', async () => {
    const rows = fixtureRows('identity-facets-demo');
    fetchMock.mockReturnValue(fixtureResponse('identity-facets-demo'));

    const facets = await fetchIdentityFacets('openciem-postgres');

    expect(facets).toEqual(
      rows.map((row) => ({ cloud: row.cloud, identityType: row.identity_type, identities: row.identities }))
    );
    expect(new Set(facets.map((facet) => facet.cloud))).toEqual(new Set(['aws', 'azure', 'gcp', 'kubernetes']));
  });
});

describe('fetchCloudIdentityCounts', () => {
  test('adds up each cloud of the demo', async () => {
    const rows = fixtureRows('identity-facets-demo');
    fetchMock.mockReturnValue(fixtureResponse('identity-facets-demo'));

    const counts = await fetchCloudIdentityCounts('openciem-postgres');

    expect(counts.map((cloud) => cloud.cloud)).toEqual(['aws', 'gcp', 'azure', 'kubernetes']);
    for (const cloud of counts) {
      const ofCloud = rows.filter((row) => row.cloud === cloud.cloud);
      expect(cloud.identities).toBe(ofCloud.reduce((sum, row) => sum + Number(row.identities), 0));
      expect(cloud.types).toHaveLength(ofCloud.length);
    }
  });

  test('lists the most numerous type first', () => {
    const counts = groupFacetsByCloud([
      { cloud: 'aws', identityType: 'group', identities: 3 },
      { cloud: 'aws', identityType: 'role', identities: 12 },
      { cloud: 'aws', identityType: 'user', identities: 5 },
    ]);

    expect(counts).toEqual([
      {
        cloud: 'aws',
        identities: 20,
        types: [
          { identityType: 'role', identities: 12 },
          { identityType: 'user', identities: 5 },
          { identityType: 'group', identities: 3 },
        ],
      },
    ]);
  });

  test('puts a cloud the plugin does not know last', () => {
    const counts = groupFacetsByCloud([
      { cloud: 'oci', identityType: 'user', identities: 1 },
      { cloud: 'kubernetes', identityType: 'user', identities: 2 },
    ]);

    expect(counts.map((cloud) => cloud.cloud)).toEqual(['kubernetes', 'oci']);
  });
});
