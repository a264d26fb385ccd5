import type { Client } from 'pg';

import { readAuthorizationDetailsFile } from './read-file';
import { writeExport, type ImportSummary } from './write';

export interface ImportOptions {
  accountId?: string;
  sourceSchema: string;
}

/** Reads, validates and writes one export; returns the rows written and any warnings. */
export async function importAuthorizationDetails(
  client: Client,
  file: string,
  options: ImportOptions
): Promise<ImportSummary & { warnings: string[] }> {
  const parsed = await readAuthorizationDetailsFile(file, options.accountId);
  const summary = await writeExport(client, options.sourceSchema, parsed);
  return { ...summary, warnings: parsed.warnings };
}
