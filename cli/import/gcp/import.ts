import type { Client } from 'pg';

import { UserError } from '../../errors';
import { InputError } from '../aws-authz/fields';
import { readTextFile } from '../read-text-file';
import { parseIamPolicy, type ParsedIamPolicy } from './iam-policy';
import { writeGcpRows } from './write';

export interface GcpPolicyImportOptions {
  projectId?: string;
  folderId?: string;
  organizationId?: string;
  sourceSchema: string;
}

/** The resource whose policy a file holds, and where its row goes. */
export interface GcpPolicyTarget {
  kind: 'project' | 'folder' | 'organization';
  /** The id as the table stores it: a project id, or the number of a folder or organisation. */
  id: string;
  /** The resource name: projects/ID, folders/N or organizations/N. */
  resource: string;
  table: string;
  column: string;
  command: string;
}

export interface GcpPolicyImportSummary {
  target: GcpPolicyTarget;
  schema: string;
  policy: ParsedIamPolicy;
}

// A project ID "must be 6 to 30 lowercase letters, digits, or hyphens", starts with a letter and
// has no trailing hyphen (Resource Manager reference, Project.projectId). The pattern also accepts
// the legacy domain-scoped form example.com:name, so such an ID is not rejected.
const projectIdPattern = /^([a-z][a-z0-9.-]*[a-z0-9]:)?[a-z][a-z0-9-]{4,28}[a-z0-9]$/;

/** Checks that exactly one of --project-id, --folder-id and --organization-id names a valid resource. */
export function policyTarget(options: GcpPolicyImportOptions): GcpPolicyTarget {
  const given = [options.projectId, options.folderId, options.organizationId].filter((value) => value !== undefined);
  if (given.length !== 1) {
    throw new UserError(
      given.length === 0 ? 'missing --project-id' : 'give only one of --project-id, --folder-id and --organization-id',
      'Name the resource whose policy the file holds, for example: openciem import gcp-iam-policy policy.json --project-id my-project'
    );
  }

  if (options.projectId !== undefined) {
    if (!projectIdPattern.test(options.projectId)) {
      throw new UserError(
        `invalid --project-id "${options.projectId}": a project ID has 6 to 30 lowercase letters, digits or hyphens, starts with a letter and does not end with a hyphen`,
        'Use the project ID that `gcloud projects list` prints in PROJECT_ID, not the project name or number.'
      );
    }
    return {
      kind: 'project',
      id: options.projectId,
      resource: `projects/${options.projectId}`,
      table: 'gcp_resourcemanager_project_policies',
      column: 'project_id',
      command: `gcloud projects get-iam-policy ${options.projectId} --format=json > FILE`,
    };
  }

  const folder = options.folderId !== undefined;
  const raw = (folder ? options.folderId : options.organizationId) as string;
  const prefix = folder ? 'folders/' : 'organizations/';
  const id = raw.startsWith(prefix) ? raw.slice(prefix.length) : raw;
  if (!/^\d+$/.test(id)) {
    const option = folder ? '--folder-id' : '--organization-id';
    throw new UserError(
      `invalid ${option} "${raw}": ${folder ? 'a folder' : 'an organization'} ID is a number, such as 123456789012`,
      folder
        ? 'List folder IDs with: gcloud resource-manager folders list --organization=ORGANIZATION_ID'
        : 'List organization IDs with: gcloud organizations list'
    );
  }
  return {
    kind: folder ? 'folder' : 'organization',
    id,
    resource: `${prefix}${id}`,
    table: folder ? 'gcp_resourcemanager_folder_policies' : 'gcp_resourcemanager_organization_policies',
    column: folder ? 'folder_id' : 'organization_id',
    command: folder
      ? `gcloud resource-manager folders get-iam-policy ${id} --format=json > FILE`
      : `gcloud organizations get-iam-policy ${id} --format=json > FILE`,
  };
}

/** Reads and validates a policy file. Every failure names the file and what is wrong with it. */
export async function readIamPolicyFile(file: string, target: GcpPolicyTarget): Promise<ParsedIamPolicy> {
  const howToExport = `Create the file with: ${target.command}`;

  const text = await readTextFile(file, howToExport);

  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    const yaml = /^\s*(bindings|etag|version|auditConfigs):/m.test(text);
    throw new UserError(
      `${file} is not valid JSON (${(error as Error).message})${yaml ? '; it looks like YAML, the default output of gcloud' : '; the file may be truncated'}`,
      `${howToExport} (--format=json is needed)`
    );
  }

  try {
    return parseIamPolicy(document);
  } catch (error) {
    if (error instanceof InputError) {
      throw new UserError(`${file} is not a valid get-iam-policy export: ${error.message}`, howToExport);
    }
    throw error;
  }
}

/** Replaces the stored policy of one project, folder or organisation with the file's policy. */
export async function importGcpIamPolicy(
  client: Client,
  file: string,
  options: GcpPolicyImportOptions
): Promise<GcpPolicyImportSummary> {
  const target = policyTarget(options);
  const policy = await readIamPolicyFile(file, target);
  return writeIamPolicy(client, options.sourceSchema, target, policy);
}

/** Writes a checked policy as the one row of its project, folder or organisation. */
export async function writeIamPolicy(
  client: Client,
  schema: string,
  target: GcpPolicyTarget,
  policy: ParsedIamPolicy
): Promise<GcpPolicyImportSummary> {
  const row = {
    [target.column]: target.id,
    audit_configs: policy.auditConfigs,
    bindings: policy.bindings,
    etag: policy.etag,
    version: policy.version,
  };
  await writeGcpRows(client, schema, { [target.table]: [row] }, 'openciem-import-gcp-iam-policy');
  return { target, schema, policy };
}
