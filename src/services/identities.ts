import { runSql, type SqlRow } from './datasource';
import { buildIdentitiesQuery, buildIdentityCountsQuery, IDENTITY_LIST_LIMIT } from './queries';
import { readBoolean, readNumber, readOptionalText, readOptionalTime, readText } from './rows';

/** A principal of a cloud account, as the ciem.identities view describes it. */
export interface Identity {
  cloud: string;
  accountId: string;
  /** Provider-wide id, which is the ARN on AWS. */
  identityId: string;
  /** 'user', 'group' or 'role'. */
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

/** The identities that matched a search, at most IDENTITY_LIST_LIMIT of them. */
export interface IdentityList {
  identities: Identity[];
  /** True when more identities matched than the list contains. */
  truncated: boolean;
}

/** Number of identities of each type. */
export interface IdentityCounts {
  users: number;
  groups: number;
  roles: number;
}

/** Fetches the identities whose display name or ARN contains `search`. */
export async function fetchIdentities(datasourceUid: string, search: string): Promise<IdentityList> {
  // One row beyond the limit shows whether the list is complete.
  const rows = await runSql(datasourceUid, buildIdentitiesQuery({ search, limit: IDENTITY_LIST_LIMIT + 1 }));

  return {
    identities: rows.slice(0, IDENTITY_LIST_LIMIT).map(toIdentity),
    truncated: rows.length > IDENTITY_LIST_LIMIT,
  };
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
