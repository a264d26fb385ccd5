import type { ColumnSpec, TableSpec } from './cloudquery-schema';

/**
 * The CloudQuery tables on credentials and account hygiene that the compliance controls read, as
 * the AWS source plugin writes them through its PostgreSQL destination. Source: cloudquery/cloudquery
 * plugins/source/aws/docs/tables at tree 6d350d2 (2024-03-04); aws_account_alternate_contacts and
 * aws_regions from the same plugin's generated table docs. The importer of authorization details
 * does not fill them; the demo and the tests do.
 */

const text = (name: string): ColumnSpec => ({ name, type: 'text' });
const jsonb = (name: string): ColumnSpec => ({ name, type: 'jsonb' });
const timestamp = (name: string): ColumnSpec => ({ name, type: 'timestamp' });
const bigint = (name: string): ColumnSpec => ({ name, type: 'bigint' });
const boolean = (name: string): ColumnSpec => ({ name, type: 'boolean' });

export const hygieneTables: TableSpec[] = [
  {
    // No account_id column: readers take it from the ARN's fifth field.
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
    name: 'aws_iam_accounts',
    keyColumns: ['account_id'],
    columns: [
      text('account_id'),
      ...[
        'users',
        'users_quota',
        'groups',
        'groups_quota',
        'server_certificates',
        'server_certificates_quota',
        'user_policy_size_quota',
        'group_policy_size_quota',
        'groups_per_user_quota',
        'signing_certificates_per_user_quota',
        'access_keys_per_user_quota',
        'mfa_devices',
        'mfa_devices_in_use',
      ].map(bigint),
      boolean('account_mfa_enabled'),
      boolean('account_access_keys_present'),
      boolean('account_signing_certificates_present'),
      ...[
        'attached_policies_per_group_quota',
        'attached_policies_per_role_quota',
        'attached_policies_per_user_quota',
        'policies',
        'policies_quota',
        'policy_size_quota',
        'policy_versions_in_use',
        'policy_versions_in_use_quota',
        'versions_per_policy_quota',
        'global_endpoint_token_version',
      ].map(bigint),
      { name: 'aliases', type: 'text[]' },
    ],
  },
  {
    name: 'aws_iam_password_policies',
    keyColumns: ['account_id'],
    columns: [
      text('account_id'),
      boolean('allow_users_to_change_password'),
      boolean('expire_passwords'),
      boolean('hard_expiry'),
      bigint('max_password_age'),
      bigint('minimum_password_length'),
      bigint('password_reuse_prevention'),
      boolean('require_lowercase_characters'),
      boolean('require_numbers'),
      boolean('require_symbols'),
      boolean('require_uppercase_characters'),
      boolean('policy_exists'),
    ],
  },
  {
    name: 'aws_iam_mfa_devices',
    parent: 'aws_iam_users',
    keyColumns: ['serial_number'],
    columns: [text('account_id'), text('serial_number'), timestamp('enable_date'), text('user_name')],
  },
  {
    // NOTE: CloudQuery also writes base32_string_seed and qr_code_png (bytea), the device's
    // secret; OpenCIEM never reads them and its tables leave them out.
    name: 'aws_iam_virtual_mfa_devices',
    keyColumns: ['serial_number'],
    columns: [text('account_id'), text('serial_number'), jsonb('tags'), timestamp('enable_date'), jsonb('user')],
  },
  {
    name: 'aws_iam_server_certificates',
    keyColumns: ['account_id', 'id'],
    columns: [
      text('account_id'),
      text('id'),
      text('arn'),
      text('path'),
      text('server_certificate_id'),
      text('server_certificate_name'),
      timestamp('expiration'),
      timestamp('upload_date'),
    ],
  },
  {
    name: 'aws_accessanalyzer_analyzers',
    keyColumns: ['arn'],
    columns: [
      text('account_id'),
      text('region'),
      text('arn'),
      timestamp('created_at'),
      text('name'),
      text('status'),
      text('type'),
      text('last_resource_analyzed'),
      timestamp('last_resource_analyzed_at'),
      jsonb('status_reason'),
      jsonb('tags'),
    ],
  },
  {
    name: 'aws_regions',
    keyColumns: ['account_id', 'region'],
    columns: [
      text('account_id'),
      boolean('enabled'),
      text('partition'),
      text('region'),
      text('endpoint'),
      text('opt_in_status'),
      text('region_name'),
    ],
  },
  {
    name: 'aws_account_alternate_contacts',
    keyColumns: ['account_id', 'alternate_contact_type'],
    columns: [
      text('account_id'),
      text('alternate_contact_type'),
      text('email_address'),
      text('name'),
      text('phone_number'),
      text('title'),
    ],
  },
];
