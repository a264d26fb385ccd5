import { fixtureRows } from '../test/fixtures';
import { toIdentity } from './identities';
import { identityAddress, readIdentityKey, resolveIdentity, type IdentityKey } from './identityAddress';

function paramsOf(address: string): URLSearchParams {
  return new URL(address, 'http://localhost').searchParams;
}

describe('identity addresses', () => {
  test('keep ?arn= for AWS', () => {
    const arn = 'arn:aws:iam::111122223333:role/service-role/deploy';

    expect(identityAddress({ cloud: 'aws', accountId: '111122223333', identityId: arn })).toBe(
      `/a/openciem-entitlements-app/identity?arn=${encodeURIComponent(arn)}`
    );
  });

  test.each([
    ['kubernetes', 'prod/eu-west-1', 'ServiceAccount:ci/deployer'],
    ['gcp', 'acme-prod', 'serviceAccount:ci@acme-prod.iam.gserviceaccount.com'],
    ['gcp', 'acme-prod', 'deleted:user:bob@example.com?uid=123&x=1'],
    ['azure', '3f2504e0-4f89-41d3-9a0c-0305e82c3301', "o'brien@contoso.example"],
  ])('read back a %s identity with its separators', (cloud, accountId, identityId) => {
    const address = identityAddress({ cloud, accountId, identityId });

    expect(address.split('?')[1]).not.toMatch(/[/:@']/);
    expect(readIdentityKey(paramsOf(address))).toEqual({ cloud, accountId, identityId });
  });

  test('name no identity without arn or id', () => {
    expect(readIdentityKey(new URLSearchParams('cloud=gcp&account=acme-prod'))).toBeNull();
    expect(readIdentityKey(new URLSearchParams('arn=%20'))).toBeNull();
  });

  test('read an ?arn= that is no ARN without a cloud', () => {
    expect(readIdentityKey(new URLSearchParams('arn=ServiceAccount%3Aci%2Fdeployer'))).toEqual({
      cloud: null,
      identityId: 'ServiceAccount:ci/deployer',
      accountId: null,
    });
  });

  test('ignore an unknown cloud', () => {
    expect(readIdentityKey(new URLSearchParams('cloud=oracle&id=x'))?.cloud).toBeNull();
  });
});

describe('resolveIdentity', () => {
  const twoClusters = fixtureRows('cloud-identity-kubernetes-two-clusters').map(toIdentity);
  const member = fixtureRows('cloud-identity-gcp-ci-runner').map(toIdentity);
  const key = (change: Partial<IdentityKey>): IdentityKey => ({
    cloud: 'kubernetes',
    identityId: 'User:alice',
    accountId: null,
    ...change,
  });

  test('asks which cluster for a Kubernetes id without an account', () => {
    const resolved = resolveIdentity(key({}), twoClusters);

    expect(resolved.status).toBe('ambiguous');
    expect(resolved.status === 'ambiguous' && resolved.candidates.map((row) => row.accountId)).toEqual([
      'prod',
      'staging',
    ]);
  });

  test('picks the cluster of the address', () => {
    const resolved = resolveIdentity(key({ accountId: 'staging' }), twoClusters);

    expect(resolved).toEqual({ status: 'found', identity: twoClusters[1], otherAccounts: [] });
  });

  test('finds no Kubernetes identity in another cluster', () => {
    expect(resolveIdentity(key({ accountId: 'dev' }), twoClusters)).toEqual({ status: 'not-found' });
  });

  test('finds nothing without rows', () => {
    expect(resolveIdentity(key({}), [])).toEqual({ status: 'not-found' });
  });

  test('keeps a Google Cloud member as one identity', () => {
    const listed = [...member, { ...member[0], accountId: 'acme-prod' }];
    const resolved = resolveIdentity(
      { cloud: 'gcp', identityId: member[0].identityId, accountId: 'acme-prod' },
      listed
    );

    expect(resolved).toEqual({ status: 'found', identity: listed[1], otherAccounts: [member[0].accountId] });
  });

  test('shows a member under the first account when the address names another', () => {
    const resolved = resolveIdentity({ cloud: 'gcp', identityId: member[0].identityId, accountId: 'gone' }, member);

    expect(resolved).toEqual({ status: 'found', identity: member[0], otherAccounts: [] });
  });
});
