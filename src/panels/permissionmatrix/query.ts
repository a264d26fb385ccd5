import { quoteLiteral } from '../../services/queries';

// The query the permission matrix is built for. ciem.aws_principal_service_grants stores the access levels each
// identity is granted per service as a bit mask; ciem.access_levels_of_mask lists them riskiest first, so the first is
// the highest. ciem.service_usage says whether a granted service was used within the tracking window: "unused" and
// "not_used" are grants that were not, and identities without an Access Advisor report are never marked.

/** Builds the identity × service query, for every account or only those in `accountIds`. */
export function buildPermissionMatrixQuery(accountIds: string[] = []): string {
  const lines = [
    'SELECT g.principal_arn AS identity_arn, g.service,',
    '  (ciem.access_levels_of_mask(g.level_mask))[1] AS access_level,',
    "  coalesce(u.usage IN ('unused', 'not_used'), false) AS unused",
    'FROM ciem.aws_principal_service_grants g',
    'JOIN ciem.aws_principals p ON p.principal_arn = g.principal_arn',
    'LEFT JOIN ciem.service_usage u ON u.identity_arn = g.principal_arn AND u.service = g.service',
  ];

  if (accountIds.length > 0) {
    lines.push(`WHERE p.account_id IN (${accountIds.map(quoteLiteral).join(', ')})`);
  }

  lines.push('ORDER BY g.principal_arn, g.service');

  return lines.join('\n');
}
