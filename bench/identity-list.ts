import type { Client } from 'pg';

import { buildIdentityPageQuery, FIRST_PAGE } from '../src/services/identityQueries';
import { timeQuery, type TimedQuery } from './identity-tree';

/** Timings of the Identities page's query: the first page by creep score, and a search. */
export interface IdentityListSummary {
  /** Identities that match no filter, from total_count. */
  identities: number;
  firstPage: TimedQuery;
  /** A search for ":role/" in the name or ARN, which matches every role. */
  search: TimedQuery;
}

/** Times the SQL that the Identities page sends, as the page builds it. */
export async function measureIdentityList(client: Client): Promise<IdentityListSummary> {
  const firstPage = await timeQuery<{ total_count: string }>(client, buildIdentityPageQuery(FIRST_PAGE), []);
  const search = await timeQuery(client, buildIdentityPageQuery({ ...FIRST_PAGE, search: ':role/' }), []);

  return {
    identities: Number(firstPage.lastRows[0]?.total_count ?? 0),
    firstPage: firstPage.timing,
    search: search.timing,
  };
}
