import { quoteLiteral } from '../../services/queries';

// The query the trust graph is built for. A dashboard may filter it differently but should keep these column names.

/** Builds the query for the trust policy statement rows of roles in every account, or only in `accountIds`. */
export function buildTrustGraphQuery(accountIds: string[] = []): string {
  const lines = [
    'SELECT role_arn, account_id, trusted_principal, principal_type, trusted_account_id, classification,',
    '  narrowed_by, sid, statement_index, effect, actions, condition',
    'FROM ciem.cross_account_trust',
  ];

  if (accountIds.length > 0) {
    lines.push(`WHERE account_id IN (${accountIds.map(quoteLiteral).join(', ')})`);
  }

  lines.push('ORDER BY role_arn, statement_index, trusted_principal, effect');

  return lines.join('\n');
}
