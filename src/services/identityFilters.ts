import { isCloud } from './clouds';
import {
  FIRST_PAGE,
  IDENTITY_SORT_COLUMNS,
  IDENTITY_TYPES,
  type IdentityPageOptions,
  type IdentitySortColumn,
} from './identityQueries';

/** The filters, sort and page of the Identities list, as the URL query keeps them. */
export type IdentityFilters = IdentityPageOptions;

/** The riskiest identities first: the highest creep score. */
export const DEFAULT_SORT: Pick<IdentityFilters, 'sortBy' | 'descending'> = {
  sortBy: FIRST_PAGE.sortBy,
  descending: FIRST_PAGE.descending,
};

/** Reads the filters from URL query parameters; values that are not valid fall back to the defaults. */
export function readIdentityFilters(params: URLSearchParams): IdentityFilters {
  const type = params.get('type');
  const cloud = params.get('cloud');
  const sort = params.get('sort');
  const page = Number(params.get('page') ?? '1');
  const sortBy = sort !== null && sort in IDENTITY_SORT_COLUMNS ? (sort as IdentitySortColumn) : DEFAULT_SORT.sortBy;

  return {
    search: params.get('q') ?? '',
    cloud: isCloud(cloud) ? cloud : null,
    accountId: params.get('account') || null,
    identityType: IDENTITY_TYPES.find((candidate) => candidate === type) ?? null,
    sortBy,
    descending: sort === null ? DEFAULT_SORT.descending : params.get('order') === 'desc',
    page: Number.isInteger(page) && page >= 1 ? page - 1 : 0,
  };
}

/** Writes the filters as URL query parameters, leaving out those at their default. Pages count from 1 in the URL. */
export function writeIdentityFilters(filters: IdentityFilters): URLSearchParams {
  const params = new URLSearchParams();
  if (filters.search.trim() !== '') {
    params.set('q', filters.search);
  }
  if (filters.cloud !== null) {
    params.set('cloud', filters.cloud);
  }
  if (filters.accountId !== null) {
    params.set('account', filters.accountId);
  }
  if (filters.identityType !== null) {
    params.set('type', filters.identityType);
  }
  if (filters.sortBy !== DEFAULT_SORT.sortBy || filters.descending !== DEFAULT_SORT.descending) {
    params.set('sort', filters.sortBy);
    params.set('order', filters.descending ? 'desc' : 'asc');
  }
  if (filters.page > 0) {
    params.set('page', String(filters.page + 1));
  }

  return params;
}
