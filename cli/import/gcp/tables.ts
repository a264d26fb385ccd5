/**
 * The Google Cloud tables OpenCIEM reads, as CloudQuery's GCP source plugin writes them through
 * its PostgreSQL destination. Source: cloudquery/cloudquery plugins/source/gcp/docs/tables at tree
 * 88fe91feeb (2024-03-04, the last open tree), and tree 0c6783f171 for gcp_iam_predefined_roles.
 * Binary etag columns are left out because nothing reads them.
 *
 * gcp_resourcemanager_folder_policies and gcp_resourcemanager_organization_policies are
 * OpenCIEM's own: CloudQuery reads IAM policies of projects only. They copy the shape of
 * gcp_resourcemanager_project_policies with folder_id or organization_id in place of project_id.
 */
import type { ColumnSpec, TableSpec } from '../cloudquery-schema';

/** A table and the column whose values an import replaces: the rows of the same project, folder or organisation. */
export interface GcpTableSpec extends TableSpec {
  scopeColumn: string;
}

const text = (name: string): ColumnSpec => ({ name, type: 'text' });
const jsonb = (name: string): ColumnSpec => ({ name, type: 'jsonb' });
const timestamp = (name: string): ColumnSpec => ({ name, type: 'timestamp' });
const bigint = (name: string): ColumnSpec => ({ name, type: 'bigint' });
const boolean = (name: string): ColumnSpec => ({ name, type: 'boolean' });
const textList = (name: string): ColumnSpec => ({ name, type: 'text[]' });

const policyColumns = [jsonb('audit_configs'), jsonb('bindings'), text('etag'), bigint('version')];

const roleColumns = [
  text('project_id'),
  text('name'),
  text('title'),
  text('description'),
  textList('included_permissions'),
  text('stage'),
  boolean('deleted'),
];

// NOTE: these tables have composite primary keys in CloudQuery's GCP plugin, and CloudQuery gives
// such rows a random _cq_id. OpenCIEM derives _cq_id from the key columns instead, so that writing
// the same rows twice keeps their ids.
export const gcpTables: GcpTableSpec[] = [
  {
    name: 'gcp_resourcemanager_project_policies',
    scopeColumn: 'project_id',
    keyColumns: ['project_id'],
    columns: [text('project_id'), ...policyColumns],
  },
  {
    name: 'gcp_resourcemanager_folder_policies',
    scopeColumn: 'folder_id',
    keyColumns: ['folder_id'],
    columns: [text('folder_id'), ...policyColumns],
  },
  {
    name: 'gcp_resourcemanager_organization_policies',
    scopeColumn: 'organization_id',
    keyColumns: ['organization_id'],
    columns: [text('organization_id'), ...policyColumns],
  },
  {
    name: 'gcp_cloudresourcemanager_organizations',
    scopeColumn: 'name',
    keyColumns: ['name'],
    columns: [text('creation_time'), text('display_name'), text('lifecycle_state'), text('name'), jsonb('owner')],
  },
  {
    name: 'gcp_resourcemanager_folders',
    scopeColumn: 'name',
    keyColumns: ['organization_id', 'name'],
    columns: [
      text('organization_id'),
      text('name'),
      text('parent'),
      text('display_name'),
      text('state'),
      timestamp('create_time'),
      timestamp('update_time'),
      timestamp('delete_time'),
      text('etag'),
    ],
  },
  {
    name: 'gcp_resourcemanager_projects',
    scopeColumn: 'project_id',
    keyColumns: ['project_id', 'name'],
    columns: [
      text('project_id'),
      text('name'),
      text('parent'),
      text('state'),
      text('display_name'),
      timestamp('create_time'),
      timestamp('update_time'),
      timestamp('delete_time'),
      text('etag'),
      jsonb('labels'),
    ],
  },
  {
    name: 'gcp_iam_service_accounts',
    scopeColumn: 'project_id',
    keyColumns: ['unique_id', 'name'],
    columns: [
      text('project_id'),
      text('unique_id'),
      text('name'),
      text('email'),
      text('display_name'),
      text('description'),
      text('oauth2_client_id'),
      boolean('disabled'),
    ],
  },
  {
    name: 'gcp_iam_service_account_keys',
    parent: 'gcp_iam_service_accounts',
    scopeColumn: 'project_id',
    keyColumns: ['project_id', 'name'],
    columns: [
      text('project_id'),
      text('service_account_unique_id'),
      text('name'),
      text('key_algorithm'),
      timestamp('valid_after_time'),
      timestamp('valid_before_time'),
      text('key_origin'),
      text('key_type'),
      boolean('disabled'),
    ],
  },
  { name: 'gcp_iam_roles', scopeColumn: 'project_id', keyColumns: ['project_id', 'name'], columns: roleColumns },
  {
    name: 'gcp_iam_predefined_roles',
    scopeColumn: 'project_id',
    keyColumns: ['project_id', 'name'],
    columns: roleColumns,
  },
  {
    name: 'gcp_iam_deny_policies',
    scopeColumn: 'project_id',
    keyColumns: ['project_id', 'name'],
    columns: [
      text('project_id'),
      text('name'),
      text('uid'),
      text('kind'),
      text('display_name'),
      jsonb('annotations'),
      text('etag'),
      timestamp('create_time'),
      timestamp('update_time'),
      timestamp('delete_time'),
      jsonb('rules'),
      text('managing_authority'),
    ],
  },
];

export function gcpTable(name: string): GcpTableSpec {
  const table = gcpTables.find((candidate) => candidate.name === name);
  if (!table) {
    throw new Error(
      `no GCP table is named ${name}; known tables: ${gcpTables.map((candidate) => candidate.name).join(', ')}`
    );
  }
  return table;
}
