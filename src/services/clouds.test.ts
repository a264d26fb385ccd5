import { accountLabel, cloudLabel, identityIsPerAccount, isCloud } from './clouds';

describe('clouds', () => {
  test.each([
    ['aws', '111122223333', 'Account'],
    ['gcp', 'acme-prod', 'Project'],
    ['gcp', 'folders/500600700800', 'Folder'],
    ['gcp', 'organizations/100200300400', 'Organization'],
    ['azure', '3f2504e0-4f89-41d3-9a0c-0305e82c3301', 'Subscription'],
    ['kubernetes', 'acme-prod', 'Cluster'],
  ])('name the %s account %s a %s', (cloud, accountId, label) => {
    expect(accountLabel(cloud, accountId)).toBe(label);
  });

  test('show an unknown cloud as stored', () => {
    expect(cloudLabel('oracle')).toBe('oracle');
    expect(cloudLabel('gcp')).toBe('Google Cloud');
  });

  test('accept only the four clouds', () => {
    expect(['aws', 'gcp', 'azure', 'kubernetes', 'AWS', '', null].map(isCloud)).toEqual([
      true,
      true,
      true,
      true,
      false,
      false,
      false,
    ]);
  });

  test('keep only Kubernetes ids per account', () => {
    expect(['aws', 'gcp', 'azure', 'kubernetes'].filter(identityIsPerAccount)).toEqual(['kubernetes']);
  });
});
