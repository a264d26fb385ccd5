/**
 * The AWS IAM tables as CloudQuery's AWS source plugin writes them through its PostgreSQL
 * destination: table and column names, PostgreSQL types and the columns that `_cq_id` is derived
 * from. Source: cloudquery/cloudquery plugins/source/aws/docs/tables at tree 6d350d2 (2024-03-04),
 * the last open tree, which matches the single-`_cq_id`-key shape of AWS plugin v24 and later.
 */

export type ColumnType = 'text' | 'jsonb' | 'uuid' | 'timestamp' | 'bigint' | 'boolean' | 'text[]';

export interface ColumnSpec {
  name: string;
  type: ColumnType;
}

export interface TableSpec {
  name: string;
  parent?: string;
  /** Columns hashed into the deterministic `_cq_id` (plugin-sdk PrimaryKeyComponent). */
  keyColumns: string[];
  columns: ColumnSpec[];
}

/** Columns that CloudQuery's CLI and plugin SDK add to every table, in the order it writes them. */
export const internalColumns: ColumnSpec[] = [
  { name: '_cq_sync_time', type: 'timestamp' },
  { name: '_cq_source_name', type: 'text' },
  { name: '_cq_id', type: 'uuid' },
  { name: '_cq_parent_id', type: 'uuid' },
];

const text = (name: string): ColumnSpec => ({ name, type: 'text' });
const jsonb = (name: string): ColumnSpec => ({ name, type: 'jsonb' });
const timestamp = (name: string): ColumnSpec => ({ name, type: 'timestamp' });
const bigint = (name: string): ColumnSpec => ({ name, type: 'bigint' });
const boolean = (name: string): ColumnSpec => ({ name, type: 'boolean' });

export const awsIamTables: TableSpec[] = [
  {
    name: 'aws_iam_users',
    keyColumns: ['account_id', 'arn'],
    columns: [
      text('account_id'),
      text('arn'),
      jsonb('tags'),
      timestamp('create_date'),
      text('path'),
      text('user_id'),
      text('user_name'),
      timestamp('password_last_used'),
      jsonb('permissions_boundary'),
    ],
  },
  {
    name: 'aws_iam_user_attached_policies',
    parent: 'aws_iam_users',
    keyColumns: ['account_id', 'user_arn', 'policy_name'],
    columns: [text('account_id'), text('user_arn'), text('policy_name'), text('user_id'), text('policy_arn')],
  },
  {
    name: 'aws_iam_user_policies',
    parent: 'aws_iam_users',
    keyColumns: ['account_id', 'user_arn', 'policy_name'],
    columns: [
      text('account_id'),
      text('user_arn'),
      text('user_id'),
      jsonb('policy_document'),
      text('policy_name'),
      text('user_name'),
    ],
  },
  {
    name: 'aws_iam_user_groups',
    parent: 'aws_iam_users',
    keyColumns: ['account_id', 'user_arn', 'arn'],
    columns: [
      text('account_id'),
      text('user_arn'),
      text('user_id'),
      text('arn'),
      timestamp('create_date'),
      text('group_id'),
      text('group_name'),
      text('path'),
    ],
  },
  {
    name: 'aws_iam_groups',
    keyColumns: ['account_id', 'arn'],
    columns: [text('account_id'), text('arn'), timestamp('create_date'), text('group_id'), text('group_name'), text('path')],
  },
  {
    name: 'aws_iam_group_attached_policies',
    parent: 'aws_iam_groups',
    keyColumns: ['account_id', 'group_arn', 'policy_arn'],
    columns: [text('account_id'), text('group_arn'), text('policy_arn'), text('policy_name')],
  },
  {
    name: 'aws_iam_group_policies',
    parent: 'aws_iam_groups',
    keyColumns: ['account_id', 'group_arn', 'policy_name'],
    columns: [text('account_id'), text('group_arn'), jsonb('policy_document'), text('group_name'), text('policy_name')],
  },
  {
    name: 'aws_iam_roles',
    keyColumns: ['account_id', 'arn'],
    columns: [
      text('account_id'),
      jsonb('assume_role_policy_document'),
      jsonb('tags'),
      text('arn'),
      timestamp('create_date'),
      text('path'),
      text('role_id'),
      text('role_name'),
      text('description'),
      bigint('max_session_duration'),
      jsonb('permissions_boundary'),
      jsonb('role_last_used'),
    ],
  },
  {
    name: 'aws_iam_role_attached_policies',
    parent: 'aws_iam_roles',
    keyColumns: ['account_id', 'role_arn', 'policy_arn'],
    columns: [text('account_id'), text('role_arn'), text('policy_arn'), text('policy_name')],
  },
  {
    name: 'aws_iam_role_policies',
    parent: 'aws_iam_roles',
    keyColumns: ['account_id', 'role_arn', 'policy_name'],
    columns: [text('account_id'), text('role_arn'), jsonb('policy_document'), text('policy_name'), text('role_name')],
  },
  {
    name: 'aws_iam_policies',
    keyColumns: ['account_id', 'id'],
    columns: [
      text('account_id'),
      text('id'),
      jsonb('tags'),
      text('arn'),
      bigint('attachment_count'),
      timestamp('create_date'),
      text('default_version_id'),
      text('description'),
      boolean('is_attachable'),
      text('path'),
      bigint('permissions_boundary_usage_count'),
      text('policy_id'),
      text('policy_name'),
      timestamp('update_date'),
    ],
  },
  {
    name: 'aws_iam_policy_versions',
    parent: 'aws_iam_policies',
    keyColumns: ['account_id', 'policy_arn', 'version_id'],
    columns: [
      text('account_id'),
      text('policy_arn'),
      jsonb('document_json'),
      timestamp('create_date'),
      text('document'),
      boolean('is_default_version'),
      text('version_id'),
    ],
  },
  {
    name: 'aws_iam_instance_profiles',
    keyColumns: ['account_id', 'id'],
    columns: [
      text('account_id'),
      text('id'),
      jsonb('tags'),
      text('arn'),
      timestamp('create_date'),
      text('instance_profile_id'),
      text('instance_profile_name'),
      text('path'),
      jsonb('roles'),
    ],
  },
  {
    name: 'aws_iam_account_authorization_details',
    keyColumns: ['account_id'],
    columns: [
      text('account_id'),
      jsonb('group_detail_list'),
      jsonb('policies'),
      jsonb('role_detail_list'),
      jsonb('user_detail_list'),
    ],
  },
];

/** Last accessed tables: children of users, roles, groups and managed policies, one row per service. */
function lastAccessedTable(name: string, parent: string, ownerColumn: string): TableSpec {
  return {
    name,
    parent,
    keyColumns: ['account_id', ownerColumn, 'service_namespace'],
    columns: [
      text('account_id'),
      text(ownerColumn),
      text('job_id'),
      text('service_name'),
      text('service_namespace'),
      timestamp('last_authenticated'),
      text('last_authenticated_entity'),
      text('last_authenticated_region'),
      bigint('total_authenticated_entities'),
      jsonb('tracked_actions_last_accessed'),
    ],
  };
}

/**
 * The tables that record activity: the credential report, access keys and last accessed
 * information. The importer of authorization details does not write them; the demo and tests do.
 * The credential report has no account_id column: its account is the fifth field of arn.
 */
export const awsIamActivityTables: TableSpec[] = [
  {
    name: 'aws_iam_credential_reports',
    keyColumns: ['arn', 'user_creation_time'],
    columns: [
      text('arn'),
      timestamp('user_creation_time'),
      timestamp('password_last_changed'),
      timestamp('password_next_rotation'),
      timestamp('access_key_1_last_rotated'),
      timestamp('access_key_2_last_rotated'),
      timestamp('cert_1_last_rotated'),
      timestamp('cert_2_last_rotated'),
      timestamp('access_key_1_last_used_date'),
      timestamp('access_key_2_last_used_date'),
      timestamp('password_last_used'),
      text('password_enabled'),
      text('user'),
      text('password_status'),
      boolean('mfa_active'),
      boolean('access_key1_active'),
      boolean('access_key2_active'),
      boolean('cert1_active'),
      boolean('cert2_active'),
      text('access_key1_last_used_region'),
      text('access_key1_last_used_service'),
      text('access_key2_last_used_region'),
      text('access_key2_last_used_service'),
    ],
  },
  {
    name: 'aws_iam_user_access_keys',
    parent: 'aws_iam_users',
    keyColumns: ['account_id', 'user_arn', 'access_key_id'],
    columns: [
      text('account_id'),
      text('user_arn'),
      text('access_key_id'),
      text('user_id'),
      timestamp('last_used'),
      text('last_used_service_name'),
      timestamp('create_date'),
      text('status'),
      text('user_name'),
      timestamp('last_rotated'),
    ],
  },
  lastAccessedTable('aws_iam_user_last_accessed_details', 'aws_iam_users', 'user_arn'),
  lastAccessedTable('aws_iam_role_last_accessed_details', 'aws_iam_roles', 'role_arn'),
  lastAccessedTable('aws_iam_group_last_accessed_details', 'aws_iam_groups', 'group_arn'),
  lastAccessedTable('aws_iam_policy_last_accessed_details', 'aws_iam_policies', 'arn'),
];

/** Returns the CREATE TABLE statement CloudQuery's PostgreSQL destination would issue. */
export function createTableSql(schema: string, table: TableSpec, quote: (name: string) => string): string {
  const columns = [...internalColumns, ...table.columns].map((column) => {
    const notNull = column.name === '_cq_id' ? ' NOT NULL' : '';
    return `${quote(column.name)} ${sqlType(column.type)}${notNull}`;
  });
  const primaryKey = `CONSTRAINT ${quote(`${table.name}_cqpk`)} PRIMARY KEY (${quote('_cq_id')})`;
  return `CREATE TABLE IF NOT EXISTS ${quote(schema)}.${quote(table.name)} (${[...columns, primaryKey].join(', ')})`;
}

export function sqlType(type: ColumnType): string {
  return type === 'timestamp' ? 'timestamp without time zone' : type;
}
