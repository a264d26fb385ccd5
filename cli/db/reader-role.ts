import type { Client } from 'pg';

import { quoteIdent } from './connection';

/**
 * Creates or updates a login role that can read schema ciem and nothing else: the role a Grafana
 * datasource should use. The ciem views run with their owner's rights, so the role needs no
 * access to the CloudQuery tables themselves.
 */
export async function ensureReaderRole(client: Client, role: string, password: string): Promise<void> {
  const exists = await client.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [role]);
  const literal = (await client.query<{ q: string }>('SELECT quote_literal($1) AS q', [password])).rows[0].q;
  const verb = exists.rowCount === 0 ? 'CREATE' : 'ALTER';
  await client.query(`${verb} ROLE ${quoteIdent(role)} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD ${literal}`);
  // Same settings as deploy/grafana-reader-role.sql: queries cannot write even where a grant slips.
  await client.query(`ALTER ROLE ${quoteIdent(role)} SET default_transaction_read_only = on`);
  await client.query(`ALTER ROLE ${quoteIdent(role)} SET search_path = ciem`);
  await client.query(`GRANT USAGE ON SCHEMA ciem TO ${quoteIdent(role)}`);
  await client.query(`GRANT SELECT ON ALL TABLES IN SCHEMA ciem TO ${quoteIdent(role)}`);
  await client.query(`ALTER DEFAULT PRIVILEGES IN SCHEMA ciem GRANT SELECT ON TABLES TO ${quoteIdent(role)}`);
}
