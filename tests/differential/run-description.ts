import { readFileSync } from 'node:fs';
import path from 'node:path';

import type { Client } from 'pg';

import { testAccountId } from './authorization-details';
import { repositoryRoot } from '../support/paths';

/** The sources of a run, printed at the top of its report. */
export interface RunDescription {
  simulatorVersion: string;
  catalogueVersion: string;
  seed: string;
  accountId: string;
}

export async function describeRun(client: Client, seed: string): Promise<RunDescription> {
  // The package's exports map hides package.json from require, so it is read as a file.
  const manifest = path.join(repositoryRoot, 'node_modules', '@cloud-copilot', 'iam-simulate', 'package.json');
  const simulatorVersion: string = JSON.parse(readFileSync(manifest, 'utf8')).version;
  const catalogue = await client.query<{ version: string }>("SELECT version FROM ciem.catalogue_versions WHERE catalogue = 'aws_actions'");
  return { simulatorVersion, catalogueVersion: catalogue.rows[0]?.version ?? 'not loaded', seed, accountId: testAccountId };
}
