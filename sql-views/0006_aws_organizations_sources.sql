-- CloudQuery's AWS Organizations tables (AWS source plugin tree 6d350d2, their last open
-- definition): SCP documents and the root, OU and account tree. They come from the management
-- account and use request_account_id where the IAM tables use account_id.

CREATE TABLE ciem.source_tables (
    table_name text    PRIMARY KEY,
    optional   boolean NOT NULL,
    purpose    text    NOT NULL
);

COMMENT ON TABLE ciem.source_tables IS
    'CloudQuery tables that OpenCIEM can do without: while an optional table is absent, the feature in purpose is off and migrate does not report the table as missing.';

INSERT INTO ciem.source_tables (table_name, optional, purpose)
SELECT t, true, 'service control policies (AWS Organizations, synced from the management account)'
  FROM unnest(ARRAY[
      'aws_organizations', 'aws_organizations_accounts', 'aws_organizations_account_parents',
      'aws_organizations_organizational_units', 'aws_organizations_organizational_unit_parents',
      'aws_organizations_roots', 'aws_organizations_policies'
  ]) AS t;

INSERT INTO ciem.source_columns (table_name, column_name, data_type, ordinal) VALUES
    ('aws_organizations', '_cq_id', 'uuid', 1),
    ('aws_organizations', 'request_account_id', 'text', 2),
    ('aws_organizations', 'arn', 'text', 3),
    ('aws_organizations', 'id', 'text', 4),
    ('aws_organizations', 'master_account_id', 'text', 5),
    ('aws_organizations_accounts', '_cq_id', 'uuid', 1),
    ('aws_organizations_accounts', 'request_account_id', 'text', 2),
    ('aws_organizations_accounts', 'arn', 'text', 3),
    ('aws_organizations_accounts', 'id', 'text', 4),
    ('aws_organizations_accounts', 'name', 'text', 5),
    ('aws_organizations_accounts', 'status', 'text', 6),
    ('aws_organizations_account_parents', '_cq_id', 'uuid', 1),
    ('aws_organizations_account_parents', 'request_account_id', 'text', 2),
    ('aws_organizations_account_parents', 'id', 'text', 3),
    ('aws_organizations_account_parents', 'parent_id', 'text', 4),
    ('aws_organizations_account_parents', 'type', 'text', 5),
    ('aws_organizations_organizational_units', '_cq_id', 'uuid', 1),
    ('aws_organizations_organizational_units', 'request_account_id', 'text', 2),
    ('aws_organizations_organizational_units', 'arn', 'text', 3),
    ('aws_organizations_organizational_units', 'id', 'text', 4),
    ('aws_organizations_organizational_units', 'name', 'text', 5),
    ('aws_organizations_organizational_unit_parents', '_cq_id', 'uuid', 1),
    ('aws_organizations_organizational_unit_parents', 'request_account_id', 'text', 2),
    ('aws_organizations_organizational_unit_parents', 'id', 'text', 3),
    ('aws_organizations_organizational_unit_parents', 'parent_id', 'text', 4),
    ('aws_organizations_organizational_unit_parents', 'type', 'text', 5),
    ('aws_organizations_roots', '_cq_id', 'uuid', 1),
    ('aws_organizations_roots', 'request_account_id', 'text', 2),
    ('aws_organizations_roots', 'arn', 'text', 3),
    ('aws_organizations_roots', 'id', 'text', 4),
    ('aws_organizations_roots', 'name', 'text', 5),
    ('aws_organizations_policies', '_cq_id', 'uuid', 1),
    ('aws_organizations_policies', 'account_id', 'text', 2),
    ('aws_organizations_policies', 'content', 'jsonb', 3),
    ('aws_organizations_policies', 'arn', 'text', 4),
    ('aws_organizations_policies', 'aws_managed', 'boolean', 5),
    ('aws_organizations_policies', 'id', 'text', 6),
    ('aws_organizations_policies', 'name', 'text', 7),
    ('aws_organizations_policies', 'type', 'text', 8);

SELECT ciem.bind_sources(ciem.source_schema());
