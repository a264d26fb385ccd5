// The address of the Identity page for an identity of any cloud. AWS identities keep ?arn=, which panels and dashboards
// link to; the others carry cloud, account and id, because a Kubernetes id repeats across clusters.
import { identityPageUrl, PLUGIN_BASE_URL, ROUTES } from '../constants';
import { identityIsPerAccount, isCloud, type Cloud } from './clouds';

/** The identity that the Identity page's address names. */
export interface IdentityKey {
  /** Null for an ?arn= address whose value is no ARN: the page then looks the id up in every cloud. */
  cloud: Cloud | null;
  identityId: string;
  /** Null when the address names no account. */
  accountId: string | null;
}

/** Reads the identity from the page's query parameters, or returns null when they name none. */
export function readIdentityKey(params: URLSearchParams): IdentityKey | null {
  const arn = (params.get('arn') ?? '').trim();
  if (arn !== '') {
    return { cloud: arn.startsWith('arn:') ? 'aws' : null, identityId: arn, accountId: null };
  }

  const identityId = (params.get('id') ?? '').trim();
  if (identityId === '') {
    return null;
  }

  const cloud = params.get('cloud');
  const accountId = (params.get('account') ?? '').trim();

  return { cloud: isCloud(cloud) ? cloud : null, identityId, accountId: accountId === '' ? null : accountId };
}

/** Returns the address of an identity's page. URLSearchParams percent-encodes the ids' '/', ':', '@' and spaces. */
export function identityAddress(identity: { cloud: string; accountId: string; identityId: string }): string {
  if (identity.cloud === 'aws') {
    return identityPageUrl(identity.identityId);
  }

  const params = new URLSearchParams({ cloud: identity.cloud, account: identity.accountId, id: identity.identityId });

  return `${PLUGIN_BASE_URL}/${ROUTES.Identity}?${params.toString()}`;
}

/** The identity an address names, once the rows of ciem.identities with its id are read. */
export type ResolvedIdentity<Row> =
  | { status: 'found'; identity: Row; otherAccounts: string[] }
  | { status: 'ambiguous'; candidates: Row[] }
  | { status: 'not-found' };

/**
 * Picks the identity that `key` names among the rows with its id (of its cloud, or of every cloud). A Kubernetes id in
 * two clusters names two identities, so without an account the caller lets the user choose. A Google Cloud member or an
 * Azure principal listed in several accounts is one identity, shown with the account of the address when it has one.
 */
export function resolveIdentity<Row extends { cloud: string; accountId: string }>(
  key: IdentityKey,
  rows: Row[]
): ResolvedIdentity<Row> {
  const identities = new Map<string, Row[]>();
  for (const row of rows) {
    if (identityIsPerAccount(row.cloud) && key.accountId !== null && row.accountId !== key.accountId) {
      continue;
    }
    const id = identityIsPerAccount(row.cloud) ? `${row.cloud}/${row.accountId}` : row.cloud;
    identities.set(id, [...(identities.get(id) ?? []), row]);
  }

  const [first, ...others] = [...identities.values()];
  if (first === undefined) {
    return { status: 'not-found' };
  }
  if (others.length > 0) {
    return { status: 'ambiguous', candidates: [first, ...others].map((listed) => listed[0]) };
  }

  const identity = first.find((row) => row.accountId === key.accountId) ?? first[0];
  return {
    status: 'found',
    identity,
    otherAccounts: first.filter((row) => row !== identity).map((row) => row.accountId),
  };
}
