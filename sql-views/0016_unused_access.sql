-- Unused access: identities, credentials and permissions without activity within the unused
-- threshold, the permission creep score, and a least-privilege policy suggested from what an
-- identity used. Activity comes from the credential report, access keys, RoleLastUsed and IAM's
-- last accessed information (Access Advisor).
--
-- Facts about last accessed information (IAM API Reference, GenerateServiceLastAccessedDetails,
-- GetServiceLastAccessedDetails, ServiceLastAccessed and TrackedActionLastAccessed; IAM User
-- Guide, "Refine permissions in AWS using last accessed information"):
--   * IAM reports activity for at least the last 400 days (the tracking period).
--   * The report lists every service that the identity's permissions policies allow; boundaries,
--     SCPs and resource-based policies are not considered.
--   * LastAuthenticated is NULL when no one attempted to access the service within the tracking
--     period. Attempts count whether or not they were allowed.
--   * Action-level data (TrackedActionsLastAccessed) covers only the tracked actions, the
--     management actions of the services listed in "IAM action last accessed information services
--     and actions". The list is NULL when a service has no tracked actions or none was used.

INSERT INTO ciem.settings (key, value, description) VALUES
    ('access_key_rotation_days', '90', 'An active access key older than this many days is past its rotation age.');

-- The unused threshold as applied to last accessed information. AWS keeps no activity older than
-- its 400-day tracking period, so a larger threshold reads as 400 days there.
CREATE FUNCTION ciem.last_accessed_window_days() RETURNS integer
LANGUAGE sql STABLE
AS $$
    SELECT least(ciem.setting_days('unused_days'), 400)
$$;

-- Whole days elapsed since a time, so a title reads the same all day long.
CREATE FUNCTION ciem.days_since(at timestamptz) RETURNS integer
LANGUAGE sql STABLE
AS $$
    SELECT floor(extract(epoch FROM now() - at) / 86400)::integer
$$;

-- CloudQuery's last accessed tables (AWS source plugin tree 6d350d2): children of users, roles,
-- groups and managed policies, one row per service namespace, filled with ACTION_LEVEL
-- granularity. CloudQuery syncs child tables only when the source spec lists them.
INSERT INTO ciem.source_tables (table_name, optional, purpose)
SELECT t, true, 'last accessed information (unused services and actions, suggested policies, creep score)'
  FROM unnest(ARRAY[
      'aws_iam_user_last_accessed_details', 'aws_iam_role_last_accessed_details',
      'aws_iam_group_last_accessed_details', 'aws_iam_policy_last_accessed_details'
  ]) AS t;

INSERT INTO ciem.source_columns (table_name, column_name, data_type, ordinal)
SELECT t.table_name, c.column_name, c.data_type, c.ordinal
  FROM (VALUES ('aws_iam_user_last_accessed_details', 'user_arn'),
               ('aws_iam_role_last_accessed_details', 'role_arn'),
               ('aws_iam_group_last_accessed_details', 'group_arn'),
               ('aws_iam_policy_last_accessed_details', 'arn')) AS t(table_name, owner_column)
 CROSS JOIN LATERAL (VALUES
      ('_cq_id', 'uuid', 1),
      ('_cq_parent_id', 'uuid', 2),
      ('account_id', 'text', 3),
      (t.owner_column, 'text', 4),
      ('job_id', 'text', 5),
      ('service_name', 'text', 6),
      ('service_namespace', 'text', 7),
      ('last_authenticated', 'timestamptz', 8),
      ('last_authenticated_entity', 'text', 9),
      ('last_authenticated_region', 'text', 10),
      ('total_authenticated_entities', 'bigint', 11),
      ('tracked_actions_last_accessed', 'jsonb', 12)
  ) AS c(column_name, data_type, ordinal);

SELECT ciem.bind_sources(ciem.source_schema());

-- One row per identity (user, role or group) and service that AWS's last accessed report lists.
CREATE VIEW ciem.aws_service_last_accessed AS
SELECT u.user_arn AS identity_arn, 'user'::text AS identity_type, u.account_id, u.service_namespace AS service,
       u.service_name, u.last_authenticated, u.last_authenticated_entity, u.tracked_actions_last_accessed AS tracked_actions
  FROM ciem.stg_aws_iam_user_last_accessed_details u
UNION ALL
SELECT r.role_arn, 'role', r.account_id, r.service_namespace, r.service_name, r.last_authenticated,
       r.last_authenticated_entity, r.tracked_actions_last_accessed
  FROM ciem.stg_aws_iam_role_last_accessed_details r
UNION ALL
SELECT g.group_arn, 'group', g.account_id, g.service_namespace, g.service_name, g.last_authenticated,
       g.last_authenticated_entity, g.tracked_actions_last_accessed
  FROM ciem.stg_aws_iam_group_last_accessed_details g;

COMMENT ON VIEW ciem.aws_service_last_accessed IS
    'One row per IAM user, role or group and service in its last accessed report: last_authenticated is NULL when the service was not used within the 400-day tracking period.';

-- One row per tracked action of a last accessed report (users, roles, groups and managed
-- policies), with the catalogue's action name. CloudQuery stores TrackedActionsLastAccessed as
-- the SDK marshals it: a JSON array of {"ActionName", "LastAccessedEntity",
-- "LastAccessedRegion", "LastAccessedTime"} with RFC 3339 times, or null.
CREATE VIEW ciem.aws_tracked_action_last_accessed AS
WITH reports AS (
    SELECT l.identity_arn AS owner_arn, l.identity_type AS owner_type, l.service, l.tracked_actions
      FROM ciem.aws_service_last_accessed l
    UNION ALL
    SELECT p.arn, 'policy', p.service_namespace, p.tracked_actions_last_accessed
      FROM ciem.stg_aws_iam_policy_last_accessed_details p
)
SELECT r.owner_arn, r.owner_type, a.service, a.action,
       (e.value ->> 'LastAccessedTime')::timestamptz AS last_accessed_at,
       e.value ->> 'LastAccessedEntity' AS last_accessed_entity
  FROM reports r
 CROSS JOIN LATERAL jsonb_array_elements(CASE WHEN jsonb_typeof(r.tracked_actions) = 'array' THEN r.tracked_actions ELSE '[]'::jsonb END) e
  -- ActionName is the bare action name; a prefixed "s3:GetObject" is accepted too.
  JOIN ciem.aws_actions a
    ON a.service = r.service
   AND lower(a.name) = lower(regexp_replace(e.value ->> 'ActionName', '^[^:]*:', ''));

COMMENT ON VIEW ciem.aws_tracked_action_last_accessed IS
    'One row per tracked action in a last accessed report of a user, role, group or managed policy (owner_type), with the last time it was used; last_accessed_at is NULL when AWS lists the action without use.';

-- The actions that AWS tracks at action level, as far as the synced reports show: every action
-- named in any report. AWS publishes the list only as documentation, so an action that no report
-- names is treated as untracked, and its use is judged by its service.
-- Materialised because it is small while the reports are large: the planner can then join it
-- with the action sets through their action index.
CREATE MATERIALIZED VIEW ciem.aws_tracked_actions AS
SELECT t.action, min(t.service) AS service
  FROM ciem.aws_tracked_action_last_accessed t
 GROUP BY t.action
WITH NO DATA;

CREATE UNIQUE INDEX aws_tracked_actions_action ON ciem.aws_tracked_actions (action);

COMMENT ON MATERIALIZED VIEW ciem.aws_tracked_actions IS
    'One row per action that AWS reports at action level in some synced last accessed report.';

-- Access levels ranked by the risk of an unused grant, the weights of the creep score: changing
-- who may do what first, then changing resources, then reading data, then tags and listings.
CREATE FUNCTION ciem.access_level_weight(access_level text) RETURNS integer
LANGUAGE sql IMMUTABLE
AS $$
    SELECT CASE access_level
        WHEN 'Permissions management' THEN 5
        WHEN 'Write' THEN 3
        WHEN 'Read' THEN 2
        WHEN 'Tagging' THEN 1
        WHEN 'List' THEN 1
        ELSE 1
    END
$$;

COMMENT ON FUNCTION ciem.access_level_weight(text) IS
    'Weight of an access level in the permission creep score: Permissions management 5, Write 3, Read 2, Tagging 1, List 1.';

-- One row per action with its access level. The catalogue lists permissions-management and
-- tagging actions as "Permissions management, Write" and "Tagging, Write"; the first level is the
-- one the Service Authorization Reference gives.
CREATE VIEW ciem.aws_action_access_levels AS
SELECT a.action, a.service, coalesce(a.access_levels[1], 'Write') AS access_level
  FROM ciem.aws_actions a;

COMMENT ON VIEW ciem.aws_action_access_levels IS
    'One row per AWS action with its access level (Permissions management, Write, Read, Tagging or List).';

-- The functions of access levels are not STRICT, so that PostgreSQL inlines them into the
-- queries over a million service rows instead of calling them once per row. For the same reason
-- the views read thresholds in scalar subqueries, which PostgreSQL evaluates once per query.
-- Sets of access levels are stored as bit masks, so that grants of many statements combine with
-- bit_or and a boundary or a deny applies with bitwise and: Permissions management 1, Write 2,
-- Read 4, Tagging 8, List 16.
CREATE FUNCTION ciem.access_level_bit(access_level text) RETURNS integer
LANGUAGE sql IMMUTABLE
AS $$
    SELECT CASE access_level
        WHEN 'Permissions management' THEN 1
        WHEN 'Write' THEN 2
        WHEN 'Read' THEN 4
        WHEN 'Tagging' THEN 8
        ELSE 16
    END
$$;

-- The access levels of a mask, riskiest first.
CREATE FUNCTION ciem.access_levels_of_mask(level_mask integer) RETURNS text[]
LANGUAGE sql IMMUTABLE
AS $$
    SELECT array_remove(ARRAY[
        CASE WHEN level_mask & 1 <> 0 THEN 'Permissions management' END,
        CASE WHEN level_mask & 2 <> 0 THEN 'Write' END,
        CASE WHEN level_mask & 4 <> 0 THEN 'Read' END,
        CASE WHEN level_mask & 8 <> 0 THEN 'Tagging' END,
        CASE WHEN level_mask & 16 <> 0 THEN 'List' END], NULL)
$$;

-- The sum of ciem.access_level_weight over the levels of a mask.
CREATE FUNCTION ciem.access_level_mask_weight(level_mask integer) RETURNS integer
LANGUAGE sql IMMUTABLE
AS $$
    SELECT (CASE WHEN level_mask & 1 <> 0 THEN 5 ELSE 0 END)
         + (CASE WHEN level_mask & 2 <> 0 THEN 3 ELSE 0 END)
         + (CASE WHEN level_mask & 4 <> 0 THEN 2 ELSE 0 END)
         + (CASE WHEN level_mask & 8 <> 0 THEN 1 ELSE 0 END)
         + (CASE WHEN level_mask & 16 <> 0 THEN 1 ELSE 0 END)
$$;

-- Per policy and service: the access levels its Allow statements reach, and those of which an
-- unconditional Deny on "*" takes away every action. Computed per policy, so that a managed
-- policy attached to thousands of principals is expanded once.
CREATE MATERIALIZED VIEW ciem.aws_policy_service_levels AS
WITH set_levels AS (
    SELECT x.action_set_key, l.service, l.access_level, count(*)::integer AS action_count
      FROM ciem.aws_action_set_actions x
      JOIN ciem.aws_action_access_levels l ON l.action = x.action
     GROUP BY x.action_set_key, l.service, l.access_level
),
level_totals AS (
    SELECT service, access_level, count(*)::integer AS action_count
      FROM ciem.aws_action_access_levels
     GROUP BY service, access_level
),
statements AS (
    SELECT s.policy_key, s.effect,
           ciem.action_set_key(s.is_not_action, s.action_patterns, s.is_not_resource, s.resource_patterns) AS action_set_key,
           s.effect = 'Deny' AND s.condition IS NULL AND NOT s.is_not_resource
               AND EXISTS (SELECT 1 FROM unnest(s.resource_patterns) r WHERE ciem.is_match_all(r)) AS denies_everywhere
      FROM ciem.aws_policy_statements s
     WHERE s.problem IS NULL
)
SELECT st.policy_key, l.service,
       coalesce(bit_or(ciem.access_level_bit(l.access_level)) FILTER (WHERE st.effect = 'Allow'), 0) AS allowed_mask,
       coalesce(bit_or(ciem.access_level_bit(l.access_level)) FILTER (WHERE st.denies_everywhere AND l.action_count = t.action_count), 0) AS denied_mask
  FROM statements st
  JOIN set_levels l ON l.action_set_key = st.action_set_key
  JOIN level_totals t ON t.service = l.service AND t.access_level = l.access_level
 GROUP BY st.policy_key, l.service
WITH NO DATA;

CREATE UNIQUE INDEX aws_policy_service_levels_key ON ciem.aws_policy_service_levels (policy_key, service);

COMMENT ON MATERIALIZED VIEW ciem.aws_policy_service_levels IS
    'One row per policy and service: allowed_mask, the access levels its Allow statements reach, and denied_mask, the levels an unconditional Deny on "*" removes entirely (bits: Permissions management 1, Write 2, Read 4, Tagging 8, List 16).';

-- The statements that apply to each principal, with their action set.
CREATE VIEW ciem.aws_principal_statements AS
SELECT pp.principal_arn, pp.via, s.statement_key, s.policy_key, s.policy_type, s.policy_version, s.effect,
       s.is_not_action, s.action_patterns, s.is_not_resource, s.resource_patterns, s.condition,
       ciem.action_set_key(s.is_not_action, s.action_patterns, s.is_not_resource, s.resource_patterns) AS action_set_key,
       -- An unconditional Deny on every resource removes the actions of its set whatever allows them.
       s.effect = 'Deny' AND s.condition IS NULL AND NOT s.is_not_resource
           AND EXISTS (SELECT 1 FROM unnest(s.resource_patterns) r WHERE ciem.is_match_all(r)) AS denies_everywhere
  FROM ciem.aws_principal_policies pp
  JOIN ciem.aws_policy_statements s ON s.policy_key = pp.policy_key AND s.problem IS NULL;

COMMENT ON VIEW ciem.aws_principal_statements IS
    'One row per well-formed statement that applies to an IAM user or role (via direct, group or boundary), with its action set key.';

-- The services and access levels each principal is granted, computed per policy and service
-- instead of per action so that 10,000 principals stay cheap. An access level of a service is
-- granted when an identity policy allows some action of it and the boundary (if any) allows some
-- action of it too. It is not granted when an unconditional Deny on "*" removes all its actions.
-- NOTE: approximation of ciem.evaluate_principal: conditions, partial denies, SCPs and the
-- pairing of allowed and boundary actions are not checked; suggested_policy uses the engine.
CREATE VIEW ciem.aws_principal_service_grants AS
WITH masks AS (
    SELECT pp.principal_arn, m.service,
           bit_or(m.allowed_mask) FILTER (WHERE pp.via IN ('direct', 'group')) AS allowed_mask,
           bit_or(m.allowed_mask) FILTER (WHERE pp.via = 'boundary') AS boundary_mask,
           bit_or(m.denied_mask) AS denied_mask
      FROM ciem.aws_principal_policies pp
      JOIN ciem.aws_policy_service_levels m ON m.policy_key = pp.policy_key
     GROUP BY pp.principal_arn, m.service
),
granted AS (
    SELECT m.principal_arn, m.service,
           m.allowed_mask
             & (CASE WHEN p.boundary_arn IS NULL THEN 31 ELSE coalesce(m.boundary_mask, 0) END)
             & ~m.denied_mask AS level_mask
      FROM masks m
      JOIN ciem.aws_principals p ON p.principal_arn = m.principal_arn
)
SELECT g.principal_arn, g.service, g.level_mask
  FROM granted g
 WHERE g.level_mask <> 0;

COMMENT ON VIEW ciem.aws_principal_service_grants IS
    'One row per IAM user or role and service its identity policies grant (after its boundary and unconditional denies on "*"), with the granted access levels as level_mask; an approximation of the effective-permission engine at service level.';

-- Per principal with a last accessed report and service: the granted access levels and the
-- report's last use. Principals without a report are left out, so this costs nothing until
-- CloudQuery syncs the reports. Usage against the threshold is computed by ciem.service_usage
-- when read: a column that changed on every refresh would make REFRESH CONCURRENTLY rewrite
-- every row.
CREATE MATERIALIZED VIEW ciem.aws_service_usage AS
WITH reports AS (
    SELECT l.identity_arn, l.service, max(l.last_authenticated) AS last_authenticated,
           max(l.last_authenticated_entity) AS last_authenticated_entity
      FROM ciem.aws_service_last_accessed l
     WHERE l.identity_type IN ('user', 'role')
     GROUP BY l.identity_arn, l.service
),
grants AS (
    SELECT g.principal_arn, g.service, g.level_mask
      FROM ciem.aws_principal_service_grants g
     WHERE g.principal_arn IN (SELECT identity_arn FROM reports)
)
SELECT coalesce(g.principal_arn, r.identity_arn) AS identity_arn,
       coalesce(g.service, r.service) AS service,
       coalesce(g.level_mask, 0) AS level_mask,
       r.identity_arn IS NOT NULL AS reported,
       r.last_authenticated,
       r.last_authenticated_entity
  FROM grants g
  FULL JOIN reports r ON r.identity_arn = g.principal_arn AND r.service = g.service
WITH NO DATA;

CREATE UNIQUE INDEX aws_service_usage_key ON ciem.aws_service_usage (identity_arn, service);

COMMENT ON MATERIALIZED VIEW ciem.aws_service_usage IS
    'One row per IAM user or role with a last accessed report and service it is granted or the report lists: level_mask of the granted access levels (0 when not granted), whether the report lists it, and its last use.';

-- Per principal and service, for dashboards and the rules. usage is one of these values:
--   used:         last used within the threshold (unused_days, at most the tracking period).
--   unused:       last used before the threshold.
--   not_used:     not used within the tracking period (LastAuthenticated NULL).
--   not_reported: granted here but absent from AWS's report, so its use is unknown.
CREATE VIEW ciem.service_usage AS
SELECT p.principal_arn AS identity_arn,
       p.principal_type AS identity_type,
       p.account_id,
       u.service,
       sv.service_name,
       u.level_mask <> 0 AS granted,
       ciem.access_levels_of_mask(u.level_mask) AS access_levels,
       u.level_mask,
       ciem.access_level_mask_weight(u.level_mask) AS weight,
       u.reported,
       u.last_authenticated,
       u.last_authenticated_entity,
       CASE
           WHEN NOT u.reported THEN 'not_reported'
           WHEN u.last_authenticated IS NULL THEN 'not_used'
           WHEN u.last_authenticated >= (SELECT now() - make_interval(days => ciem.last_accessed_window_days())) THEN 'used'
           ELSE 'unused'
       END AS usage
  FROM ciem.aws_service_usage u
  JOIN ciem.aws_principals p ON p.principal_arn = u.identity_arn
  LEFT JOIN ciem.aws_services sv ON sv.service = u.service;

COMMENT ON VIEW ciem.service_usage IS
    'One row per IAM user or role with a last accessed report and service it is granted or the report lists: granted access levels, their creep-score weight, last use, and usage (used, unused, not_used, not_reported) against unused_days.';

-- Per principal and tracked action: granted tracked actions of the services it used, and whether
-- it used each one within the threshold. Only actions that AWS tracks can be judged one by one.
CREATE MATERIALIZED VIEW ciem.action_usage AS
WITH used_services AS (
    SELECT u.identity_arn, u.service
      FROM ciem.aws_service_usage u
     WHERE u.level_mask <> 0 AND u.reported AND u.last_authenticated >= (SELECT now() - make_interval(days => ciem.last_accessed_window_days()))
),
tracked_sets AS (
    SELECT x.action_set_key, x.action, t.service
      FROM ciem.aws_tracked_actions t
      JOIN ciem.aws_action_set_actions x ON x.action = t.action
),
statements AS (
    SELECT st.principal_arn, st.via, st.effect, st.denies_everywhere, st.action_set_key
      FROM ciem.aws_principal_statements st
     WHERE st.principal_arn IN (SELECT identity_arn FROM used_services)
),
tracked_granted AS (
    SELECT st.principal_arn, ts.service, ts.action,
           bool_or(st.effect = 'Allow' AND st.via IN ('direct', 'group')) AS allowed,
           bool_or(st.effect = 'Allow' AND st.via = 'boundary') AS boundary_allowed,
           bool_or(st.denies_everywhere) AS denied
      FROM statements st
      JOIN tracked_sets ts ON ts.action_set_key = st.action_set_key
     GROUP BY st.principal_arn, ts.service, ts.action
),
tracked_used AS (
    SELECT t.owner_arn, t.action, max(t.last_accessed_at) AS last_accessed_at
      FROM ciem.aws_tracked_action_last_accessed t
     WHERE t.owner_type IN ('user', 'role')
     GROUP BY t.owner_arn, t.action
)
SELECT p.principal_arn AS identity_arn, p.principal_type AS identity_type, p.account_id, g.service, g.action,
       al.access_level, t.last_accessed_at,
       coalesce(t.last_accessed_at >= (SELECT now() - make_interval(days => ciem.last_accessed_window_days())), false) AS used
  FROM tracked_granted g
  JOIN used_services u ON u.identity_arn = g.principal_arn AND u.service = g.service
  JOIN ciem.aws_principals p ON p.principal_arn = g.principal_arn
  JOIN ciem.aws_action_access_levels al ON al.action = g.action
  LEFT JOIN tracked_used t ON t.owner_arn = g.principal_arn AND t.action = g.action
 WHERE g.allowed
   AND (p.boundary_arn IS NULL OR g.boundary_allowed)
   AND NOT g.denied
WITH NO DATA;

CREATE UNIQUE INDEX action_usage_key ON ciem.action_usage (identity_arn, action);

COMMENT ON MATERIALIZED VIEW ciem.action_usage IS
    'One row per IAM user or role and tracked action it is granted in a service it used: last use of the action and whether that was within unused_days.';

-- Activity per identity. A user's activity is the latest use of its console password, of any of
-- its access keys, and of any service in its last accessed report. A role's is RoleLastUsed and
-- its report, and a group's the latest activity of its members. status is one of these values:
--   active:     activity within unused_days.
--   inactive:   activity, but none within unused_days.
--   never_used: no activity, and created more than unused_days ago.
--   new:        no activity, created within unused_days, so not judged yet.
--   no_members: a group without members, created more than unused_days ago.
--   unknown:    no data to judge, such as a user without a credential report row.
CREATE VIEW ciem.identity_activity AS
WITH reports AS (
    SELECT l.identity_arn, max(l.last_authenticated) AS last_authenticated
      FROM ciem.aws_service_last_accessed l
     GROUP BY l.identity_arn
),
credential_reports AS (
    SELECT DISTINCT ON (c.arn) c.arn, c.password_last_used,
           greatest(c.access_key_1_last_used_date, c.access_key_2_last_used_date) AS access_key_last_used
      FROM ciem.stg_aws_iam_credential_reports c
     ORDER BY c.arn, c.user_creation_time DESC
),
access_keys AS (
    SELECT k.user_arn, max(k.last_used) AS last_used
      FROM ciem.stg_aws_iam_user_access_keys k
     GROUP BY k.user_arn
),
users AS (
    SELECT i.account_id, i.identity_id, i.identity_type, i.display_name, i.created_at,
           greatest(i.last_used_at, c.password_last_used) AS password_last_used,
           greatest(c.access_key_last_used, k.last_used) AS access_key_last_used,
           NULL::timestamptz AS role_last_used,
           r.last_authenticated,
           c.arn IS NOT NULL AS activity_known,
           NULL::integer AS member_count
      FROM ciem.identities i
      LEFT JOIN credential_reports c ON c.arn = i.identity_id
      LEFT JOIN access_keys k ON k.user_arn = i.identity_id
      LEFT JOIN reports r ON r.identity_arn = i.identity_id
     WHERE i.cloud = 'aws' AND i.identity_type = 'user'
),
roles AS (
    SELECT i.account_id, i.identity_id, i.identity_type, i.display_name, i.created_at,
           NULL::timestamptz, NULL::timestamptz, i.last_used_at, r.last_authenticated,
           ro.role_last_used IS NOT NULL, NULL::integer
      FROM ciem.identities i
      JOIN ciem.stg_aws_iam_roles ro ON ro.arn = i.identity_id AND ro.account_id = i.account_id
      LEFT JOIN reports r ON r.identity_arn = i.identity_id
     WHERE i.cloud = 'aws' AND i.identity_type = 'role'
),
members AS (
    SELECT m.arn AS group_arn, m.account_id, count(DISTINCT m.user_arn)::integer AS member_count,
           max(greatest(u.password_last_used, u.access_key_last_used, u.last_authenticated)) AS last_activity,
           bool_or(u.activity_known) AS members_known
      FROM ciem.stg_aws_iam_user_groups m
      LEFT JOIN users u ON u.identity_id = m.user_arn
     GROUP BY m.arn, m.account_id
),
groups AS (
    SELECT i.account_id, i.identity_id, i.identity_type, i.display_name, i.created_at,
           NULL::timestamptz, NULL::timestamptz, NULL::timestamptz,
           greatest(r.last_authenticated, m.last_activity),
           coalesce(m.member_count, 0) = 0 OR coalesce(m.members_known, false) OR r.last_authenticated IS NOT NULL,
           coalesce(m.member_count, 0)
      FROM ciem.identities i
      LEFT JOIN members m ON m.group_arn = i.identity_id AND m.account_id = i.account_id
      LEFT JOIN reports r ON r.identity_arn = i.identity_id
     WHERE i.cloud = 'aws' AND i.identity_type = 'group'
),
activity AS (
    SELECT a.*, greatest(a.password_last_used, a.access_key_last_used, a.role_last_used, a.last_authenticated) AS last_activity_at
      FROM (SELECT * FROM users UNION ALL SELECT * FROM roles UNION ALL SELECT * FROM groups) a
)
SELECT 'aws'::text AS cloud,
       a.account_id,
       a.identity_id AS identity_arn,
       a.identity_type,
       a.display_name AS identity_name,
       a.created_at,
       a.password_last_used,
       a.access_key_last_used,
       a.role_last_used,
       a.last_authenticated AS service_last_accessed,
       a.last_activity_at,
       ciem.days_since(a.last_activity_at) AS days_since_activity,
       a.member_count,
       CASE
           WHEN a.last_activity_at >= (SELECT now() - make_interval(days => ciem.setting_days('unused_days'))) THEN 'active'
           WHEN a.created_at > (SELECT now() - make_interval(days => ciem.setting_days('unused_days'))) THEN 'new'
           WHEN a.identity_type = 'group' AND a.member_count = 0 THEN 'no_members'
           WHEN NOT a.activity_known THEN 'unknown'
           WHEN a.last_activity_at IS NOT NULL THEN 'inactive'
           ELSE 'never_used'
       END AS status
  FROM activity a;

COMMENT ON VIEW ciem.identity_activity IS
    'One row per AWS IAM user, role and group: the latest password, access key, role and service use, and status (active, inactive, never_used, new, no_members, unknown) against unused_days.';

-- Console passwords and access keys, one row each. Access keys come from aws_iam_user_access_keys;
-- for a user without rows there, from the two key slots of the credential report.
CREATE VIEW ciem.credentials AS
WITH report AS (
    SELECT DISTINCT ON (c.arn) c.*
      FROM ciem.stg_aws_iam_credential_reports c
     ORDER BY c.arn, c.user_creation_time DESC
),
passwords AS (
    SELECT split_part(r.arn, ':', 5) AS account_id, r.arn AS identity_arn, r."user" AS identity_name,
           'password'::text AS credential_type, 'password'::text AS credential_id,
           lower(r.password_enabled) = 'true' AS active,
           coalesce(r.password_last_changed, r.user_creation_time) AS created_at,
           r.password_last_used AS last_used_at,
           NULL::text AS last_used_service
      FROM report r
     WHERE r."user" <> '<root_account>'
),
keys AS (
    SELECT k.account_id, k.user_arn, k.user_name, 'access_key'::text, k.access_key_id,
           k.status = 'Active', k.create_date, k.last_used, k.last_used_service_name
      FROM ciem.stg_aws_iam_user_access_keys k
),
report_keys AS (
    SELECT split_part(r.arn, ':', 5), r.arn, r."user", 'access_key'::text, s.slot,
           s.active, s.rotated, s.last_used, s.service
      FROM report r
     CROSS JOIN LATERAL (VALUES
           ('access_key_1', r.access_key1_active, r.access_key_1_last_rotated, r.access_key_1_last_used_date, r.access_key1_last_used_service),
           ('access_key_2', r.access_key2_active, r.access_key_2_last_rotated, r.access_key_2_last_used_date, r.access_key2_last_used_service)
       ) AS s(slot, active, rotated, last_used, service)
     WHERE r."user" <> '<root_account>'
       -- A slot that never held a key has neither a rotation date nor a use.
       AND (s.active OR s.rotated IS NOT NULL)
       AND NOT EXISTS (SELECT 1 FROM ciem.stg_aws_iam_user_access_keys k WHERE k.user_arn = r.arn)
),
all_credentials AS (
    SELECT * FROM passwords UNION ALL SELECT * FROM keys UNION ALL SELECT * FROM report_keys
)
SELECT 'aws'::text AS cloud, c.account_id, c.identity_arn, 'user'::text AS identity_type, c.identity_name,
       c.credential_type, c.credential_id, c.active, c.created_at, c.last_used_at, c.last_used_service,
       ciem.days_since(c.created_at) AS age_days,
       ciem.days_since(c.last_used_at) AS days_since_used,
       CASE
           WHEN NOT c.active THEN 'disabled'
           WHEN c.last_used_at >= (SELECT now() - make_interval(days => ciem.setting_days('unused_days'))) THEN 'used'
           WHEN c.last_used_at IS NOT NULL THEN 'unused'
           WHEN c.created_at > (SELECT now() - make_interval(days => ciem.setting_days('unused_days'))) THEN 'new'
           ELSE 'never_used'
       END AS usage,
       c.credential_type = 'access_key' AND c.active
           AND c.created_at < (SELECT now() - make_interval(days => ciem.setting_days('access_key_rotation_days'))) AS rotation_due
  FROM all_credentials c;

COMMENT ON VIEW ciem.credentials IS
    'One row per IAM user console password and access key (root excluded): active, created, last used, usage (used, unused, never_used, new, disabled) against unused_days, and rotation_due against access_key_rotation_days.';

-- Rule: identities without activity within the threshold, and groups without members.
CREATE VIEW ciem.unused_identity_findings AS
SELECT a.cloud, a.account_id, a.identity_arn, a.identity_type,
       'unused_identity'::text AS category,
       CASE WHEN a.status = 'no_members' THEN 'low' ELSE 'medium' END AS severity,
       CASE a.status
           WHEN 'no_members' THEN format('Group %s has no members', a.identity_name)
           WHEN 'never_used' THEN format('%s %s was never used', initcap(a.identity_type), a.identity_name)
           ELSE format('%s %s has not been used for %s days', initcap(a.identity_type), a.identity_name, a.days_since_activity)
       END AS title,
       CASE WHEN a.status = 'no_members' THEN 'no_members' ELSE 'no_activity' END AS finding_key,
       jsonb_strip_nulls(jsonb_build_object(
           'status', a.status,
           'unused_days', (SELECT ciem.setting_days('unused_days')),
           'created_at', a.created_at,
           'last_activity_at', a.last_activity_at,
           'password_last_used', a.password_last_used,
           'access_key_last_used', a.access_key_last_used,
           'role_last_used', a.role_last_used,
           'service_last_accessed', a.service_last_accessed,
           'member_count', a.member_count,
           'note', CASE WHEN a.identity_type = 'role' AND a.status = 'never_used'
                        THEN 'RoleLastUsed and last accessed information cover the last 400 days only' END)) AS evidence
  FROM ciem.identity_activity a
 WHERE (a.status IN ('inactive', 'never_used') AND a.identity_type <> 'group')
    -- A group is used through its members, and their own findings report when they are unused.
    OR a.status = 'no_members';

COMMENT ON VIEW ciem.unused_identity_findings IS
    'Findings of category unused_identity: users and roles without activity within unused_days (or never used) and groups without members.';

-- Rule: console passwords and access keys without use within the threshold, and active access
-- keys past their rotation age.
CREATE VIEW ciem.unused_credential_findings AS
SELECT c.cloud, c.account_id, c.identity_arn, c.identity_type,
       'unused_credential'::text AS category,
       'medium'::text AS severity,
       CASE
           WHEN c.credential_type = 'password' AND c.usage = 'never_used' THEN format('Console password of %s was never used', c.identity_name)
           WHEN c.credential_type = 'password' THEN format('Console password of %s has not been used for %s days', c.identity_name, c.days_since_used)
           WHEN c.usage = 'never_used' THEN format('Access key %s of %s was never used', c.credential_id, c.identity_name)
           ELSE format('Access key %s of %s has not been used for %s days', c.credential_id, c.identity_name, c.days_since_used)
       END AS title,
       c.credential_type || ':' || c.credential_id || ':unused' AS finding_key,
       jsonb_strip_nulls(jsonb_build_object(
           'credential_type', c.credential_type, 'credential_id', c.credential_id, 'usage', c.usage,
           'created_at', c.created_at, 'last_used_at', c.last_used_at, 'last_used_service', c.last_used_service,
           'unused_days', (SELECT ciem.setting_days('unused_days')))) AS evidence
  FROM ciem.credentials c
 WHERE c.usage IN ('unused', 'never_used')
UNION ALL
SELECT c.cloud, c.account_id, c.identity_arn, c.identity_type, 'unused_credential', 'low',
       format('Access key %s of %s is %s days old', c.credential_id, c.identity_name, c.age_days),
       c.credential_type || ':' || c.credential_id || ':rotation',
       jsonb_strip_nulls(jsonb_build_object(
           'credential_type', c.credential_type, 'credential_id', c.credential_id, 'created_at', c.created_at,
           'age_days', c.age_days, 'access_key_rotation_days', (SELECT ciem.setting_days('access_key_rotation_days'))))
  FROM ciem.credentials c
 WHERE c.rotation_due;

COMMENT ON VIEW ciem.unused_credential_findings IS
    'Findings of category unused_credential: passwords and access keys unused within unused_days or never used, and active access keys older than access_key_rotation_days.';

-- Rule: granted services the principal did not use within the threshold (one finding per
-- principal listing them), and granted tracked actions it did not use in services it used.
-- Principals created within the threshold are not judged yet.
CREATE VIEW ciem.unused_permission_findings AS
WITH judged AS (
    SELECT p.principal_arn, p.principal_name, p.principal_type
      FROM ciem.aws_principals p
      JOIN ciem.identities i ON i.identity_id = p.principal_arn
     WHERE i.created_at IS NULL OR i.created_at <= (SELECT now() - make_interval(days => ciem.setting_days('unused_days')))
),
services AS (
    SELECT u.identity_arn, u.identity_type, u.account_id,
           count(*)::integer AS service_count,
           bit_or(u.level_mask) AS level_mask,
           jsonb_agg(jsonb_build_object('service', u.service, 'access_levels', u.access_levels,
                                        'last_authenticated', u.last_authenticated)
                     ORDER BY u.weight DESC, u.service) AS unused
      FROM ciem.service_usage u
     WHERE u.granted AND u.usage IN ('unused', 'not_used')
     GROUP BY u.identity_arn, u.identity_type, u.account_id
),
actions AS (
    SELECT a.identity_arn, a.identity_type, a.account_id,
           count(*)::integer AS action_count,
           bit_or(ciem.access_level_bit(a.access_level)) AS level_mask,
           jsonb_agg(jsonb_build_object('action', a.action, 'access_level', a.access_level, 'last_accessed_at', a.last_accessed_at)
                     ORDER BY ciem.access_level_weight(a.access_level) DESC, a.action) AS unused
      FROM ciem.action_usage a
     WHERE NOT a.used
     GROUP BY a.identity_arn, a.identity_type, a.account_id
)
SELECT 'aws'::text AS cloud, s.account_id, s.identity_arn, s.identity_type,
       'unused_permission'::text AS category,
       CASE WHEN s.level_mask & 1 <> 0 THEN 'high' WHEN s.level_mask & 2 <> 0 THEN 'medium' ELSE 'low' END AS severity,
       format('%s %s has %s granted services it has not used for %s days', initcap(s.identity_type), j.principal_name,
              s.service_count, (SELECT ciem.last_accessed_window_days())) AS title,
       'services' AS finding_key,
       jsonb_build_object('unused_days', (SELECT ciem.last_accessed_window_days()), 'services', s.unused,
                          'note', 'granted is computed per service and access level from Allow statements, the boundary and unconditional denies') AS evidence
  FROM services s
  JOIN judged j ON j.principal_arn = s.identity_arn
UNION ALL
SELECT 'aws', a.account_id, a.identity_arn, a.identity_type, 'unused_permission',
       CASE WHEN a.level_mask & 1 <> 0 THEN 'high' WHEN a.level_mask & 2 <> 0 THEN 'medium' ELSE 'low' END,
       format('%s %s has %s granted tracked actions it has not used for %s days', initcap(a.identity_type), j.principal_name,
              a.action_count, (SELECT ciem.last_accessed_window_days())),
       'actions',
       jsonb_build_object('unused_days', (SELECT ciem.last_accessed_window_days()), 'actions', a.unused)
  FROM actions a
  JOIN judged j ON j.principal_arn = a.identity_arn;

COMMENT ON VIEW ciem.unused_permission_findings IS
    'Findings of category unused_permission: per IAM user or role, the granted services and the granted tracked actions not used within unused_days (at most the 400-day tracking period).';

INSERT INTO ciem.finding_sources (source_name, relation, description) VALUES
    ('aws_unused_identities', 'ciem.unused_identity_findings',
     'IAM users and roles without activity within unused_days, or never used; groups without members.'),
    ('aws_unused_credentials', 'ciem.unused_credential_findings',
     'Console passwords and access keys unused within unused_days or never used; access keys past access_key_rotation_days.'),
    ('aws_unused_permissions', 'ciem.unused_permission_findings',
     'Granted services and tracked actions not used within unused_days, from last accessed information.');

-- The permission creep score: the share of an identity's granted (service, access level) pairs,
-- weighted by ciem.access_level_weight, that it did not use within the threshold. Each level's
-- column is its part of the score; the parts add up to the score before rounding.
CREATE MATERIALIZED VIEW ciem.creep_scores AS
WITH totals AS (
    SELECT u.identity_arn, u.identity_type, u.account_id,
           count(*)::integer AS granted_services,
           count(*) FILTER (WHERE u.usage <> 'used')::integer AS unused_services,
           sum(u.weight)::integer AS granted_weight,
           coalesce(sum(u.weight) FILTER (WHERE u.usage <> 'used'), 0)::integer AS unused_weight,
           coalesce(sum(ciem.access_level_mask_weight(u.level_mask & 1)) FILTER (WHERE u.usage <> 'used'), 0) AS permissions_management,
           coalesce(sum(ciem.access_level_mask_weight(u.level_mask & 2)) FILTER (WHERE u.usage <> 'used'), 0) AS write,
           coalesce(sum(ciem.access_level_mask_weight(u.level_mask & 4)) FILTER (WHERE u.usage <> 'used'), 0) AS read,
           coalesce(sum(ciem.access_level_mask_weight(u.level_mask & 8)) FILTER (WHERE u.usage <> 'used'), 0) AS tagging,
           coalesce(sum(ciem.access_level_mask_weight(u.level_mask & 16)) FILTER (WHERE u.usage <> 'used'), 0) AS list
      FROM ciem.service_usage u
     WHERE u.granted AND u.usage IN ('used', 'unused', 'not_used')
     GROUP BY u.identity_arn, u.identity_type, u.account_id
)
SELECT t.identity_arn, t.account_id, t.identity_type,
       round(100.0 * t.unused_weight / t.granted_weight)::integer AS score,
       round(100.0 * t.permissions_management / t.granted_weight, 1) AS permissions_management,
       round(100.0 * t.write / t.granted_weight, 1) AS write,
       round(100.0 * t.read / t.granted_weight, 1) AS read,
       round(100.0 * t.tagging / t.granted_weight, 1) AS tagging,
       round(100.0 * t.list / t.granted_weight, 1) AS list,
       t.granted_services,
       t.unused_services,
       t.granted_weight,
       t.unused_weight
  FROM totals t
 WHERE t.granted_weight > 0
WITH NO DATA;

CREATE UNIQUE INDEX creep_scores_identity ON ciem.creep_scores (identity_arn);
CREATE INDEX creep_scores_account ON ciem.creep_scores (account_id, score DESC);

COMMENT ON MATERIALIZED VIEW ciem.creep_scores IS
    'One row per IAM user or role with a last accessed report: score 0-100 = 100 x unused weight / granted weight over granted (service, access level) pairs; permissions_management, write, read, tagging and list are each level''s part of the score.';

INSERT INTO ciem.refresh_relations (position, relation_name) VALUES
    (300, 'aws_policy_service_levels'),
    (310, 'aws_tracked_actions'),
    (320, 'aws_service_usage'),
    (330, 'action_usage'),
    (340, 'creep_scores');

-- A least-privilege identity policy for one IAM user or role, built from what it used within
-- the threshold. An action is kept when the engine allows it (allowed or conditional) and it was
-- used: a tracked action when the report shows its own use, any other action when its service
-- was used. Each kept action is listed under the statements that grant it, with their Resource or
-- NotResource and Condition unchanged, so the policy never reaches further than the statements it
-- comes from. Deny statements of the identity's policies that cover kept actions are kept too.
-- Statements are grouped by effect, resources and condition.
CREATE FUNCTION ciem.suggested_policy(identity_arn text) RETURNS jsonb
LANGUAGE plpgsql STABLE
AS $$
DECLARE
    principal   ciem.aws_principals;
    found_type  text;
    window_days integer := ciem.last_accessed_window_days();
    statements  jsonb;
BEGIN
    SELECT * INTO principal FROM ciem.aws_principals p WHERE p.principal_arn = suggested_policy.identity_arn;
    IF NOT FOUND THEN
        SELECT i.identity_type INTO found_type FROM ciem.identities i WHERE i.identity_id = suggested_policy.identity_arn LIMIT 1;
        IF found_type = 'group' THEN
            RAISE EXCEPTION 'identity % is a group; policies are suggested for IAM users and roles', suggested_policy.identity_arn
                USING HINT = 'Ask for each member user instead: SELECT user_arn FROM ciem.stg_aws_iam_user_groups WHERE arn = ''' || suggested_policy.identity_arn || ''';';
        END IF;
        RAISE EXCEPTION 'identity % not found', suggested_policy.identity_arn
            USING HINT = 'List the IAM users and roles with: SELECT identity_id FROM ciem.identities WHERE identity_type IN (''user'', ''role''); run openciem refresh after a sync.';
    END IF;

    IF NOT EXISTS (SELECT 1 FROM ciem.aws_service_last_accessed l WHERE l.identity_arn = principal.principal_arn) THEN
        RAISE EXCEPTION 'identity % has no last accessed information', principal.principal_arn
            USING HINT = 'CloudQuery must sync the tables aws_iam_user_last_accessed_details and aws_iam_role_last_accessed_details: '
                         || 'list them in the tables of the AWS source spec (CloudQuery skips child tables that are not listed), sync, then run openciem refresh.';
    END IF;

    WITH allowed AS (
        SELECT e.action
          FROM ciem.evaluate_principal(principal.principal_arn, NULL, '*', now()) e
         WHERE e.decision IN ('allowed', 'conditional')
    ),
    used_services AS (
        SELECT l.service
          FROM ciem.aws_service_last_accessed l
         WHERE l.identity_arn = principal.principal_arn
           AND l.last_authenticated >= now() - make_interval(days => window_days)
    ),
    used_tracked AS (
        SELECT t.action
          FROM ciem.aws_tracked_action_last_accessed t
         WHERE t.owner_arn = principal.principal_arn
           AND t.last_accessed_at >= now() - make_interval(days => window_days)
    ),
    kept AS (
        SELECT a.action
          FROM allowed a
          JOIN ciem.aws_actions c ON c.action = a.action
         WHERE c.service IN (SELECT service FROM used_services)
           AND (a.action IN (SELECT action FROM used_tracked)
                OR a.action NOT IN (SELECT action FROM ciem.aws_tracked_actions))
    ),
    granting AS (
        SELECT st.effect, st.is_not_resource, st.condition, x.action,
               -- Documents of Version 2008-10-17 read ${...} literally; ${$} keeps it literal in 2012-10-17.
               CASE WHEN st.policy_version IS DISTINCT FROM '2012-10-17'
                    THEN ARRAY(SELECT replace(r, '${', '${$}{') FROM unnest(st.resource_patterns) r)
                    ELSE st.resource_patterns
               END AS resources
          FROM ciem.aws_principal_statements st
          JOIN ciem.aws_action_set_actions x ON x.action_set_key = st.action_set_key
          JOIN kept k ON k.action = x.action
         WHERE st.principal_arn = principal.principal_arn
           AND st.via IN ('direct', 'group')
    ),
    grouped AS (
        SELECT g.effect, g.is_not_resource, g.resources, g.condition,
               array_agg(DISTINCT g.action ORDER BY g.action) AS actions
          FROM granting g
         GROUP BY g.effect, g.is_not_resource, g.resources, g.condition
    ),
    numbered AS (
        SELECT gr.*, row_number() OVER (PARTITION BY gr.effect
                                        ORDER BY array_to_string(gr.resources, ','), gr.is_not_resource, gr.condition::text) AS n
          FROM grouped gr
    )
    SELECT jsonb_agg(
               jsonb_strip_nulls(jsonb_build_object(
                   'Sid', format('%sUsed%s', n.effect, n.n),
                   'Effect', n.effect,
                   'Action', to_jsonb(n.actions),
                   CASE WHEN n.is_not_resource THEN 'NotResource' ELSE 'Resource' END,
                   CASE WHEN cardinality(n.resources) = 1 THEN to_jsonb(n.resources[1]) ELSE to_jsonb(n.resources) END,
                   'Condition', n.condition))
               ORDER BY n.effect, n.n)
      INTO statements
      FROM numbered n;

    IF statements IS NULL OR NOT jsonb_path_exists(statements, '$[*] ? (@.Effect == "Allow")') THEN
        RAISE EXCEPTION 'identity % used none of its allowed actions within the last % days', principal.principal_arn, window_days
            USING HINT = 'There is nothing to keep: detach its policies instead of replacing them, or raise unused_days in ciem.settings.';
    END IF;

    RETURN jsonb_build_object('Version', '2012-10-17', 'Statement', statements);
END
$$;

COMMENT ON FUNCTION ciem.suggested_policy(text) IS
    'A least-privilege IAM policy document for an IAM user or role: the actions it is allowed and used within unused_days, under the resources and conditions of the statements that grant them.';
