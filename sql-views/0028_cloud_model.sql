-- One model across clouds: the identities, grants, effective permissions, trust and compliance
-- results of AWS (migrations 0003 to 0024), Kubernetes (0025), Google Cloud (0026) and Azure
-- (0027) in the relations that dashboards and pages read. Each cloud's own relations stay, under
-- its prefix, for the detail only that cloud has.

-- Identities of every cloud. The AWS part is migration 0003's.
CREATE OR REPLACE VIEW ciem.identities AS
SELECT 'aws'::text                                        AS cloud,
       u.account_id,
       u.arn                                              AS identity_id,
       'user'::text                                       AS identity_type,
       u.user_name                                        AS display_name,
       u.path,
       u.create_date                                      AS created_at,
       u.password_last_used                               AS last_used_at,
       u.permissions_boundary ->> 'PermissionsBoundaryArn' AS permissions_boundary_arn,
       false                                              AS is_service_linked
  FROM ciem.stg_aws_iam_users u
UNION ALL
SELECT 'aws',
       g.account_id,
       g.arn,
       'group',
       g.group_name,
       g.path,
       g.create_date,
       NULL::timestamptz,
       NULL::text,
       false
  FROM ciem.stg_aws_iam_groups g
UNION ALL
SELECT 'aws',
       r.account_id,
       r.arn,
       'role',
       r.role_name,
       r.path,
       r.create_date,
       -- Go marshals RoleLastUsed.LastUsedDate as RFC 3339 text, or null when never used.
       (r.role_last_used ->> 'LastUsedDate')::timestamptz,
       r.permissions_boundary ->> 'PermissionsBoundaryArn',
       -- AWS creates service-linked roles under the path /aws-service-role/ (IAM User Guide,
       -- "Using service-linked roles"); their policies cannot be changed by the account.
       coalesce(r.path LIKE '/aws-service-role/%', false)
  FROM ciem.stg_aws_iam_roles r
UNION ALL
SELECT * FROM ciem.k8s_identities
UNION ALL
SELECT * FROM ciem.gcp_identities
UNION ALL
SELECT * FROM ciem.azure_identities;

COMMENT ON VIEW ciem.identities IS
    'One row per identity of every synced cloud: AWS IAM users, groups and roles (identity_id is the ARN); Kubernetes users, groups and service accounts; Google Cloud members and service accounts; Azure principals of role assignments. account_id is the AWS account, Kubernetes cluster context, Google Cloud project or Azure subscription.';

-- Who holds which policy or role at which scope. AWS policies apply in the account that holds
-- the identity; a group's policies reach its members through via = group.
CREATE VIEW ciem.aws_identity_grants AS
SELECT 'aws'::text AS cloud,
       p.account_id,
       pp.principal_arn AS identity_id,
       p.principal_type AS identity_type,
       pp.policy_key AS role_id,
       coalesce(d.policy_name, split_part(pp.policy_key, '/', -1)) AS role_name,
       'account'::text AS scope_type,
       p.account_id AS scope,
       pp.via,
       NULL::jsonb AS condition,
       false AS is_conditional,
       coalesce(pp.group_arn, pp.policy_key) AS grant_id
  FROM ciem.aws_principal_policies pp
  JOIN ciem.aws_principals p ON p.principal_arn = pp.principal_arn
  LEFT JOIN ciem.aws_policy_documents d ON d.policy_key = pp.policy_key
UNION ALL
SELECT 'aws', g.account_id, g.group_arn, 'group', g.policy_arn, g.policy_name, 'account', g.account_id, 'direct', NULL, false, g.policy_arn
  FROM ciem.stg_aws_iam_group_attached_policies g
UNION ALL
SELECT 'aws', g.account_id, g.group_arn, 'group', 'inline:' || g.group_arn || ':' || g.policy_name, g.policy_name,
       'account', g.account_id, 'direct', NULL, false, 'inline:' || g.group_arn || ':' || g.policy_name
  FROM ciem.stg_aws_iam_group_policies g;

COMMENT ON VIEW ciem.aws_identity_grants IS
    'AWS rows of ciem.identity_grants: each policy of an IAM user or role (direct, through a group, or as its permissions boundary) and each policy of a group. role_id is the policy ARN, or inline:<owner ARN>:<name> for an inline policy.';

CREATE VIEW ciem.identity_grants AS
SELECT * FROM ciem.aws_identity_grants
UNION ALL
SELECT * FROM ciem.k8s_identity_grants
UNION ALL
SELECT * FROM ciem.gcp_identity_grants
UNION ALL
SELECT * FROM ciem.azure_identity_grants;

COMMENT ON VIEW ciem.identity_grants IS
    'One row per identity and policy or role it holds at a scope, in every cloud: AWS policies at account scope; Kubernetes Roles and ClusterRoles at namespace or cluster scope; Google Cloud roles at organisation, folder or project; Azure roles from management group down to resource. condition keeps an IAM condition as stored, and is_conditional marks grants that hold only under it.';

-- Effective permissions of the other clouds in one shape. AWS keeps its own functions
-- (ciem.effective_permissions, ciem.explain), because its engine evaluates statements with
-- resources and conditions that this shape has no room for.
CREATE VIEW ciem.cloud_effective_permissions AS
SELECT cloud, account_id, identity_id, permission, scope_type, scope, decision, granted_by FROM ciem.k8s_effective_permissions
UNION ALL
SELECT cloud, account_id, identity_id, permission, scope_type, scope, decision, granted_by FROM ciem.gcp_effective_permissions
UNION ALL
SELECT cloud, account_id, identity_id, permission, scope_type, scope, decision, granted_by FROM ciem.azure_effective_permissions;

COMMENT ON VIEW ciem.cloud_effective_permissions IS
    'Effective permissions of Kubernetes, Google Cloud and Azure identities: permission as the provider writes it, at a scope, with decision allowed, conditional or denied and the grant behind it. AWS effective permissions come from ciem.effective_permissions(arn).';

-- Trust that crosses an account, project, subscription, tenant or namespace, in every cloud.
CREATE VIEW ciem.cross_boundary_trust AS
SELECT 'aws'::text AS cloud,
       t.account_id,
       t.role_arn AS identity_id,
       'role'::text AS identity_type,
       t.trusted_principal AS trusted_from,
       t.classification,
       jsonb_build_object('trusted_account_id', t.trusted_account_id, 'narrowed_by', t.narrowed_by,
                          'statement_index', t.statement_index, 'sid', t.sid, 'condition', t.condition) AS evidence
  FROM ciem.cross_account_trust t
 WHERE t.classification <> 'same_account' AND t.effect = 'Allow' AND NOT t.is_not_principal
UNION ALL
SELECT * FROM ciem.k8s_cross_boundary_trust
UNION ALL
SELECT * FROM ciem.gcp_cross_boundary_trust
UNION ALL
SELECT * FROM ciem.azure_cross_boundary_trust;

COMMENT ON VIEW ciem.cross_boundary_trust IS
    'Identities that principals from outside their own boundary may use or act as: AWS roles whose trust policy admits another account, an organisation member, a federation or the public (ciem.cross_account_trust has the detail); Kubernetes subjects from other namespaces; Google Cloud members from other projects or outside the domain; Azure principals of other tenants.';

-- Which cloud each compliance benchmark judges, so that an account is listed only against the
-- controls of its own cloud.
CREATE TABLE ciem.compliance_benchmarks (
    benchmark text PRIMARY KEY,
    cloud     text NOT NULL
);

INSERT INTO ciem.compliance_benchmarks (benchmark, cloud)
SELECT DISTINCT c.benchmark,
       CASE WHEN c.benchmark LIKE '%AWS%' THEN 'aws'
            WHEN c.benchmark LIKE '%Kubernetes%' THEN 'kubernetes'
            WHEN c.benchmark LIKE '%Google%' THEN 'gcp'
            WHEN c.benchmark LIKE '%Azure%' THEN 'azure'
       END
  FROM ciem.compliance_controls c;

COMMENT ON TABLE ciem.compliance_benchmarks IS
    'The cloud of each benchmark in ciem.compliance_controls: aws, kubernetes, gcp or azure.';

-- The AWS controls judge AWS accounts only, now that ciem.identities holds other clouds' too.
CREATE OR REPLACE VIEW ciem.compliance_account_data AS
WITH accounts AS (
    SELECT i.account_id, split_part(i.identity_id, ':', 2) AS partition FROM ciem.identities i WHERE i.cloud = 'aws'
    UNION
    SELECT split_part(c.arn, ':', 5), split_part(c.arn, ':', 2) FROM ciem.stg_aws_iam_credential_reports c
    UNION
    SELECT a.account_id, NULL FROM ciem.stg_aws_iam_accounts a
    UNION
    SELECT p.account_id, NULL FROM ciem.stg_aws_iam_password_policies p
),
synced AS (
    SELECT array_agg(b.table_name) AS tables FROM ciem.source_bindings b WHERE b.present
)
SELECT a.account_id,
       coalesce(max(a.partition), 'aws') AS partition,
       format('arn:%s:iam::%s:root', coalesce(max(a.partition), 'aws'), a.account_id) AS root_arn,
       a.account_id IN (SELECT i.account_id FROM ciem.identities i WHERE i.cloud = 'aws') AS has_identities,
       a.account_id IN (SELECT s.account_id FROM ciem.stg_aws_iam_accounts s) AS has_account_summary,
       a.account_id IN (SELECT p.account_id FROM ciem.stg_aws_iam_password_policies p) AS has_password_policy,
       a.account_id IN (SELECT split_part(c.arn, ':', 5) FROM ciem.stg_aws_iam_credential_reports c) AS has_credential_report,
       a.account_id IN (SELECT r.account_id FROM ciem.stg_aws_regions r) AS has_regions,
       coalesce('aws_iam_virtual_mfa_devices' = ANY (max(s.tables)), false) AS virtual_mfa_devices_synced,
       coalesce('aws_iam_server_certificates' = ANY (max(s.tables)), false) AS server_certificates_synced,
       coalesce('aws_accessanalyzer_analyzers' = ANY (max(s.tables)), false) AS analyzers_synced,
       coalesce('aws_account_alternate_contacts' = ANY (max(s.tables)), false) AS alternate_contacts_synced
  FROM accounts a
 CROSS JOIN synced s
 WHERE coalesce(a.account_id, '') <> ''
 GROUP BY a.account_id;

-- ciem.compliance_results across clouds. The AWS results keep their materialised view, renamed
-- aws_compliance_results; the views that read compliance_results are created again on the union.
CREATE TEMP TABLE compliance_results_dependents ON COMMIT DROP AS
SELECT ciem.dependent_view_ddl('ciem.compliance_results') AS statements;

CREATE TEMP TABLE compliance_results_definition ON COMMIT DROP AS
SELECT rtrim(pg_get_viewdef('ciem.compliance_results'::regclass), ';') AS query;

DROP MATERIALIZED VIEW ciem.compliance_results CASCADE;

SELECT ciem.execute_statements(ARRAY[
    'CREATE MATERIALIZED VIEW ciem.aws_compliance_results AS ' || query || ' WITH NO DATA'])
  FROM compliance_results_definition;

CREATE UNIQUE INDEX aws_compliance_results_key ON ciem.aws_compliance_results (benchmark, version, control_id, account_id, resource);
CREATE INDEX aws_compliance_results_account ON ciem.aws_compliance_results (account_id, status);

COMMENT ON MATERIALIZED VIEW ciem.aws_compliance_results IS
    'The CIS AWS Foundations Benchmark rows of ciem.compliance_results.';

-- After the other clouds' relations (600 to 749): some AWS controls read ciem.identities, which now
-- reads them.
UPDATE ciem.refresh_relations SET relation_name = 'aws_compliance_results', position = 800 WHERE relation_name = 'compliance_results';

CREATE VIEW ciem.compliance_results AS
SELECT * FROM ciem.aws_compliance_results
UNION ALL
SELECT * FROM ciem.k8s_compliance_results
UNION ALL
SELECT * FROM ciem.gcp_compliance_results
UNION ALL
SELECT * FROM ciem.azure_compliance_results;

COMMENT ON VIEW ciem.compliance_results IS
    'One row per control and resource judged, in every cloud: status pass, fail, or unknown when the data needed is absent (evidence.missing says which). account_id is the AWS account, Kubernetes cluster context, Google Cloud project or Azure subscription; resource names what was judged. evidence holds the values read.';

SELECT ciem.execute_statements(statements) FROM compliance_results_dependents;

-- Every account against the controls of its own cloud's benchmark.
CREATE OR REPLACE VIEW ciem.compliance_summary AS
WITH accounts AS (
    SELECT d.account_id, 'aws'::text AS cloud FROM ciem.compliance_account_data d
    UNION
    SELECT r.account_id, b.cloud
      FROM ciem.compliance_results r
      JOIN ciem.compliance_benchmarks b ON b.benchmark = r.benchmark
),
counts AS (
    SELECT r.benchmark, r.version, r.control_id, r.account_id,
           count(*) FILTER (WHERE r.status = 'pass') AS pass_count,
           count(*) FILTER (WHERE r.status = 'fail') AS fail_count,
           count(*) FILTER (WHERE r.status = 'unknown') AS unknown_count
      FROM ciem.compliance_results r
     GROUP BY r.benchmark, r.version, r.control_id, r.account_id
)
SELECT c.benchmark,
       c.version,
       c.control_id,
       c.position,
       c.title,
       c.profile,
       c.decidable,
       c.severity,
       a.account_id,
       coalesce(n.pass_count, 0)::integer AS pass_count,
       coalesce(n.fail_count, 0)::integer AS fail_count,
       coalesce(n.unknown_count, 0)::integer AS unknown_count,
       round(100.0 * n.pass_count / nullif(n.pass_count + n.fail_count, 0), 1) AS pass_rate,
       CASE WHEN NOT c.decidable THEN 'manual'
            WHEN coalesce(n.fail_count, 0) > 0 THEN 'fail'
            WHEN coalesce(n.unknown_count, 0) > 0 THEN 'unknown'
            WHEN coalesce(n.pass_count, 0) > 0 THEN 'pass'
            ELSE 'not_applicable' END AS state
  FROM ciem.compliance_controls c
  JOIN ciem.compliance_benchmarks b ON b.benchmark = c.benchmark
  JOIN accounts a ON a.cloud = b.cloud
  LEFT JOIN counts n
    ON n.benchmark = c.benchmark AND n.version = c.version AND n.control_id = c.control_id AND n.account_id = a.account_id
 WHERE a.account_id IS NOT NULL;

-- The AWS compliance findings read the AWS results only: the other clouds register their own.
CREATE OR REPLACE VIEW ciem.compliance_findings AS
SELECT 'aws'::text AS cloud,
       r.account_id,
       r.resource AS identity_arn,
       r.resource_type AS identity_type,
       'compliance'::text AS category,
       c.severity,
       format('%s %s %s failed: %s', 'CIS AWS', r.version, r.control_id, r.title) AS title,
       format('cis-aws-%s:%s', r.version, r.control_id) AS finding_key,
       jsonb_build_object('benchmark', r.benchmark, 'version', r.version, 'control_id', r.control_id,
                          'how_decided', c.how_decided)
       || r.evidence AS evidence
  FROM ciem.aws_compliance_results r
  JOIN ciem.compliance_controls c USING (benchmark, version, control_id)
 WHERE r.status = 'fail';
