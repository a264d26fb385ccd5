// SQL of the Identities page and of the summary and findings of the Identity page. Values from the user are quoted with
// quoteLiteral, because Grafana's /api/ds/query takes raw SQL without bind parameters.
import { CLOUDS, type Cloud } from './clouds';
import { buildContainsPattern, LIKE_ESCAPE, quoteLiteral } from './queries';

/** Number of identities on one page of the Identities list. */
export const IDENTITY_PAGE_SIZE = 50;

/** Columns the Identities list can be sorted by, with the SQL expression behind each. */
export const IDENTITY_SORT_COLUMNS = {
  name: 'm.display_name',
  cloud: 'm.cloud',
  type: 'm.identity_type',
  account: 'm.account_id',
  creepScore: 'c.score',
  openFindings: 'open_findings',
  lastUsed: 'm.last_used_at',
} as const;

export type IdentitySortColumn = keyof typeof IDENTITY_SORT_COLUMNS;

/** Values of ciem.identities.identity_type across the four clouds (docs/clouds.md and each cloud's page). */
export const IDENTITY_TYPES = [
  'user',
  'group',
  'role',
  'service_account',
  'service_principal',
  'managed_identity',
  'domain',
  'public',
  'unknown',
] as const;

export type IdentityType = (typeof IDENTITY_TYPES)[number];

export interface IdentityPageOptions {
  /** Text to find in the display name or the identity id (the ARN on AWS), case-insensitively. Blank matches all. */
  search: string;
  /** Cloud to keep, or null for every cloud. */
  cloud: Cloud | null;
  /** Account id to keep (AWS account, Google Cloud project, Azure subscription, Kubernetes cluster), or null for all. */
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
  cloud: null,
  accountId: null,
  identityType: null,
  sortBy: 'creepScore',
  descending: true,
  page: 0,
};

/**
 * Builds the query for one page of identities with their creep score and open finding counts, filtered and sorted in
 * PostgreSQL so that the page stays small however many identities match. Every row carries total_count, the number of
 * matching identities. npm run bench times the first page and a search at each scale (docs/benchmarks.md).
 */
export function buildIdentityPageQuery(options: IdentityPageOptions): string {
  const { search, cloud, accountId, identityType, sortBy, descending, page } = options;
  if (!Number.isInteger(page) || page < 0) {
    throw new RangeError(`The page number must be a whole number of 0 or more, got ${page}.`);
  }
  if (!(sortBy in IDENTITY_SORT_COLUMNS)) {
    throw new RangeError(`Identities cannot be sorted by ${sortBy}.`);
  }
  if (cloud !== null && !CLOUDS.includes(cloud)) {
    throw new RangeError(`The cloud must be one of ${CLOUDS.join(', ')}, got ${cloud}.`);
  }
  if (identityType !== null && !IDENTITY_TYPES.includes(identityType)) {
    throw new RangeError(`The identity type must be one of ${IDENTITY_TYPES.join(', ')}, got ${identityType}.`);
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
  if (cloud !== null) {
    conditions.push(`i.cloud = ${quoteLiteral(cloud)}`);
  }
  if (accountId !== null) {
    conditions.push(`i.account_id = ${quoteLiteral(accountId)}`);
  }
  if (identityType !== null) {
    conditions.push(`i.identity_type = ${quoteLiteral(identityType)}`);
  }

  const direction = descending ? 'DESC' : 'ASC';
  // The identity id breaks ties, so that paging never shows a row twice or skips one.
  const order = `${IDENTITY_SORT_COLUMNS[sortBy]} ${direction} NULLS LAST, m.display_name, m.identity_id`;
  const matched = [
    'WITH matched AS (',
    '  SELECT i.cloud, i.account_id, i.identity_id, i.identity_type, i.display_name, i.path, i.created_at,',
    '         i.last_used_at, i.permissions_boundary_arn, i.is_service_linked',
    '  FROM ciem.identities i',
    ...(conditions.length > 0 ? [`  WHERE ${conditions.join('\n    AND ')}`] : []),
    '),',
  ];

  if (sortBy === 'openFindings') {
    return [...matched, ...countEveryIdentityFindings(order, page)].join('\n');
  }
  return [...matched, ...countPageFindings(order, page)].join('\n');
}

/** Columns of an identity row of the page, from matched (m) and ciem.creep_scores (c). */
const IDENTITY_COLUMNS = [
  'm.cloud, m.account_id, m.identity_id, m.identity_type, m.display_name, m.path, m.created_at,',
  '  m.last_used_at, m.permissions_boundary_arn, m.is_service_linked,',
  '  c.score AS creep_score, c.permissions_management::float8 AS creep_permissions_management,',
  '  c.write::float8 AS creep_write, c.read::float8 AS creep_read, c.tagging::float8 AS creep_tagging,',
  '  c.list::float8 AS creep_list,',
];

/**
 * Counts the open findings of every matching identity before sorting, because the page is sorted by that count. At
 * 10,000 identities that is 52,000 findings per page load.
 */
function countEveryIdentityFindings(order: string, page: number): string[] {
  return [
    // The findings of an identity are those the Identity page lists: of its cloud, and for Kubernetes of its cluster.
    'finding_counts AS (',
    `  SELECT f.cloud, ${findingAccountSql('f')} AS account_id, f.identity_arn,`,
    '         count(*)::integer AS open_findings,',
    '         (array_agg(f.severity ORDER BY f.severity_rank DESC))[1] AS highest_severity',
    '  FROM ciem.findings f',
    '  WHERE NOT f.suppressed AND f.identity_arn IN (SELECT identity_id FROM matched)',
    '  GROUP BY 1, 2, 3',
    ')',
    `SELECT ${IDENTITY_COLUMNS.join('\n')}`,
    '  coalesce(fc.open_findings, 0) AS open_findings, fc.highest_severity,',
    '  count(*) OVER () AS total_count',
    'FROM matched m',
    'LEFT JOIN ciem.creep_scores c ON c.identity_arn = m.identity_id',
    'LEFT JOIN finding_counts fc ON fc.cloud = m.cloud AND fc.identity_arn = m.identity_id',
    `  AND fc.account_id IS NOT DISTINCT FROM ${findingAccountSql('m')}`,
    `ORDER BY ${order}`,
    `LIMIT ${IDENTITY_PAGE_SIZE} OFFSET ${page * IDENTITY_PAGE_SIZE}`,
  ];
}

/** Sorts and cuts the page first, then counts the open findings of its identities only, each by index. */
function countPageFindings(order: string, page: number): string[] {
  return [
    'page AS (',
    `  SELECT ${IDENTITY_COLUMNS.join('\n  ')}`,
    '    count(*) OVER () AS total_count,',
    `    row_number() OVER (ORDER BY ${order}) AS page_position`,
    '  FROM matched m',
    '  LEFT JOIN ciem.creep_scores c ON c.identity_arn = m.identity_id',
    `  ORDER BY ${order}`,
    `  LIMIT ${IDENTITY_PAGE_SIZE} OFFSET ${page * IDENTITY_PAGE_SIZE}`,
    ')',
    'SELECT p.cloud, p.account_id, p.identity_id, p.identity_type, p.display_name, p.path, p.created_at,',
    '  p.last_used_at, p.permissions_boundary_arn, p.is_service_linked,',
    '  p.creep_score, p.creep_permissions_management, p.creep_write, p.creep_read, p.creep_tagging, p.creep_list,',
    '  fc.open_findings, fc.highest_severity, p.total_count',
    'FROM page p',
    // The same findings as the Identity page lists: of its cloud, and for Kubernetes of its cluster.
    'CROSS JOIN LATERAL (',
    '  SELECT count(*)::integer AS open_findings,',
    '         (array_agg(f.severity ORDER BY f.severity_rank DESC))[1] AS highest_severity',
    '  FROM ciem.findings f',
    '  WHERE NOT f.suppressed AND f.identity_arn = p.identity_id AND f.cloud = p.cloud',
    `    AND f.account_id IS NOT DISTINCT FROM coalesce(${findingAccountSql('p')}, f.account_id)`,
    ') fc',
    'ORDER BY p.page_position',
  ];
}

/**
 * Returns the SQL for the account that findings must share with an identity (of `alias`) to be its own. That is the
 * cluster for Kubernetes, whose ids repeat across clusters. It is NULL for the other clouds, because a Google Cloud
 * member, an Azure principal or an ARN is the same identity in every account (identityIsPerAccount in clouds.ts).
 */
function findingAccountSql(alias: string): string {
  return `CASE WHEN ${alias}.cloud = 'kubernetes' THEN ${alias}.account_id END`;
}

/**
 * Builds the query for the accounts that have identities, per cloud, with the AWS account name from AWS Organizations
 * or ciem.trusted_accounts.
 */
export function buildAccountsQuery(): string {
  return [
    'SELECT cloud, account_id,',
    "  CASE WHEN cloud = 'aws' THEN ciem.trusted_account_name(account_id) END AS account_name,",
    '  count(*) AS identities',
    'FROM ciem.identities',
    'GROUP BY cloud, account_id',
    'ORDER BY cloud, account_id',
  ].join('\n');
}

/** Builds the query for the number of identities of each cloud and type, which the filters offer. */
export function buildIdentityFacetsQuery(): string {
  return [
    'SELECT cloud, identity_type, count(*) AS identities',
    'FROM ciem.identities',
    'GROUP BY cloud, identity_type',
    'ORDER BY cloud, identity_type',
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

/**
 * Builds the query for the open findings of one identity, suppressed ones last and the most severe first. `within`
 * keeps the findings of one cloud and, when accountId is not null, of one account.
 */
export function buildIdentityFindingsQuery(
  identityId: string,
  within?: { cloud: string; accountId: string | null }
): string {
  const conditions = [`identity_arn = ${quoteLiteral(identityId)}`];
  if (within !== undefined) {
    conditions.push(`cloud = ${quoteLiteral(within.cloud)}`);
  }
  if (within !== undefined && within.accountId !== null) {
    conditions.push(`account_id = ${quoteLiteral(within.accountId)}`);
  }

  return [
    'SELECT finding_id::text AS finding_id, category, severity, title, evidence::text AS evidence, first_seen, last_seen,',
    '  suppressed, suppression_reason, suppression_expires_at',
    'FROM ciem.findings',
    `WHERE ${conditions.join(' AND ')}`,
    'ORDER BY suppressed, severity_rank DESC, category, title',
  ].join('\n');
}
