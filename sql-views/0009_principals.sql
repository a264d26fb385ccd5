-- The principals whose effective permissions OpenCIEM computes, and the policies each one has.

-- One row per IAM user and role: the principals that sign requests. Groups are not principals
-- (IAM User Guide, "IAM user groups"); their policies reach their members.
CREATE MATERIALIZED VIEW ciem.aws_principals AS
WITH principals AS (
    SELECT u.arn AS principal_arn,
           'user'::text AS principal_type,
           u.account_id,
           u.user_name AS principal_name,
           u.user_id AS unique_id,
           u.permissions_boundary ->> 'PermissionsBoundaryArn' AS boundary_arn,
           false AS is_service_linked,
           u._cq_sync_time AS synced_at
      FROM ciem.stg_aws_iam_users u
    UNION ALL
    SELECT r.arn, 'role', r.account_id, r.role_name, r.role_id,
           r.permissions_boundary ->> 'PermissionsBoundaryArn',
           coalesce(r.path LIKE '/aws-service-role/%', false),
           r._cq_sync_time
      FROM ciem.stg_aws_iam_roles r
)
-- An ARN names one principal; a principal imported under two accounts is kept once.
SELECT DISTINCT ON (principal_arn)
       principal_arn, principal_type, account_id, principal_name, unique_id, boundary_arn, is_service_linked
  FROM principals
 ORDER BY principal_arn, synced_at DESC NULLS LAST, account_id
WITH NO DATA;

CREATE UNIQUE INDEX aws_principals_arn ON ciem.aws_principals (principal_arn);

COMMENT ON MATERIALIZED VIEW ciem.aws_principals IS
    'One row per IAM user or role, with its permissions boundary ARN and whether it is a service-linked role.';

-- One row per policy that applies to a principal and the way it applies:
--   direct   attached to or embedded in the user or role;
--   group    attached to or embedded in a group the user belongs to;
--   boundary the principal's permissions boundary, which limits and never grants.
CREATE MATERIALIZED VIEW ciem.aws_principal_policies AS
SELECT a.user_arn AS principal_arn, a.policy_arn AS policy_key, 'direct' AS via, NULL::text AS group_arn
  FROM ciem.stg_aws_iam_user_attached_policies a
UNION
SELECT i.user_arn, 'inline:' || i.user_arn || ':' || i.policy_name, 'direct', NULL
  FROM ciem.stg_aws_iam_user_policies i
UNION
SELECT m.user_arn, ga.policy_arn, 'group', ga.group_arn
  FROM ciem.stg_aws_iam_user_groups m
  JOIN ciem.stg_aws_iam_group_attached_policies ga ON ga.group_arn = m.arn AND ga.account_id = m.account_id
UNION
SELECT m.user_arn, 'inline:' || gi.group_arn || ':' || gi.policy_name, 'group', gi.group_arn
  FROM ciem.stg_aws_iam_user_groups m
  JOIN ciem.stg_aws_iam_group_policies gi ON gi.group_arn = m.arn AND gi.account_id = m.account_id
UNION
SELECT a.role_arn, a.policy_arn, 'direct', NULL
  FROM ciem.stg_aws_iam_role_attached_policies a
UNION
SELECT i.role_arn, 'inline:' || i.role_arn || ':' || i.policy_name, 'direct', NULL
  FROM ciem.stg_aws_iam_role_policies i
UNION
SELECT p.principal_arn, p.boundary_arn, 'boundary', NULL
  FROM ciem.aws_principals p
 WHERE p.boundary_arn IS NOT NULL
WITH NO DATA;

CREATE UNIQUE INDEX aws_principal_policies_key ON ciem.aws_principal_policies (principal_arn, policy_key, via, group_arn);
CREATE INDEX aws_principal_policies_policy ON ciem.aws_principal_policies (policy_key);

COMMENT ON MATERIALIZED VIEW ciem.aws_principal_policies IS
    'One row per policy that applies to an IAM user or role: via direct (attached or inline), group (through group_arn) or boundary (the permissions boundary).';

-- Policies that a principal refers to but whose document is not in the data (a managed policy
-- that was not synced, say). OpenCIEM cannot evaluate them; for a boundary that means the
-- boundary allows nothing it can see.
CREATE VIEW ciem.aws_missing_policies AS
SELECT pp.principal_arn, pp.policy_key, pp.via, pp.group_arn
  FROM ciem.aws_principal_policies pp
 WHERE NOT EXISTS (SELECT 1 FROM ciem.aws_policy_statements s WHERE s.policy_key = pp.policy_key);

COMMENT ON VIEW ciem.aws_missing_policies IS
    'One row per policy attached to a principal (or set as its boundary) whose document OpenCIEM does not have.';
