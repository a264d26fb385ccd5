-- Google Cloud in the ciem model: identities, role grants at project, folder and organisation
-- scope, effective permissions with deny policies, findings, cross-boundary trust and the IAM
-- section of the CIS Google Cloud Platform Foundation Benchmark v3.0.0.
--
-- Tables and columns follow CloudQuery's GCP source plugin: tree 88fe91feeb (2024-03-04), the
-- last open tree, and tree 0c6783f171 for gcp_iam_predefined_roles. Two tables are OpenCIEM's own:
-- gcp_resourcemanager_folder_policies and gcp_resourcemanager_organization_policies, because
-- CloudQuery calls GetIamPolicy on projects only. `openciem import gcp-iam-policy` fills them.
--
-- Google Cloud behaviour used below (Google Cloud documentation):
--   * IAM Policy reference, Binding: a binding grants one role to its members. Member strings
--     are user:, group:, serviceAccount:, domain:, allUsers, allAuthenticatedUsers, deleted:...,
--     principal:// and principalSet://. "Deny policies, like allow policies, are inherited through
--     the resource hierarchy" (Deny policies), so a folder or organisation binding applies to
--     every project below it.
--   * Conditions overview: a binding with a condition grants its role only while the condition
--     is true.
--   * Deny policies: IAM checks deny policies before allow policies. A deny rule applies to its
--     deniedPrincipals except its exceptionPrincipals, for its deniedPermissions except its
--     exceptionPermissions, on the attachment point and everything below it. In the IAM v2 API
--     reference (DenyRule), a rule with a denialCondition applies when the condition is true.
--   * Roles for managing and impersonating service accounts: actAs, getAccessToken, signBlob,
--     signJwt, getOpenIdToken, implicitDelegation and serviceAccountKeys.create granted on a
--     project reach every service account of the project.

-- 1. Source tables.

INSERT INTO ciem.source_tables (table_name, optional, purpose)
SELECT t, true, 'Google Cloud identities and IAM policies (GCP identities, grants, effective permissions, findings)'
  FROM unnest(ARRAY[
      'gcp_iam_service_accounts', 'gcp_iam_service_account_keys', 'gcp_iam_roles', 'gcp_iam_predefined_roles',
      'gcp_iam_deny_policies', 'gcp_resourcemanager_project_policies', 'gcp_resourcemanager_folder_policies',
      'gcp_resourcemanager_organization_policies', 'gcp_resourcemanager_projects', 'gcp_resourcemanager_folders',
      'gcp_resourcemanager_subfolders', 'gcp_cloudresourcemanager_organizations', 'gcp_projects'
  ]) AS t;

-- included_permissions is staged as text: the baseline writes text[], and reading it as text lets
-- ciem.gcp_text_list accept a JSON array too, should a later plugin version write jsonb.
INSERT INTO ciem.source_columns (table_name, column_name, data_type, ordinal) VALUES
    ('gcp_iam_service_accounts', '_cq_id', 'uuid', 1),
    ('gcp_iam_service_accounts', '_cq_sync_time', 'timestamptz', 2),
    ('gcp_iam_service_accounts', 'project_id', 'text', 3),
    ('gcp_iam_service_accounts', 'unique_id', 'text', 4),
    ('gcp_iam_service_accounts', 'name', 'text', 5),
    ('gcp_iam_service_accounts', 'email', 'text', 6),
    ('gcp_iam_service_accounts', 'display_name', 'text', 7),
    ('gcp_iam_service_accounts', 'description', 'text', 8),
    ('gcp_iam_service_accounts', 'oauth2_client_id', 'text', 9),
    ('gcp_iam_service_accounts', 'disabled', 'boolean', 10),
    ('gcp_iam_service_account_keys', '_cq_id', 'uuid', 1),
    ('gcp_iam_service_account_keys', '_cq_parent_id', 'uuid', 2),
    ('gcp_iam_service_account_keys', '_cq_sync_time', 'timestamptz', 3),
    ('gcp_iam_service_account_keys', 'project_id', 'text', 4),
    ('gcp_iam_service_account_keys', 'service_account_unique_id', 'text', 5),
    ('gcp_iam_service_account_keys', 'name', 'text', 6),
    ('gcp_iam_service_account_keys', 'key_algorithm', 'text', 7),
    ('gcp_iam_service_account_keys', 'valid_after_time', 'timestamptz', 8),
    ('gcp_iam_service_account_keys', 'valid_before_time', 'timestamptz', 9),
    ('gcp_iam_service_account_keys', 'key_origin', 'text', 10),
    ('gcp_iam_service_account_keys', 'key_type', 'text', 11),
    ('gcp_iam_service_account_keys', 'disabled', 'boolean', 12),
    ('gcp_iam_roles', '_cq_id', 'uuid', 1),
    ('gcp_iam_roles', '_cq_sync_time', 'timestamptz', 2),
    ('gcp_iam_roles', 'project_id', 'text', 3),
    ('gcp_iam_roles', 'name', 'text', 4),
    ('gcp_iam_roles', 'title', 'text', 5),
    ('gcp_iam_roles', 'description', 'text', 6),
    ('gcp_iam_roles', 'included_permissions', 'text', 7),
    ('gcp_iam_roles', 'stage', 'text', 8),
    ('gcp_iam_roles', 'deleted', 'boolean', 9),
    ('gcp_iam_predefined_roles', '_cq_id', 'uuid', 1),
    ('gcp_iam_predefined_roles', '_cq_sync_time', 'timestamptz', 2),
    ('gcp_iam_predefined_roles', 'project_id', 'text', 3),
    ('gcp_iam_predefined_roles', 'name', 'text', 4),
    ('gcp_iam_predefined_roles', 'title', 'text', 5),
    ('gcp_iam_predefined_roles', 'description', 'text', 6),
    ('gcp_iam_predefined_roles', 'included_permissions', 'text', 7),
    ('gcp_iam_predefined_roles', 'stage', 'text', 8),
    ('gcp_iam_predefined_roles', 'deleted', 'boolean', 9),
    ('gcp_iam_deny_policies', '_cq_id', 'uuid', 1),
    ('gcp_iam_deny_policies', '_cq_sync_time', 'timestamptz', 2),
    ('gcp_iam_deny_policies', 'project_id', 'text', 3),
    ('gcp_iam_deny_policies', 'name', 'text', 4),
    ('gcp_iam_deny_policies', 'uid', 'text', 5),
    ('gcp_iam_deny_policies', 'kind', 'text', 6),
    ('gcp_iam_deny_policies', 'display_name', 'text', 7),
    ('gcp_iam_deny_policies', 'etag', 'text', 8),
    ('gcp_iam_deny_policies', 'create_time', 'timestamptz', 9),
    ('gcp_iam_deny_policies', 'update_time', 'timestamptz', 10),
    ('gcp_iam_deny_policies', 'delete_time', 'timestamptz', 11),
    ('gcp_iam_deny_policies', 'rules', 'jsonb', 12),
    ('gcp_resourcemanager_project_policies', '_cq_id', 'uuid', 1),
    ('gcp_resourcemanager_project_policies', '_cq_sync_time', 'timestamptz', 2),
    ('gcp_resourcemanager_project_policies', 'project_id', 'text', 3),
    ('gcp_resourcemanager_project_policies', 'audit_configs', 'jsonb', 4),
    ('gcp_resourcemanager_project_policies', 'bindings', 'jsonb', 5),
    ('gcp_resourcemanager_project_policies', 'etag', 'text', 6),
    ('gcp_resourcemanager_project_policies', 'version', 'bigint', 7),
    ('gcp_resourcemanager_folder_policies', '_cq_id', 'uuid', 1),
    ('gcp_resourcemanager_folder_policies', '_cq_sync_time', 'timestamptz', 2),
    ('gcp_resourcemanager_folder_policies', 'folder_id', 'text', 3),
    ('gcp_resourcemanager_folder_policies', 'audit_configs', 'jsonb', 4),
    ('gcp_resourcemanager_folder_policies', 'bindings', 'jsonb', 5),
    ('gcp_resourcemanager_folder_policies', 'etag', 'text', 6),
    ('gcp_resourcemanager_folder_policies', 'version', 'bigint', 7),
    ('gcp_resourcemanager_organization_policies', '_cq_id', 'uuid', 1),
    ('gcp_resourcemanager_organization_policies', '_cq_sync_time', 'timestamptz', 2),
    ('gcp_resourcemanager_organization_policies', 'organization_id', 'text', 3),
    ('gcp_resourcemanager_organization_policies', 'audit_configs', 'jsonb', 4),
    ('gcp_resourcemanager_organization_policies', 'bindings', 'jsonb', 5),
    ('gcp_resourcemanager_organization_policies', 'etag', 'text', 6),
    ('gcp_resourcemanager_organization_policies', 'version', 'bigint', 7),
    ('gcp_resourcemanager_projects', '_cq_id', 'uuid', 1),
    ('gcp_resourcemanager_projects', '_cq_sync_time', 'timestamptz', 2),
    ('gcp_resourcemanager_projects', 'project_id', 'text', 3),
    ('gcp_resourcemanager_projects', 'name', 'text', 4),
    ('gcp_resourcemanager_projects', 'parent', 'text', 5),
    ('gcp_resourcemanager_projects', 'state', 'text', 6),
    ('gcp_resourcemanager_projects', 'display_name', 'text', 7),
    ('gcp_resourcemanager_projects', 'create_time', 'timestamptz', 8),
    ('gcp_resourcemanager_projects', 'delete_time', 'timestamptz', 9),
    ('gcp_resourcemanager_folders', '_cq_id', 'uuid', 1),
    ('gcp_resourcemanager_folders', 'organization_id', 'text', 2),
    ('gcp_resourcemanager_folders', 'name', 'text', 3),
    ('gcp_resourcemanager_folders', 'parent', 'text', 4),
    ('gcp_resourcemanager_folders', 'display_name', 'text', 5),
    ('gcp_resourcemanager_folders', 'state', 'text', 6),
    ('gcp_resourcemanager_subfolders', '_cq_id', 'uuid', 1),
    ('gcp_resourcemanager_subfolders', 'organization_id', 'text', 2),
    ('gcp_resourcemanager_subfolders', 'name', 'text', 3),
    ('gcp_resourcemanager_subfolders', 'parent', 'text', 4),
    ('gcp_resourcemanager_subfolders', 'display_name', 'text', 5),
    ('gcp_resourcemanager_subfolders', 'state', 'text', 6),
    ('gcp_cloudresourcemanager_organizations', '_cq_id', 'uuid', 1),
    ('gcp_cloudresourcemanager_organizations', 'name', 'text', 2),
    ('gcp_cloudresourcemanager_organizations', 'display_name', 'text', 3),
    ('gcp_cloudresourcemanager_organizations', 'lifecycle_state', 'text', 4),
    ('gcp_cloudresourcemanager_organizations', 'creation_time', 'text', 5),
    ('gcp_cloudresourcemanager_organizations', 'owner', 'jsonb', 6),
    ('gcp_projects', '_cq_id', 'uuid', 1),
    ('gcp_projects', 'project_id', 'text', 2);

SELECT ciem.bind_sources(ciem.source_schema());

-- 2. Settings and reference data.

-- The benchmark fixes 90 days for 1.7, so the rotation finding has a setting of its own.
INSERT INTO ciem.settings (key, value, description) VALUES
    ('gcp_key_rotation_days', '90', 'A user-managed service-account key created this many days ago or more is past its rotation age.'),
    ('cis_gcp_key_rotation_days', '90', 'CIS GCP 1.7: a user-managed service-account key created this many days ago or more fails (90 in the benchmark).');

-- Domains that belong to an organisation besides its primary domain (the organisation's display
-- name), such as secondary Cloud Identity domains. A row without organization_id applies to every
-- scope, which is how a database without the organisations table names its own domains.
CREATE TABLE ciem.gcp_known_domains (
    domain          text        NOT NULL CHECK (domain = lower(domain) AND domain ~ '^[a-z0-9.-]+\.[a-z]{2,}$'),
    organization_id text        CHECK (organization_id ~ '^organizations/\d+$'),
    source          text        NOT NULL DEFAULT 'manual' CHECK (btrim(source) <> ''),
    added_at        timestamptz NOT NULL DEFAULT now()
);

-- One row per domain and organisation. The expression keeps out a second row without an
-- organisation on PostgreSQL 14, which lacks UNIQUE NULLS NOT DISTINCT.
CREATE UNIQUE INDEX gcp_known_domains_key ON ciem.gcp_known_domains (domain, coalesce(organization_id, ''));

COMMENT ON TABLE ciem.gcp_known_domains IS
    'Email domains of the company: users, groups and domain: members of these domains are not outside the organisation. organization_id NULL applies to every scope. Example: INSERT INTO ciem.gcp_known_domains (domain) VALUES (''example.com'');';

-- Consumer Google account domains: a member of these is never a corporate identity (CIS GCP 1.1
-- names Gmail accounts as the consumer accounts to avoid).
CREATE TABLE ciem.gcp_consumer_domains (
    domain text PRIMARY KEY CHECK (domain = lower(domain))
);

COMMENT ON TABLE ciem.gcp_consumer_domains IS
    'Email domains of consumer Google accounts, outside every organisation whatever the organisation data says.';

INSERT INTO ciem.gcp_consumer_domains (domain) VALUES ('gmail.com'), ('googlemail.com');

-- Deny policies name permissions as SERVICE_FQDN/RESOURCE.ACTION. In "Permissions supported in
-- deny policies", SERVICE_FQDN is usually the v1 service id followed by .googleapis.com, and the
-- page lists the exceptions. These rows are the exceptions OpenCIEM knows.
CREATE TABLE ciem.gcp_deny_permission_services (
    service_fqdn text PRIMARY KEY,
    iam_service  text NOT NULL
);

COMMENT ON TABLE ciem.gcp_deny_permission_services IS
    'Deny-policy service names whose IAM v1 permission prefix is not the name without .googleapis.com.';

INSERT INTO ciem.gcp_deny_permission_services (service_fqdn, iam_service) VALUES
    ('cloudresourcemanager.googleapis.com', 'resourcemanager');

-- The permissions that let a principal act as a service account or mint its credentials.
CREATE TABLE ciem.gcp_impersonation_permissions (
    permission  text PRIMARY KEY,
    description text NOT NULL
);

COMMENT ON TABLE ciem.gcp_impersonation_permissions IS
    'IAM permissions that let a principal act as, or obtain credentials of, a service account; granted on a project they reach every service account of that project.';

INSERT INTO ciem.gcp_impersonation_permissions (permission, description) VALUES
    ('iam.serviceAccounts.actAs', 'attach the service account to a resource or job that then runs with its permissions'),
    ('iam.serviceAccounts.getAccessToken', 'create OAuth 2.0 access tokens for the service account'),
    ('iam.serviceAccounts.getOpenIdToken', 'create OpenID Connect ID tokens for the service account'),
    ('iam.serviceAccounts.signBlob', 'sign bytes with the service account''s Google-managed key'),
    ('iam.serviceAccounts.signJwt', 'sign JSON Web Tokens with the service account''s Google-managed key'),
    ('iam.serviceAccounts.implicitDelegation', 'obtain credentials through a chain of service accounts'),
    ('iam.serviceAccountKeys.create', 'create long-lived keys for the service account');

-- 3. Members, service accounts and lists.

-- A JSON list of strings as text[]: an array, a single string, or nothing.
CREATE FUNCTION ciem.gcp_json_strings(value jsonb) RETURNS text[]
LANGUAGE sql IMMUTABLE
AS $$
    SELECT CASE jsonb_typeof(value)
        WHEN 'array' THEN ARRAY(SELECT jsonb_array_elements_text(value))
        WHEN 'string' THEN ARRAY[value #>> '{}']
        ELSE '{}'::text[]
    END
$$;

-- A permission list staged as text: PostgreSQL array text ({a,b}) or a JSON array (["a","b"]).
CREATE FUNCTION ciem.gcp_text_list(value text) RETURNS text[]
LANGUAGE sql IMMUTABLE
AS $$
    SELECT CASE
        WHEN value IS NULL OR btrim(value) IN ('', 'null') THEN '{}'::text[]
        WHEN left(btrim(value), 1) = '[' THEN ciem.gcp_json_strings(value::jsonb)
        ELSE value::text[]
    END
$$;

-- A member string without the deleted: prefix and the ?uid= suffix that IAM gives the members of
-- deleted accounts (Policy reference, "members").
CREATE FUNCTION ciem.gcp_member_base(member text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT
AS $$
    SELECT regexp_replace(regexp_replace(member, '^deleted:', ''), '\?uid=[^?]*$', '')
$$;

-- The identity type of a member: user, group, service_account, domain or public. principalSet://
-- members (workforce and workload identity pools) and the projectOwner:, projectEditor: and
-- projectViewer: convenience values stand for many principals and count as groups. NULL for a
-- member form this list does not know.
CREATE FUNCTION ciem.gcp_member_type(member text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT
AS $$
    SELECT CASE
        WHEN b.m IN ('allUsers', 'allAuthenticatedUsers') THEN 'public'
        WHEN b.m LIKE 'user:%' THEN 'user'
        WHEN b.m LIKE 'group:%' THEN 'group'
        WHEN b.m LIKE 'serviceAccount:%' THEN 'service_account'
        WHEN b.m LIKE 'domain:%' THEN 'domain'
        WHEN b.m ~ '^project(Owner|Editor|Viewer):' THEN 'group'
        WHEN b.m LIKE 'principalSet://%' THEN 'group'
        WHEN b.m LIKE 'principal://iam.googleapis.com/projects/%/workloadIdentityPools/%' THEN 'service_account'
        WHEN b.m LIKE 'principal://%' THEN 'user'
    END
      FROM (SELECT ciem.gcp_member_base(member) AS m) b
$$;

-- The email address of a user, group or service-account member, or the domain of a domain:
-- member, in lower case because Google account addresses are case-insensitive. NULL otherwise.
CREATE FUNCTION ciem.gcp_member_address(member text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT
AS $$
    SELECT CASE WHEN b.m ~ '^(user|group|serviceAccount|domain):' THEN lower(substr(b.m, strpos(b.m, ':') + 1)) END
      FROM (SELECT ciem.gcp_member_base(member) AS m) b
$$;

-- The email domain of a member address (the address itself for a domain: member).
CREATE FUNCTION ciem.gcp_address_domain(member_type text, address text) RETURNS text
LANGUAGE sql IMMUTABLE
AS $$
    SELECT CASE
        WHEN member_type = 'domain' THEN address
        WHEN strpos(address, '@') > 0 THEN split_part(address, '@', 2)
    END
$$;

-- Google's service agents ("Service agents"): service-PROJECT_NUMBER@ at a gserviceaccount.com
-- domain (service-p, -f and -o for project, folder and organisation agents of some services), the
-- Google APIs Service Agent PROJECT_NUMBER@cloudservices.gserviceaccount.com, and the gcp-sa-*
-- and system.gserviceaccount.com domains. A service account that a project lists is user-managed
-- whatever its name, so callers also check gcp_iam_service_accounts.
-- NOTE: Google warns that the address format of service agents may change, so an agent of a new format
-- reads as a user-managed service account.
CREATE FUNCTION ciem.gcp_is_service_agent(address text) RETURNS boolean
LANGUAGE sql IMMUTABLE
AS $$
    SELECT coalesce(
        (split_part(address, '@', 1) ~ '^service-[pfo]?\d+$' AND split_part(address, '@', 2) LIKE '%gserviceaccount.com')
        OR split_part(address, '@', 2) IN ('cloudservices.gserviceaccount.com', 'system.gserviceaccount.com')
        OR split_part(address, '@', 2) LIKE 'gcp-sa-%.iam.gserviceaccount.com',
        false)
$$;

-- The project a service account belongs to, as its address shows it ("Types of service
-- accounts"): id:PROJECT_ID for NAME@PROJECT_ID.iam.gserviceaccount.com,
-- PROJECT_ID@appspot.gserviceaccount.com and the GKE workload identity member
-- PROJECT_ID.svc.id.goog[NAMESPACE/NAME]; number:PROJECT_NUMBER for
-- PROJECT_NUMBER-compute@developer.gserviceaccount.com, PROJECT_NUMBER@cloudbuild and
-- @cloudservices.gserviceaccount.com and service agents. NULL when the address names no project.
CREATE FUNCTION ciem.gcp_service_account_project_ref(address text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT
AS $$
    SELECT CASE
        WHEN address ~ '\.svc\.id\.goog\[' THEN 'id:' || split_part(address, '.svc.id.goog[', 1)
        WHEN a.local ~ '^service-[pfo]?\d+$' THEN 'number:' || substring(a.local FROM '(\d+)$')
        WHEN a.domain LIKE '%.iam.gserviceaccount.com' AND a.domain NOT LIKE 'gcp-sa-%'
            THEN 'id:' || left(a.domain, length(a.domain) - length('.iam.gserviceaccount.com'))
        WHEN a.domain = 'appspot.gserviceaccount.com' THEN 'id:' || a.local
        WHEN a.domain = 'developer.gserviceaccount.com' AND a.local ~ '^\d+-compute$' THEN 'number:' || split_part(a.local, '-', 1)
        WHEN a.domain IN ('cloudbuild.gserviceaccount.com', 'cloudservices.gserviceaccount.com') AND a.local ~ '^\d+$'
            THEN 'number:' || a.local
    END
      FROM (SELECT split_part(address, '@', 1) AS local, split_part(address, '@', 2) AS domain) a
$$;

-- 4. Resource hierarchy.

-- One row per project named in any GCP table, with its number, parent and name where the
-- projects table has them. CloudQuery's v3 project name is projects/PROJECT_NUMBER.
CREATE VIEW ciem.gcp_project_records AS
WITH listed AS (
    SELECT p.project_id,
           substring(p.name FROM '^projects/(\d+)$') AS project_number,
           nullif(p.parent, '') AS parent,
           nullif(p.display_name, '') AS display_name,
           p.state,
           p._cq_sync_time
      FROM ciem.stg_gcp_resourcemanager_projects p
     WHERE p.project_id IS NOT NULL
),
named AS (
    SELECT l.project_id FROM listed l
    UNION SELECT g.project_id FROM ciem.stg_gcp_projects g
    UNION SELECT pp.project_id FROM ciem.stg_gcp_resourcemanager_project_policies pp
    UNION SELECT s.project_id FROM ciem.stg_gcp_iam_service_accounts s
    UNION SELECT d.project_id FROM ciem.stg_gcp_iam_deny_policies d
)
SELECT DISTINCT ON (n.project_id)
       n.project_id, l.project_number, l.parent, l.display_name, l.state
  FROM named n
  LEFT JOIN listed l ON l.project_id = n.project_id
 WHERE n.project_id IS NOT NULL
 ORDER BY n.project_id, l._cq_sync_time DESC NULLS LAST;

COMMENT ON VIEW ciem.gcp_project_records IS
    'One row per Google Cloud project named in any synced GCP table: project number, parent (folders/N or organizations/N), display name and state where gcp_resourcemanager_projects has them.';

-- The allow policies of projects, folders and organisations, one row per resource (the newest
-- when a resource was synced twice). scope is the resource name; account_id is the project id for
-- a project and the resource name for a folder or organisation.
CREATE VIEW ciem.gcp_iam_policies AS
WITH policies AS (
    SELECT 'project'::text AS scope_type, 'projects/' || p.project_id AS scope, p.project_id AS account_id,
           p.bindings, p.audit_configs, p.etag, p.version, p._cq_sync_time
      FROM ciem.stg_gcp_resourcemanager_project_policies p
     WHERE p.project_id IS NOT NULL
    UNION ALL
    SELECT 'folder', s.scope, s.scope, f.bindings, f.audit_configs, f.etag, f.version, f._cq_sync_time
      FROM ciem.stg_gcp_resourcemanager_folder_policies f
     CROSS JOIN LATERAL (SELECT CASE WHEN f.folder_id LIKE 'folders/%' THEN f.folder_id ELSE 'folders/' || f.folder_id END AS scope) s
     WHERE f.folder_id IS NOT NULL
    UNION ALL
    SELECT 'organization', s.scope, s.scope, o.bindings, o.audit_configs, o.etag, o.version, o._cq_sync_time
      FROM ciem.stg_gcp_resourcemanager_organization_policies o
     CROSS JOIN LATERAL (SELECT CASE WHEN o.organization_id LIKE 'organizations/%' THEN o.organization_id
                                     ELSE 'organizations/' || o.organization_id END AS scope) s
     WHERE o.organization_id IS NOT NULL
)
SELECT DISTINCT ON (p.scope)
       p.scope_type, p.scope, p.account_id, p.bindings, p.audit_configs, p.etag, p.version, p._cq_sync_time AS synced_at
  FROM policies p
 ORDER BY p.scope, p._cq_sync_time DESC NULLS LAST;

COMMENT ON VIEW ciem.gcp_iam_policies IS
    'One row per allow policy of a Google Cloud project, folder or organisation (scope is projects/ID, folders/N or organizations/N), with its bindings as IAM returns them.';

-- Every project, folder and organisation with its parent where the data gives one. Folders and
-- organisations whose policy was imported are nodes even when their tables were not synced.
CREATE VIEW ciem.gcp_resource_nodes AS
SELECT 'projects/' || p.project_id AS node, p.parent, p.project_id AS account_id
  FROM ciem.gcp_project_records p
UNION
SELECT f.name, nullif(f.parent, ''), f.name
  FROM ciem.stg_gcp_resourcemanager_folders f
 WHERE f.name LIKE 'folders/%'
UNION
SELECT f.name, nullif(f.parent, ''), f.name
  FROM ciem.stg_gcp_resourcemanager_subfolders f
 WHERE f.name LIKE 'folders/%'
UNION
SELECT o.name, NULL, o.name
  FROM ciem.stg_gcp_cloudresourcemanager_organizations o
 WHERE o.name LIKE 'organizations/%'
UNION
SELECT p.scope, NULL, p.scope
  FROM ciem.gcp_iam_policies p
 WHERE p.scope_type <> 'project';

COMMENT ON VIEW ciem.gcp_resource_nodes IS
    'One row per Google Cloud project, folder and organisation known to the data, with its parent (NULL when unknown or for an organisation).';

-- Each node with its ancestors, itself first and its organisation last when the hierarchy is
-- synced. The depth limit stops a cycle in inconsistent data, as Google allows ten folder levels.
-- Materialised because most GCP relations join it and the recursion is costly to plan and run.
CREATE MATERIALIZED VIEW ciem.gcp_resource_ancestry AS
WITH RECURSIVE nodes AS (
    SELECT DISTINCT ON (n.node) n.node, n.parent, n.account_id
      FROM ciem.gcp_resource_nodes n
     ORDER BY n.node, n.parent NULLS LAST
),
chain AS (
    SELECT n.node, n.parent AS ancestor, 1 AS depth
      FROM nodes n
     WHERE n.parent IS NOT NULL
    UNION ALL
    SELECT c.node, p.parent, c.depth + 1
      FROM chain c
      JOIN nodes p ON p.node = c.ancestor
     WHERE p.parent IS NOT NULL AND c.depth < 32
),
paths AS (
    SELECT n.node, n.account_id,
           ARRAY[n.node] || coalesce((SELECT array_agg(c.ancestor ORDER BY c.depth) FROM chain c WHERE c.node = n.node), '{}'::text[]) AS ancestors
      FROM nodes n
)
SELECT p.node, p.account_id, p.ancestors,
       (SELECT a FROM unnest(p.ancestors) a WHERE a LIKE 'organizations/%' LIMIT 1) AS organization_id
  FROM paths p
WITH NO DATA;

CREATE UNIQUE INDEX gcp_resource_ancestry_node ON ciem.gcp_resource_ancestry (node);

COMMENT ON MATERIALIZED VIEW ciem.gcp_resource_ancestry IS
    'One row per project, folder or organisation: ancestors lists it and every parent up to its organisation as far as the data shows; organization_id is NULL when the hierarchy is not synced.';

-- The email domains of each organisation: its display name (the primary domain of a Google
-- Workspace or Cloud Identity organisation) and the rows of ciem.gcp_known_domains. A row
-- with organization_id NULL applies to every scope.
CREATE VIEW ciem.gcp_organization_domains AS
WITH organizations AS (
    SELECT o.name AS organization_id,
           lower(o.display_name) AS display_name,
           coalesce(o.owner ->> 'directoryCustomerId', o.owner ->> 'directory_customer_id', o.owner ->> 'DirectoryCustomerId') AS directory_customer_id
      FROM ciem.stg_gcp_cloudresourcemanager_organizations o
     WHERE o.name LIKE 'organizations/%'
)
SELECT o.organization_id, o.display_name AS domain, 'organization display name'::text AS source, o.directory_customer_id
  FROM organizations o
 WHERE o.display_name ~ '^[a-z0-9.-]+\.[a-z]{2,}$'
UNION ALL
SELECT k.organization_id, k.domain, k.source, o.directory_customer_id
  FROM ciem.gcp_known_domains k
  LEFT JOIN organizations o ON o.organization_id = k.organization_id;

COMMENT ON VIEW ciem.gcp_organization_domains IS
    'One row per email domain of a Google Cloud organisation (organization_id NULL: of every scope), from the organisation display name and ciem.gcp_known_domains, with the directory customer id where known.';

-- 5. Bindings and roles.

-- One row per member of each binding. grant_id names the binding as bindings[N] of the policy
-- that `gcloud ... get-iam-policy --format=json` prints (N counts from 0). A binding condition
-- without an expression is no condition. Materialised because every GCP rule reads it. IAM
-- keeps the members of a binding unique, and DISTINCT ON keeps malformed data from breaking the
-- unique index.
CREATE MATERIALIZED VIEW ciem.gcp_policy_members AS
SELECT DISTINCT ON (p.scope, b.ordinality, m.member)
       p.scope_type,
       p.scope,
       p.account_id,
       (b.ordinality - 1)::integer AS binding_index,
       format('%s#bindings[%s]', p.scope, b.ordinality - 1) AS grant_id,
       b.binding ->> 'role' AS role_id,
       m.member,
       ciem.gcp_member_type(m.member) AS member_type,
       ciem.gcp_member_address(m.member) AS address,
       m.member LIKE 'deleted:%' AS is_deleted,
       CASE WHEN jsonb_typeof(b.binding -> 'condition') = 'object' AND coalesce(b.binding -> 'condition' ->> 'expression', '') <> ''
            THEN b.binding -> 'condition' END AS condition
  FROM ciem.gcp_iam_policies p
 CROSS JOIN LATERAL jsonb_array_elements(CASE WHEN jsonb_typeof(p.bindings) = 'array' THEN p.bindings ELSE '[]'::jsonb END)
       WITH ORDINALITY AS b(binding, ordinality)
 CROSS JOIN LATERAL jsonb_array_elements_text(CASE WHEN jsonb_typeof(b.binding -> 'members') = 'array' THEN b.binding -> 'members' ELSE '[]'::jsonb END)
       AS m(member)
 WHERE coalesce(b.binding ->> 'role', '') <> ''
 ORDER BY p.scope, b.ordinality, m.member
WITH NO DATA;

CREATE UNIQUE INDEX gcp_policy_members_key ON ciem.gcp_policy_members (scope, binding_index, member);
CREATE INDEX gcp_policy_members_member ON ciem.gcp_policy_members (member);
CREATE INDEX gcp_policy_members_address ON ciem.gcp_policy_members (address);

COMMENT ON MATERIALIZED VIEW ciem.gcp_policy_members IS
    'One row per member of each binding of a project, folder or organisation allow policy: the role, the member with its type and lower-case address, whether IAM marks it deleted, and the binding condition (NULL when none).';

-- Predefined roles (listed once per project by CloudQuery, so the newest copy wins) and custom
-- roles. A deleted custom role, or one at stage DISABLED, grants nothing. The IAM REST reference
-- states that a DISABLED role "will not contribute permissions to any principals it is granted to", and
-- that existing bindings to a deleted custom role "are not changed, but they have no effect"
-- (roles.delete).
CREATE VIEW ciem.gcp_roles AS
WITH predefined AS (
    SELECT DISTINCT ON (r.name) r.name, r.title, r.description, r.included_permissions, r.stage, r.deleted
      FROM ciem.stg_gcp_iam_predefined_roles r
     WHERE r.name IS NOT NULL
     ORDER BY r.name, r._cq_sync_time DESC NULLS LAST
),
custom AS (
    SELECT DISTINCT ON (r.name) r.name, r.title, r.description, r.included_permissions, r.stage, r.deleted
      FROM ciem.stg_gcp_iam_roles r
     WHERE r.name IS NOT NULL AND r.name NOT IN (SELECT p.name FROM predefined p)
     ORDER BY r.name, r._cq_sync_time DESC NULLS LAST
),
roles AS (
    SELECT * FROM predefined
    UNION ALL
    SELECT * FROM custom
)
SELECT r.name AS role_id,
       r.title,
       r.description,
       CASE WHEN r.name LIKE 'projects/%' THEN 'project_custom'
            WHEN r.name LIKE 'organizations/%' THEN 'organization_custom'
            WHEN r.name IN ('roles/owner', 'roles/editor', 'roles/viewer', 'roles/admin', 'roles/writer', 'roles/reader') THEN 'basic'
            ELSE 'predefined' END AS role_kind,
       ciem.gcp_text_list(r.included_permissions) AS permissions,
       r.stage,
       coalesce(r.deleted, false) AS deleted,
       NOT coalesce(r.deleted, false) AND r.stage IS DISTINCT FROM 'DISABLED' AS grants_permissions
  FROM roles r;

COMMENT ON VIEW ciem.gcp_roles IS
    'One row per IAM role whose definition is in the data: predefined and basic roles from gcp_iam_predefined_roles, custom roles from gcp_iam_roles. grants_permissions is false for deleted roles and roles at stage DISABLED.';

-- Role permissions, materialised because the predefined catalogue contains hundreds of thousands of
-- role and permission pairs and every effective-permission refresh reads them.
CREATE MATERIALIZED VIEW ciem.gcp_role_permissions AS
SELECT DISTINCT r.role_id, p.permission
  FROM ciem.gcp_roles r
 CROSS JOIN LATERAL unnest(r.permissions) AS p(permission)
 WHERE r.grants_permissions AND coalesce(p.permission, '') <> ''
WITH NO DATA;

CREATE UNIQUE INDEX gcp_role_permissions_key ON ciem.gcp_role_permissions (role_id, permission);
CREATE INDEX gcp_role_permissions_permission ON ciem.gcp_role_permissions (permission);

COMMENT ON MATERIALIZED VIEW ciem.gcp_role_permissions IS
    'One row per IAM role and permission it grants (roles that grant nothing, deleted or DISABLED, have no rows).';

-- Grants whose role the data cannot expand into permissions, so that a reader knows why an
-- identity with a role has no effective permissions from it.
CREATE VIEW ciem.gcp_unexpanded_grants AS
SELECT m.scope_type, m.scope, m.account_id, m.grant_id, m.role_id, m.member,
       CASE WHEN r.role_id IS NULL THEN 'role definition not in the data (sync gcp_iam_predefined_roles or gcp_iam_roles)'
            WHEN r.deleted THEN 'custom role deleted: its bindings have no effect'
            WHEN r.stage = 'DISABLED' THEN 'role at stage DISABLED grants no permissions'
            ELSE 'role lists no permissions' END AS reason
  FROM ciem.gcp_policy_members m
  LEFT JOIN ciem.gcp_roles r ON r.role_id = m.role_id
 WHERE r.role_id IS NULL OR NOT r.grants_permissions OR cardinality(r.permissions) = 0;

COMMENT ON VIEW ciem.gcp_unexpanded_grants IS
    'One row per member of a binding whose role adds no effective permissions, with the reason: the role definition is missing from the data, deleted, DISABLED or empty.';

-- 6. Identities and grants.

-- Service accounts listed by their project, and every member of a binding at the scope where it
-- is bound. A listed service account appears once, under its own project, wherever it is bound.
CREATE VIEW ciem.gcp_identities AS
WITH listed AS (
    SELECT DISTINCT ON (lower(s.email))
           s.project_id AS account_id,
           'serviceAccount:' || s.email AS identity_id,
           coalesce(nullif(s.display_name, ''), s.email) AS display_name
      FROM ciem.stg_gcp_iam_service_accounts s
     WHERE coalesce(s.email, '') <> ''
     ORDER BY lower(s.email), s._cq_sync_time DESC NULLS LAST
),
bound AS (
    SELECT DISTINCT m.account_id, m.member, m.member_type, m.address, m.is_deleted
      FROM ciem.gcp_policy_members m
     WHERE NOT (m.member_type = 'service_account' AND NOT m.is_deleted
                AND m.address IN (SELECT lower(split_part(l.identity_id, ':', 2)) FROM listed l))
)
SELECT 'gcp'::text AS cloud,
       l.account_id,
       l.identity_id,
       'service_account'::text AS identity_type,
       l.display_name,
       NULL::text AS path,
       NULL::timestamptz AS created_at,
       NULL::timestamptz AS last_used_at,
       NULL::text AS permissions_boundary_arn,
       false AS is_service_linked
  FROM listed l
UNION ALL
SELECT 'gcp',
       b.account_id,
       b.member,
       b.member_type,
       coalesce(b.address, b.member) || CASE WHEN b.is_deleted THEN ' (deleted)' ELSE '' END,
       NULL::text,
       NULL::timestamptz,
       NULL::timestamptz,
       NULL::text,
       b.member_type = 'service_account' AND ciem.gcp_is_service_agent(b.address)
  FROM bound b;

COMMENT ON VIEW ciem.gcp_identities IS
    'One row per Google Cloud identity in the columns of ciem.identities: the service accounts of each project, and each member of a project, folder or organisation binding (account_id is the project id, or folders/N or organizations/N). identity_id is the member string as IAM writes it; deleted members keep IAM''s deleted: form and "(deleted)" in display_name; is_service_linked marks Google''s service agents. CloudQuery syncs no creation or last-use times for these identities.';

-- One row per identity, role and binding at the scope of the binding. via names how the grant
-- reaches people: through a group, a whole domain, the public, or directly.
CREATE VIEW ciem.gcp_identity_grants AS
SELECT 'gcp'::text AS cloud,
       m.account_id,
       m.member AS identity_id,
       m.member_type AS identity_type,
       m.role_id,
       coalesce(r.title, regexp_replace(m.role_id, '^.*/', '')) AS role_name,
       m.scope_type,
       m.scope,
       CASE m.member_type WHEN 'group' THEN 'group' WHEN 'domain' THEN 'domain' WHEN 'public' THEN 'public' ELSE 'direct' END AS via,
       m.condition,
       m.condition IS NOT NULL AS is_conditional,
       m.grant_id
  FROM ciem.gcp_policy_members m
  LEFT JOIN ciem.gcp_roles r ON r.role_id = m.role_id;

COMMENT ON VIEW ciem.gcp_identity_grants IS
    'One row per member and role of each binding of a project, folder or organisation allow policy. condition is the binding''s IAM condition as stored; is_conditional is true when there is one, because the role is granted only while the condition holds. grant_id is scope#bindings[N].';

-- 7. Deny policies.

-- Deny policies that exist now, with their attachment point. The name is
-- policies/cloudresourcemanager.googleapis.com%2F<resource>/denypolicies/<id>, where a project is
-- named by its number; CloudQuery lists deny policies per project, so a project attachment is the
-- project of the row.
CREATE VIEW ciem.gcp_deny_policy_records AS
SELECT d.project_id,
       d.name AS policy_name,
       d.display_name,
       d.rules,
       CASE WHEN a.resource ~ '^(folders|organizations)/\d+$' THEN a.resource
            ELSE 'projects/' || d.project_id END AS attachment_point
  FROM ciem.stg_gcp_iam_deny_policies d
 CROSS JOIN LATERAL (
       SELECT substring(regexp_replace(d.name, '%2F', '/', 'gi')
                        FROM '^policies/cloudresourcemanager\.googleapis\.com/(.*)/denypolicies/[^/]+$') AS resource
       ) a
 WHERE d.delete_time IS NULL AND d.name IS NOT NULL AND d.project_id IS NOT NULL;

COMMENT ON VIEW ciem.gcp_deny_policy_records IS
    'One row per IAM deny policy that is not deleted, with the project, folder or organisation it is attached to.';

-- One row per deny rule. The REST API and gcloud write {"denyRule": {"deniedPrincipals": ...}};
-- CloudQuery marshals the Go protobuf struct, which gives {"Kind": {"DenyRule":
-- {"denied_principals": ...}}}. Both spellings are read.
CREATE VIEW ciem.gcp_deny_rules AS
SELECT p.attachment_point,
       p.policy_name,
       p.display_name,
       (r.ordinality - 1)::integer AS rule_index,
       format('%s#rules[%s]', p.policy_name, r.ordinality - 1) AS rule_id,
       ciem.gcp_json_strings(coalesce(b.body -> 'deniedPrincipals', b.body -> 'denied_principals')) AS denied_principals,
       ciem.gcp_json_strings(coalesce(b.body -> 'exceptionPrincipals', b.body -> 'exception_principals')) AS exception_principals,
       ciem.gcp_json_strings(coalesce(b.body -> 'deniedPermissions', b.body -> 'denied_permissions')) AS denied_permissions,
       ciem.gcp_json_strings(coalesce(b.body -> 'exceptionPermissions', b.body -> 'exception_permissions')) AS exception_permissions,
       CASE WHEN jsonb_typeof(c.condition) = 'object' AND coalesce(c.condition ->> 'expression', '') <> '' THEN c.condition END AS condition,
       r.rule ->> 'description' AS description
  FROM ciem.gcp_deny_policy_records p
 CROSS JOIN LATERAL jsonb_array_elements(CASE WHEN jsonb_typeof(p.rules) = 'array' THEN p.rules ELSE '[]'::jsonb END)
       WITH ORDINALITY AS r(rule, ordinality)
 CROSS JOIN LATERAL (
       SELECT coalesce(r.rule -> 'denyRule', r.rule -> 'deny_rule', r.rule -> 'Kind' -> 'DenyRule',
                       r.rule -> 'kind' -> 'denyRule', r.rule -> 'kind' -> 'deny_rule') AS body
       ) b
 CROSS JOIN LATERAL (SELECT coalesce(b.body -> 'denialCondition', b.body -> 'denial_condition') AS condition) c
 WHERE jsonb_typeof(b.body) = 'object';

COMMENT ON VIEW ciem.gcp_deny_rules IS
    'One row per rule of a deny policy: denied and exception principals, denied and exception permissions (SERVICE_FQDN/RESOURCE.ACTION) and the denial condition (NULL when none).';

-- Deny policies whose rules are not in the data. Google's ListPolicies returns policy metadata
-- without rules, which is the call the baseline CloudQuery plugin makes, so such a policy may deny
-- anything and the decisions below cannot take it into account.
CREATE VIEW ciem.gcp_unread_deny_policies AS
SELECT p.attachment_point, p.policy_name, p.display_name
  FROM ciem.gcp_deny_policy_records p
 WHERE NOT EXISTS (SELECT 1 FROM ciem.gcp_deny_rules r WHERE r.policy_name = p.policy_name);

COMMENT ON VIEW ciem.gcp_unread_deny_policies IS
    'Deny policies present in the data without their rules (ListPolicies omits them), so effective permissions below their attachment point may be denied without OpenCIEM knowing.';

-- A deny-policy permission (SERVICE_FQDN/RESOURCE.ACTION) as a LIKE pattern over IAM v1
-- permission names (service.resource.action). "Permissions supported in deny policies": the
-- service part is usually the v1 service id followed by .googleapis.com.
-- NOTE: a "*" in the name is read as any characters. Which wildcard forms Google accepts in deny
-- policies was not checked against its documentation.
CREATE FUNCTION ciem.gcp_deny_permission_pattern(permission text) RETURNS text
LANGUAGE sql STABLE STRICT
AS $$
    SELECT replace(replace(replace(replace(v.name, '\', '\\'), '%', '\%'), '_', '\_'), '*', '%')
      FROM (SELECT CASE
                WHEN strpos(permission, '/') = 0 THEN permission
                ELSE coalesce((SELECT s.iam_service FROM ciem.gcp_deny_permission_services s
                                WHERE s.service_fqdn = split_part(permission, '/', 1)),
                              regexp_replace(split_part(permission, '/', 1), '\.googleapis\.com$', ''))
                     || '.' || substr(permission, strpos(permission, '/') + 1)
            END AS name) v
$$;

-- Whether a deny-rule principal identifier names a member ("Deny policies", principal
-- identifiers). principalSet://goog/public:all names everyone. A group identifier names that
-- group: member only, because who belongs to a group is not in the data. The caller reports
-- rules that depend on membership. Federated principal:// and principalSet:// identifiers are
-- written the same way in allow and deny policies.
CREATE FUNCTION ciem.gcp_deny_principal_matches(principal text, member text, member_type text, address text) RETURNS boolean
LANGUAGE sql STABLE
AS $$
    SELECT CASE
        WHEN principal = 'principalSet://goog/public:all' THEN true
        WHEN principal LIKE 'principal://goog/subject/%'
            THEN member_type = 'user' AND address = lower(substr(principal, length('principal://goog/subject/') + 1))
        WHEN principal LIKE 'principalSet://goog/group/%'
            THEN member_type = 'group' AND address = lower(substr(principal, length('principalSet://goog/group/') + 1))
        WHEN principal LIKE 'principal://iam.googleapis.com/projects/-/serviceAccounts/%'
            THEN member_type = 'service_account'
                 AND address = lower(substr(principal, length('principal://iam.googleapis.com/projects/-/serviceAccounts/') + 1))
        WHEN principal LIKE 'principalSet://goog/cloudIdentityCustomerId/%'
            THEN member_type IN ('user', 'group', 'domain')
                 AND ciem.gcp_address_domain(member_type, address) IN (
                     SELECT d.domain FROM ciem.gcp_organization_domains d
                      WHERE d.directory_customer_id = substr(principal, length('principalSet://goog/cloudIdentityCustomerId/') + 1))
        ELSE member = principal
    END
$$;

-- Whether a deny-rule principal could name a member through group membership, which the data
-- cannot show: a Google group, or a whole Cloud Identity account, against a member that is not
-- itself named.
CREATE FUNCTION ciem.gcp_deny_principal_by_membership(principal text, member_type text) RETURNS boolean
LANGUAGE sql IMMUTABLE
AS $$
    SELECT member_type IN ('user', 'group', 'service_account')
       AND (principal LIKE 'principalSet://goog/group/%' OR principal LIKE 'principalSet://goog/cloudIdentityCustomerId/%')
$$;

-- 8. Effective permissions.

-- Where each grant applies: a grant on a project applies to that project, and a grant on a
-- folder or organisation to every project below it (allow policies are inherited). A folder or
-- organisation without a known project below it is its own target, so its grants still show.
CREATE VIEW ciem.gcp_grant_targets AS
WITH scopes AS (
    SELECT DISTINCT m.scope FROM ciem.gcp_policy_members m
),
projects AS (
    SELECT a.node, a.account_id, a.ancestors FROM ciem.gcp_resource_ancestry a WHERE a.node LIKE 'projects/%'
)
SELECT s.scope, p.account_id, p.ancestors
  FROM scopes s
  JOIN projects p ON s.scope = ANY (p.ancestors)
UNION ALL
SELECT s.scope, coalesce(a.account_id, s.scope), coalesce(a.ancestors, ARRAY[s.scope])
  FROM scopes s
  LEFT JOIN ciem.gcp_resource_ancestry a ON a.node = s.scope
 WHERE NOT EXISTS (SELECT 1 FROM projects p WHERE s.scope = ANY (p.ancestors));

COMMENT ON VIEW ciem.gcp_grant_targets IS
    'One row per policy scope and project it applies to (the scope itself for a folder or organisation with no known project below), with that project''s ancestors.';

-- Every grant in every project it reaches. Members of deleted accounts hold nothing (IAM keeps
-- their bindings without effect) and are left out.
CREATE MATERIALIZED VIEW ciem.gcp_target_grants AS
SELECT t.account_id, t.ancestors, m.member AS identity_id, m.member_type AS identity_type, m.address,
       m.scope_type, m.scope, m.role_id, m.grant_id, m.condition
  FROM ciem.gcp_policy_members m
  JOIN ciem.gcp_grant_targets t ON t.scope = m.scope
 WHERE NOT m.is_deleted AND m.member_type IS NOT NULL
WITH NO DATA;

CREATE UNIQUE INDEX gcp_target_grants_key ON ciem.gcp_target_grants (account_id, grant_id, identity_id);
CREATE INDEX gcp_target_grants_identity ON ciem.gcp_target_grants (identity_id);
CREATE INDEX gcp_target_grants_role ON ciem.gcp_target_grants (role_id);

COMMENT ON MATERIALIZED VIEW ciem.gcp_target_grants IS
    'One row per project (account_id) and member of a binding that reaches it, from the project''s own policy or a folder or organisation above it; deleted members excluded.';

-- The outcome of deny rules for each member and permission they touch, in every project a deny
-- rule reaches ("Deny policies": deny policies are checked before allow policies and are
-- inherited by the resources below their attachment point). Only projects with deny rules are
-- expanded into permissions, which keeps the refresh proportional to them.
CREATE MATERIALIZED VIEW ciem.gcp_deny_decisions AS
WITH targets AS MATERIALIZED (
    SELECT DISTINCT g.account_id, g.ancestors FROM ciem.gcp_target_grants g
),
-- The rules reaching each project, with their permissions turned into LIKE patterns once.
target_rules AS MATERIALIZED (
    SELECT t.account_id, r.rule_id, r.policy_name, r.rule_index, r.attachment_point, r.condition,
           r.denied_principals, r.exception_principals,
           ARRAY(SELECT ciem.gcp_deny_permission_pattern(p.permission) FROM unnest(r.denied_permissions) p(permission)) AS denied_patterns,
           ARRAY(SELECT ciem.gcp_deny_permission_pattern(p.permission) FROM unnest(r.exception_permissions) p(permission)) AS exception_patterns
      FROM targets t
      JOIN ciem.gcp_deny_rules r ON r.attachment_point = ANY (t.ancestors)
),
-- Whether each rule names each member, decided once per member rather than per permission.
member_rules AS (
    SELECT q.account_id, q.identity_id, r.rule_id, r.policy_name, r.rule_index, r.attachment_point, r.condition,
           r.denied_patterns, r.exception_patterns,
           EXISTS (SELECT 1 FROM unnest(r.denied_principals) d(principal)
                    WHERE ciem.gcp_deny_principal_matches(d.principal, q.identity_id, q.identity_type, q.address)) AS names_member,
           EXISTS (SELECT 1 FROM unnest(r.exception_principals) e(principal)
                    WHERE ciem.gcp_deny_principal_matches(e.principal, q.identity_id, q.identity_type, q.address)) AS excepts_member,
           EXISTS (SELECT 1 FROM unnest(r.denied_principals) d(principal)
                    WHERE ciem.gcp_deny_principal_by_membership(d.principal, q.identity_type)) AS may_name_by_membership,
           EXISTS (SELECT 1 FROM unnest(r.exception_principals) e(principal)
                    WHERE ciem.gcp_deny_principal_by_membership(e.principal, q.identity_type)) AS may_except_by_membership
      FROM (SELECT DISTINCT g.account_id, g.identity_id, g.identity_type, g.address
              FROM ciem.gcp_target_grants g
             WHERE g.account_id IN (SELECT r.account_id FROM target_rules r)) q
      JOIN target_rules r ON r.account_id = q.account_id
),
-- The rules that apply to a member or might through group membership, on each permission of
-- the member that the rule's permissions cover.
rule_matches AS (
    SELECT DISTINCT m.account_id, m.identity_id, rp.permission, m.rule_id, m.policy_name, m.rule_index, m.attachment_point,
           m.condition, m.names_member, m.excepts_member, m.may_name_by_membership, m.may_except_by_membership
      FROM member_rules m
      JOIN ciem.gcp_target_grants g ON g.account_id = m.account_id AND g.identity_id = m.identity_id
      JOIN ciem.gcp_role_permissions rp ON rp.role_id = g.role_id
     WHERE ((m.names_member AND NOT m.excepts_member) OR (NOT m.names_member AND m.may_name_by_membership))
       AND EXISTS (SELECT 1 FROM unnest(m.denied_patterns) d(pattern) WHERE rp.permission LIKE d.pattern)
       AND NOT EXISTS (SELECT 1 FROM unnest(m.exception_patterns) e(pattern) WHERE rp.permission LIKE e.pattern)
),
outcomes AS (
    SELECT m.account_id, m.identity_id, m.permission,
           bool_or(m.names_member AND NOT m.excepts_member AND m.condition IS NULL) AS denied,
           bool_or(m.names_member AND NOT m.excepts_member AND m.condition IS NOT NULL) AS conditionally_denied,
           jsonb_agg(jsonb_build_object('rule_id', m.rule_id, 'policy', m.policy_name, 'rule_index', m.rule_index,
                                        'attachment_point', m.attachment_point, 'condition', m.condition) ORDER BY m.rule_id)
               FILTER (WHERE m.names_member AND NOT m.excepts_member) AS denied_by,
           jsonb_agg(jsonb_build_object('rule_id', m.rule_id, 'policy', m.policy_name, 'rule_index', m.rule_index,
                                        'attachment_point', m.attachment_point,
                                        'depends_on', CASE WHEN m.names_member THEN 'exception group membership' ELSE 'group membership' END)
                     ORDER BY m.rule_id)
               FILTER (WHERE (NOT m.names_member AND m.may_name_by_membership)
                          OR (m.names_member AND NOT m.excepts_member AND m.may_except_by_membership)) AS membership_dependent
      FROM rule_matches m
     GROUP BY m.account_id, m.identity_id, m.permission
)
SELECT o.account_id, o.identity_id, o.permission, o.denied, o.conditionally_denied,
       coalesce(o.denied_by, '[]'::jsonb) AS denied_by,
       coalesce(o.membership_dependent, '[]'::jsonb) AS membership_dependent
  FROM outcomes o
 WHERE o.denied_by IS NOT NULL OR o.membership_dependent IS NOT NULL
WITH NO DATA;

CREATE UNIQUE INDEX gcp_deny_decisions_key ON ciem.gcp_deny_decisions (account_id, identity_id, permission);

COMMENT ON MATERIALIZED VIEW ciem.gcp_deny_decisions IS
    'One row per project, member and permission that a deny rule denies (denied), denies under its condition (conditionally_denied), or may deny depending on group membership the data cannot show (membership_dependent).';

-- The deny policies without rules above each project a grant reaches.
CREATE VIEW ciem.gcp_unread_deny_policies_by_account AS
SELECT t.account_id, array_agg(DISTINCT u.policy_name ORDER BY u.policy_name) AS policy_names
  FROM (SELECT DISTINCT g.account_id, g.ancestors FROM ciem.gcp_target_grants g) t
  JOIN ciem.gcp_unread_deny_policies u ON u.attachment_point = ANY (t.ancestors)
 GROUP BY t.account_id;

COMMENT ON VIEW ciem.gcp_unread_deny_policies_by_account IS
    'One row per project with a deny policy above it whose rules are not in the data.';

-- The decision for every member, permission and scope of a grant, in every project the grant
-- reaches. IAM checks deny policies first ("Deny policies", policy evaluation):
--   denied       a deny rule without condition names the member and the permission;
--   conditional  the grants are all conditional, or a conditional deny rule applies;
--   allowed      otherwise.
-- It is a view because the expansion is as large as every grant times its role's permissions. A
-- filter on identity_id, account_id or permission reaches the grant and role tables through
-- their indexes. Roles the data cannot expand add nothing (ciem.gcp_unexpanded_grants).
CREATE VIEW ciem.gcp_effective_permissions AS
SELECT 'gcp'::text AS cloud,
       g.account_id,
       g.identity_id,
       rp.permission,
       g.scope_type,
       g.scope,
       CASE WHEN coalesce(d.denied, false) THEN 'denied'
            WHEN coalesce(d.conditionally_denied, false) OR NOT bool_or(g.condition IS NULL) THEN 'conditional'
            ELSE 'allowed' END AS decision,
       jsonb_agg(jsonb_build_object('role', g.role_id, 'grant_id', g.grant_id, 'condition', g.condition)
                 ORDER BY g.grant_id, g.role_id) AS granted_by,
       g.identity_type,
       coalesce(d.denied_by, '[]'::jsonb) AS denied_by,
       coalesce(d.membership_dependent, '[]'::jsonb) AS membership_dependent_denies,
       coalesce(u.policy_names, '{}'::text[]) AS unread_deny_policies
  FROM ciem.gcp_target_grants g
  JOIN ciem.gcp_role_permissions rp ON rp.role_id = g.role_id
  LEFT JOIN ciem.gcp_deny_decisions d ON d.account_id = g.account_id AND d.identity_id = g.identity_id AND d.permission = rp.permission
  LEFT JOIN ciem.gcp_unread_deny_policies_by_account u ON u.account_id = g.account_id
 GROUP BY g.account_id, g.identity_id, g.identity_type, rp.permission, g.scope_type, g.scope,
          d.denied, d.conditionally_denied, d.denied_by, d.membership_dependent, u.policy_names;

COMMENT ON VIEW ciem.gcp_effective_permissions IS
    'One row per project (account_id), member, IAM permission and scope of the grant: decision allowed, conditional or denied after deny policies; granted_by lists role, binding and condition; denied_by the deny rules that apply; membership_dependent_denies the rules that apply only if the member is (or is not) in a group, which the data cannot show; unread_deny_policies deny policies whose rules are missing.';

INSERT INTO ciem.refresh_relations (position, relation_name) VALUES
    (650, 'gcp_resource_ancestry'),
    (655, 'gcp_policy_members'),
    (660, 'gcp_role_permissions'),
    (665, 'gcp_target_grants'),
    (670, 'gcp_deny_decisions');

-- 9. Cross-boundary trust.

-- Users, groups and domain: members with their email domain, judged against the domains of the
-- organisation above the binding's scope. domain_class is one of:
--   organization  one of the organisation's domains;
--   consumer      a consumer Google account domain;
--   external      another domain, while the organisation has known domains;
--   unknown       another domain, while no domain of the organisation is known.
CREATE VIEW ciem.gcp_member_domains AS
WITH members AS (
    SELECT m.account_id, m.scope, m.scope_type, m.member, m.member_type, m.role_id, m.grant_id, m.condition,
           a.organization_id,
           ciem.gcp_address_domain(m.member_type, m.address) AS domain
      FROM ciem.gcp_policy_members m
      LEFT JOIN ciem.gcp_resource_ancestry a ON a.node = m.scope
     WHERE NOT m.is_deleted AND m.member_type IN ('user', 'group', 'domain') AND m.address IS NOT NULL
),
with_domains AS (
    SELECT m.*,
           coalesce((SELECT array_agg(DISTINCT d.domain ORDER BY d.domain) FROM ciem.gcp_organization_domains d
                      WHERE d.organization_id IS NULL OR d.organization_id = m.organization_id), '{}'::text[]) AS organization_domains
      FROM members m
)
SELECT w.*,
       CASE WHEN w.domain = ANY (w.organization_domains) THEN 'organization'
            WHEN w.domain IN (SELECT c.domain FROM ciem.gcp_consumer_domains c) THEN 'consumer'
            WHEN cardinality(w.organization_domains) > 0 THEN 'external'
            ELSE 'unknown' END AS domain_class
  FROM with_domains w;

COMMENT ON VIEW ciem.gcp_member_domains IS
    'One row per user, group or domain: member of a binding (deleted members excluded), with its email domain, the domains of the organisation above the scope, and domain_class: organization, consumer, external or unknown.';

-- Where each bound member comes from, seen from the scope of its binding:
--   same_organization  a service account of another project of the scope's organisation;
--   external           a service account of a project outside the organisation or not in the
--                      data, or a user, group or domain outside the organisation's domains (a
--                      consumer Gmail account always is);
--   unknown_domain     a user, group or domain while no domain of the organisation is known;
--   google_managed     a Google service agent;
--   federated          a workforce or workload identity pool principal;
--   public             allUsers or allAuthenticatedUsers.
-- Members inside the boundary (a service account of the project or of a project below the
-- scope, a user of an organisation domain) have no row.
CREATE VIEW ciem.gcp_cross_boundary_trust AS
WITH members AS (
    SELECT m.account_id, m.scope, m.member, m.member_type, m.address, m.role_id, m.grant_id, m.condition,
           a.organization_id
      FROM ciem.gcp_policy_members m
      LEFT JOIN ciem.gcp_resource_ancestry a ON a.node = m.scope
     WHERE NOT m.is_deleted AND m.member_type IS NOT NULL
),
listed AS (
    SELECT DISTINCT ON (lower(s.email)) lower(s.email) AS address, s.project_id
      FROM ciem.stg_gcp_iam_service_accounts s
     WHERE coalesce(s.email, '') <> ''
     ORDER BY lower(s.email), s._cq_sync_time DESC NULLS LAST
),
service_accounts AS (
    SELECT m.*,
           l.project_id IS NULL AND ciem.gcp_is_service_agent(m.address) AS is_agent,
           coalesce(l.project_id,
                    CASE WHEN ref.value LIKE 'id:%' THEN substr(ref.value, 4) END,
                    (SELECT p.project_id FROM ciem.gcp_project_records p
                      WHERE ref.value LIKE 'number:%' AND p.project_number = substr(ref.value, 8) LIMIT 1)) AS home_project,
           CASE WHEN ref.value LIKE 'number:%' THEN substr(ref.value, 8) END AS home_project_number
      FROM members m
      LEFT JOIN listed l ON l.address = m.address
     CROSS JOIN LATERAL (SELECT ciem.gcp_service_account_project_ref(m.address) AS value) ref
     WHERE m.member_type = 'service_account' AND m.address IS NOT NULL
),
service_account_rows AS (
    SELECT s.account_id, s.scope, s.member, s.member_type, s.role_id, s.grant_id, s.condition, s.organization_id,
           coalesce('projects/' || s.home_project, 'projects/number:' || s.home_project_number, s.address) AS trusted_from,
           CASE WHEN s.is_agent THEN 'google_managed'
                WHEN h.ancestors IS NOT NULL AND s.scope = ANY (h.ancestors) THEN NULL
                WHEN s.home_project IS NOT NULL AND 'projects/' || s.home_project = s.scope THEN NULL
                WHEN s.organization_id IS NOT NULL AND h.organization_id = s.organization_id THEN 'same_organization'
                ELSE 'external' END AS classification,
           jsonb_build_object('home_project', s.home_project, 'home_project_number', s.home_project_number,
                              'home_organization', h.organization_id,
                              'home_in_data', h.node IS NOT NULL) AS origin
      FROM service_accounts s
      LEFT JOIN ciem.gcp_resource_ancestry h ON h.node = 'projects/' || s.home_project
),
people_rows AS (
    SELECT p.account_id, p.scope, p.member, p.member_type, p.role_id, p.grant_id, p.condition, p.organization_id,
           p.domain AS trusted_from,
           CASE p.domain_class WHEN 'organization' THEN NULL WHEN 'unknown' THEN 'unknown_domain' ELSE 'external' END AS classification,
           jsonb_build_object('domain', p.domain, 'organization_domains', to_jsonb(p.organization_domains),
                              'consumer_domain', p.domain_class = 'consumer') AS origin
      FROM ciem.gcp_member_domains p
),
other_rows AS (
    SELECT m.account_id, m.scope, m.member, m.member_type, m.role_id, m.grant_id, m.condition, m.organization_id,
           CASE WHEN m.member_type = 'public' THEN m.member
                ELSE regexp_replace(m.member, '/(subject|group|attribute\.[^/]*|\*)(/.*)?$', '') END AS trusted_from,
           CASE WHEN m.member_type = 'public' THEN 'public' ELSE 'federated' END AS classification,
           '{}'::jsonb AS origin
      FROM members m
     WHERE m.member_type = 'public' OR m.member LIKE 'principal%://%'
),
all_rows AS (
    SELECT * FROM service_account_rows
    UNION ALL SELECT * FROM people_rows
    UNION ALL SELECT * FROM other_rows
)
SELECT 'gcp'::text AS cloud,
       r.account_id,
       r.member AS identity_id,
       r.member_type AS identity_type,
       coalesce(r.trusted_from, r.member) AS trusted_from,
       r.classification,
       jsonb_build_object(
           'organization_id', min(r.organization_id),
           'grants', jsonb_agg(jsonb_build_object('role', r.role_id, 'scope', r.scope, 'grant_id', r.grant_id, 'condition', r.condition)
                               ORDER BY r.grant_id, r.role_id),
           'all_conditional', bool_and(r.condition IS NOT NULL)) || r.origin AS evidence
  FROM all_rows r
 WHERE r.classification IS NOT NULL
 GROUP BY r.account_id, r.member, r.member_type, r.trusted_from, r.classification, r.origin;

COMMENT ON VIEW ciem.gcp_cross_boundary_trust IS
    'One row per project, folder or organisation (account_id) and bound member from outside it: service accounts of other projects (same_organization or external), users, groups and domains outside the organisation''s domains (external, or unknown_domain without domain data), Google service agents (google_managed), identity pool principals (federated) and allUsers / allAuthenticatedUsers (public). evidence lists the grants and where the member comes from.';

-- 10. Findings. Each view has the columns ciem.refresh_findings() reads. identity_arn contains the
-- member string. Findings about a Google service agent, which the customer cannot change, are
-- kept at severity info with user_changeable false.

-- The basic roles ("Roles overview", basic roles): Owner has every Editor permission and manages
-- roles and permissions. Editor adds to Viewer the permissions that change state, such as
-- creating and deleting resources. "Google Cloud roles and permissions" lists roles/admin and
-- roles/writer next to them as the newer basic roles and marks Owner and Editor legacy, so those
-- count as well.
CREATE TABLE ciem.gcp_basic_roles (
    role_id  text PRIMARY KEY,
    category text NOT NULL REFERENCES ciem.finding_categories
);

COMMENT ON TABLE ciem.gcp_basic_roles IS
    'The basic roles that are findings: admin_equivalent for the roles that manage IAM, infrastructure_modification for the roles that change resources.';

INSERT INTO ciem.gcp_basic_roles (role_id, category) VALUES
    ('roles/owner', 'admin_equivalent'),
    ('roles/admin', 'admin_equivalent'),
    ('roles/editor', 'infrastructure_modification'),
    ('roles/writer', 'infrastructure_modification');

CREATE VIEW ciem.gcp_basic_role_findings AS
WITH holders AS (
    SELECT g.account_id, g.identity_id, g.identity_type, g.role_id, b.category, g.scope_type, g.scope, g.via,
           g.identity_type = 'service_account' AND ciem.gcp_is_service_agent(ciem.gcp_member_address(g.identity_id))
               AND ciem.gcp_member_address(g.identity_id) NOT IN (SELECT lower(s.email) FROM ciem.stg_gcp_iam_service_accounts s WHERE s.email IS NOT NULL)
               AS is_agent,
           bool_and(g.is_conditional) AS conditional,
           jsonb_agg(jsonb_build_object('grant_id', g.grant_id, 'condition', g.condition) ORDER BY g.grant_id) AS grants
      FROM ciem.gcp_identity_grants g
      JOIN ciem.gcp_basic_roles b ON b.role_id = g.role_id
     WHERE g.identity_id NOT LIKE 'deleted:%'
     GROUP BY g.account_id, g.identity_id, g.identity_type, g.role_id, b.category, g.scope_type, g.scope, g.via
)
SELECT 'gcp'::text AS cloud,
       h.account_id,
       h.identity_id AS identity_arn,
       h.identity_type,
       h.category,
       CASE WHEN h.is_agent THEN 'info'
            WHEN h.category = 'admin_equivalent' AND NOT h.conditional THEN 'critical'
            WHEN h.category = 'admin_equivalent' OR NOT h.conditional THEN 'high'
            ELSE 'medium' END AS severity,
       format('Holds the basic role %s on %s%s', h.role_id, h.scope, CASE WHEN h.conditional THEN ' under a condition' ELSE '' END) AS title,
       format('%s@%s', h.role_id, h.scope) AS finding_key,
       jsonb_build_object('role', h.role_id, 'scope_type', h.scope_type, 'scope', h.scope, 'via', h.via,
                          'conditional', h.conditional, 'grants', h.grants, 'user_changeable', NOT h.is_agent) AS evidence
  FROM holders h;

COMMENT ON VIEW ciem.gcp_basic_role_findings IS
    'Findings for holders of the basic roles of ciem.gcp_basic_roles on a project, folder or organisation: roles/owner and roles/admin (admin_equivalent), roles/editor and roles/writer (infrastructure_modification).';

-- allUsers is anyone on the internet, signed in or not. allAuthenticatedUsers is anyone signed in
-- with a Google account or a service account (IAM Policy reference, Binding.members).
CREATE VIEW ciem.gcp_public_member_findings AS
WITH grants AS (
    SELECT g.account_id, g.identity_id, g.role_id, g.scope_type, g.scope,
           bool_and(g.is_conditional) AS conditional,
           jsonb_agg(jsonb_build_object('grant_id', g.grant_id, 'condition', g.condition) ORDER BY g.grant_id) AS grants
      FROM ciem.gcp_identity_grants g
     WHERE g.identity_type = 'public'
     GROUP BY g.account_id, g.identity_id, g.role_id, g.scope_type, g.scope
)
SELECT 'gcp'::text AS cloud,
       g.account_id,
       g.identity_id AS identity_arn,
       'public'::text AS identity_type,
       'public_trust'::text AS category,
       CASE WHEN g.identity_id = 'allUsers' AND NOT g.conditional THEN 'critical'
            WHEN g.identity_id = 'allUsers' OR NOT g.conditional THEN 'high'
            ELSE 'medium' END AS severity,
       format('%s holds %s on %s%s', g.identity_id, g.role_id, g.scope, CASE WHEN g.conditional THEN ' under a condition' ELSE '' END) AS title,
       format('%s@%s', g.role_id, g.scope) AS finding_key,
       jsonb_build_object('member', g.identity_id,
                          'audience', CASE WHEN g.identity_id = 'allUsers' THEN 'anyone on the internet, signed in or not'
                                           ELSE 'anyone signed in with a Google account or a service account' END,
                          'role', g.role_id, 'scope_type', g.scope_type, 'scope', g.scope,
                          'conditional', g.conditional, 'grants', g.grants, 'user_changeable', true) AS evidence
  FROM grants g;

COMMENT ON VIEW ciem.gcp_public_member_findings IS
    'Findings of category public_trust for every role granted to allUsers or allAuthenticatedUsers on a project, folder or organisation.';

-- The service accounts with their user-managed keys. CloudQuery's own SQL joins keys on project
-- and service_account_unique_id, and _cq_parent_id links them as well.
CREATE VIEW ciem.gcp_service_account_keys AS
SELECT k.project_id,
       'serviceAccount:' || s.email AS identity_id,
       s.email AS service_account_email,
       coalesce(s.disabled, false) AS service_account_disabled,
       k.name AS key_name,
       regexp_replace(k.name, '^.*/', '') AS key_id,
       upper(k.key_type) AS key_type,
       k.key_origin,
       k.key_algorithm,
       k.valid_after_time AS created_at,
       k.valid_before_time AS expires_at,
       coalesce(k.disabled, false) AS disabled
  FROM ciem.stg_gcp_iam_service_account_keys k
  JOIN ciem.stg_gcp_iam_service_accounts s
    ON (s.project_id = k.project_id AND s.unique_id = k.service_account_unique_id) OR s._cq_id = k._cq_parent_id
 WHERE k.name IS NOT NULL;

COMMENT ON VIEW ciem.gcp_service_account_keys IS
    'One row per service-account key with its service account: key_type USER_MANAGED or SYSTEM_MANAGED, created_at (validAfterTime) and expires_at (validBeforeTime). CloudQuery syncs no last-use time for keys.';

-- User-managed keys past their rotation age. They stay valid for ten years (CIS GCP 1.4
-- rationale), and the data has no last-use time, so age is what is judged.
CREATE VIEW ciem.gcp_key_rotation_findings AS
SELECT 'gcp'::text AS cloud,
       k.project_id AS account_id,
       k.identity_id AS identity_arn,
       'service_account'::text AS identity_type,
       'unused_credential'::text AS category,
       'medium'::text AS severity,
       format('Key %s of %s is %s days old', k.key_id, k.service_account_email, ciem.days_since(k.created_at)) AS title,
       format('key:%s:rotation', k.key_id) AS finding_key,
       jsonb_build_object('key_name', k.key_name, 'key_id', k.key_id, 'key_type', k.key_type, 'created_at', k.created_at,
                          'expires_at', k.expires_at, 'age_days', ciem.days_since(k.created_at),
                          'gcp_key_rotation_days', (SELECT ciem.setting_days('gcp_key_rotation_days')),
                          'last_used_at', NULL,
                          'note', 'CloudQuery syncs no last-use time for service-account keys, so unused keys cannot be told apart',
                          'user_changeable', true) AS evidence
  FROM ciem.gcp_service_account_keys k
 WHERE k.key_type = 'USER_MANAGED'
   AND NOT k.disabled
   AND (k.expires_at IS NULL OR k.expires_at > now())
   AND k.created_at <= (SELECT now() - make_interval(days => ciem.setting_days('gcp_key_rotation_days')));

COMMENT ON VIEW ciem.gcp_key_rotation_findings IS
    'Findings of category unused_credential for enabled, unexpired user-managed service-account keys created gcp_key_rotation_days or more ago.';

-- Principals allowed to act as or mint credentials for the service accounts of a project
-- ("Roles for managing and impersonating service accounts"). Holders of roles/owner or
-- roles/admin without a condition are already admin-equivalent and are left out, as the AWS
-- escalation rule leaves out admin-equivalent principals. Critical when a reachable service
-- account has one of those roles.
CREATE VIEW ciem.gcp_impersonation_findings AS
WITH holders AS (
    SELECT e.account_id, e.identity_id, e.identity_type,
           bool_and(e.decision = 'conditional') AS conditional,
           jsonb_agg(jsonb_build_object('permission', e.permission, 'decision', e.decision, 'scope', e.scope, 'granted_by', e.granted_by)
                     ORDER BY e.permission, e.scope) AS permissions,
           array_agg(DISTINCT e.permission ORDER BY e.permission) AS permission_names
      FROM ciem.gcp_effective_permissions e
      JOIN ciem.gcp_impersonation_permissions i ON i.permission = e.permission
     WHERE e.decision <> 'denied'
       -- A constant list lets the filter reach the role permissions through their index.
       AND e.permission = ANY (ARRAY(SELECT p.permission FROM ciem.gcp_impersonation_permissions p))
     GROUP BY e.account_id, e.identity_id, e.identity_type
),
owners AS (
    SELECT DISTINCT g.account_id, g.identity_id AS member
      FROM ciem.gcp_target_grants g
     WHERE g.condition IS NULL
       AND g.role_id IN (SELECT b.role_id FROM ciem.gcp_basic_roles b WHERE b.category = 'admin_equivalent')
),
project_accounts AS (
    SELECT s.project_id, 'serviceAccount:' || s.email AS identity_id
      FROM ciem.stg_gcp_iam_service_accounts s
     WHERE coalesce(s.email, '') <> '' AND NOT coalesce(s.disabled, false)
),
listed AS (
    SELECT lower(s.email) AS address FROM ciem.stg_gcp_iam_service_accounts s WHERE s.email IS NOT NULL
),
judged AS (
    SELECT h.*,
           h.identity_type = 'service_account' AND ciem.gcp_is_service_agent(ciem.gcp_member_address(h.identity_id))
               AND ciem.gcp_member_address(h.identity_id) NOT IN (SELECT l.address FROM listed l) AS is_agent,
           coalesce((SELECT array_agg(a.identity_id ORDER BY a.identity_id) FROM project_accounts a
                      WHERE a.project_id = h.account_id AND a.identity_id <> h.identity_id), '{}'::text[]) AS targets,
           coalesce((SELECT array_agg(a.identity_id ORDER BY a.identity_id) FROM project_accounts a
                       JOIN owners o ON o.account_id = a.project_id AND lower(o.member) = lower(a.identity_id)
                      WHERE a.project_id = h.account_id AND a.identity_id <> h.identity_id), '{}'::text[]) AS owner_targets
      FROM holders h
     WHERE NOT EXISTS (SELECT 1 FROM owners o WHERE o.account_id = h.account_id AND o.member = h.identity_id)
)
SELECT 'gcp'::text AS cloud,
       j.account_id,
       j.identity_id AS identity_arn,
       j.identity_type,
       'privilege_escalation'::text AS category,
       CASE WHEN j.is_agent THEN 'info'
            WHEN j.conditional THEN 'medium'
            WHEN cardinality(j.owner_targets) > 0 THEN 'critical'
            ELSE 'high' END AS severity,
       format('Can impersonate the service accounts of %s with %s%s', j.account_id,
              array_to_string(j.permission_names[1:3], ', '),
              CASE WHEN cardinality(j.permission_names) > 3 THEN format(' and %s more', cardinality(j.permission_names) - 3) ELSE '' END) AS title,
       format('impersonation@%s', j.account_id) AS finding_key,
       jsonb_build_object('permissions', j.permissions, 'conditional', j.conditional,
                          'service_accounts', to_jsonb(j.targets), 'owner_service_accounts', to_jsonb(j.owner_targets),
                          'note', 'granted on a project, these permissions reach every service account of the project, including ones created later',
                          'user_changeable', NOT j.is_agent) AS evidence
  FROM judged j;

COMMENT ON VIEW ciem.gcp_impersonation_findings IS
    'Findings of category privilege_escalation for members allowed (or conditionally allowed) to act as, sign for, or create keys or tokens of the service accounts of a project; critical when one of those service accounts holds roles/owner or roles/admin.';

-- Inactive identities the data can show: service accounts that are disabled but still hold
-- roles, and members of deleted accounts that bindings still name. CloudQuery syncs no sign-in or
-- authentication times for Google Cloud identities, so inactivity over time cannot be judged.
CREATE VIEW ciem.gcp_inactive_identity_findings AS
WITH disabled_accounts AS (
    SELECT DISTINCT ON (lower(s.email)) s.project_id, 'serviceAccount:' || s.email AS identity_id, lower(s.email) AS address, s.email
      FROM ciem.stg_gcp_iam_service_accounts s
     WHERE coalesce(s.disabled, false) AND coalesce(s.email, '') <> ''
     ORDER BY lower(s.email), s._cq_sync_time DESC NULLS LAST
)
SELECT 'gcp'::text AS cloud,
       d.project_id AS account_id,
       d.identity_id AS identity_arn,
       'service_account'::text AS identity_type,
       'unused_identity'::text AS category,
       'low'::text AS severity,
       format('Disabled service account %s still holds %s roles', d.email, count(*)) AS title,
       'disabled_with_roles'::text AS finding_key,
       jsonb_build_object('status', 'disabled',
                          'grants', jsonb_agg(jsonb_build_object('role', m.role_id, 'scope', m.scope, 'grant_id', m.grant_id) ORDER BY m.grant_id, m.role_id),
                          'user_changeable', true) AS evidence
  FROM disabled_accounts d
  JOIN ciem.gcp_policy_members m ON m.address = d.address AND m.member_type = 'service_account' AND NOT m.is_deleted
 GROUP BY d.project_id, d.identity_id, d.email
UNION ALL
SELECT 'gcp',
       m.account_id,
       m.member,
       m.member_type,
       'unused_identity',
       'low',
       format('Deleted %s %s is still bound on %s', replace(coalesce(m.member_type, 'member'), '_', ' '), coalesce(m.address, m.member), m.scope),
       format('deleted_member@%s', m.scope),
       jsonb_build_object('status', 'deleted',
                          'grants', jsonb_agg(jsonb_build_object('role', m.role_id, 'grant_id', m.grant_id) ORDER BY m.grant_id, m.role_id),
                          'note', 'IAM keeps bindings of deleted accounts; they grant nothing unless the account is restored',
                          'user_changeable', true)
  FROM ciem.gcp_policy_members m
 WHERE m.is_deleted
 GROUP BY m.account_id, m.member, m.member_type, m.address, m.scope;

COMMENT ON VIEW ciem.gcp_inactive_identity_findings IS
    'Findings of category unused_identity: disabled service accounts that still hold roles, and deleted accounts that bindings still name.';

-- Members from outside the boundary of the project, folder or organisation that grants them a
-- role. Public members have their own rule, and Google service agents, identity pools and members
-- of unknown domains are not findings.
CREATE VIEW ciem.gcp_cross_boundary_findings AS
SELECT t.cloud,
       t.account_id,
       t.identity_id AS identity_arn,
       t.identity_type,
       'cross_account_trust'::text AS category,
       CASE WHEN t.classification = 'same_organization' THEN 'low'
            WHEN EXISTS (SELECT 1 FROM jsonb_array_elements(t.evidence -> 'grants') g
                          WHERE g ->> 'role' IN (SELECT b.role_id FROM ciem.gcp_basic_roles b) OR g ->> 'role' ~ '[Aa]dmin$') THEN 'high'
            ELSE 'medium' END AS severity,
       CASE t.classification
           WHEN 'same_organization' THEN format('Service account of %s holds roles on %s', t.trusted_from, t.account_id)
           WHEN 'external' THEN CASE WHEN t.identity_type = 'service_account'
                                     THEN format('Service account of %s, outside the organisation, holds roles on %s', t.trusted_from, t.account_id)
                                     ELSE format('%s of %s, outside the organisation, holds roles on %s', initcap(t.identity_type), t.trusted_from, t.account_id) END
       END AS title,
       format('cross_boundary@%s', t.account_id) AS finding_key,
       t.evidence || jsonb_build_object('classification', t.classification, 'trusted_from', t.trusted_from, 'user_changeable', true) AS evidence
  FROM ciem.gcp_cross_boundary_trust t
 WHERE t.classification IN ('external', 'same_organization');

COMMENT ON VIEW ciem.gcp_cross_boundary_findings IS
    'Findings of category cross_account_trust: service accounts of other projects and users, groups or domains outside the organisation''s domains that hold roles; high when a role is basic or an admin role.';

INSERT INTO ciem.finding_sources (source_name, relation, description) VALUES
    ('gcp_basic_roles', 'ciem.gcp_basic_role_findings', 'Google Cloud members holding the basic roles roles/owner, roles/admin, roles/editor or roles/writer.'),
    ('gcp_public_members', 'ciem.gcp_public_member_findings', 'Google Cloud roles granted to allUsers or allAuthenticatedUsers.'),
    ('gcp_key_rotation', 'ciem.gcp_key_rotation_findings', 'User-managed service-account keys older than gcp_key_rotation_days.'),
    ('gcp_impersonation', 'ciem.gcp_impersonation_findings', 'Google Cloud members able to impersonate, sign for or create keys of service accounts.'),
    ('gcp_inactive_identities', 'ciem.gcp_inactive_identity_findings', 'Disabled service accounts that hold roles and deleted accounts still bound.'),
    ('gcp_cross_boundary', 'ciem.gcp_cross_boundary_findings', 'Service accounts of other projects and members outside the organisation''s domains holding Google Cloud roles.');

-- 11. CIS Google Cloud Platform Foundation Benchmark v3.0.0, section 1 (Identity and Access
-- Management). Control numbers, titles, profiles and audit procedures follow v3.0.0 as Prowler's
-- cis_3.0_gcp.json reproduces it. Results are pass, fail or unknown, as in the AWS controls.

INSERT INTO ciem.compliance_controls
    (benchmark, version, control_id, position, title, profile, decidable, severity, resource_type, how_decided, why_not, source_tables)
VALUES
    ('CIS Google Cloud Platform Foundation Benchmark', '3.0.0', '1.1', 1, 'Ensure that Corporate Login Credentials are Used', 'Level 1', true, 'medium', 'member',
     'Audit: no email account outside the organisation domain is granted permissions in project, folder or organisation IAM policies (Google-owned service accounts excluded). One result per user, group or domain: member and project, folder or organisation: pass when its domain is a domain of the organisation (its display name, or ciem.gcp_known_domains), fail when it is a consumer domain (gmail.com) or the organisation has known domains and this is not one, unknown when no domain of the organisation is known.',
     NULL, '{gcp_resourcemanager_project_policies,gcp_resourcemanager_folder_policies,gcp_resourcemanager_organization_policies,gcp_cloudresourcemanager_organizations,gcp_resourcemanager_projects,gcp_resourcemanager_folders}'),
    ('CIS Google Cloud Platform Foundation Benchmark', '3.0.0', '1.2', 2, 'Ensure that Multi-Factor Authentication is ''Enabled'' for All Non-Service Accounts', 'Level 1', false, NULL, NULL, NULL,
     'Whether a Google account has 2-Step Verification is kept in Google Workspace or Cloud Identity, not in any Google Cloud API that CloudQuery syncs.', '{}'),
    ('CIS Google Cloud Platform Foundation Benchmark', '3.0.0', '1.3', 3, 'Ensure that Security Key Enforcement is Enabled for All Admin Accounts', 'Level 2', false, NULL, NULL, NULL,
     'The data names the holders of roles/resourcemanager.organizationAdmin, but whether security keys are enforced for them is a Google Workspace or Cloud Identity setting that CloudQuery does not sync.', '{}'),
    ('CIS Google Cloud Platform Foundation Benchmark', '3.0.0', '1.4', 4, 'Ensure That There Are Only GCP-Managed Service Account Keys for Each Service Account', 'Level 1', true, 'medium', 'service-account',
     'Audit: for each user-managed service account (address ending in iam.gserviceaccount.com), keys list --managed-by=user shows no key. One result per listed service account: fail when gcp_iam_service_account_keys has a USER_MANAGED key for it (disabled keys included, as the audit lists them), pass when it has none, unknown when the keys table is absent.',
     NULL, '{gcp_iam_service_accounts,gcp_iam_service_account_keys}'),
    ('CIS Google Cloud Platform Foundation Benchmark', '3.0.0', '1.5', 5, 'Ensure That Service Account Has No Admin Privileges', 'Level 1', true, 'high', 'member',
     'Audit: in the project IAM policy, no user-created service account (SERVICE_ACCOUNT_NAME@PROJECT_ID.iam.gserviceaccount.com, Google service agents excluded) holds roles/owner, roles/editor or a role whose name ends in Admin or admin. One result per such service account and project; conditional bindings count, because the audit reads roles without conditions.',
     NULL, '{gcp_resourcemanager_project_policies}'),
    ('CIS Google Cloud Platform Foundation Benchmark', '3.0.0', '1.6', 6, 'Ensure That IAM Users Are Not Assigned the Service Account User or Service Account Token Creator Roles at Project Level', 'Level 1', true, 'medium', 'project',
     'Audit: the project IAM policy has no binding of roles/iam.serviceAccountUser or roles/iam.serviceAccountTokenCreator (the audit command must print nothing, so any member fails). One result per project whose policy is in the data; evidence lists the members of such bindings.',
     NULL, '{gcp_resourcemanager_project_policies}'),
    ('CIS Google Cloud Platform Foundation Benchmark', '3.0.0', '1.7', 7, 'Ensure User-Managed/External Keys for Service Accounts Are Rotated Every 90 Days or Fewer', 'Level 1', true, 'medium', 'service-account-key',
     'Audit: every user-managed service-account key has a validAfterTime within the past 90 days. One result per USER_MANAGED key of gcp_iam_service_account_keys: fail when valid_after_time is cis_gcp_key_rotation_days (90) or more days ago, unknown when it is missing.',
     NULL, '{gcp_iam_service_accounts,gcp_iam_service_account_keys}'),
    ('CIS Google Cloud Platform Foundation Benchmark', '3.0.0', '1.8', 8, 'Ensure That Separation of Duties Is Enforced While Assigning Service Account Related Roles to Users', 'Level 2', true, 'low', 'member',
     'Audit: no member of the project IAM policy holds both roles/iam.serviceAccountAdmin and roles/iam.serviceAccountUser. One result per member and project holding either role: fail when it holds both.',
     NULL, '{gcp_resourcemanager_project_policies}'),
    ('CIS Google Cloud Platform Foundation Benchmark', '3.0.0', '1.9', 9, 'Ensure That Cloud KMS Cryptokeys Are Not Anonymously or Publicly Accessible', 'Level 1', false, NULL, NULL, NULL,
     'The audit reads the IAM policy of each Cloud KMS crypto key; CloudQuery''s GCP plugin has IAM policy tables for projects and storage buckets only.', '{}'),
    ('CIS Google Cloud Platform Foundation Benchmark', '3.0.0', '1.10', 10, 'Ensure KMS Encryption Keys Are Rotated Within a Period of 90 Days', 'Level 1', false, NULL, NULL, NULL,
     'Key rotation periods are Cloud KMS key settings, not IAM data; OpenCIEM does not read CloudQuery''s Cloud KMS tables.', '{}'),
    ('CIS Google Cloud Platform Foundation Benchmark', '3.0.0', '1.11', 11, 'Ensure That Separation of Duties Is Enforced While Assigning KMS Related Roles to Users', 'Level 2', true, 'low', 'member',
     'Audit: no member of the project IAM policy holds roles/cloudkms.admin together with roles/cloudkms.cryptoKeyEncrypterDecrypter, roles/cloudkms.cryptoKeyEncrypter or roles/cloudkms.cryptoKeyDecrypter. One result per member and project holding any of them: fail when it holds the admin role and one of the others.',
     NULL, '{gcp_resourcemanager_project_policies}'),
    ('CIS Google Cloud Platform Foundation Benchmark', '3.0.0', '1.12', 12, 'Ensure API Keys Only Exist for Active Services', 'Level 2', false, NULL, NULL, NULL,
     'API keys are in gcp_apikeys_keys, a table of CloudQuery''s closed GCP plugin that the open baseline lacks and OpenCIEM does not read; which services are active is the reviewer''s judgement.', '{}'),
    ('CIS Google Cloud Platform Foundation Benchmark', '3.0.0', '1.13', 13, 'Ensure API Keys Are Restricted To Use by Only Specified Hosts and Apps', 'Level 2', false, NULL, NULL, NULL,
     'API key restrictions are in gcp_apikeys_keys, a table of CloudQuery''s closed GCP plugin that OpenCIEM does not read.', '{}'),
    ('CIS Google Cloud Platform Foundation Benchmark', '3.0.0', '1.14', 14, 'Ensure API Keys Are Restricted to Only APIs That Application Needs Access', 'Level 2', false, NULL, NULL, NULL,
     'API key restrictions are in gcp_apikeys_keys, a table of CloudQuery''s closed GCP plugin that OpenCIEM does not read, and which APIs an application needs is the reviewer''s judgement.', '{}'),
    ('CIS Google Cloud Platform Foundation Benchmark', '3.0.0', '1.15', 15, 'Ensure API Keys Are Rotated Every 90 Days', 'Level 2', false, NULL, NULL, NULL,
     'API key creation times are in gcp_apikeys_keys, a table of CloudQuery''s closed GCP plugin that OpenCIEM does not read.', '{}'),
    ('CIS Google Cloud Platform Foundation Benchmark', '3.0.0', '1.16', 16, 'Ensure Essential Contacts is Configured for Organization', 'Level 1', false, NULL, NULL, NULL,
     'Essential Contacts are in gcp_essentialcontacts_* tables of CloudQuery''s closed GCP plugin, which the open baseline lacks and OpenCIEM does not read.', '{}'),
    ('CIS Google Cloud Platform Foundation Benchmark', '3.0.0', '1.17', 17, 'Ensure Secrets are Not Stored in Cloud Functions Environment Variables by Using Secret Manager', 'Level 1', false, NULL, NULL, NULL,
     'Whether an environment variable holds a secret is a reviewer''s judgement of Cloud Functions settings, which are not IAM data.', '{}');

-- CIS 1.1: members from the organisation's domains only.
CREATE VIEW ciem.gcp_cis_corporate_credentials AS
SELECT '1.1'::text AS control_id,
       d.account_id,
       d.member AS resource,
       CASE WHEN bool_or(d.domain_class IN ('consumer', 'external')) THEN 'fail'
            WHEN bool_and(d.domain_class = 'organization') THEN 'pass'
            ELSE 'unknown' END AS status,
       jsonb_build_object('domain', min(d.domain), 'domain_class', min(d.domain_class),
                          'organization_domains', to_jsonb(min(d.organization_domains)),
                          'grants', jsonb_agg(jsonb_build_object('role', d.role_id, 'scope', d.scope, 'grant_id', d.grant_id) ORDER BY d.grant_id, d.role_id))
       || CASE WHEN bool_and(d.domain_class = 'unknown')
               THEN jsonb_build_object('missing', 'no domain of the organisation is known: sync gcp_cloudresourcemanager_organizations and the project hierarchy, or add rows to ciem.gcp_known_domains')
               ELSE '{}'::jsonb END AS evidence
  FROM ciem.gcp_member_domains d
 GROUP BY d.account_id, d.member;

-- CIS 1.4: no user-managed keys on user-managed service accounts.
CREATE VIEW ciem.gcp_cis_user_managed_keys AS
WITH synced AS (
    SELECT coalesce(bool_or(b.present), false) AS keys_synced
      FROM ciem.source_bindings b
     WHERE b.table_name = 'gcp_iam_service_account_keys'
),
accounts AS (
    SELECT DISTINCT ON (lower(s.email)) s.project_id, s.email
      FROM ciem.stg_gcp_iam_service_accounts s
     WHERE lower(s.email) LIKE '%.iam.gserviceaccount.com'
     ORDER BY lower(s.email), s._cq_sync_time DESC NULLS LAST
)
SELECT '1.4'::text AS control_id,
       a.project_id AS account_id,
       'serviceAccount:' || a.email AS resource,
       CASE WHEN NOT y.keys_synced THEN 'unknown'
            WHEN count(k.key_name) > 0 THEN 'fail'
            ELSE 'pass' END AS status,
       CASE WHEN NOT y.keys_synced THEN jsonb_build_object('missing', 'gcp_iam_service_account_keys is not synced')
            ELSE jsonb_build_object('user_managed_keys',
                     coalesce(jsonb_agg(jsonb_build_object('key_id', k.key_id, 'created_at', k.created_at, 'disabled', k.disabled)
                                        ORDER BY k.key_id) FILTER (WHERE k.key_name IS NOT NULL), '[]'::jsonb)) END AS evidence
  FROM accounts a
 CROSS JOIN synced y
  LEFT JOIN ciem.gcp_service_account_keys k ON lower(k.service_account_email) = lower(a.email) AND k.key_type = 'USER_MANAGED'
 GROUP BY a.project_id, a.email, y.keys_synced;

-- CIS 1.5: user-created service accounts without admin roles on the project.
CREATE VIEW ciem.gcp_cis_service_account_admin AS
SELECT '1.5'::text AS control_id,
       m.account_id,
       m.member AS resource,
       CASE WHEN bool_or(m.role_id IN ('roles/owner', 'roles/editor') OR m.role_id ~ '[Aa]dmin$') THEN 'fail' ELSE 'pass' END AS status,
       jsonb_build_object(
           'admin_roles', coalesce(jsonb_agg(jsonb_build_object('role', m.role_id, 'grant_id', m.grant_id, 'condition', m.condition) ORDER BY m.grant_id)
                                   FILTER (WHERE m.role_id IN ('roles/owner', 'roles/editor') OR m.role_id ~ '[Aa]dmin$'), '[]'::jsonb),
           'roles', to_jsonb(array_agg(DISTINCT m.role_id ORDER BY m.role_id))) AS evidence
  FROM ciem.gcp_policy_members m
 WHERE m.scope_type = 'project'
   AND m.member_type = 'service_account'
   AND NOT m.is_deleted
   AND m.address LIKE '%@%.iam.gserviceaccount.com'
   AND NOT ciem.gcp_is_service_agent(m.address)
 GROUP BY m.account_id, m.member;

-- CIS 1.6: no Service Account User or Token Creator binding on the project.
CREATE VIEW ciem.gcp_cis_project_service_account_roles AS
SELECT '1.6'::text AS control_id,
       p.account_id,
       p.scope AS resource,
       CASE WHEN count(m.member) > 0 THEN 'fail' ELSE 'pass' END AS status,
       jsonb_build_object('bindings',
           coalesce(jsonb_agg(jsonb_build_object('role', m.role_id, 'member', m.member, 'member_type', m.member_type, 'grant_id', m.grant_id)
                              ORDER BY m.grant_id, m.member) FILTER (WHERE m.member IS NOT NULL), '[]'::jsonb)) AS evidence
  FROM ciem.gcp_iam_policies p
  LEFT JOIN ciem.gcp_policy_members m
    ON m.scope = p.scope AND m.role_id IN ('roles/iam.serviceAccountUser', 'roles/iam.serviceAccountTokenCreator')
 WHERE p.scope_type = 'project'
 GROUP BY p.account_id, p.scope;

-- CIS 1.7: user-managed keys younger than 90 days.
CREATE VIEW ciem.gcp_cis_key_rotation AS
SELECT '1.7'::text AS control_id,
       k.project_id AS account_id,
       k.key_name AS resource,
       CASE WHEN k.created_at IS NULL THEN 'unknown'
            WHEN k.created_at <= (SELECT now() - make_interval(days => ciem.setting_days('cis_gcp_key_rotation_days'))) THEN 'fail'
            ELSE 'pass' END AS status,
       jsonb_build_object('service_account', k.identity_id, 'key_id', k.key_id, 'created_at', k.created_at,
                          'age_days', ciem.days_since(k.created_at), 'disabled', k.disabled,
                          'cis_gcp_key_rotation_days', (SELECT ciem.setting_days('cis_gcp_key_rotation_days')))
       || CASE WHEN k.created_at IS NULL THEN jsonb_build_object('missing', 'valid_after_time is empty') ELSE '{}'::jsonb END AS evidence
  FROM ciem.gcp_service_account_keys k
 WHERE k.key_type = 'USER_MANAGED';

-- CIS 1.8 and 1.11: separation of duties between an administration role and the roles that use
-- what it administers, per member of the project policy.
CREATE VIEW ciem.gcp_cis_separation_of_duties AS
WITH duties (control_id, admin_roles, user_roles) AS (
    VALUES ('1.8', ARRAY['roles/iam.serviceAccountAdmin'], ARRAY['roles/iam.serviceAccountUser']),
           ('1.11', ARRAY['roles/cloudkms.admin'],
                    ARRAY['roles/cloudkms.cryptoKeyEncrypterDecrypter', 'roles/cloudkms.cryptoKeyEncrypter', 'roles/cloudkms.cryptoKeyDecrypter'])
)
SELECT d.control_id,
       m.account_id,
       m.member AS resource,
       CASE WHEN bool_or(m.role_id = ANY (d.admin_roles)) AND bool_or(m.role_id = ANY (d.user_roles)) THEN 'fail' ELSE 'pass' END AS status,
       jsonb_build_object('roles', jsonb_agg(jsonb_build_object('role', m.role_id, 'grant_id', m.grant_id) ORDER BY m.grant_id, m.role_id),
                          'admin_roles', to_jsonb(d.admin_roles), 'user_roles', to_jsonb(d.user_roles)) AS evidence
  FROM duties d
  JOIN ciem.gcp_policy_members m ON m.role_id = ANY (d.admin_roles || d.user_roles)
 WHERE m.scope_type = 'project' AND NOT m.is_deleted
 GROUP BY d.control_id, d.admin_roles, d.user_roles, m.account_id, m.member;

CREATE VIEW ciem.gcp_compliance_results AS
WITH results AS (
    SELECT control_id, account_id, resource, status, evidence FROM ciem.gcp_cis_corporate_credentials
    UNION ALL SELECT control_id, account_id, resource, status, evidence FROM ciem.gcp_cis_user_managed_keys
    UNION ALL SELECT control_id, account_id, resource, status, evidence FROM ciem.gcp_cis_service_account_admin
    UNION ALL SELECT control_id, account_id, resource, status, evidence FROM ciem.gcp_cis_project_service_account_roles
    UNION ALL SELECT control_id, account_id, resource, status, evidence FROM ciem.gcp_cis_key_rotation
    UNION ALL SELECT control_id, account_id, resource, status, evidence FROM ciem.gcp_cis_separation_of_duties
)
SELECT c.benchmark,
       c.version,
       r.control_id,
       c.title,
       r.account_id,
       r.resource,
       c.resource_type,
       r.status,
       r.evidence
  FROM results r
  JOIN ciem.compliance_controls c
    ON c.benchmark = 'CIS Google Cloud Platform Foundation Benchmark' AND c.version = '3.0.0' AND c.control_id = r.control_id;

COMMENT ON VIEW ciem.gcp_compliance_results IS
    'One row per decidable control of CIS Google Cloud Platform Foundation Benchmark v3.0.0 section 1 and resource judged, in the columns of ciem.compliance_results: status pass, fail or unknown (evidence.missing says what is absent). account_id is the project id, or folders/N or organizations/N for 1.1.';

COMMENT ON VIEW ciem.gcp_cis_corporate_credentials IS 'CIS GCP 1.1 per user, group or domain member and project, folder or organisation.';
COMMENT ON VIEW ciem.gcp_cis_user_managed_keys IS 'CIS GCP 1.4 per user-managed service account.';
COMMENT ON VIEW ciem.gcp_cis_service_account_admin IS 'CIS GCP 1.5 per user-created service account bound in a project policy.';
COMMENT ON VIEW ciem.gcp_cis_project_service_account_roles IS 'CIS GCP 1.6 per project policy.';
COMMENT ON VIEW ciem.gcp_cis_key_rotation IS 'CIS GCP 1.7 per user-managed service-account key.';
COMMENT ON VIEW ciem.gcp_cis_separation_of_duties IS 'CIS GCP 1.8 and 1.11 per member of a project policy holding one of the roles concerned.';

-- Failed controls as findings. resource repeats across projects for 1.1 and 1.5, so the finding
-- key names the project.
CREATE VIEW ciem.gcp_compliance_findings AS
SELECT 'gcp'::text AS cloud,
       r.account_id,
       r.resource AS identity_arn,
       r.resource_type AS identity_type,
       'compliance'::text AS category,
       c.severity,
       format('CIS GCP %s %s failed: %s', r.version, r.control_id, r.title) AS title,
       format('cis-gcp-%s:%s@%s', r.version, r.control_id, r.account_id) AS finding_key,
       jsonb_build_object('benchmark', r.benchmark, 'version', r.version, 'control_id', r.control_id,
                          'how_decided', c.how_decided)
       || r.evidence AS evidence
  FROM ciem.gcp_compliance_results r
  JOIN ciem.compliance_controls c USING (benchmark, version, control_id)
 WHERE r.status = 'fail';

COMMENT ON VIEW ciem.gcp_compliance_findings IS
    'One finding per failed CIS Google Cloud Platform Foundation Benchmark control and resource (category compliance).';

INSERT INTO ciem.finding_sources (source_name, relation, description) VALUES
    ('cis_gcp_v3_iam', 'ciem.gcp_compliance_findings', 'Failed controls of the CIS Google Cloud Platform Foundation Benchmark v3.0.0, section 1 (IAM).');
