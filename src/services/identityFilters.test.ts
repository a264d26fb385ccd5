import { DEFAULT_SORT, readIdentityFilters, writeIdentityFilters, type IdentityFilters } from './identityFilters';

describe('identity filters in the URL', () => {
  test('default to every identity by creep score', () => {
    expect(readIdentityFilters(new URLSearchParams())).toEqual({
      search: '',
      cloud: null,
      accountId: null,
      identityType: null,
      ...DEFAULT_SORT,
      page: 0,
    });
  });

  test('leave defaults out of the URL', () => {
    expect(writeIdentityFilters(readIdentityFilters(new URLSearchParams())).toString()).toBe('');
  });

  test('read back what they wrote', () => {
    const filters: IdentityFilters = {
      search: "deploy' bot",
      cloud: 'kubernetes',
      accountId: 'prod/eu-west',
      identityType: 'service_account',
      sortBy: 'name',
      descending: false,
      page: 4,
    };

    const params = writeIdentityFilters(filters);

    expect(params.get('page')).toBe('5');
    expect(params.get('cloud')).toBe('kubernetes');
    expect(readIdentityFilters(params)).toEqual(filters);
  });

  test.each([
    ['type=robot', { identityType: null }],
    ['cloud=oracle', { cloud: null }],
    ['cloud=AWS', { cloud: null }],
    ['sort=password', { sortBy: DEFAULT_SORT.sortBy }],
    ['page=0', { page: 0 }],
    ['page=-2', { page: 0 }],
    ['page=two', { page: 0 }],
    ['account=', { accountId: null }],
  ])('fall back for %s', (query, expected) => {
    expect(readIdentityFilters(new URLSearchParams(query))).toMatchObject(expected);
  });
});
