-- Azure RBAC in the identity model: which principal has which role at which scope, what the roles
-- allow, and the findings and CIS controls decided from them. Sources are CloudQuery's Azure source
-- plugin tables (tree 000ba33081, 2024-03-06, the last open tree; the shape of plugin v10.3.0).
-- Those tables keep each Azure Resource Manager object whole in a jsonb column `properties`
-- (camelCase keys, as the Azure SDK for Go marshals them). Every key is read through
-- ciem.azure_properties(), which lower-cases the keys and parses a JSON document stored as a
-- string, so that a PascalCase or string-encoded shape of another CloudQuery version reads the same.
--
-- Limits of the data, kept in docs/azure.md: no Microsoft Entra ID users, groups, group
-- memberships or sign-in activity (CloudQuery's separate Entra ID plugin), no deny assignments and
-- no management group hierarchy.

-- 1. Staging ----------------------------------------------------------------------------------

INSERT INTO ciem.source_tables (table_name, optional, purpose)
SELECT t, true, 'Azure RBAC: role assignments and definitions, classic administrators, PIM role management policies, subscriptions and tenants'
  FROM unnest(ARRAY[
      'azure_authorization_role_assignments', 'azure_authorization_role_definitions',
      'azure_authorization_classic_administrators', 'azure_role_management_policy_assignments',
      'azure_subscription_subscriptions', 'azure_subscription_tenants'
  ]) AS t;

-- Resources that can carry a managed identity. Their `identity` column names the principal ids of
-- system-assigned and user-assigned identities, which sets a managed identity apart from other
-- service principals in role assignments.
INSERT INTO ciem.source_tables (table_name, optional, purpose)
SELECT t, true, 'Azure managed identities: the identity column of resources that can hold one'
  FROM unnest(ARRAY[
      'azure_compute_virtual_machines', 'azure_storage_accounts', 'azure_containerservice_managed_clusters',
      'azure_appservice_web_apps', 'azure_sql_servers'
  ]) AS t;

INSERT INTO ciem.source_columns (table_name, column_name, data_type, ordinal)
SELECT t.table_name, c.column_name, c.data_type, c.ordinal
  FROM unnest(ARRAY[
      'azure_authorization_role_assignments', 'azure_authorization_role_definitions',
      'azure_authorization_classic_administrators', 'azure_role_management_policy_assignments'
  ]) AS t(table_name)
 CROSS JOIN (VALUES
      ('_cq_id', 'uuid', 1),
      ('_cq_sync_time', 'timestamptz', 2),
      ('subscription_id', 'text', 3),
      ('id', 'text', 4),
      ('name', 'text', 5),
      ('type', 'text', 6),
      ('properties', 'jsonb', 7)
  ) AS c(column_name, data_type, ordinal);

INSERT INTO ciem.source_columns (table_name, column_name, data_type, ordinal) VALUES
    ('azure_subscription_subscriptions', '_cq_id', 'uuid', 1),
    ('azure_subscription_subscriptions', '_cq_sync_time', 'timestamptz', 2),
    ('azure_subscription_subscriptions', 'id', 'text', 3),
    ('azure_subscription_subscriptions', 'subscription_id', 'text', 4),
    ('azure_subscription_subscriptions', 'display_name', 'text', 5),
    ('azure_subscription_subscriptions', 'state', 'text', 6),
    ('azure_subscription_subscriptions', 'tenant_id', 'text', 7),
    ('azure_subscription_subscriptions', 'authorization_source', 'text', 8),
    ('azure_subscription_subscriptions', 'managed_by_tenants', 'jsonb', 9),
    ('azure_subscription_subscriptions', 'subscription_policies', 'jsonb', 10),
    ('azure_subscription_subscriptions', 'tags', 'jsonb', 11),
    ('azure_subscription_tenants', '_cq_id', 'uuid', 1),
    ('azure_subscription_tenants', '_cq_sync_time', 'timestamptz', 2),
    ('azure_subscription_tenants', 'id', 'text', 3),
    ('azure_subscription_tenants', 'tenant_id', 'text', 4),
    ('azure_subscription_tenants', 'display_name', 'text', 5),
    ('azure_subscription_tenants', 'default_domain', 'text', 6),
    ('azure_subscription_tenants', 'domains', 'text[]', 7),
    ('azure_subscription_tenants', 'tenant_category', 'text', 8),
    ('azure_subscription_tenants', 'tenant_type', 'text', 9),
    ('azure_subscription_tenants', 'country_code', 'text', 10);

INSERT INTO ciem.source_columns (table_name, column_name, data_type, ordinal)
SELECT t.table_name, c.column_name, c.data_type, c.ordinal
  FROM unnest(ARRAY[
      'azure_compute_virtual_machines', 'azure_storage_accounts', 'azure_containerservice_managed_clusters',
      'azure_appservice_web_apps', 'azure_sql_servers'
  ]) AS t(table_name)
 CROSS JOIN (VALUES
      ('_cq_id', 'uuid', 1),
      ('subscription_id', 'text', 2),
      ('id', 'text', 3),
      ('name', 'text', 4),
      ('identity', 'jsonb', 5)
  ) AS c(column_name, data_type, ordinal);

SELECT ciem.bind_sources(ciem.source_schema());

-- 2. Reading Azure JSON -----------------------------------------------------------------------

-- An object as given, or the object inside a JSON string; anything else reads as {}.
CREATE FUNCTION ciem.azure_json_object(value jsonb) RETURNS jsonb
LANGUAGE plpgsql IMMUTABLE
AS $$
DECLARE
    parsed jsonb;
BEGIN
    IF value IS NULL THEN
        RETURN '{}'::jsonb;
    ELSIF jsonb_typeof(value) = 'object' THEN
        RETURN value;
    ELSIF jsonb_typeof(value) = 'string' THEN
        BEGIN
            parsed := (value #>> '{}')::jsonb;
        EXCEPTION WHEN invalid_text_representation THEN
            RETURN '{}'::jsonb;
        END;
        IF jsonb_typeof(parsed) = 'object' THEN
            RETURN parsed;
        END IF;
    END IF;
    RETURN '{}'::jsonb;
END
$$;

-- The object with lower-case keys, one level deep. When two keys differ only in case, the
-- camelCase one (first letter lower case, as the Azure SDK writes it) wins.
CREATE FUNCTION ciem.azure_properties(value jsonb) RETURNS jsonb
LANGUAGE sql IMMUTABLE
AS $$
    SELECT coalesce(jsonb_object_agg(lower(e.key), e.value ORDER BY e.key ~ '^[a-z]', e.key), '{}'::jsonb)
      FROM jsonb_each(ciem.azure_json_object(value)) e
$$;

COMMENT ON FUNCTION ciem.azure_properties(jsonb) IS
    'An Azure JSON object (or a JSON string holding one) with lower-case keys, so that camelCase and PascalCase shapes read the same.';

-- The strings of a JSON array (a lone string counts as one element); anything else is empty.
CREATE FUNCTION ciem.azure_text_array(value jsonb) RETURNS text[]
LANGUAGE sql IMMUTABLE
AS $$
    SELECT CASE jsonb_typeof(value)
               WHEN 'array' THEN ARRAY(SELECT e #>> '{}' FROM jsonb_array_elements(value) e WHERE jsonb_typeof(e) = 'string')
               WHEN 'string' THEN ARRAY[value #>> '{}']
               ELSE '{}'::text[]
           END
$$;

-- The objects of a JSON array, each with lower-case keys.
CREATE FUNCTION ciem.azure_object_array(value jsonb) RETURNS SETOF jsonb
LANGUAGE sql IMMUTABLE
AS $$
    SELECT ciem.azure_properties(e)
      FROM jsonb_array_elements(CASE WHEN jsonb_typeof(value) = 'array' THEN value ELSE '[]'::jsonb END) e
     WHERE jsonb_typeof(e) IN ('object', 'string')
$$;

-- A timestamp as Azure writes it (RFC 3339), or NULL when the text is not one.
CREATE FUNCTION ciem.azure_timestamp(value text) RETURNS timestamptz
LANGUAGE plpgsql IMMUTABLE
AS $$
BEGIN
    RETURN value::timestamptz;
EXCEPTION WHEN others THEN
    RETURN NULL;
END
$$;

CREATE FUNCTION ciem.azure_boolean(value text) RETURNS boolean
LANGUAGE sql IMMUTABLE
AS $$
    SELECT CASE lower(value) WHEN 'true' THEN true WHEN 'false' THEN false END
$$;

-- The last segment of a resource id, lower-cased: the GUID of a role definition id.
CREATE FUNCTION ciem.azure_last_segment(resource_id text) RETURNS text
LANGUAGE sql IMMUTABLE
AS $$
    SELECT lower(substring(resource_id FROM '([^/]+)/*$'))
$$;

-- 3. Scopes -----------------------------------------------------------------------------------
-- "Understand scope for Azure RBAC": four levels, management group, subscription, resource group
-- and resource, and a role granted at a scope is inherited by every scope below it. The root
-- scope "/" is above every management group; OpenCIEM reports it as management_group.

CREATE FUNCTION ciem.azure_scope_type(scope text) RETURNS text
LANGUAGE sql IMMUTABLE
AS $$
    SELECT CASE
               WHEN scope IS NULL THEN NULL
               WHEN btrim(scope, '/') = '' THEN 'management_group'
               WHEN scope ~* '^/providers/Microsoft\.Management/managementGroups/[^/]+/*$' THEN 'management_group'
               WHEN scope ~* '^/subscriptions/[^/]+/*$' THEN 'subscription'
               WHEN scope ~* '^/subscriptions/[^/]+/resourceGroups/[^/]+/*$' THEN 'resource_group'
               -- Resources of a subscription, and tenant-level resources such as reservation
               -- orders (/providers/Microsoft.Capacity/reservationOrders/...).
               WHEN scope ~* '^/(subscriptions|providers)/' THEN 'resource'
           END
$$;

COMMENT ON FUNCTION ciem.azure_scope_type(text) IS
    'The level of an Azure RBAC scope string: management_group (including the root scope /), subscription, resource_group or resource; NULL when the string is not a scope.';

-- A scope string compared without case and trailing slashes: Azure resource ids are case-insensitive.
CREATE FUNCTION ciem.azure_scope_key(scope text) RETURNS text
LANGUAGE sql IMMUTABLE
AS $$
    SELECT CASE WHEN btrim(scope, '/') = '' THEN '/' ELSE '/' || lower(btrim(scope, '/')) END
$$;

-- Whether a grant at outer_scope reaches inner_scope by the string form of the scopes: the same
-- scope, a scope below it, or anything below the root scope. A management group reaches its
-- subscriptions too, but their link is not in the scope strings, so ciem.azure_permission_decision()
-- takes it from the subscription the assignment was listed for.
CREATE FUNCTION ciem.azure_scope_includes(outer_scope text, inner_scope text) RETURNS boolean
LANGUAGE sql IMMUTABLE
AS $$
    SELECT ciem.azure_scope_key(outer_scope) = '/'
        OR ciem.azure_scope_key(inner_scope) = ciem.azure_scope_key(outer_scope)
        OR starts_with(ciem.azure_scope_key(inner_scope), ciem.azure_scope_key(outer_scope) || '/')
$$;

-- How the scopes below a grant inherit it, for readers of the effective permissions.
CREATE FUNCTION ciem.azure_inherited_by(scope_type text) RETURNS text
LANGUAGE sql IMMUTABLE
AS $$
    SELECT CASE scope_type
               WHEN 'management_group' THEN 'every child management group, subscription, resource group and resource'
               WHEN 'subscription' THEN 'every resource group and resource of the subscription'
               WHEN 'resource_group' THEN 'every resource of the resource group'
               WHEN 'resource' THEN 'the child resources of the resource'
           END
$$;

-- 4. Actions and wildcards --------------------------------------------------------------------
-- "Understand Azure role definitions": an action string is {Company}.{ProviderName}/{resourceType}/{action},
-- and * matches any characters, anywhere in the string (Microsoft.Compute/*, */read,
-- Microsoft.Authorization/*/Write). Matching ignores case: the built-in Contributor role removes
-- Microsoft.Authorization/*/Write to keep Microsoft.Authorization/roleAssignments/write away.

CREATE FUNCTION ciem.azure_action_matches(pattern text, action text) RETURNS boolean
LANGUAGE sql IMMUTABLE
AS $$
    SELECT lower(action) LIKE replace(replace(replace(replace(lower(pattern), '\', '\\'), '%', '\%'), '_', '\_'), '*', '%')
$$;

COMMENT ON FUNCTION ciem.azure_action_matches(text, text) IS
    'Whether an Azure permission pattern (with * wildcards) matches an action, ignoring case. With a pattern as the second argument it tells whether the first pattern covers every action the second one matches.';

-- Whether some action could match both patterns. Patterns with a wildcard are compared by their
-- text before the first * and after the last *, which is necessary for an overlap but not always
-- enough, so a NotAction that passes may still remove nothing.
CREATE FUNCTION ciem.azure_patterns_may_overlap(first_pattern text, second_pattern text) RETURNS boolean
LANGUAGE sql IMMUTABLE
AS $$
    WITH p AS (
        SELECT lower(first_pattern) AS a, lower(second_pattern) AS b
    ),
    parts AS (
        SELECT a, b,
               position('*' IN a) > 0 AS a_wild,
               position('*' IN b) > 0 AS b_wild,
               split_part(a, '*', 1) AS a_prefix,
               split_part(b, '*', 1) AS b_prefix,
               regexp_replace(a, '^.*\*', '') AS a_suffix,
               regexp_replace(b, '^.*\*', '') AS b_suffix
          FROM p
    )
    SELECT CASE
               WHEN NOT a_wild AND NOT b_wild THEN a = b
               WHEN NOT a_wild THEN ciem.azure_action_matches(b, a)
               WHEN NOT b_wild THEN ciem.azure_action_matches(a, b)
               ELSE (starts_with(a_prefix, b_prefix) OR starts_with(b_prefix, a_prefix))
                    AND (right(a_suffix, length(b_suffix)) = b_suffix OR right(b_suffix, length(a_suffix)) = a_suffix)
           END
      FROM parts
$$;

-- 5. Normalised Azure objects -----------------------------------------------------------------

CREATE VIEW ciem.azure_subscriptions AS
SELECT DISTINCT ON (lower(coalesce(nullif(s.subscription_id, ''), ciem.azure_last_segment(s.id))))
       lower(coalesce(nullif(s.subscription_id, ''), ciem.azure_last_segment(s.id))) AS account_id,
       s.display_name,
       s.state,
       lower(s.tenant_id) AS tenant_id,
       s.authorization_source,
       -- managed_by_tenants is a list of {tenantId}: the tenants that manage the subscription
       -- through Azure Lighthouse.
       ARRAY(SELECT DISTINCT lower(t ->> 'tenantid')
               FROM ciem.azure_object_array(s.managed_by_tenants) t
              WHERE t ->> 'tenantid' IS NOT NULL
              ORDER BY 1) AS managed_by_tenants
  FROM ciem.stg_azure_subscription_subscriptions s
 WHERE coalesce(nullif(s.subscription_id, ''), s.id) IS NOT NULL
 ORDER BY lower(coalesce(nullif(s.subscription_id, ''), ciem.azure_last_segment(s.id))), s._cq_sync_time DESC NULLS LAST;

COMMENT ON VIEW ciem.azure_subscriptions IS
    'One row per synced Azure subscription (account_id is the subscription GUID in lower case): its tenant and the tenants that manage it through Azure Lighthouse.';

CREATE VIEW ciem.azure_tenants AS
SELECT DISTINCT ON (lower(coalesce(nullif(t.tenant_id, ''), ciem.azure_last_segment(t.id))))
       lower(coalesce(nullif(t.tenant_id, ''), ciem.azure_last_segment(t.id))) AS tenant_id,
       t.display_name,
       lower(t.default_domain) AS default_domain,
       ARRAY(SELECT DISTINCT lower(d) FROM unnest(coalesce(t.domains, '{}') || ARRAY[t.default_domain]) d WHERE d IS NOT NULL ORDER BY 1) AS domains
  FROM ciem.stg_azure_subscription_tenants t
 WHERE coalesce(nullif(t.tenant_id, ''), t.id) IS NOT NULL
 ORDER BY lower(coalesce(nullif(t.tenant_id, ''), ciem.azure_last_segment(t.id))), t._cq_sync_time DESC NULLS LAST;

COMMENT ON VIEW ciem.azure_tenants IS
    'One row per Microsoft Entra tenant visible to the CloudQuery credentials, with its verified domains in lower case.';

-- Role definitions are listed per subscription: the built-in roles and the custom roles whose
-- assignable scopes include the subscription.
CREATE VIEW ciem.azure_role_definitions AS
WITH raw AS (
    SELECT lower(d.subscription_id) AS account_id,
           d.id AS definition_id,
           coalesce(nullif(lower(d.name), ''), ciem.azure_last_segment(d.id)) AS role_guid,
           ciem.azure_properties(d.properties) AS p,
           d._cq_sync_time
      FROM ciem.stg_azure_authorization_role_definitions d
)
SELECT DISTINCT ON (r.account_id, r.role_guid)
       r.account_id,
       r.definition_id,
       r.role_guid,
       r.p ->> 'rolename' AS role_name,
       -- RoleDefinitionProperties.RoleType is written as "type"; the CLI calls it roleType.
       coalesce(r.p ->> 'type', r.p ->> 'roletype') AS role_type,
       lower(coalesce(r.p ->> 'type', r.p ->> 'roletype')) = 'customrole' AS is_custom,
       r.p ->> 'description' AS description,
       ciem.azure_text_array(r.p -> 'assignablescopes') AS assignable_scopes,
       coalesce((SELECT jsonb_agg(jsonb_build_object(
                        'actions', to_jsonb(ciem.azure_text_array(b -> 'actions')),
                        'notActions', to_jsonb(ciem.azure_text_array(b -> 'notactions')),
                        'dataActions', to_jsonb(ciem.azure_text_array(b -> 'dataactions')),
                        'notDataActions', to_jsonb(ciem.azure_text_array(b -> 'notdataactions'))))
                   FROM ciem.azure_object_array(r.p -> 'permissions') b), '[]'::jsonb) AS permissions,
       ciem.azure_timestamp(r.p ->> 'createdon') AS created_on,
       ciem.azure_timestamp(r.p ->> 'updatedon') AS updated_on
  FROM raw r
 WHERE r.role_guid IS NOT NULL
 ORDER BY r.account_id, r.role_guid, r._cq_sync_time DESC NULLS LAST;

COMMENT ON VIEW ciem.azure_role_definitions IS
    'One row per subscription and role definition listed for it: role_guid (the role ID, the same for a built-in role in every subscription and cloud), name, BuiltInRole or CustomRole, assignable scopes and the permission blocks (actions, notActions, dataActions, notDataActions).';

-- A role's permissions are the same wherever it is listed, so one row per role GUID.
CREATE VIEW ciem.azure_role_catalogue AS
SELECT DISTINCT ON (d.role_guid)
       d.role_guid, d.role_name, d.role_type, d.is_custom, d.assignable_scopes, d.permissions
  FROM ciem.azure_role_definitions d
 ORDER BY d.role_guid, d.updated_on DESC NULLS LAST, d.account_id;

COMMENT ON VIEW ciem.azure_role_catalogue IS
    'One row per Azure role definition GUID, from any subscription that lists it.';

-- "Understand Azure role definitions": NotActions are not a deny. They are subtracted from the
-- Actions of the same role, and NotDataActions from its DataActions, so another role assignment
-- can still grant an action one role's NotActions leave out. Without a catalogue of every Azure
-- operation a wildcard cannot be expanded, so each Actions entry stays a pattern and carries the
-- NotActions of its permission block that may overlap it (excluded). An entry that a NotAction of
-- its block covers completely grants nothing and is dropped.
CREATE VIEW ciem.azure_role_permissions AS
WITH blocks AS (
    SELECT c.role_guid, b.ordinality::integer AS permission_block, b.block
      FROM ciem.azure_role_catalogue c
     CROSS JOIN LATERAL jsonb_array_elements(c.permissions) WITH ORDINALITY AS b(block, ordinality)
),
entries AS (
    SELECT bl.role_guid, bl.permission_block, a.permission, false AS is_data_action,
           ciem.azure_text_array(bl.block -> 'notActions') AS subtracted
      FROM blocks bl
     CROSS JOIN LATERAL unnest(ciem.azure_text_array(bl.block -> 'actions')) AS a(permission)
    UNION ALL
    SELECT bl.role_guid, bl.permission_block, a.permission, true,
           ciem.azure_text_array(bl.block -> 'notDataActions')
      FROM blocks bl
     CROSS JOIN LATERAL unnest(ciem.azure_text_array(bl.block -> 'dataActions')) AS a(permission)
),
with_exclusions AS (
    SELECT e.role_guid, e.permission_block, e.permission, e.is_data_action,
           ARRAY(SELECT n FROM unnest(e.subtracted) n WHERE ciem.azure_patterns_may_overlap(e.permission, n) ORDER BY n) AS excluded
      FROM entries e
     WHERE btrim(e.permission) <> ''
)
SELECT DISTINCT ON (w.role_guid, w.permission_block, w.is_data_action, lower(w.permission))
       w.role_guid, w.permission_block, w.permission, w.is_data_action, w.excluded
  FROM with_exclusions w
 WHERE NOT EXISTS (SELECT 1 FROM unnest(w.excluded) n WHERE ciem.azure_action_matches(n, w.permission))
 ORDER BY w.role_guid, w.permission_block, w.is_data_action, lower(w.permission), w.permission;

COMMENT ON VIEW ciem.azure_role_permissions IS
    'One row per Actions or DataActions entry of a role (is_data_action), kept as written with its wildcards; excluded lists the NotActions (or NotDataActions) of the same permission block that take actions out of it.';

CREATE FUNCTION ciem.azure_scope_of_assignment(assignment_id text) RETURNS text
LANGUAGE sql IMMUTABLE
AS $$
    SELECT coalesce(nullif(regexp_replace(assignment_id, '/providers/Microsoft\.Authorization/roleAssignments/[^/]+/*$', '', 'i'), ''), '/')
$$;

-- ListForSubscription returns the assignments at the subscription, below it and above it
-- (management groups and the root scope), so an assignment above lists once per subscription.
CREATE VIEW ciem.azure_role_assignments AS
WITH raw AS (
    SELECT lower(a.subscription_id) AS account_id,
           a.id AS assignment_id,
           a.name AS assignment_name,
           ciem.azure_properties(a.properties) AS p,
           a._cq_sync_time
      FROM ciem.stg_azure_authorization_role_assignments a
)
SELECT DISTINCT ON (r.account_id, lower(r.assignment_id))
       r.account_id,
       r.assignment_id,
       r.assignment_name,
       coalesce(nullif(r.p ->> 'scope', ''), ciem.azure_scope_of_assignment(r.assignment_id)) AS scope,
       ciem.azure_scope_type(coalesce(nullif(r.p ->> 'scope', ''), ciem.azure_scope_of_assignment(r.assignment_id))) AS scope_type,
       lower(r.p ->> 'principalid') AS principal_id,
       r.p ->> 'principaltype' AS principal_type,
       r.p ->> 'roledefinitionid' AS role_definition_id,
       ciem.azure_last_segment(r.p ->> 'roledefinitionid') AS role_guid,
       nullif(btrim(r.p ->> 'condition'), '') AS condition,
       r.p ->> 'conditionversion' AS condition_version,
       r.p ->> 'description' AS description,
       ciem.azure_timestamp(r.p ->> 'createdon') AS created_on,
       ciem.azure_timestamp(r.p ->> 'updatedon') AS updated_on,
       r.p ->> 'createdby' AS created_by,
       r.p ->> 'updatedby' AS updated_by,
       nullif(r.p ->> 'delegatedmanagedidentityresourceid', '') AS delegated_managed_identity_resource_id
  FROM raw r
 WHERE r.account_id IS NOT NULL AND r.assignment_id IS NOT NULL
 ORDER BY r.account_id, lower(r.assignment_id), r._cq_sync_time DESC NULLS LAST;

COMMENT ON VIEW ciem.azure_role_assignments IS
    'One row per subscription and role assignment that applies to it (at the subscription, below it, or at a management group or the root scope above it), with the principal, role GUID, scope, condition and creation metadata.';

-- System-assigned identities have the principal id of the resource's identity; user-assigned
-- identities are keyed by their own resource id in userAssignedIdentities.
CREATE VIEW ciem.azure_managed_identities AS
WITH resources AS (
    SELECT r.subscription_id, r.id, r.name, r.identity FROM ciem.stg_azure_compute_virtual_machines r
    UNION ALL SELECT r.subscription_id, r.id, r.name, r.identity FROM ciem.stg_azure_storage_accounts r
    UNION ALL SELECT r.subscription_id, r.id, r.name, r.identity FROM ciem.stg_azure_containerservice_managed_clusters r
    UNION ALL SELECT r.subscription_id, r.id, r.name, r.identity FROM ciem.stg_azure_appservice_web_apps r
    UNION ALL SELECT r.subscription_id, r.id, r.name, r.identity FROM ciem.stg_azure_sql_servers r
),
identities AS (
    SELECT lower(i ->> 'principalid') AS principal_id,
           'system_assigned'::text AS kind,
           r.id AS resource_id,
           coalesce(r.name, substring(r.id FROM '([^/]+)/*$')) AS display_name,
           lower(i ->> 'tenantid') AS tenant_id,
           lower(r.subscription_id) AS account_id
      FROM resources r
     CROSS JOIN LATERAL (SELECT ciem.azure_properties(r.identity) AS i) x
     WHERE i ->> 'principalid' IS NOT NULL
    UNION ALL
    SELECT lower(ciem.azure_properties(u.value) ->> 'principalid'),
           'user_assigned',
           u.key,
           substring(u.key FROM '([^/]+)/*$'),
           lower(i ->> 'tenantid'),
           lower(r.subscription_id)
      FROM resources r
     CROSS JOIN LATERAL (SELECT ciem.azure_properties(r.identity) AS i) x
     CROSS JOIN LATERAL jsonb_each(CASE WHEN jsonb_typeof(i -> 'userassignedidentities') = 'object'
                                        THEN i -> 'userassignedidentities' ELSE '{}'::jsonb END) u
     WHERE ciem.azure_properties(u.value) ->> 'principalid' IS NOT NULL
)
SELECT DISTINCT ON (i.principal_id)
       i.principal_id, i.kind, i.resource_id, i.display_name, i.tenant_id, i.account_id
  FROM identities i
 ORDER BY i.principal_id, i.kind, i.resource_id;

COMMENT ON VIEW ciem.azure_managed_identities IS
    'One row per managed identity principal id found in the identity column of a synced resource: system_assigned (named after its resource) or user_assigned (named after the identity resource).';

-- Classic administrators: role is ServiceAdministrator, AccountAdministrator or CoAdministrator,
-- several joined with ";" ("ServiceAdministrator;AccountAdministrator").
CREATE VIEW ciem.azure_classic_administrators AS
SELECT DISTINCT ON (lower(c.subscription_id), lower(c.id), lower(btrim(r.role)))
       lower(c.subscription_id) AS account_id,
       c.id AS administrator_id,
       lower(ciem.azure_properties(c.properties) ->> 'emailaddress') AS identity_id,
       ciem.azure_properties(c.properties) ->> 'emailaddress' AS email_address,
       btrim(r.role) AS classic_role
  FROM ciem.stg_azure_authorization_classic_administrators c
 CROSS JOIN LATERAL unnest(string_to_array(coalesce(ciem.azure_properties(c.properties) ->> 'role', ''), ';')) AS r(role)
 WHERE btrim(r.role) <> '' AND ciem.azure_properties(c.properties) ->> 'emailaddress' IS NOT NULL
 ORDER BY lower(c.subscription_id), lower(c.id), lower(btrim(r.role)), c._cq_sync_time DESC NULLS LAST;

COMMENT ON VIEW ciem.azure_classic_administrators IS
    'One row per classic administrator and classic role of a subscription; identity_id is the e-mail address in lower case, because the classic API returns no object id.';

-- PIM role management policies, one per role and scope: whether active assignments must expire and
-- what activating an eligible assignment requires. Rule ids as Azure names them
-- (Expiration_Admin_Assignment, Enablement_EndUser_Assignment, Approval_EndUser_Assignment).
CREATE VIEW ciem.azure_role_management_policies AS
WITH raw AS (
    SELECT lower(m.subscription_id) AS account_id,
           m.id AS policy_assignment_id,
           ciem.azure_properties(m.properties) AS p,
           m._cq_sync_time
      FROM ciem.stg_azure_role_management_policy_assignments m
),
rules AS (
    SELECT r.account_id, r.policy_assignment_id, r.p, r._cq_sync_time,
           (SELECT x FROM ciem.azure_object_array(r.p -> 'effectiverules') x WHERE lower(x ->> 'id') = 'expiration_admin_assignment' LIMIT 1) AS expiration,
           (SELECT x FROM ciem.azure_object_array(r.p -> 'effectiverules') x WHERE lower(x ->> 'id') = 'enablement_enduser_assignment' LIMIT 1) AS enablement,
           (SELECT x FROM ciem.azure_object_array(r.p -> 'effectiverules') x WHERE lower(x ->> 'id') = 'approval_enduser_assignment' LIMIT 1) AS approval
      FROM raw r
)
SELECT DISTINCT ON (r.account_id, ciem.azure_scope_key(r.p ->> 'scope'), ciem.azure_last_segment(r.p ->> 'roledefinitionid'))
       r.account_id,
       r.policy_assignment_id,
       r.p ->> 'scope' AS scope,
       ciem.azure_last_segment(r.p ->> 'roledefinitionid') AS role_guid,
       r.p ->> 'policyid' AS policy_id,
       ciem.azure_boolean(r.expiration ->> 'isexpirationrequired') AS active_assignment_expiration_required,
       r.expiration ->> 'maximumduration' AS active_assignment_maximum_duration,
       'multifactorauthentication' = ANY (SELECT lower(e) FROM unnest(ciem.azure_text_array(r.enablement -> 'enabledrules')) e) AS activation_requires_mfa,
       ciem.azure_boolean(ciem.azure_properties(r.approval -> 'setting') ->> 'isapprovalrequired') AS activation_requires_approval
  FROM rules r
 WHERE r.p ->> 'roledefinitionid' IS NOT NULL
 ORDER BY r.account_id, ciem.azure_scope_key(r.p ->> 'scope'), ciem.azure_last_segment(r.p ->> 'roledefinitionid'), r._cq_sync_time DESC NULLS LAST;

COMMENT ON VIEW ciem.azure_role_management_policies IS
    'One row per subscription, scope and role with a PIM role management policy: whether active assignments must expire (and after how long at most) and whether activation requires MFA or approval. NULL where the policy has no such rule.';

CREATE FUNCTION ciem.azure_policy_evidence(p ciem.azure_role_management_policies) RETURNS jsonb
LANGUAGE sql STABLE
AS $$
    SELECT CASE WHEN p.policy_assignment_id IS NULL THEN NULL
                ELSE jsonb_build_object(
                    'policy_assignment_id', p.policy_assignment_id,
                    'active_assignment_expiration_required', p.active_assignment_expiration_required,
                    'active_assignment_maximum_duration', p.active_assignment_maximum_duration,
                    'activation_requires_mfa', p.activation_requires_mfa,
                    'activation_requires_approval', p.activation_requires_approval) END
$$;

-- 6. Identities, grants and effective permissions (the shared contract) ----------------------

-- principalType of a role assignment: User, Group, ServicePrincipal, ForeignGroup or Device. A
-- managed identity is a ServicePrincipal whose id a resource names, or the principal of an
-- assignment made for a delegated managed identity. A Foreign Principal group (ForeignGroup)
-- lives in another tenant, such as a Cloud Solution Provider's admin agents.
CREATE FUNCTION ciem.azure_identity_type(principal_type text, is_managed_identity boolean) RETURNS text
LANGUAGE sql IMMUTABLE
AS $$
    SELECT CASE
               WHEN is_managed_identity THEN 'managed_identity'
               WHEN lower(principal_type) = 'user' THEN 'user'
               WHEN lower(principal_type) IN ('group', 'foreigngroup') THEN 'group'
               WHEN lower(principal_type) IN ('serviceprincipal', 'application') THEN 'service_principal'
               WHEN lower(principal_type) = 'msi' THEN 'managed_identity'
               -- NOTE: Device and a missing principalType have no identity type of the shared
               -- model; they are reported as unknown.
               ELSE 'unknown'
           END
$$;

CREATE VIEW ciem.azure_principals AS
WITH assigned AS (
    SELECT a.account_id,
           a.principal_id,
           -- One principal has one type; the most frequent value guards against a stray row.
           mode() WITHIN GROUP (ORDER BY a.principal_type) AS principal_type,
           bool_or(a.delegated_managed_identity_resource_id IS NOT NULL) AS delegated_managed_identity
      FROM ciem.azure_role_assignments a
     WHERE a.principal_id IS NOT NULL
     GROUP BY a.account_id, a.principal_id
)
SELECT a.account_id,
       a.principal_id,
       a.principal_type,
       ciem.azure_identity_type(a.principal_type, m.principal_id IS NOT NULL OR a.delegated_managed_identity) AS identity_type,
       m.display_name,
       m.kind AS managed_identity_kind,
       m.resource_id AS managed_identity_resource_id
  FROM assigned a
  LEFT JOIN ciem.azure_managed_identities m ON m.principal_id = a.principal_id;

COMMENT ON VIEW ciem.azure_principals IS
    'One row per subscription and principal id of its role assignments, with principalType, the identity type of the shared model and, for a managed identity, its kind and resource.';

CREATE VIEW ciem.azure_identities AS
SELECT 'azure'::text AS cloud,
       p.account_id,
       p.principal_id AS identity_id,
       p.identity_type,
       p.display_name,
       NULL::text AS path,
       -- Neither the creation of a principal nor its sign-ins are in the Azure RBAC tables.
       NULL::timestamptz AS created_at,
       NULL::timestamptz AS last_used_at,
       NULL::text AS permissions_boundary_arn,
       false AS is_service_linked
  FROM ciem.azure_principals p
UNION ALL
SELECT DISTINCT ON (c.account_id, c.identity_id)
       'azure', c.account_id, c.identity_id, 'user', c.email_address, NULL, NULL, NULL, NULL, false
  FROM ciem.azure_classic_administrators c;

COMMENT ON VIEW ciem.azure_identities IS
    'One row per Azure subscription and principal: the principals of its role assignments (identity_id is the Entra object id) and its classic administrators (identity_id is the e-mail address). Columns as ciem.identities; Entra ID tables are not read, so names are known only for managed identities and classic administrators.';

CREATE VIEW ciem.azure_identity_grants AS
SELECT 'azure'::text AS cloud,
       a.account_id,
       a.principal_id AS identity_id,
       p.identity_type,
       a.role_guid AS role_id,
       c.role_name,
       a.scope_type,
       a.scope,
       -- Group memberships are in Entra ID, not here: a group's grant is reported on the group.
       'direct'::text AS via,
       CASE WHEN a.condition IS NOT NULL
            THEN jsonb_build_object('condition', a.condition, 'conditionVersion', a.condition_version) END AS condition,
       a.condition IS NOT NULL AS is_conditional,
       a.assignment_id AS grant_id
  FROM ciem.azure_role_assignments a
  JOIN ciem.azure_principals p ON p.account_id = a.account_id AND p.principal_id = a.principal_id
  LEFT JOIN ciem.azure_role_catalogue c ON c.role_guid = a.role_guid
UNION ALL
SELECT 'azure',
       c.account_id,
       c.identity_id,
       'user',
       c.classic_role,
       CASE lower(c.classic_role)
           WHEN 'serviceadministrator' THEN 'Service Administrator (classic)'
           WHEN 'accountadministrator' THEN 'Account Administrator (classic)'
           WHEN 'coadministrator' THEN 'Co-Administrator (classic)'
           ELSE c.classic_role || ' (classic)' END,
       'subscription',
       '/subscriptions/' || c.account_id,
       'direct',
       NULL::jsonb,
       false,
       c.administrator_id
  FROM ciem.azure_classic_administrators c;

COMMENT ON VIEW ciem.azure_identity_grants IS
    'One row per role assignment (and classic administrator role) of a subscription: identity, role GUID and name, scope_type and scope from the scope string, the ABAC condition as Azure stores it (condition, conditionVersion) and grant_id, the assignment id.';

-- Classic Service Administrators and Co-Administrators are assigned the Owner role at the
-- subscription scope. The Account Administrator is the billing owner and gets no role ("Azure
-- roles, Microsoft Entra roles, and classic subscription administrator roles", Microsoft Learn).
CREATE FUNCTION ciem.azure_classic_role_is_owner(classic_role text) RETURNS boolean
LANGUAGE sql IMMUTABLE
AS $$
    SELECT lower(classic_role) IN ('serviceadministrator', 'coadministrator')
$$;

CREATE MATERIALIZED VIEW ciem.azure_effective_permissions AS
SELECT 'azure'::text AS cloud,
       g.account_id,
       g.identity_id,
       rp.permission,
       g.scope_type,
       g.scope,
       -- Azure deny assignments are not in CloudQuery's tables, so nothing is denied here.
       CASE WHEN g.is_conditional THEN 'conditional' ELSE 'allowed' END AS decision,
       jsonb_build_object(
           'role_id', g.role_id,
           'role_name', g.role_name,
           'grant_id', g.grant_id,
           'permission_block', rp.permission_block,
           'excluded', to_jsonb(rp.excluded),
           'condition', g.condition) AS granted_by,
       g.identity_type,
       rp.is_data_action,
       rp.excluded AS excluded_permissions,
       g.role_id,
       g.role_name,
       g.grant_id,
       rp.permission_block,
       ciem.azure_inherited_by(g.scope_type) AS inherited_by
  FROM ciem.azure_identity_grants g
  JOIN ciem.azure_role_permissions rp ON rp.role_guid = g.role_id
UNION ALL
SELECT 'azure', g.account_id, g.identity_id, '*', g.scope_type, g.scope, 'allowed',
       jsonb_build_object('role_id', g.role_id, 'role_name', g.role_name, 'grant_id', g.grant_id,
                          'permission_block', 1, 'excluded', '[]'::jsonb, 'condition', NULL,
                          'equivalent_role', 'Owner'),
       g.identity_type, false, '{}'::text[], g.role_id, g.role_name, g.grant_id, 1,
       ciem.azure_inherited_by(g.scope_type)
  FROM ciem.azure_identity_grants g
 WHERE g.grant_id IN (SELECT c.administrator_id FROM ciem.azure_classic_administrators c WHERE c.account_id = g.account_id)
   AND ciem.azure_classic_role_is_owner(g.role_id)
WITH NO DATA;

CREATE UNIQUE INDEX azure_effective_permissions_key
    ON ciem.azure_effective_permissions (account_id, grant_id, role_id, permission_block, is_data_action, permission);
CREATE INDEX azure_effective_permissions_identity ON ciem.azure_effective_permissions (identity_id, account_id);

COMMENT ON MATERIALIZED VIEW ciem.azure_effective_permissions IS
    'One row per identity, role assignment and Actions (or DataActions, is_data_action) entry of the role: the permission pattern as Azure writes it, wildcards kept, minus excluded_permissions (the NotActions or NotDataActions of the same role block). decision is allowed, or conditional for an assignment with an ABAC condition. The grant applies at scope and, by inheritance, at every scope below it (inherited_by).';

INSERT INTO ciem.refresh_relations (position, relation_name) VALUES (710, 'azure_effective_permissions');

-- Whether a grant listed for a subscription reaches a scope. A management group (or root) grant
-- reaches all of the subscription it was listed for, and other grants reach the scopes below them.
CREATE FUNCTION ciem.azure_grant_reaches(grant_scope_type text, grant_scope text, account_id text, target_scope text) RETURNS boolean
LANGUAGE sql IMMUTABLE
AS $$
    SELECT ciem.azure_scope_includes(grant_scope, target_scope)
        OR (grant_scope_type = 'management_group'
            AND ciem.azure_scope_includes('/subscriptions/' || account_id, target_scope))
$$;

-- Decides one action for one identity at one scope of a subscription, the way Azure RBAC adds up
-- role assignments. The action is allowed when an assignment that reaches the scope has a
-- matching entry, and that entry's own exclusions do not remove it.
CREATE FUNCTION ciem.azure_permission_decision(p_account_id text, p_identity_id text, p_action text, p_scope text,
                                               p_data_action boolean DEFAULT false) RETURNS jsonb
LANGUAGE sql STABLE
AS $$
    WITH granting AS (
        SELECT e.decision, e.granted_by || jsonb_build_object('permission', e.permission, 'scope', e.scope) AS evidence
          FROM ciem.azure_effective_permissions e
         WHERE e.account_id = lower(p_account_id)
           AND e.identity_id = lower(p_identity_id)
           AND e.is_data_action = p_data_action
           AND ciem.azure_grant_reaches(e.scope_type, e.scope, e.account_id, p_scope)
           AND ciem.azure_action_matches(e.permission, p_action)
           AND NOT EXISTS (SELECT 1 FROM unnest(e.excluded_permissions) n WHERE ciem.azure_action_matches(n, p_action))
    )
    SELECT jsonb_build_object(
               'decision', CASE WHEN bool_or(g.decision = 'allowed') THEN 'allowed'
                                WHEN count(*) > 0 THEN 'conditional'
                                ELSE 'implicit_deny' END,
               'granted_by', coalesce(jsonb_agg(g.evidence ORDER BY g.evidence ->> 'grant_id'), '[]'::jsonb))
      FROM granting g
$$;

COMMENT ON FUNCTION ciem.azure_permission_decision(text, text, text, text, boolean) IS
    'allowed, conditional or implicit_deny for one Azure identity, action (or data action) and scope of a subscription, with the role assignments that grant it. Deny assignments are not in the data.';

-- 7. Over-privilege findings ------------------------------------------------------------------

CREATE FUNCTION ciem.azure_scope_label(scope_type text, scope text) RETURNS text
LANGUAGE sql IMMUTABLE
AS $$
    SELECT CASE WHEN ciem.azure_scope_key(scope) = '/' THEN 'the root scope'
                ELSE replace(scope_type, '_', ' ') || ' ' || substring(scope FROM '([^/]+)/*$') END
$$;

-- The escalation methods. Writing a role assignment grants any role (User Access Administrator,
-- Role Based Access Control Administrator, Owner), and writing a role definition widens a custom
-- role the principal already has.
CREATE TABLE ciem.azure_escalation_actions (
    method text PRIMARY KEY,
    action text NOT NULL UNIQUE
);

COMMENT ON TABLE ciem.azure_escalation_actions IS
    'Azure actions that let a principal give itself more access: each is a privilege-escalation method of the Azure findings.';

INSERT INTO ciem.azure_escalation_actions (method, action) VALUES
    ('role_assignment_write', 'Microsoft.Authorization/roleAssignments/write'),
    ('role_definition_write', 'Microsoft.Authorization/roleDefinitions/write');

-- One row per role assignment (per subscription it reaches): what its role allows in the terms of
-- the findings, with the assignment's metadata and PIM policy.
CREATE VIEW ciem.azure_grant_privileges AS
WITH method_hits AS (
    SELECT DISTINCT e.account_id, e.grant_id, e.role_id, x.method
      FROM ciem.azure_effective_permissions e
      JOIN ciem.azure_escalation_actions x
        ON NOT e.is_data_action AND ciem.azure_action_matches(e.permission, x.action)
     WHERE NOT EXISTS (SELECT 1 FROM unnest(e.excluded_permissions) n WHERE ciem.azure_action_matches(n, x.action))
),
per_grant AS (
    SELECT e.account_id, e.grant_id, e.identity_id, e.identity_type, e.role_id, e.role_name, e.scope_type, e.scope,
           bool_or(e.decision = 'conditional') AS conditional,
           bool_or(NOT e.is_data_action AND e.permission = '*' AND cardinality(e.excluded_permissions) = 0) AS allows_all_actions,
           bool_or(NOT e.is_data_action AND e.permission = '*' AND cardinality(e.excluded_permissions) > 0) AS allows_all_but_excluded,
           (array_agg(to_jsonb(e.excluded_permissions) ORDER BY e.permission_block)
                FILTER (WHERE NOT e.is_data_action AND e.permission = '*'))[1] AS wildcard_excluded
      FROM ciem.azure_effective_permissions e
     GROUP BY e.account_id, e.grant_id, e.identity_id, e.identity_type, e.role_id, e.role_name, e.scope_type, e.scope
)
SELECT g.*,
       ARRAY(SELECT h.method FROM method_hits h
              WHERE h.account_id = g.account_id AND h.grant_id = g.grant_id AND h.role_id = g.role_id
              ORDER BY h.method) AS escalation_methods,
       coalesce(c.is_custom, false) AS is_custom_role,
       g.grant_id IN (SELECT ca.administrator_id FROM ciem.azure_classic_administrators ca WHERE ca.account_id = g.account_id) AS is_classic,
       a.principal_type,
       a.condition,
       a.created_on,
       a.created_by,
       ciem.azure_policy_evidence(m) AS pim_policy
  FROM per_grant g
  LEFT JOIN ciem.azure_role_catalogue c ON c.role_guid = g.role_id
  LEFT JOIN ciem.azure_role_assignments a ON a.account_id = g.account_id AND a.assignment_id = g.grant_id
  LEFT JOIN ciem.azure_role_management_policies m
         ON m.account_id = g.account_id AND m.role_guid = g.role_id AND ciem.azure_scope_key(m.scope) = ciem.azure_scope_key(g.scope);

COMMENT ON VIEW ciem.azure_grant_privileges IS
    'One row per Azure role assignment and subscription: whether its role allows every action (*, nothing excluded), every action but some (*, with NotActions), which escalation methods it holds, and the assignment''s metadata and PIM policy.';

-- Each assignment once: an assignment above a subscription is listed for every subscription it
-- reaches, and is reported on the first of them with the others in evidence.subscriptions.
-- holder_is_admin: the identity also holds an admin-equivalent grant in every subscription the
-- assignment reaches, so its lesser grants add nothing to report.
CREATE VIEW ciem.azure_grant_findings_base AS
WITH admins AS (
    SELECT DISTINCT g.account_id, g.identity_id
      FROM ciem.azure_grant_privileges g
     WHERE g.allows_all_actions AND g.scope_type IN ('management_group', 'subscription')
),
flagged AS (
    SELECT g.*,
           EXISTS (SELECT 1 FROM admins a WHERE a.account_id = g.account_id AND a.identity_id = g.identity_id) AS holder_is_admin
      FROM ciem.azure_grant_privileges g
)
SELECT f.grant_id,
       f.role_id,
       f.identity_id,
       min(f.account_id) AS account_id,
       array_agg(DISTINCT f.account_id ORDER BY f.account_id) AS subscriptions,
       min(f.identity_type) AS identity_type,
       min(f.role_name) AS role_name,
       min(f.scope_type) AS scope_type,
       min(f.scope) AS scope,
       bool_or(f.conditional) AS conditional,
       bool_or(f.allows_all_actions) AS allows_all_actions,
       bool_or(f.allows_all_but_excluded) AS allows_all_but_excluded,
       ciem.azure_text_array((array_agg(to_jsonb(f.escalation_methods) ORDER BY f.account_id))[1]) AS escalation_methods,
       bool_or(f.is_custom_role) AS is_custom_role,
       bool_or(f.is_classic) AS is_classic,
       bool_and(f.holder_is_admin) AS holder_is_admin,
       jsonb_build_object(
           'assignment_id', f.grant_id,
           'role_id', f.role_id,
           'role_name', min(f.role_name),
           'custom_role', bool_or(f.is_custom_role),
           'scope_type', min(f.scope_type),
           'scope', min(f.scope),
           'subscriptions', to_jsonb(array_agg(DISTINCT f.account_id ORDER BY f.account_id)),
           'principal_type', min(f.principal_type),
           'conditional', bool_or(f.conditional),
           'condition', min(f.condition),
           'created_on', min(f.created_on),
           'created_by', min(f.created_by),
           'excluded_actions', (array_agg(f.wildcard_excluded ORDER BY f.account_id))[1],
           'escalation_methods', (array_agg(to_jsonb(f.escalation_methods) ORDER BY f.account_id))[1],
           'pim_policy', (array_agg(f.pim_policy ORDER BY f.account_id))[1]) AS evidence
  FROM flagged f
 GROUP BY f.grant_id, f.role_id, f.identity_id;

COMMENT ON VIEW ciem.azure_grant_findings_base IS
    'One row per Azure role assignment (and classic administrator role) with what its role allows and the evidence the findings show; an assignment above a subscription appears once, on the first subscription it reaches.';

CREATE FUNCTION ciem.azure_role_label(role_name text, role_id text, is_custom boolean) RETURNS text
LANGUAGE sql IMMUTABLE
AS $$
    SELECT coalesce(role_name, 'role ' || role_id) || CASE WHEN is_custom THEN ' (custom role)' ELSE '' END
$$;

-- Owner, and any role allowing "*" with nothing excluded, at a subscription, a management group
-- or the root scope: every action on every resource below it, role assignments included.
CREATE VIEW ciem.azure_admin_equivalent_findings AS
SELECT 'azure'::text AS cloud,
       b.account_id,
       b.identity_id AS identity_arn,
       b.identity_type,
       'admin_equivalent'::text AS category,
       CASE WHEN b.conditional THEN 'high' ELSE 'critical' END AS severity,
       format('Allowed every action at %s through %s', ciem.azure_scope_label(b.scope_type, b.scope),
              ciem.azure_role_label(b.role_name, b.role_id, b.is_custom_role)) AS title,
       b.grant_id AS finding_key,
       b.evidence
  FROM ciem.azure_grant_findings_base b
 WHERE b.allows_all_actions AND NOT b.is_classic AND b.scope_type IN ('management_group', 'subscription');

COMMENT ON VIEW ciem.azure_admin_equivalent_findings IS
    'Findings: Azure role assignments at a subscription, management group or the root scope whose role allows every action (*, no NotActions), such as Owner or a custom role.';

-- Roles that can write role assignments or role definitions (User Access Administrator, Role Based
-- Access Control Administrator, Owner below a subscription, custom roles), at any scope.
CREATE VIEW ciem.azure_privilege_escalation_findings AS
SELECT 'azure'::text AS cloud,
       b.account_id,
       b.identity_id AS identity_arn,
       b.identity_type,
       'privilege_escalation'::text AS category,
       CASE WHEN b.scope_type IN ('management_group', 'subscription')
                 THEN CASE WHEN b.conditional THEN 'medium' ELSE 'high' END
            ELSE CASE WHEN b.conditional THEN 'low' ELSE 'medium' END END AS severity,
       format('%s at %s through %s',
              CASE WHEN 'role_assignment_write' = ANY (b.escalation_methods) THEN 'Can assign any role'
                   ELSE 'Can change role definitions' END,
              ciem.azure_scope_label(b.scope_type, b.scope),
              ciem.azure_role_label(b.role_name, b.role_id, b.is_custom_role)) AS title,
       b.grant_id AS finding_key,
       b.evidence
  FROM ciem.azure_grant_findings_base b
 WHERE cardinality(b.escalation_methods) > 0
   AND NOT b.is_classic
   AND NOT b.holder_is_admin
   AND NOT (b.allows_all_actions AND b.scope_type IN ('management_group', 'subscription'));

COMMENT ON VIEW ciem.azure_privilege_escalation_findings IS
    'Findings: Azure role assignments whose role allows Microsoft.Authorization/roleAssignments/write or roleDefinitions/write after its NotActions, for identities that are not already admin-equivalent in the subscription.';

-- Contributor and other roles allowing "*" minus some NotActions, at a subscription or above, and
-- custom roles with "*" at any scope: every write action except the excluded ones.
CREATE VIEW ciem.azure_infrastructure_modification_findings AS
SELECT 'azure'::text AS cloud,
       b.account_id,
       b.identity_id AS identity_arn,
       b.identity_type,
       'infrastructure_modification'::text AS category,
       CASE WHEN b.scope_type IN ('management_group', 'subscription')
                 THEN CASE WHEN b.conditional THEN 'medium' ELSE 'high' END
            ELSE CASE WHEN b.conditional THEN 'low' ELSE 'medium' END END AS severity,
       format('Can change every resource at %s through %s, except %s excluded actions',
              ciem.azure_scope_label(b.scope_type, b.scope),
              ciem.azure_role_label(b.role_name, b.role_id, b.is_custom_role),
              jsonb_array_length(coalesce(b.evidence -> 'excluded_actions', '[]'::jsonb))) AS title,
       b.grant_id AS finding_key,
       b.evidence
  FROM ciem.azure_grant_findings_base b
 WHERE b.allows_all_but_excluded
   AND NOT b.allows_all_actions
   AND cardinality(b.escalation_methods) = 0
   AND NOT b.is_classic
   AND NOT b.holder_is_admin
   AND (b.scope_type IN ('management_group', 'subscription') OR b.is_custom_role);

COMMENT ON VIEW ciem.azure_infrastructure_modification_findings IS
    'Findings: Azure role assignments whose role allows * minus NotActions that do not remove role assignment writes (Contributor), at a subscription or above, or through a custom role at any scope.';

CREATE VIEW ciem.azure_classic_administrator_findings AS
SELECT 'azure'::text AS cloud,
       c.account_id,
       c.identity_id AS identity_arn,
       'user'::text AS identity_type,
       'admin_equivalent'::text AS category,
       'critical'::text AS severity,
       format('Classic %s of subscription %s, with the access of Owner',
              CASE lower(c.classic_role) WHEN 'coadministrator' THEN 'co-administrator' ELSE 'service administrator' END,
              c.account_id) AS title,
       'classic:' || lower(c.classic_role) AS finding_key,
       jsonb_build_object(
           'administrator_id', c.administrator_id,
           'email_address', c.email_address,
           'classic_role', c.classic_role,
           'equivalent_role', 'Owner',
           'scope', '/subscriptions/' || c.account_id) AS evidence
  FROM ciem.azure_classic_administrators c
 WHERE ciem.azure_classic_role_is_owner(c.classic_role);

COMMENT ON VIEW ciem.azure_classic_administrator_findings IS
    'Findings: classic Service Administrators and Co-Administrators, who have the access of Owner at the subscription scope.';

-- 8. Cross-boundary trust ---------------------------------------------------------------------
-- What the data shows of other tenants: Foreign Principal groups (principalType ForeignGroup, a
-- group of another tenant such as a Cloud Solution Provider's admin agents), classic
-- administrators whose e-mail domain is not a domain of the subscription's tenant or who are
-- guests (#EXT# in the address), and tenants that manage the subscription through Azure
-- Lighthouse (managedByTenants). A managing tenant is reported as identity type domain: the
-- data names the whole tenant, not its principals.

CREATE VIEW ciem.azure_cross_boundary_trust AS
SELECT 'azure'::text AS cloud,
       p.account_id,
       p.principal_id AS identity_id,
       p.identity_type,
       'another Microsoft Entra tenant'::text AS trusted_from,
       'external'::text AS classification,
       jsonb_build_object(
           'kind', 'foreign_group',
           'principal_type', p.principal_type,
           -- The group's tenant is not in the role assignment.
           'tenant_id', NULL,
           'grants', (SELECT jsonb_agg(jsonb_build_object('role_id', g.role_id, 'role_name', g.role_name,
                                                          'scope', g.scope, 'assignment_id', g.grant_id)
                                       ORDER BY g.grant_id)
                        FROM ciem.azure_identity_grants g
                       WHERE g.account_id = p.account_id AND g.identity_id = p.principal_id)) AS evidence
  FROM ciem.azure_principals p
 WHERE lower(p.principal_type) = 'foreigngroup'
UNION ALL
SELECT 'azure',
       c.account_id,
       c.identity_id,
       'user',
       split_part(c.identity_id, '@', 2),
       'external',
       jsonb_build_object(
           'kind', CASE WHEN c.identity_id LIKE '%#ext#%' THEN 'guest_classic_administrator' ELSE 'external_classic_administrator' END,
           'email_address', c.email_address,
           'classic_roles', to_jsonb(c.classic_roles),
           'tenant_id', s.tenant_id,
           'tenant_domains', to_jsonb(t.domains))
  FROM (SELECT ca.account_id, ca.identity_id, min(ca.email_address) AS email_address,
               array_agg(ca.classic_role ORDER BY ca.classic_role) AS classic_roles
          FROM ciem.azure_classic_administrators ca
         GROUP BY ca.account_id, ca.identity_id) c
  JOIN ciem.azure_subscriptions s ON s.account_id = c.account_id
  JOIN ciem.azure_tenants t ON t.tenant_id = s.tenant_id
 WHERE cardinality(t.domains) > 0
   AND (c.identity_id LIKE '%#ext#%' OR NOT split_part(c.identity_id, '@', 2) = ANY (t.domains))
UNION ALL
SELECT 'azure',
       s.account_id,
       m.tenant_id,
       'domain',
       m.tenant_id,
       'external',
       jsonb_build_object(
           'kind', 'managing_tenant',
           'subscription_tenant_id', s.tenant_id,
           'managed_by_tenants', to_jsonb(s.managed_by_tenants))
  FROM ciem.azure_subscriptions s
 CROSS JOIN LATERAL unnest(s.managed_by_tenants) AS m(tenant_id)
 WHERE m.tenant_id IS DISTINCT FROM s.tenant_id;

COMMENT ON VIEW ciem.azure_cross_boundary_trust IS
    'One row per subscription and principal from outside its tenant that the data shows: Foreign Principal groups, classic administrators outside the tenant''s domains or guests, and tenants managing the subscription through Azure Lighthouse (identity_type domain, identity_id the tenant id). Guest users among role assignment principals need Entra ID data and are not shown.';

CREATE VIEW ciem.azure_cross_boundary_findings AS
SELECT 'azure'::text AS cloud,
       t.account_id,
       t.identity_id AS identity_arn,
       t.identity_type,
       'cross_account_trust'::text AS category,
       CASE WHEN t.evidence ->> 'kind' IN ('external_classic_administrator', 'guest_classic_administrator') THEN 'high'
            WHEN t.evidence ->> 'kind' = 'foreign_group'
                 AND EXISTS (SELECT 1 FROM ciem.azure_grant_privileges g
                              WHERE g.account_id = t.account_id AND g.identity_id = t.identity_id
                                AND (g.allows_all_actions OR cardinality(g.escalation_methods) > 0)) THEN 'high'
            ELSE 'medium' END AS severity,
       CASE t.evidence ->> 'kind'
           WHEN 'foreign_group' THEN 'Group of another tenant holds roles in subscription ' || t.account_id
           WHEN 'managing_tenant' THEN 'Subscription ' || t.account_id || ' is managed by another tenant through Azure Lighthouse'
           ELSE 'Classic administrator from outside the tenant: ' || (t.evidence ->> 'email_address') END AS title,
       t.evidence ->> 'kind' AS finding_key,
       t.evidence
  FROM ciem.azure_cross_boundary_trust t;

COMMENT ON VIEW ciem.azure_cross_boundary_findings IS
    'Findings: one per row of ciem.azure_cross_boundary_trust (category cross_account_trust), high for an external classic administrator or a foreign group that can administer or assign roles.';

INSERT INTO ciem.finding_sources (source_name, relation, description) VALUES
    ('azure_admin_equivalent', 'ciem.azure_admin_equivalent_findings', 'Azure role assignments at a subscription or above whose role allows every action.'),
    ('azure_privilege_escalation', 'ciem.azure_privilege_escalation_findings', 'Azure role assignments that can write role assignments or role definitions.'),
    ('azure_infrastructure_modification', 'ciem.azure_infrastructure_modification_findings', 'Azure role assignments allowing every action but their NotActions (Contributor), and custom roles with *.'),
    ('azure_classic_administrators', 'ciem.azure_classic_administrator_findings', 'Azure classic Service Administrators and Co-Administrators.'),
    ('azure_cross_boundary_trust', 'ciem.azure_cross_boundary_findings', 'Azure principals and tenants from outside the subscription''s tenant.');

-- 9. CIS Microsoft Azure Foundations Benchmark v5.0.0, section 5 (Identity Services) -----------
-- Control numbers, titles and profiles as the benchmark v5.0.0 publishes them (reproduced in the
-- cis_v500 benchmark of turbot/steampipe-mod-azure-compliance). Most of the section audits
-- Microsoft Entra ID settings, which CloudQuery's Azure plugin does not sync; the controls on
-- Azure RBAC are decided here, with the statuses of the AWS controls (pass, fail, unknown).

INSERT INTO ciem.compliance_controls
    (benchmark, version, control_id, position, title, profile, decidable, severity, resource_type, how_decided, why_not, source_tables)
SELECT 'CIS Microsoft Azure Foundations Benchmark', '5.0.0', c.control_id, c.position, c.title, c.profile,
       c.how_decided IS NOT NULL, c.severity, c.resource_type, c.how_decided,
       CASE WHEN c.how_decided IS NULL THEN coalesce(c.why_not,
           'A Microsoft Entra ID setting, read through Microsoft Graph. CloudQuery''s Azure source plugin syncs Azure Resource Manager data; Entra ID comes from CloudQuery''s separate Entra ID plugin, whose tables OpenCIEM does not read.') END,
       c.source_tables
  FROM (VALUES
    ('5.1.1', 1, 'Ensure that ''security defaults'' is enabled in Microsoft Entra ID', 'Level 1', NULL, NULL, NULL, NULL, '{}'::text[]),
    ('5.1.2', 2, 'Ensure that ''multifactor authentication'' is ''enabled'' for all users', 'Level 1', NULL, NULL, NULL, NULL, '{}'),
    ('5.1.3', 3, 'Ensure that ''Allow users to remember multifactor authentication on devices they trust'' is disabled', 'Level 1', NULL, NULL, NULL, NULL, '{}'),
    ('5.2.1', 4, 'Ensure that ''trusted locations'' are defined', 'Level 2', NULL, NULL, NULL, NULL, '{}'),
    ('5.2.2', 5, 'Ensure that an exclusionary geographic Conditional Access policy is considered', 'Level 2', NULL, NULL, NULL, NULL, '{}'),
    ('5.2.3', 6, 'Ensure that an exclusionary device code flow policy is considered', 'Level 2', NULL, NULL, NULL, NULL, '{}'),
    ('5.2.4', 7, 'Ensure that a multifactor authentication policy exists for all users', 'Level 2', NULL, NULL, NULL, NULL, '{}'),
    ('5.2.5', 8, 'Ensure that multifactor authentication is required for risky sign-ins', 'Level 2', NULL, NULL, NULL, NULL, '{}'),
    ('5.2.6', 9, 'Ensure that multifactor authentication is required for Windows Azure Service Management API', 'Level 2', NULL, NULL, NULL, NULL, '{}'),
    ('5.2.7', 10, 'Ensure that multifactor authentication is required to access Microsoft Admin Portals', 'Level 2', NULL, NULL, NULL, NULL, '{}'),
    ('5.2.8', 11, 'Ensure a Token Protection Conditional Access policy is considered', 'Level 2', NULL, NULL, NULL, NULL, '{}'),
    ('5.3.1', 12, 'Ensure that Azure admin accounts are not used for daily operations', 'Level 1', NULL, NULL, NULL,
     'The audit asks whether administrator accounts do everyday, non-administrative work, which needs sign-in and activity logs and the organisation''s judgement; neither is in the data.', '{}'),
    ('5.3.2', 13, 'Ensure that guest users are reviewed on a regular basis', 'Level 1', NULL, NULL, NULL,
     'Guest users (userType Guest) and their access reviews are Microsoft Entra ID data; a role assignment does not say whether its principal is a guest.', '{}'),
    ('5.3.3', 14, 'Ensure that use of the ''User Access Administrator'' role is restricted', 'Level 1', 'high', 'subscription',
     'Audit: list the assignments of the User Access Administrator role (role ID 18d7d88d-d35e-4fb5-a5c3-773c6a72b9d9). One result per subscription: fails when an active assignment of the role applies to it (at the subscription, below it, or at a management group or the root scope above it), passes otherwise. PIM-eligible assignments are not role assignments until activated and are not counted. Unknown without role assignment rows for the subscription.',
     NULL, '{azure_authorization_role_assignments}'),
    ('5.3.4', 15, 'Ensure that all ''privileged'' role assignments are periodically reviewed', 'Level 1', NULL, NULL, NULL,
     'The control asks for periodic access reviews of privileged role assignments; access review schedules are not in the data. The assignments themselves are in ciem.azure_identity_grants.', '{}'),
    ('5.3.5', 16, 'Ensure disabled user accounts do not have read, write, or owner permissions', 'Level 1', NULL, NULL, NULL,
     'Whether a user account is disabled (accountEnabled) is Microsoft Entra ID data, which OpenCIEM does not read.', '{}'),
    ('5.3.6', 17, 'Ensure ''Tenant Creator'' role assignments are periodically reviewed', 'Level 1', NULL, NULL, NULL,
     'Tenant Creator is a Microsoft Entra directory role; directory role assignments and their access reviews are not in the data.', '{}'),
    ('5.3.7', 18, 'Ensure all non-privileged role assignments are periodically reviewed', 'Level 1', NULL, NULL, NULL,
     'The control asks for periodic access reviews of role assignments; access review schedules are not in the data. The assignments themselves are in ciem.azure_identity_grants.', '{}'),
    ('5.4', 19, 'Ensure that ''Restrict non-admin users from creating tenants'' is set to ''Yes''', 'Level 1', NULL, NULL, NULL, NULL, '{}'),
    ('5.5', 20, 'Ensure that ''Number of methods required to reset'' is set to ''2''', 'Level 1', NULL, NULL, NULL, NULL, '{}'),
    ('5.6', 21, 'Ensure that account ''Lockout threshold'' is less than or equal to ''10''', 'Level 1', NULL, NULL, NULL, NULL, '{}'),
    ('5.7', 22, 'Ensure that account ''Lockout duration in seconds'' is greater than or equal to ''60''', 'Level 1', NULL, NULL, NULL, NULL, '{}'),
    ('5.8', 23, 'Ensure that a ''Custom banned password list'' is set to ''Enforce''', 'Level 1', NULL, NULL, NULL, NULL, '{}'),
    ('5.9', 24, 'Ensure that ''Number of days before users are asked to re-confirm their authentication information'' is not set to ''0''', 'Level 1', NULL, NULL, NULL, NULL, '{}'),
    ('5.10', 25, 'Ensure that ''Notify users on password resets?'' is set to ''Yes''', 'Level 1', NULL, NULL, NULL, NULL, '{}'),
    ('5.11', 26, 'Ensure that ''Notify all admins when other admins reset their password?'' is set to ''Yes''', 'Level 1', NULL, NULL, NULL, NULL, '{}'),
    ('5.12', 27, 'Ensure that ''User consent for applications'' is set to ''Do not allow user consent''', 'Level 1', NULL, NULL, NULL, NULL, '{}'),
    ('5.13', 28, 'Ensure that ''User consent for applications'' is set to ''Allow user consent for apps from verified publishers, for selected permissions''', 'Level 2', NULL, NULL, NULL, NULL, '{}'),
    ('5.14', 29, 'Ensure that ''Users can register applications'' is set to ''No''', 'Level 1', NULL, NULL, NULL, NULL, '{}'),
    ('5.15', 30, 'Ensure that ''Guest users access restrictions'' is set to ''Guest user access is restricted to properties and memberships of their own directory objects''', 'Level 1', NULL, NULL, NULL, NULL, '{}'),
    ('5.16', 31, 'Ensure that ''Guest invite restrictions'' is set to ''Only users assigned to specific admin roles [...]'' or ''No one [..]''', 'Level 2', NULL, NULL, NULL, NULL, '{}'),
    ('5.17', 32, 'Ensure that ''Restrict access to Microsoft Entra admin center'' is set to ''Yes''', 'Level 1', NULL, NULL, NULL, NULL, '{}'),
    ('5.18', 33, 'Ensure that ''Restrict user ability to access groups features in My Groups'' is set to ''Yes''', 'Level 2', NULL, NULL, NULL, NULL, '{}'),
    ('5.19', 34, 'Ensure that ''Users can create security groups in Azure portals, API or PowerShell'' is set to ''No''', 'Level 2', NULL, NULL, NULL, NULL, '{}'),
    ('5.20', 35, 'Ensure that ''Owners can manage group membership requests in My Groups'' is set to ''No''', 'Level 2', NULL, NULL, NULL, NULL, '{}'),
    ('5.21', 36, 'Ensure that ''Users can create Microsoft 365 groups in Azure portals, API or PowerShell'' is set to ''No''', 'Level 2', NULL, NULL, NULL, NULL, '{}'),
    ('5.22', 37, 'Ensure that ''Require Multifactor Authentication to register or join devices with Microsoft Entra'' is set to ''Yes''', 'Level 1', NULL, NULL, NULL, NULL, '{}'),
    ('5.23', 38, 'Ensure that no custom subscription administrator roles exist', 'Level 1', 'high', 'role_definition',
     'Audit: custom roles (roleType CustomRole) whose Actions contain "*" and whose assignable scopes contain "/" or a subscription. OpenCIEM also counts management group scopes, which reach subscriptions. One result per custom role listed for the subscription; a subscription without custom roles passes as a whole. Unknown without role definition rows for the subscription.',
     NULL, '{azure_authorization_role_definitions}'),
    ('5.24', 39, 'Ensure that a custom role is assigned permissions for administering resource locks', 'Level 2', NULL, NULL, NULL,
     'The benchmark assesses it manually: the data shows custom roles that allow Microsoft.Authorization/locks actions and who holds them (ciem.azure_effective_permissions), but which people should administer locks is the organisation''s decision.', '{}'),
    ('5.25', 40, 'Ensure that ''Subscription leaving Microsoft Entra tenant'' and ''Subscription entering Microsoft Entra tenant'' is set to ''Permit no one''', 'Level 2', NULL, NULL, NULL,
     'The tenant-level subscription policy that controls moving subscriptions out of and into the tenant is not in CloudQuery''s subscription tables.', '{}'),
    ('5.26', 41, 'Ensure fewer than 5 users have global administrator assignment', 'Level 1', NULL, NULL, NULL,
     'Global Administrator is a Microsoft Entra directory role; its members are in CloudQuery''s Entra ID plugin tables, which OpenCIEM does not read.', '{}'),
    ('5.27', 42, 'Ensure there are between 2 and 3 subscription owners', 'Level 1', 'medium', 'subscription',
     'Audit: Owner role assignments (role ID 8e3af657-a8ff-443c-a75c-2fe8c4bcb635) at exactly the subscription scope whose principalType is User, counted once per principal. Passes with 2 or 3, fails otherwise. Groups, service principals and assignments inherited from a management group are not counted, as in the audit. Unknown without role assignment rows for the subscription.',
     NULL, '{azure_authorization_role_assignments}'),
    ('5.28', 43, 'Ensure passwordless authentication methods are considered', 'Level 2', NULL, NULL, NULL, NULL, '{}')
  ) AS c(control_id, position, title, profile, severity, resource_type, how_decided, why_not, source_tables);

-- The subscriptions with any Azure data, and which inputs of the controls each has.
CREATE VIEW ciem.azure_compliance_subscription_data AS
WITH subscriptions AS (
    SELECT s.account_id FROM ciem.azure_subscriptions s
    UNION
    SELECT a.account_id FROM ciem.azure_role_assignments a
    UNION
    SELECT d.account_id FROM ciem.azure_role_definitions d
)
SELECT s.account_id,
       '/subscriptions/' || s.account_id AS subscription_scope,
       s.account_id IN (SELECT a.account_id FROM ciem.azure_role_assignments a) AS has_role_assignments,
       s.account_id IN (SELECT d.account_id FROM ciem.azure_role_definitions d) AS has_role_definitions
  FROM subscriptions s
 WHERE s.account_id IS NOT NULL;

COMMENT ON VIEW ciem.azure_compliance_subscription_data IS
    'One row per Azure subscription with data: whether role assignments and role definitions were synced for it.';

CREATE VIEW ciem.azure_compliance_results AS
WITH uaa AS (
    -- User Access Administrator, "Azure built-in roles".
    SELECT a.account_id,
           jsonb_agg(jsonb_build_object('principal_id', a.principal_id, 'principal_type', a.principal_type,
                                        'scope', a.scope, 'assignment_id', a.assignment_id, 'created_on', a.created_on)
                     ORDER BY a.scope, a.principal_id) AS assignments
      FROM ciem.azure_role_assignments a
     WHERE a.role_guid = '18d7d88d-d35e-4fb5-a5c3-773c6a72b9d9'
     GROUP BY a.account_id
),
custom_roles AS (
    SELECT d.account_id,
           d.definition_id,
           d.role_name,
           d.assignable_scopes,
           EXISTS (SELECT 1 FROM jsonb_array_elements(d.permissions) b, jsonb_array_elements_text(b -> 'actions') x WHERE x = '*') AS has_wildcard_action,
           ARRAY(SELECT s FROM unnest(d.assignable_scopes) s
                  WHERE ciem.azure_scope_type(s) IN ('management_group', 'subscription')) AS wide_scopes
      FROM ciem.azure_role_definitions d
     WHERE d.is_custom
),
owners AS (
    -- Owner, "Azure built-in roles".
    SELECT a.account_id,
           count(DISTINCT a.principal_id) AS owner_count,
           jsonb_agg(DISTINCT jsonb_build_object('principal_id', a.principal_id, 'assignment_id', a.assignment_id)) AS owners
      FROM ciem.azure_role_assignments a
     WHERE a.role_guid = '8e3af657-a8ff-443c-a75c-2fe8c4bcb635'
       AND lower(a.principal_type) = 'user'
       AND ciem.azure_scope_key(a.scope) = '/subscriptions/' || a.account_id
     GROUP BY a.account_id
),
results AS (
    SELECT '5.3.3'::text AS control_id,
           d.account_id,
           d.subscription_scope AS resource,
           CASE WHEN u.account_id IS NOT NULL THEN 'fail' WHEN d.has_role_assignments THEN 'pass' ELSE 'unknown' END AS status,
           CASE WHEN d.has_role_assignments OR u.account_id IS NOT NULL
                    THEN jsonb_build_object('user_access_administrator_assignments', coalesce(u.assignments, '[]'::jsonb))
                ELSE jsonb_build_object('missing', 'no row for the subscription in azure_authorization_role_assignments') END AS evidence
      FROM ciem.azure_compliance_subscription_data d
      LEFT JOIN uaa u ON u.account_id = d.account_id
    UNION ALL
    SELECT '5.23', c.account_id, c.definition_id,
           CASE WHEN c.has_wildcard_action AND cardinality(c.wide_scopes) > 0 THEN 'fail' ELSE 'pass' END,
           jsonb_build_object('role_name', c.role_name, 'wildcard_action', c.has_wildcard_action,
                              'assignable_scopes', to_jsonb(c.assignable_scopes), 'subscription_or_wider_scopes', to_jsonb(c.wide_scopes))
      FROM custom_roles c
    UNION ALL
    SELECT '5.23', d.account_id, d.subscription_scope,
           CASE WHEN d.has_role_definitions THEN 'pass' ELSE 'unknown' END,
           CASE WHEN d.has_role_definitions THEN jsonb_build_object('custom_roles', '[]'::jsonb)
                ELSE jsonb_build_object('missing', 'no row for the subscription in azure_authorization_role_definitions') END
      FROM ciem.azure_compliance_subscription_data d
     WHERE NOT EXISTS (SELECT 1 FROM custom_roles c WHERE c.account_id = d.account_id)
    UNION ALL
    SELECT '5.27', d.account_id, d.subscription_scope,
           CASE WHEN NOT d.has_role_assignments THEN 'unknown'
                WHEN coalesce(o.owner_count, 0) BETWEEN 2 AND 3 THEN 'pass'
                ELSE 'fail' END,
           CASE WHEN d.has_role_assignments
                    THEN jsonb_build_object('user_owner_count', coalesce(o.owner_count, 0), 'owners', coalesce(o.owners, '[]'::jsonb),
                                            'required', '2 to 3')
                ELSE jsonb_build_object('missing', 'no row for the subscription in azure_authorization_role_assignments') END
      FROM ciem.azure_compliance_subscription_data d
      LEFT JOIN owners o ON o.account_id = d.account_id
)
SELECT c.benchmark,
       c.version,
       r.control_id,
       c.title,
       r.account_id,
       r.resource,
       CASE WHEN r.resource LIKE '/subscriptions/%' AND ciem.azure_scope_type(r.resource) = 'subscription' THEN 'subscription'
            ELSE c.resource_type END AS resource_type,
       r.status,
       r.evidence
  FROM results r
  JOIN ciem.compliance_controls c
    ON c.benchmark = 'CIS Microsoft Azure Foundations Benchmark' AND c.version = '5.0.0' AND c.control_id = r.control_id;

COMMENT ON VIEW ciem.azure_compliance_results IS
    'One row per decidable CIS Microsoft Azure Foundations Benchmark v5.0.0 control and resource judged (a subscription or a custom role definition), with the columns of ciem.compliance_results: status pass, fail, or unknown when the table needed has no rows for the subscription (evidence.missing).';

CREATE VIEW ciem.azure_compliance_findings AS
SELECT 'azure'::text AS cloud,
       r.account_id,
       r.resource AS identity_arn,
       r.resource_type AS identity_type,
       'compliance'::text AS category,
       c.severity,
       format('CIS Azure %s %s failed: %s', r.version, r.control_id, r.title) AS title,
       format('cis-azure-%s:%s', r.version, r.control_id) AS finding_key,
       jsonb_build_object('benchmark', r.benchmark, 'version', r.version, 'control_id', r.control_id,
                          'how_decided', c.how_decided)
       || r.evidence AS evidence
  FROM ciem.azure_compliance_results r
  JOIN ciem.compliance_controls c USING (benchmark, version, control_id)
 WHERE r.status = 'fail';

COMMENT ON VIEW ciem.azure_compliance_findings IS
    'One finding per failed CIS Microsoft Azure Foundations Benchmark control and resource (category compliance).';

INSERT INTO ciem.finding_sources (source_name, relation, description) VALUES
    ('cis_azure_v5_identity', 'ciem.azure_compliance_findings', 'Failed controls of the CIS Microsoft Azure Foundations Benchmark v5.0.0, section 5 (Identity Services).');
