import type { ColumnSpec, TableSpec } from '../cloudquery-schema';

/**
 * The Azure tables that migration 0027 reads, as CloudQuery's Azure source plugin writes them
 * through its PostgreSQL destination. Source: cloudquery/cloudquery plugins/source/azure/docs/tables
 * at tree 000ba33081 (2024-03-06), the last open tree (plugin v10.3.0 shape). The ARM objects of
 * the authorization tables sit whole in `properties` (jsonb, camelCase keys). No import command
 * writes them; the demo and the tests do.
 */

const text = (name: string): ColumnSpec => ({ name, type: 'text' });
const jsonb = (name: string): ColumnSpec => ({ name, type: 'jsonb' });

/** Describes an authorization table: id, name, type and properties, keyed as the plugin keys them. */
function armTable(name: string, keyColumns: string[]): TableSpec {
  return {
    name,
    keyColumns,
    columns: [text('subscription_id'), jsonb('properties'), text('id'), text('name'), text('type')],
  };
}

/** Describes a resource table by the columns that name a managed identity. */
function resourceTable(name: string): TableSpec {
  return {
    name,
    keyColumns: ['id'],
    columns: [text('subscription_id'), text('id'), text('name'), text('type'), jsonb('identity')],
  };
}

export const azureTables: TableSpec[] = [
  armTable('azure_authorization_role_assignments', ['subscription_id', 'id']),
  armTable('azure_authorization_role_definitions', ['id']),
  armTable('azure_authorization_classic_administrators', ['id']),
  armTable('azure_role_management_policy_assignments', ['id']),
  {
    name: 'azure_subscription_subscriptions',
    keyColumns: ['id'],
    columns: [
      text('authorization_source'),
      jsonb('managed_by_tenants'),
      jsonb('subscription_policies'),
      jsonb('tags'),
      text('display_name'),
      text('id'),
      text('state'),
      text('subscription_id'),
      text('tenant_id'),
    ],
  },
  {
    name: 'azure_subscription_tenants',
    keyColumns: ['id'],
    columns: [
      text('country'),
      text('country_code'),
      text('default_domain'),
      text('display_name'),
      { name: 'domains', type: 'text[]' },
      text('id'),
      text('tenant_branding_logo_url'),
      text('tenant_category'),
      text('tenant_id'),
      text('tenant_type'),
    ],
  },
  resourceTable('azure_compute_virtual_machines'),
  resourceTable('azure_storage_accounts'),
  resourceTable('azure_containerservice_managed_clusters'),
  resourceTable('azure_appservice_web_apps'),
  resourceTable('azure_sql_servers'),
];
