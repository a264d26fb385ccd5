// SQL of the Identities page and of the summary and findings of the Identity page. Values from the user are quoted with
// quoteLiteral, because Grafana's /api/ds/query takes raw SQL without bind parameters.
import { buildContainsPattern, LIKE_ESCAPE, quoteLiteral } from './queries';

/** Number of identities on one page of the Identities list. */
export const IDENTITY_PAGE_SIZE = 50;

/** Columns the Identities list can be sorted by, with the SQL expression behind each. */
export const IDENTITY_SORT_COLUMNS = {
  name: 'm.display_name',
  type: 'm.identity_type',
  account: 'm.account_id',
  creepScore: 'c.score',
  openFindings: 'open_findings',
  lastUsed: 'm.last_used_at',
} as const;

export type IdentitySortColumn = keyof typeof IDENTITY_SORT_COLUMNS;

export const IDENTITY_TYPES = ['user', 'group', 'role'] as const;

export type IdentityType = (typeof IDENTITY_TYPES)[number];

export interface IdentityPageOptions {
  /** Text to find in the display name or the ARN, case-insensitively. Blank matches all. */
  search: string;
  /** Account id to keep, or null for every account. */
  accountId: string | null;
  /** Identity type to keep, or null for every type. */
  identityType: IdentityType | null;
  sortBy: IdentitySortColumn;
  descending: boolean;
  /** Zero-based page number. */
  page: number;
}

/** The first page of every identity, the highest creep score first: what the Identities page opens with. */
export const FIRST_PAGE: IdentityPageOptions = {
  search: '',
  accountId: null,
  identityType: null,
  sortBy: 'creepScore',
  descending: true,
  page: 0,
};

/**
 * Builds the query for one page of identities with their creep score and open finding counts, filtered and sorted in
 * PostgreSQL so that the page stays small however many identities match. Every row carries total_count, the number of
 * matching identities.
 *
 * NOTE: timed on 142 identities only (8 to 25 ms). npm run bench times it at each scale, but no 10,000-identity run has
 * finished since then.
 */
export function buildIdentityPageQuery(options: IdentityPageOptions): string {
  const { search, accountId, identityType, sortBy, descending, page } = options;
  if (!Number.isInteger(page) || page < 0) {
    throw new RangeError(`The page number must be a whole number of 0 or more, got ${page}.`);
  }
  if (!(sortBy in IDENTITY_SORT_COLUMNS)) {
    throw new RangeError(`Identities cannot be sorted by ${sortBy}.`);
  }
  if (identityType !== null && !IDENTITY_TYPES.includes(identityType)) {
    throw new RangeError(`The identity type must be user, group or role, got ${identityType}.`);
  }

  const conditions: string[] = [];
  const searchText = search.trim();
  if (searchText !== '') {
    const pattern = quoteLiteral(buildContainsPattern(searchText));
    const escape = quoteLiteral(LIKE_ESCAPE);
    conditions.push(
      `(i.display_name ILIKE ${pattern} ESCAPE ${escape} OR i.identity_id ILIKE ${pattern} ESCAPE ${escape})`
    );
  }
  if (accountId !== null) {
    conditions.push(`i.account_id = ${quoteLiteral(accountId)}`);
  }
  if (identityType !== null) {
    conditions.push(`i.identity_type = ${quoteLiteral(identityType)}`);
  }

  const direction = descending ? 'DESC' : 'ASC';

  return [
    'WITH matched AS (',
    '  SELECT i.cloud, i.account_id, i.identity_id, i.identity_type, i.display_name, i.path, i.created_at,',
    '         i.last_used_at, i.permissions_boundary_arn, i.is_service_linked',
    '  FROM ciem.identities i',
    ...(conditions.length > 0 ? [`  WHERE ${conditions.join('\n    AND ')}`] : []),
    '),',
    'finding_counts AS (',
    '  SELECT f.identity_arn,',
    '         count(*)::integer AS open_findings,',
    '         (array_agg(f.severity ORDER BY f.severity_rank DESC))[1] AS highest_severity',
    '  FROM ciem.findings f',
    '  WHERE NOT f.suppressed AND f.identity_arn IN (SELECT identity_id FROM matched)',
    '  GROUP BY f.identity_arn',
    ')',
    'SELECT m.cloud, m.account_id, m.identity_id, m.identity_type, m.display_name, m.path, m.created_at,',
    '  m.last_used_at, m.permissions_boundary_arn, m.is_service_linked,',
    '  c.score AS creep_score, c.permissions_management::float8 AS creep_permissions_management,',
    '  c.write::float8 AS creep_write, c.read::float8 AS creep_read, c.tagging::float8 AS creep_tagging,',
    '  c.list::float8 AS creep_list,',
    '  coalesce(fc.open_findings, 0) AS open_findings, fc.highest_severity,',
    '  count(*) OVER () AS total_count',
    'FROM matched m',
    'LEFT JOIN ciem.creep_scores c ON c.identity_arn = m.identity_id',
    'LEFT JOIN finding_counts fc ON fc.identity_arn = m.identity_id',
    // The identity id breaks ties, so that paging never shows a row twice or skips one.
    `ORDER BY ${IDENTITY_SORT_COLUMNS[sortBy]} ${direction} NULLS LAST, m.display_name, m.identity_id`,
    `LIMIT ${IDENTITY_PAGE_SIZE} OFFSET ${page * IDENTITY_PAGE_SIZE}`,
  ].join('\n');
}

/** Builds the query for the accounts that have identities, with the account name from AWS Organizations or ciem.trusted_accounts. */
export function buildAccountsQuery(): string {
  return [
    'SELECT account_id, ciem.trusted_account_name(account_id) AS account_name, count(*) AS identities',
    'FROM ciem.identities',
    'GROUP BY account_id',
    'ORDER BY account_id',
  ].join('\n');
}

/** Builds the query for one identity, by ARN, with its creep score and the parts of it. */
export function buildIdentityQuery(identityArn: string): string {
  return [
    'SELECT i.cloud, i.account_id, i.identity_id, i.identity_type, i.display_name, i.path, i.created_at, i.last_used_at,',
    '  i.permissions_boundary_arn, i.is_service_linked,',
    '  c.score AS creep_score, c.permissions_management::float8 AS creep_permissions_management,',
    '  c.write::float8 AS creep_write, c.read::float8 AS creep_read, c.tagging::float8 AS creep_tagging,',
    '  c.list::float8 AS creep_list, c.granted_services, c.unused_services',
    'FROM ciem.identities i',
    'LEFT JOIN ciem.creep_scores c ON c.identity_arn = i.identity_id',
    `WHERE i.identity_id = ${quoteLiteral(identityArn)}`,
  ].join('\n');
}

/** Builds the query for the open findings of one identity, suppressed ones last and the most severe first. */
export function buildIdentityFindingsQuery(identityArn: string): string {
  return [
    'SELECT finding_id::text AS finding_id, category, severity, title, evidence::text AS evidence, first_seen, last_seen,',
    '  suppressed, suppression_reason, suppression_expires_at',
    'FROM ciem.findings',
    `WHERE identity_arn = ${quoteLiteral(identityArn)}`,
    'ORDER BY suppressed, severity_rank DESC, category, title',
  ].join('\n');
}
