import path from 'node:path';

import type { Client } from 'pg';

import { UserError } from '../errors';
import { readTextFile } from '../import/read-text-file';
import { KnownAccountsError, parseKnownAccounts, type KnownAccount } from './known-accounts';

export interface KnownAccountsImport {
  source: string;
  accounts: number;
  entries: number;
  /** Rows of the same source that the import replaced. */
  replaced: number;
}

const formatHint =
  'The file must be a YAML list of entries with name and accounts (12-digit ids), as accounts.yaml of ' +
  'github.com/fwdcloudsec/known_aws_accounts. Download it yourself; openciem does not fetch it.';

/** Reads and validates a known-accounts file. Every failure names the file. */
export async function readKnownAccountsFile(file: string): Promise<KnownAccount[]> {
  const text = await readTextFile(file, formatHint);
  try {
    return parseKnownAccounts(text);
  } catch (error) {
    if (error instanceof KnownAccountsError) {
      throw new UserError(`invalid known-accounts file ${file}: ${error.message}`, formatHint);
    }
    throw error;
  }
}

/** Returns the default source label, the file name, so that importing a newer download replaces the older one. */
export function defaultSource(file: string): string {
  return path.basename(file);
}

/**
 * Replaces the rows of ciem.trusted_accounts that came from `source` with the file's accounts, in
 * one transaction: on any error the previous list stays.
 */
export async function importKnownAccounts(client: Client, file: string, source: string): Promise<KnownAccountsImport> {
  if (source.trim() === '') {
    throw new UserError('invalid --source "": the source label must not be empty');
  }
  const accounts = await readKnownAccountsFile(file);

  const migrated = await client.query<{ present: boolean }>(
    "SELECT to_regclass('ciem.trusted_accounts') IS NOT NULL AS present"
  );
  if (!migrated.rows[0].present) {
    throw new UserError('the database has no table ciem.trusted_accounts', 'Run openciem migrate first.');
  }

  await client.query('BEGIN');
  try {
    const deleted = await client.query('DELETE FROM ciem.trusted_accounts WHERE source = $1', [source]);
    await client.query(
      `INSERT INTO ciem.trusted_accounts (account_id, name, source, owner_type, reference_urls)
       SELECT a.account_id, a.name, $2, a.owner_type, a.reference_urls
         FROM jsonb_to_recordset($1::jsonb) AS a(account_id text, name text, owner_type text, reference_urls text[])`,
      [
        JSON.stringify(
          accounts.map((account) => ({
            account_id: account.accountId,
            name: account.name,
            owner_type: account.ownerType,
            reference_urls: account.referenceUrls,
          }))
        ),
        source,
      ]
    );
    await client.query('COMMIT');
    return {
      source,
      accounts: new Set(accounts.map((account) => account.accountId)).size,
      entries: new Set(accounts.map((account) => account.name)).size,
      replaced: deleted.rowCount ?? 0,
    };
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  }
}
