import { Client, type ClientConfig } from 'pg';

import { UserError } from '../errors';

export interface ConnectionOptions {
  databaseUrl?: string;
}

/**
 * Resolves where to connect: --database-url first, then DATABASE_URL, then libpq's standard
 * PG* variables (PGHOST, PGPORT, PGDATABASE, PGUSER, PGPASSWORD), which `pg` reads itself.
 */
export function resolveClientConfig(options: ConnectionOptions, env: NodeJS.ProcessEnv = process.env): ClientConfig {
  const url = options.databaseUrl ?? env.DATABASE_URL;
  if (url) {
    validateUrl(url);
    return { connectionString: url, application_name: 'openciem' };
  }
  if (!env.PGHOST && !env.PGDATABASE && !env.PGUSER) {
    throw new UserError(
      'no database to connect to',
      'Pass --database-url postgres://USER@HOST:PORT/DB, or set DATABASE_URL or the PG* variables (PGHOST, PGDATABASE, PGUSER).'
    );
  }
  return { application_name: 'openciem' };
}

function validateUrl(url: string): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UserError(
      `invalid database URL "${redactUrl(url)}"`,
      'Use the form postgres://USER:PASSWORD@HOST:PORT/DATABASE.'
    );
  }
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') {
    throw new UserError(
      `invalid database URL "${redactUrl(url)}": the scheme is "${parsed.protocol}", expected postgres: or postgresql:`,
      'Use the form postgres://USER:PASSWORD@HOST:PORT/DATABASE.'
    );
  }
}

/** Replaces the password in a connection URL so it can appear in messages and logs. */
export function redactUrl(url: string): string {
  return url.replace(/(\/\/[^:/@]+:)[^@]*@/, '$1***@');
}

/** Opens a connection, turning connection failures into errors that say where and what to check. */
export async function connect(options: ConnectionOptions): Promise<Client> {
  const config = resolveClientConfig(options);
  const client = new Client(config);
  try {
    await client.connect();
  } catch (error) {
    const where = config.connectionString
      ? redactUrl(config.connectionString)
      : `${process.env.PGHOST ?? 'localhost'}:${process.env.PGPORT ?? '5432'}`;
    throw new UserError(
      `could not connect to PostgreSQL at ${where}: ${(error as Error).message}`,
      'Check that the server is running and that the URL, user and password are right.'
    );
  }
  return client;
}

/** Quotes an identifier for SQL text, as PostgreSQL's quote_ident does. */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
