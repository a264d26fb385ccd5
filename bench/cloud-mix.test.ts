import { describeMix, parseClouds, splitIdentities } from './cloud-mix';

describe('parseClouds', () => {
  test('gives unnamed weights their defaults', () => {
    expect(parseClouds('aws,kubernetes,gcp,azure')).toEqual([
      { cloud: 'aws', weight: 4 },
      { cloud: 'kubernetes', weight: 2 },
      { cloud: 'gcp', weight: 2 },
      { cloud: 'azure', weight: 2 },
    ]);
  });

  test('reads explicit weights', () => {
    expect(parseClouds('gcp=3, azure=1')).toEqual([
      { cloud: 'gcp', weight: 3 },
      { cloud: 'azure', weight: 1 },
    ]);
  });

  test('rejects an unknown cloud', () => {
    expect(() => parseClouds('aws,oci')).toThrow('"oci" is not a cloud');
  });

  test('rejects a zero weight', () => {
    expect(() => parseClouds('aws=0')).toThrow('the weight "0" of aws is not a positive number');
  });

  test('rejects a cloud named twice', () => {
    expect(() => parseClouds('aws,aws=2')).toThrow('aws is named twice');
  });
});

describe('splitIdentities', () => {
  test('splits 10,000 identities 40/20/20/20', () => {
    const split = splitIdentities(10_000, parseClouds('aws,kubernetes,gcp,azure'));
    expect(Object.fromEntries(split)).toEqual({ aws: 4_000, kubernetes: 2_000, gcp: 2_000, azure: 2_000 });
  });

  test('keeps the sum when shares are fractional', () => {
    const split = splitIdentities(1_001, parseClouds('aws=1,gcp=1,azure=1'));
    expect([...split.values()].reduce((sum, part) => sum + part, 0)).toBe(1_001);
  });

  test('rejects a share below the minimum', () => {
    expect(() => splitIdentities(24, parseClouds('aws,gcp'))).toThrow('gcp only 8');
  });
});

describe('describeMix', () => {
  test('gives each cloud its percentage', () => {
    expect(describeMix(parseClouds('aws,kubernetes,gcp,azure'))).toBe(
      'aws 40 %, kubernetes 20 %, gcp 20 %, azure 20 %'
    );
  });
});
