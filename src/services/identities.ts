import { readCreepScore, type CreepScore } from './creepScore';
import { runSql, type SqlRow } from './datasource';
import {
  buildAccountsQuery,
  buildIdentityFacetsQuery,
  buildIdentityPageQuery,
  type IdentityPageOptions,
} from './identityQueries';
import { CLOUDS } from './clouds';
import { readBoolean, readNumber, readOptionalText, readOptionalTime, readText } from './rows';

/** A principal of a cloud account, as the ciem.identities view describes it. */
export interface Identity {
  /** aws, gcp, azure or kubernetes. */
  cloud: string;
  /** AWS account, Google Cloud project (or folders/N, organizations/N), Azure subscription or Kubernetes cluster. */
  accountId: string;
  /** The id as the cloud names it: the ARN on AWS, the member on Google Cloud, the object id on Azure. */
  identityId: string;
  /** One of IDENTITY_TYPES: 'user', 'group', 'role', 'service_account' and others. */
  identityType: string;
  displayName: string;
  path: string | null;
  /** Epoch milliseconds. */
  createdAt: number | null;
  /** Epoch milliseconds, or null when the provider has no record of use. */
  lastUsedAt: number | null;
  permissionsBoundaryArn: string | null;
  isServiceLinked: boolean;
}

/** An identity of the Identities list, with its creep score and open findings. */
export interface IdentityListItem extends Identity {
  /** Null when the identity has no last accessed report, or is a group. */
  creepScore: CreepScore | null;
  /** Findings in ciem.findings that are not suppressed. */
  openFindings: number;
  /** Severity of the most severe open finding, or null without open findings. */
  highestSeverity: string | null;
}

/** One page of the identities that match the filters. */
export interface IdentityPage {
  items: IdentityListItem[];
  /** Number of identities that match the filters, on every page. */
  totalCount: number;
}

/** An account that has identities, for the account filter. */
export interface AccountOption {
  cloud: string;
  accountId: string;
  /** Name from AWS Organizations or ciem.trusted_accounts, or null. */
  accountName: string | null;
  identities: number;
}

/** Number of identities of one cloud and type. */
export interface IdentityFacet {
  cloud: string;
  identityType: string;
  identities: number;
}

/** Number of identities of each type. */
/** The identities of one cloud, in all and per type, as the Home page shows them. */
export interface CloudIdentityCounts {
  cloud: string;
  identities: number;
  /** Types with their counts, the most numerous first. */
  types: Array<{ identityType: string; identities: number }>;
}

/** Fetches one page of identities, filtered and sorted by PostgreSQL. */
export async function fetchIdentityPage(datasourceUid: string, options: IdentityPageOptions): Promise<IdentityPage> {
  const rows = await runSql(datasourceUid, buildIdentityPageQuery(options));

  return {
    items: rows.map(toIdentityListItem),
    totalCount: rows.length === 0 ? 0 : readNumber(rows[0], 'total_count'),
  };
}

/** Fetches the accounts that have identities. */
export async function fetchAccounts(datasourceUid: string): Promise<AccountOption[]> {
  const rows = await runSql(datasourceUid, buildAccountsQuery());

  return rows.map((row) => ({
    cloud: readText(row, 'cloud'),
    accountId: readText(row, 'account_id'),
    accountName: readOptionalText(row, 'account_name'),
    identities: readNumber(row, 'identities'),
  }));
}

/** Fetches the number of identities of each cloud and type, for the filters. */
export async function fetchIdentityFacets(datasourceUid: string): Promise<IdentityFacet[]> {
  const rows = await runSql(datasourceUid, buildIdentityFacetsQuery());

  return rows.map((row) => ({
    cloud: readText(row, 'cloud'),
    identityType: readText(row, 'identity_type'),
    identities: readNumber(row, 'identities'),
  }));
}

/** Fetches the number of identities of each cloud and type, in the order of CLOUDS, with clouds the plugin does not know last. */
export async function fetchCloudIdentityCounts(datasourceUid: string): Promise<CloudIdentityCounts[]> {
  const facets = await fetchIdentityFacets(datasourceUid);

  return groupFacetsByCloud(facets);
}

/** Groups the facet rows by cloud and adds up each cloud's identities. */
export function groupFacetsByCloud(facets: IdentityFacet[]): CloudIdentityCounts[] {
  const byCloud = new Map<string, CloudIdentityCounts>();
  for (const facet of facets) {
    const counts = byCloud.get(facet.cloud) ?? { cloud: facet.cloud, identities: 0, types: [] };
    counts.identities += facet.identities;
    counts.types.push({ identityType: facet.identityType, identities: facet.identities });
    byCloud.set(facet.cloud, counts);
  }

  for (const counts of byCloud.values()) {
    counts.types.sort((a, b) => b.identities - a.identities || a.identityType.localeCompare(b.identityType));
  }

  return [...byCloud.values()].sort(
    (a, b) => cloudOrder(a.cloud) - cloudOrder(b.cloud) || a.cloud.localeCompare(b.cloud)
  );
}

function cloudOrder(cloud: string): number {
  const index = CLOUDS.findIndex((known) => known === cloud);
  return index === -1 ? CLOUDS.length : index;
}

export function toIdentityListItem(row: SqlRow): IdentityListItem {
  return {
    ...toIdentity(row),
    creepScore: readCreepScore(row),
    openFindings: readNumber(row, 'open_findings'),
    highestSeverity: readOptionalText(row, 'highest_severity'),
  };
}

export function toIdentity(row: SqlRow): Identity {
  return {
    cloud: readText(row, 'cloud'),
    accountId: readText(row, 'account_id'),
    identityId: readText(row, 'identity_id'),
    identityType: readText(row, 'identity_type'),
    displayName: readOptionalText(row, 'display_name') ?? readText(row, 'identity_id'),
    path: readOptionalText(row, 'path'),
    createdAt: readOptionalTime(row, 'created_at'),
    lastUsedAt: readOptionalTime(row, 'last_used_at'),
    permissionsBoundaryArn: readOptionalText(row, 'permissions_boundary_arn'),
    isServiceLinked: readBoolean(row, 'is_service_linked'),
  };
}
