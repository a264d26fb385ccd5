import { parse, YAMLParseError } from 'yaml';

/** One account of a known-accounts list, as ciem.trusted_accounts stores it. */
export interface KnownAccount {
  accountId: string;
  name: string;
  /** 'aws' when the list marks the account as run by AWS itself (the `type` field). */
  ownerType: string | null;
  referenceUrls: string[];
}

/** Invalid content of a known-accounts file; the message names the entry and the value. */
export class KnownAccountsError extends Error {}

const accountIdPattern = /^\d{12}$/;

/**
 * Parses a list in the format of the known_aws_accounts project's accounts.yaml: a YAML list of
 * entries with `name`, `accounts` (12-digit account ids), and optionally `source` (a URL or a list
 * of URLs) and `type`. Every scalar is read as text (the YAML failsafe schema), so an unquoted
 * account id keeps its leading zeros.
 */
export function parseKnownAccounts(text: string): KnownAccount[] {
  let document: unknown;
  try {
    document = parse(text, { schema: 'failsafe' });
  } catch (error) {
    if (error instanceof YAMLParseError) {
      throw new KnownAccountsError(`it is not valid YAML: ${error.message.split('\n')[0].replace(/:$/, '')}`);
    }
    throw error;
  }

  if (!Array.isArray(document)) {
    throw new KnownAccountsError(`the top level is ${describe(document)}, not a list of entries`);
  }
  if (document.length === 0) {
    throw new KnownAccountsError('the list has no entries');
  }

  const accounts = new Map<string, KnownAccount>();
  document.forEach((entry, index) => {
    for (const account of parseEntry(entry, index + 1)) {
      accounts.set(`${account.accountId}\u001f${account.name}`, account);
    }
  });
  return [...accounts.values()];
}

function parseEntry(entry: unknown, position: number): KnownAccount[] {
  if (!isMapping(entry)) {
    throw new KnownAccountsError(`entry ${position} is ${describe(entry)}, not a mapping with name and accounts`);
  }

  const name = typeof entry.name === 'string' ? entry.name.trim() : '';
  if (name === '') {
    throw new KnownAccountsError(`entry ${position} has no name (name: ${JSON.stringify(entry.name ?? null)})`);
  }
  const label = `entry ${position} (${name})`;

  if (!Array.isArray(entry.accounts) || entry.accounts.length === 0) {
    throw new KnownAccountsError(`${label} has no accounts list (accounts: ${JSON.stringify(entry.accounts ?? null)})`);
  }
  const accountIds = entry.accounts.map((value) => {
    const accountId = typeof value === 'string' ? value.trim() : '';
    if (!accountIdPattern.test(accountId)) {
      throw new KnownAccountsError(`${label} has the account id ${JSON.stringify(value)}, which is not 12 digits`);
    }
    return accountId;
  });

  const referenceUrls = readSource(entry.source, label);
  const ownerType = typeof entry.type === 'string' && entry.type.trim() !== '' ? entry.type.trim() : null;
  return accountIds.map((accountId) => ({ accountId, name, ownerType, referenceUrls }));
}

function readSource(source: unknown, label: string): string[] {
  if (source === undefined || source === null) {
    return [];
  }
  if (typeof source === 'string') {
    return [source.trim()];
  }
  if (Array.isArray(source) && source.every((item) => typeof item === 'string')) {
    return source.map((item: string) => item.trim());
  }
  throw new KnownAccountsError(`${label} has a source that is not a URL or a list of URLs: ${JSON.stringify(source)}`);
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === null || value === undefined) {
    return 'empty';
  }
  if (Array.isArray(value)) {
    return 'a list';
  }
  if (typeof value === 'object') {
    return 'a mapping';
  }
  return `the text ${JSON.stringify(value)}`;
}
