import { buildIdentityRowsQuery } from './cloudIdentityQueries';
import type { Cloud } from './clouds';
import { readCreepScore, type CreepScore } from './creepScore';
import { runSql } from './datasource';
import { toIdentity, type Identity } from './identities';
import { buildIdentityFindingsQuery, buildIdentityQuery } from './identityQueries';
import { readBoolean, readOptionalNumber, readOptionalText, readOptionalTime, readText } from './rows';

/** The summary of the Identity page: the identity and its creep score. */
export interface IdentityDetail extends Identity {
  /** Null when the identity has no last accessed report, or is a group. */
  creepScore: CreepScore | null;
  /** Granted services in the score, and those of them not used within unused_days; null without a score. */
  grantedServices: number | null;
  unusedServices: number | null;
}

/** An open finding of ciem.findings, suppressed ones included. */
export interface Finding {
  findingId: string;
  category: string;
  severity: string;
  title: string;
  /** The rule's evidence as JSON text. */
  evidence: string | null;
  /** Epoch milliseconds. */
  firstSeen: number | null;
  lastSeen: number | null;
  suppressed: boolean;
  suppressionReason: string | null;
  suppressionExpiresAt: number | null;
}

/** Fetches one identity by ARN, or returns null when ciem.identities has no such identity. */
export async function fetchIdentity(datasourceUid: string, identityArn: string): Promise<IdentityDetail | null> {
  const [row] = await runSql(datasourceUid, buildIdentityQuery(identityArn));
  if (row === undefined) {
    return null;
  }

  return {
    ...toIdentity(row),
    creepScore: readCreepScore(row),
    grantedServices: readOptionalNumber(row, 'granted_services'),
    unusedServices: readOptionalNumber(row, 'unused_services'),
  };
}

/** Fetches the rows of ciem.identities with this id: of one cloud, or of every cloud when cloud is null. */
export async function fetchIdentityRows(
  datasourceUid: string,
  identityId: string,
  cloud: Cloud | null
): Promise<Identity[]> {
  const rows = await runSql(datasourceUid, buildIdentityRowsQuery(identityId, cloud));

  return rows.map(toIdentity);
}

/**
 * Fetches the open findings of one identity. `within` keeps those of one cloud and, when its accountId is not null, of
 * one account.
 */
export async function fetchIdentityFindings(
  datasourceUid: string,
  identityId: string,
  within?: { cloud: string; accountId: string | null }
): Promise<Finding[]> {
  const rows = await runSql(datasourceUid, buildIdentityFindingsQuery(identityId, within));

  return rows.map((row) => ({
    findingId: readText(row, 'finding_id'),
    category: readText(row, 'category'),
    severity: readText(row, 'severity'),
    title: readText(row, 'title'),
    evidence: readOptionalText(row, 'evidence'),
    firstSeen: readOptionalTime(row, 'first_seen'),
    lastSeen: readOptionalTime(row, 'last_seen'),
    suppressed: readBoolean(row, 'suppressed'),
    suppressionReason: readOptionalText(row, 'suppression_reason'),
    suppressionExpiresAt: readOptionalTime(row, 'suppression_expires_at'),
  }));
}
