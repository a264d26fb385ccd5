-- One row per identity, the entry point of every dashboard and page. AWS first: IAM users,
-- groups and roles of every synced account. Later clouds add rows with their own cloud value.

CREATE VIEW ciem.identities AS
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
  FROM ciem.stg_aws_iam_roles r;

COMMENT ON VIEW ciem.identities IS
    'One row per identity (AWS IAM user, group or role) of every synced account; identity_id is the ARN for AWS. last_used_at is the console password''s last use for users and RoleLastUsed for roles.';
