import { readCreepScore, type CreepScore } from './creepScore';
import { runSql, type SqlRow } from './datasource';
import {
  buildAccountsQuery,
  buildIdentityFacetsQuery,
  buildIdentityPageQuery,
  type IdentityPageOptions,
} from './identityQueries';
import { buildIdentityCountsQuery } from './queries';
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
export interface IdentityCounts {
  users: number;
  groups: number;
  roles: number;
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

/** Fetches the number of users, groups and roles in ciem.identities. */
export async function fetchIdentityCounts(datasourceUid: string): Promise<IdentityCounts> {
  const rows = await runSql(datasourceUid, buildIdentityCountsQuery());

  const counts: IdentityCounts = { users: 0, groups: 0, roles: 0 };
  for (const row of rows) {
    const identities = readNumber(row, 'identities');
    switch (readText(row, 'identity_type')) {
      case 'user':
        counts.users = identities;
        break;
      case 'group':
        counts.groups = identities;
        break;
      case 'role':
        counts.roles = identities;
        break;
    }
  }

  return counts;
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
