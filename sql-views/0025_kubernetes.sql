-- Kubernetes RBAC: identities, grants, effective permissions, findings, cross-namespace trust and
-- the RBAC controls of the CIS Kubernetes Benchmark v1.9.0 (section 5.1), read from CloudQuery's
-- Kubernetes source plugin tables. Column names follow the plugin's generated table docs at tree
-- 9bcb0bd4c0 (plugin v6.2.4, 2024-08-07, the last open tree); CloudQuery's own CIS SQL for
-- plugin v8.3.2 reads the same names. One cluster is one kube context (column context), which is
-- the account_id of every relation below.
--
-- Kubernetes behaviour follows the kubernetes.io page "Using RBAC Authorization" and the RBAC
-- authorizer of kubernetes/kubernetes (pkg/apis/rbac/v1/evaluation_helpers.go for rule matching,
-- pkg/registry/rbac/validation/rule.go for which bindings apply to whom, and
-- pkg/controller/clusterroleaggregation for aggregated ClusterRoles).

-- Sources. Optional, so that a database without Kubernetes data migrates without warnings.
INSERT INTO ciem.source_tables (table_name, optional, purpose)
SELECT t, true, 'Kubernetes RBAC (identities, effective permissions, findings and CIS Kubernetes controls)'
  FROM unnest(ARRAY[
      'k8s_rbac_roles', 'k8s_rbac_cluster_roles', 'k8s_rbac_role_bindings',
      'k8s_rbac_cluster_role_bindings', 'k8s_core_service_accounts'
  ]) AS t;

INSERT INTO ciem.source_columns (table_name, column_name, data_type, ordinal) VALUES
    ('k8s_rbac_roles', '_cq_id', 'uuid', 1),
    ('k8s_rbac_roles', '_cq_sync_time', 'timestamptz', 2),
    ('k8s_rbac_roles', 'context', 'text', 3),
    ('k8s_rbac_roles', 'uid', 'text', 4),
    ('k8s_rbac_roles', 'name', 'text', 5),
    ('k8s_rbac_roles', 'namespace', 'text', 6),
    ('k8s_rbac_roles', 'labels', 'jsonb', 7),
    ('k8s_rbac_roles', 'rules', 'jsonb', 8),
    ('k8s_rbac_cluster_roles', '_cq_id', 'uuid', 1),
    ('k8s_rbac_cluster_roles', '_cq_sync_time', 'timestamptz', 2),
    ('k8s_rbac_cluster_roles', 'context', 'text', 3),
    ('k8s_rbac_cluster_roles', 'uid', 'text', 4),
    ('k8s_rbac_cluster_roles', 'name', 'text', 5),
    ('k8s_rbac_cluster_roles', 'labels', 'jsonb', 6),
    ('k8s_rbac_cluster_roles', 'rules', 'jsonb', 7),
    ('k8s_rbac_cluster_roles', 'aggregation_rule', 'jsonb', 8),
    ('k8s_rbac_role_bindings', '_cq_id', 'uuid', 1),
    ('k8s_rbac_role_bindings', '_cq_sync_time', 'timestamptz', 2),
    ('k8s_rbac_role_bindings', 'context', 'text', 3),
    ('k8s_rbac_role_bindings', 'uid', 'text', 4),
    ('k8s_rbac_role_bindings', 'name', 'text', 5),
    ('k8s_rbac_role_bindings', 'namespace', 'text', 6),
    ('k8s_rbac_role_bindings', 'labels', 'jsonb', 7),
    ('k8s_rbac_role_bindings', 'subjects', 'jsonb', 8),
    ('k8s_rbac_role_bindings', 'role_ref', 'jsonb', 9),
    ('k8s_rbac_cluster_role_bindings', '_cq_id', 'uuid', 1),
    ('k8s_rbac_cluster_role_bindings', '_cq_sync_time', 'timestamptz', 2),
    ('k8s_rbac_cluster_role_bindings', 'context', 'text', 3),
    ('k8s_rbac_cluster_role_bindings', 'uid', 'text', 4),
    ('k8s_rbac_cluster_role_bindings', 'name', 'text', 5),
    ('k8s_rbac_cluster_role_bindings', 'labels', 'jsonb', 6),
    ('k8s_rbac_cluster_role_bindings', 'subjects', 'jsonb', 7),
    ('k8s_rbac_cluster_role_bindings', 'role_ref', 'jsonb', 8),
    ('k8s_core_service_accounts', '_cq_id', 'uuid', 1),
    ('k8s_core_service_accounts', '_cq_sync_time', 'timestamptz', 2),
    ('k8s_core_service_accounts', 'context', 'text', 3),
    ('k8s_core_service_accounts', 'uid', 'text', 4),
    ('k8s_core_service_accounts', 'name', 'text', 5),
    ('k8s_core_service_accounts', 'namespace', 'text', 6),
    ('k8s_core_service_accounts', 'labels', 'jsonb', 7),
    ('k8s_core_service_accounts', 'automount_service_account_token', 'boolean', 8);

SELECT ciem.bind_sources(ciem.source_schema());

-- JSON helpers. CloudQuery marshals the Kubernetes API types with their json tags (camelCase,
-- fields omitted when empty). A list may therefore be absent, JSON null or an array, and these
-- functions read all three without failing.

CREATE FUNCTION ciem.k8s_array(value jsonb) RETURNS jsonb
LANGUAGE sql IMMUTABLE
AS $$
    SELECT CASE WHEN jsonb_typeof(value) = 'array' THEN value ELSE '[]'::jsonb END
$$;

CREATE FUNCTION ciem.k8s_strings(value jsonb) RETURNS text[]
LANGUAGE sql IMMUTABLE
AS $$
    SELECT coalesce(array_agg(e.item ORDER BY e.position), '{}')
      FROM jsonb_array_elements_text(ciem.k8s_array(value)) WITH ORDINALITY AS e(item, position)
$$;

CREATE FUNCTION ciem.k8s_object(value jsonb) RETURNS jsonb
LANGUAGE sql IMMUTABLE
AS $$
    SELECT CASE WHEN jsonb_typeof(value) = 'object' THEN value ELSE '{}'::jsonb END
$$;

-- A PolicyRule with its five lists always present, in the order of the API type. Absent and
-- empty lists compare equal, as the aggregation controller's semantic equality has them.
CREATE FUNCTION ciem.k8s_rule(rule jsonb) RETURNS jsonb
LANGUAGE sql IMMUTABLE
AS $$
    SELECT jsonb_build_object(
        'verbs', to_jsonb(ciem.k8s_strings(rule -> 'verbs')),
        'apiGroups', to_jsonb(ciem.k8s_strings(rule -> 'apiGroups')),
        'resources', to_jsonb(ciem.k8s_strings(rule -> 'resources')),
        'resourceNames', to_jsonb(ciem.k8s_strings(rule -> 'resourceNames')),
        'nonResourceURLs', to_jsonb(ciem.k8s_strings(rule -> 'nonResourceURLs')))
$$;

COMMENT ON FUNCTION ciem.k8s_rule(jsonb) IS
    'A Kubernetes PolicyRule with verbs, apiGroups, resources, resourceNames and nonResourceURLs always present as arrays.';

-- One matchExpressions entry of a label selector (metav1.LabelSelectorRequirement).
-- NOTE: in Kubernetes an unknown operator makes the whole selector invalid, and the controller
-- then leaves the aggregated role unchanged. Here only that expression fails to match.
CREATE FUNCTION ciem.k8s_selector_expression_matches(expression jsonb, labels jsonb) RETURNS boolean
LANGUAGE sql IMMUTABLE
AS $$
    SELECT CASE expression ->> 'operator'
               WHEN 'In' THEN ciem.k8s_object(labels) ->> (expression ->> 'key') = ANY (ciem.k8s_strings(expression -> 'values'))
               WHEN 'NotIn' THEN NOT coalesce(ciem.k8s_object(labels) ->> (expression ->> 'key') = ANY (ciem.k8s_strings(expression -> 'values')), false)
               WHEN 'Exists' THEN ciem.k8s_object(labels) ? (expression ->> 'key')
               WHEN 'DoesNotExist' THEN NOT ciem.k8s_object(labels) ? (expression ->> 'key')
               ELSE false
           END
$$;

-- A label selector (metav1.LabelSelector): every matchLabels pair and every matchExpressions entry
-- must hold. An empty selector matches every object, as LabelSelectorAsSelector makes it.
CREATE FUNCTION ciem.k8s_selector_matches(selector jsonb, labels jsonb) RETURNS boolean
LANGUAGE sql IMMUTABLE
AS $$
    SELECT jsonb_typeof(selector) = 'object'
       AND NOT EXISTS (
               SELECT 1
                 FROM jsonb_each_text(ciem.k8s_object(selector -> 'matchLabels')) AS wanted(key, value)
                WHERE ciem.k8s_object(labels) ->> wanted.key IS DISTINCT FROM wanted.value)
       AND NOT EXISTS (
               SELECT 1
                 FROM jsonb_array_elements(ciem.k8s_array(selector -> 'matchExpressions')) AS e(expression)
                WHERE NOT coalesce(ciem.k8s_selector_expression_matches(e.expression, labels), false))
$$;

COMMENT ON FUNCTION ciem.k8s_selector_matches(jsonb, jsonb) IS
    'Whether a Kubernetes label selector (matchLabels and matchExpressions with In, NotIn, Exists, DoesNotExist) selects an object with these labels.';

-- Kubernetes creates its default roles and bindings with the label
-- kubernetes.io/bootstrapping=rbac-defaults and reserves the system: prefix for itself
-- ("Using RBAC Authorization", Default roles and role bindings).
CREATE FUNCTION ciem.k8s_is_default_object(name text, labels jsonb) RETURNS boolean
LANGUAGE sql IMMUTABLE
AS $$
    SELECT coalesce(ciem.k8s_object(labels) ->> 'kubernetes.io/bootstrapping' = 'rbac-defaults', false)
           OR coalesce(name LIKE 'system:%', false)
$$;

-- Whether a rule element (verb, API group, resource) covers a requested one, as the RBAC
-- authorizer decides it: "*" covers every verb, every API group and every resource, and
-- "*/<subresource>" covers that subresource of every resource. A requested verb "*" stands for
-- any verb, for the checks that care about a resource whatever is done with it.
CREATE FUNCTION ciem.k8s_rule_covers(rule_verb text, rule_api_group text, rule_resource text,
                                     verb text, api_group text, resource text) RETURNS boolean
LANGUAGE sql IMMUTABLE
AS $$
    SELECT (rule_verb = '*' OR verb = '*' OR rule_verb = verb)
       AND (rule_api_group = '*' OR rule_api_group = api_group)
       AND (rule_resource = '*'
            OR rule_resource = resource
            OR (position('/' IN resource) > 0
                AND rule_resource = '*/' || substr(resource, position('/' IN resource) + 1)))
$$;

COMMENT ON FUNCTION ciem.k8s_rule_covers(text, text, text, text, text, text) IS
    'Whether one verb, API group and resource of an RBAC rule cover a requested verb, API group and resource (with subresource, as pods/exec), following the RBAC authorizer''s wildcard rules.';

-- The permission text of one rule element: "<verb> <resource>" for the core API group,
-- "<verb> <group>/<resource>" for the others and "<verb> <non-resource URL>".
CREATE FUNCTION ciem.k8s_permission_text(verb text, api_group text, resource text, non_resource_url text) RETURNS text
LANGUAGE sql IMMUTABLE
AS $$
    SELECT verb || ' ' || CASE WHEN non_resource_url IS NOT NULL THEN non_resource_url
                               WHEN api_group = '' THEN resource
                               ELSE api_group || '/' || resource END
$$;

-- Clusters: every context that has rows in any of the RBAC or service account tables.
CREATE VIEW ciem.k8s_clusters AS
SELECT context AS account_id,
       bool_or(source = 'cluster_roles') AS has_cluster_roles,
       bool_or(source = 'cluster_role_bindings') AS has_cluster_role_bindings,
       bool_or(source = 'service_accounts') AS has_service_accounts
  FROM (SELECT context, 'roles' AS source FROM ciem.stg_k8s_rbac_roles
        UNION ALL SELECT context, 'cluster_roles' FROM ciem.stg_k8s_rbac_cluster_roles
        UNION ALL SELECT context, 'role_bindings' FROM ciem.stg_k8s_rbac_role_bindings
        UNION ALL SELECT context, 'cluster_role_bindings' FROM ciem.stg_k8s_rbac_cluster_role_bindings
        UNION ALL SELECT context, 'service_accounts' FROM ciem.stg_k8s_core_service_accounts) s
 WHERE context IS NOT NULL
 GROUP BY context;

COMMENT ON VIEW ciem.k8s_clusters IS
    'One row per Kubernetes cluster (kube context) in the data, with which of the RBAC and service account tables hold rows for it.';

-- Aggregated ClusterRoles. The clusterrole-aggregation controller sets the rules of a ClusterRole
-- with an aggregationRule to the union of the rules of every other ClusterRole that one of its
-- clusterRoleSelectors selects. CloudQuery and kubectl read ClusterRoles from the API server, so
-- for a live cluster the stored rules already hold that union. Files written by hand or from
-- manifests may hold an empty rules list, so the union is also computed here, transitively.
CREATE VIEW ciem.k8s_cluster_role_aggregation AS
WITH RECURSIVE selected AS (
    SELECT a.context, a.name AS aggregated_role, m.name AS selected_role
      FROM ciem.stg_k8s_rbac_cluster_roles a
      JOIN ciem.stg_k8s_rbac_cluster_roles m ON m.context = a.context AND m.name <> a.name
     WHERE EXISTS (SELECT 1
                     FROM jsonb_array_elements(ciem.k8s_array(a.aggregation_rule -> 'clusterRoleSelectors')) AS s(selector)
                    WHERE ciem.k8s_selector_matches(s.selector, m.labels))
),
reached (context, aggregated_role, selected_role, chain) AS (
    SELECT s.context, s.aggregated_role, s.selected_role, ARRAY[s.aggregated_role, s.selected_role]
      FROM selected s
    UNION ALL
    SELECT r.context, r.aggregated_role, s.selected_role, r.chain || s.selected_role
      FROM reached r
      JOIN selected s ON s.context = r.context AND s.aggregated_role = r.selected_role
     WHERE NOT s.selected_role = ANY (r.chain)
)
SELECT DISTINCT ON (context, aggregated_role, selected_role)
       context AS account_id, aggregated_role, selected_role, chain
  FROM reached
 ORDER BY context, aggregated_role, selected_role, cardinality(chain);

COMMENT ON VIEW ciem.k8s_cluster_role_aggregation IS
    'One row per aggregated ClusterRole and each ClusterRole whose rules it receives, directly or through another aggregated role (chain, shortest first).';

-- Every rule each Role and ClusterRole grants: its stored rules, and for an aggregated ClusterRole
-- the rules of the roles it selects.
CREATE MATERIALIZED VIEW ciem.k8s_role_rules AS
WITH roles AS (
    SELECT r.context, 'Role'::text AS role_kind, nullif(r.namespace, '') AS role_namespace, r.name AS role_name, r.rules
      FROM ciem.stg_k8s_rbac_roles r
    UNION ALL
    SELECT c.context, 'ClusterRole', NULL, c.name, c.rules
      FROM ciem.stg_k8s_rbac_cluster_roles c
),
granted AS (
    SELECT r.context, r.role_kind, r.role_namespace, r.role_name, ciem.k8s_rule(e.rule) AS rule, NULL::text AS aggregated_from
      FROM roles r
     CROSS JOIN LATERAL jsonb_array_elements(ciem.k8s_array(r.rules)) AS e(rule)
    UNION ALL
    SELECT a.account_id, 'ClusterRole', NULL, a.aggregated_role, ciem.k8s_rule(e.rule), a.selected_role
      FROM ciem.k8s_cluster_role_aggregation a
      JOIN ciem.stg_k8s_rbac_cluster_roles m ON m.context = a.account_id AND m.name = a.selected_role
     CROSS JOIN LATERAL jsonb_array_elements(ciem.k8s_array(m.rules)) AS e(rule)
)
SELECT g.context AS account_id,
       CASE g.role_kind WHEN 'Role' THEN 'Role:' || g.role_namespace || '/' || g.role_name
                        ELSE 'ClusterRole:' || g.role_name END AS role_id,
       g.role_kind,
       g.role_namespace,
       g.role_name,
       g.rule,
       bool_or(g.aggregated_from IS NULL) AS stored,
       coalesce(array_agg(DISTINCT g.aggregated_from) FILTER (WHERE g.aggregated_from IS NOT NULL), '{}') AS aggregated_from,
       ciem.k8s_strings(g.rule -> 'verbs') AS verbs,
       ciem.k8s_strings(g.rule -> 'apiGroups') AS api_groups,
       ciem.k8s_strings(g.rule -> 'resources') AS resources,
       ciem.k8s_strings(g.rule -> 'resourceNames') AS resource_names,
       ciem.k8s_strings(g.rule -> 'nonResourceURLs') AS non_resource_urls
  FROM granted g
 WHERE g.context IS NOT NULL AND g.role_name IS NOT NULL
   -- A Role outside any namespace cannot exist, and no binding could reach it.
   AND (g.role_kind = 'ClusterRole' OR g.role_namespace IS NOT NULL)
 GROUP BY g.context, g.role_kind, g.role_namespace, g.role_name, g.rule
WITH NO DATA;

CREATE UNIQUE INDEX k8s_role_rules_key ON ciem.k8s_role_rules (account_id, role_id, rule);

COMMENT ON MATERIALIZED VIEW ciem.k8s_role_rules IS
    'One row per rule a Role or ClusterRole grants. stored: the rule is in the role''s own rules list; aggregated_from: the ClusterRoles selected by its aggregationRule that hold the rule.';

-- One row per subject of every RoleBinding and ClusterRoleBinding.
CREATE VIEW ciem.k8s_binding_subjects AS
WITH bindings AS (
    SELECT b.context, 'RoleBinding'::text AS binding_kind, nullif(b.namespace, '') AS binding_namespace, b.name AS binding_name,
           b.labels, b.subjects, b.role_ref
      FROM ciem.stg_k8s_rbac_role_bindings b
    UNION ALL
    SELECT b.context, 'ClusterRoleBinding', NULL, b.name, b.labels, b.subjects, b.role_ref
      FROM ciem.stg_k8s_rbac_cluster_role_bindings b
),
subjects AS (
    SELECT b.*,
           s.subject,
           s.position,
           s.subject ->> 'kind' AS subject_kind,
           s.subject ->> 'name' AS subject_name,
           -- A ServiceAccount subject without a namespace means the binding's own namespace in a
           -- RoleBinding, and nothing in a ClusterRoleBinding (appliesToUser in the authorizer).
           CASE WHEN s.subject ->> 'kind' = 'ServiceAccount'
                THEN coalesce(nullif(s.subject ->> 'namespace', ''), b.binding_namespace) END AS subject_namespace
      FROM bindings b
     CROSS JOIN LATERAL jsonb_array_elements(ciem.k8s_array(b.subjects)) WITH ORDINALITY AS s(subject, position)
)
SELECT s.context AS account_id,
       s.binding_kind,
       s.binding_namespace,
       s.binding_name,
       CASE s.binding_kind WHEN 'RoleBinding' THEN 'RoleBinding:' || s.binding_namespace || '/' || s.binding_name
                           ELSE 'ClusterRoleBinding:' || s.binding_name END AS binding_id,
       ciem.k8s_is_default_object(s.binding_name, s.labels) AS is_default_binding,
       s.role_ref ->> 'kind' AS role_kind,
       s.role_ref ->> 'name' AS role_name,
       -- A RoleBinding's Role is the Role of that name in the binding's namespace.
       CASE s.role_ref ->> 'kind'
           WHEN 'Role' THEN 'Role:' || s.binding_namespace || '/' || (s.role_ref ->> 'name')
           WHEN 'ClusterRole' THEN 'ClusterRole:' || (s.role_ref ->> 'name')
       END AS role_id,
       CASE s.binding_kind WHEN 'RoleBinding' THEN 'namespace' ELSE 'cluster' END AS scope_type,
       CASE s.binding_kind WHEN 'RoleBinding' THEN s.binding_namespace ELSE s.context END AS scope,
       s.position::integer AS subject_index,
       s.subject,
       s.subject_kind,
       s.subject_name,
       s.subject_namespace,
       CASE s.subject_kind
           WHEN 'ServiceAccount' THEN 'ServiceAccount:' || s.subject_namespace || '/' || s.subject_name
           -- A service account's user name is system:serviceaccount:<namespace>:<name>, so a User
           -- subject with that name is the service account itself.
           WHEN 'User' THEN CASE WHEN s.subject_name ~ '^system:serviceaccount:[^:]+:[^:]+$'
                                 THEN 'ServiceAccount:' || split_part(s.subject_name, ':', 3) || '/' || split_part(s.subject_name, ':', 4)
                                 ELSE 'User:' || s.subject_name END
           WHEN 'Group' THEN 'Group:' || s.subject_name
       END AS identity_id
  FROM subjects s
 WHERE s.context IS NOT NULL
   AND (s.binding_kind = 'ClusterRoleBinding' OR s.binding_namespace IS NOT NULL)
   AND s.subject_kind IN ('User', 'Group', 'ServiceAccount')
   AND coalesce(s.subject_name, '') <> ''
   AND (s.subject_kind <> 'ServiceAccount' OR s.subject_namespace IS NOT NULL);

COMMENT ON VIEW ciem.k8s_binding_subjects IS
    'One row per subject of a RoleBinding or ClusterRoleBinding: the identity it names (User:<name>, Group:<name>, ServiceAccount:<namespace>/<name>), the role it grants and the scope (namespace of a RoleBinding, or the whole cluster).';

-- The type of an identity id. system:anonymous is the user of unauthenticated requests and
-- system:unauthenticated their group ("Authenticating", anonymous requests), so both are public.
CREATE FUNCTION ciem.k8s_identity_type(identity_id text) RETURNS text
LANGUAGE sql IMMUTABLE
AS $$
    SELECT CASE
               WHEN identity_id IN ('User:system:anonymous', 'Group:system:unauthenticated') THEN 'public'
               WHEN identity_id LIKE 'User:%' THEN 'user'
               WHEN identity_id LIKE 'Group:%' THEN 'group'
               WHEN identity_id LIKE 'ServiceAccount:%' THEN 'service_account'
           END
$$;

-- Identities: every service account, and every user, group and service account a binding names.
CREATE VIEW ciem.k8s_identities AS
WITH named AS (
    SELECT b.account_id, b.identity_id FROM ciem.k8s_binding_subjects b
    UNION
    SELECT a.context, 'ServiceAccount:' || a.namespace || '/' || a.name
      FROM ciem.stg_k8s_core_service_accounts a
     WHERE a.context IS NOT NULL AND coalesce(a.namespace, '') <> '' AND coalesce(a.name, '') <> ''
),
parsed AS (
    SELECT n.account_id,
           n.identity_id,
           ciem.k8s_identity_type(n.identity_id) AS identity_type,
           split_part(n.identity_id, ':', 1) AS kind,
           substr(n.identity_id, position(':' IN n.identity_id) + 1) AS subject
      FROM named n
),
service_account_bindings AS (
    SELECT b.account_id, b.identity_id, bool_and(b.is_default_binding) AS only_default_bindings
      FROM ciem.k8s_binding_subjects b
     WHERE b.identity_id LIKE 'ServiceAccount:%'
     GROUP BY b.account_id, b.identity_id
)
SELECT 'kubernetes'::text AS cloud,
       p.account_id,
       p.identity_id,
       p.identity_type,
       CASE p.kind WHEN 'ServiceAccount' THEN split_part(p.subject, '/', 2) ELSE p.subject END AS display_name,
       -- The namespace of a service account plays the part of an IAM path.
       CASE p.kind WHEN 'ServiceAccount' THEN split_part(p.subject, '/', 1) END AS path,
       -- The plugin skips metadata.creationTimestamp (client/transformers.go), and Kubernetes
       -- records no last use of an identity, so both dates stay NULL.
       NULL::timestamptz AS created_at,
       NULL::timestamptz AS last_used_at,
       NULL::text AS permissions_boundary_arn,
       CASE
           -- Kubernetes' own users and groups (system:kube-scheduler, system:masters, system:nodes),
           -- but not the groups that stand for every authenticated user or service account, whose
           -- bindings are the cluster's choice.
           WHEN p.kind IN ('User', 'Group')
               THEN p.subject LIKE 'system:%'
                    AND p.subject NOT IN ('system:anonymous', 'system:unauthenticated', 'system:authenticated', 'system:serviceaccounts')
                    AND p.subject NOT LIKE 'system:serviceaccounts:%'
           -- Controller service accounts in kube-system that only Kubernetes' default bindings name.
           ELSE split_part(p.subject, '/', 1) = 'kube-system' AND coalesce(s.only_default_bindings, false)
       END AS is_service_linked
  FROM parsed p
  LEFT JOIN service_account_bindings s ON s.account_id = p.account_id AND s.identity_id = p.identity_id;

COMMENT ON VIEW ciem.k8s_identities IS
    'One row per Kubernetes identity of every cluster (account_id is the kube context): service accounts, and the users, groups and service accounts that bindings name. identity_id is User:<name>, Group:<name> or ServiceAccount:<namespace>/<name>; is_service_linked marks Kubernetes'' own system: identities.';

-- Grants with the group that carries them. Besides its own bindings, an identity receives the
-- bindings of the groups Kubernetes puts every request of it in ("Using RBAC Authorization",
-- Referring to subjects; "Authenticating"): a service account is in system:serviceaccounts,
-- system:serviceaccounts:<namespace> and system:authenticated, every other user in
-- system:authenticated, and system:anonymous in system:unauthenticated. Other group memberships
-- come from the authenticator and are not in the data.
CREATE VIEW ciem.k8s_subject_grants AS
WITH identities AS MATERIALIZED (
    SELECT i.account_id, i.identity_id, i.identity_type, i.path FROM ciem.k8s_identities i
),
memberships AS (
    SELECT i.account_id, i.identity_id, i.identity_type, i.identity_id AS granted_through, 'direct'::text AS via
      FROM identities i
    UNION ALL
    SELECT i.account_id, i.identity_id, i.identity_type, g.group_id, 'group'
      FROM identities i
     CROSS JOIN LATERAL unnest(ARRAY['Group:system:serviceaccounts',
                                     'Group:system:serviceaccounts:' || i.path,
                                     'Group:system:authenticated']) AS g(group_id)
     WHERE i.identity_type = 'service_account'
    UNION ALL
    SELECT i.account_id, i.identity_id, i.identity_type, 'Group:system:authenticated', 'group'
      FROM identities i
     WHERE i.identity_type = 'user'
    UNION ALL
    SELECT i.account_id, i.identity_id, i.identity_type, 'Group:system:unauthenticated', 'public'
      FROM identities i
     WHERE i.identity_id = 'User:system:anonymous'
)
SELECT DISTINCT
       m.account_id,
       m.identity_id,
       m.identity_type,
       b.role_id,
       b.role_kind,
       b.role_name,
       b.scope_type,
       b.scope,
       m.via,
       m.granted_through,
       b.binding_kind,
       b.binding_namespace,
       b.binding_name,
       b.binding_id,
       b.is_default_binding
  FROM memberships m
  JOIN ciem.k8s_binding_subjects b ON b.account_id = m.account_id AND b.identity_id = m.granted_through;

COMMENT ON VIEW ciem.k8s_subject_grants IS
    'One row per identity and binding that grants it a role: directly (via direct) or through system:serviceaccounts, system:serviceaccounts:<namespace>, system:authenticated (via group) or system:unauthenticated (via public), named in granted_through.';

CREATE VIEW ciem.k8s_identity_grants AS
SELECT DISTINCT
       'kubernetes'::text AS cloud,
       g.account_id,
       g.identity_id,
       g.identity_type,
       g.role_id,
       g.role_name,
       g.scope_type,
       g.scope,
       g.via,
       NULL::jsonb AS condition,
       false AS is_conditional,
       g.binding_id AS grant_id
  FROM ciem.k8s_subject_grants g;

COMMENT ON VIEW ciem.k8s_identity_grants IS
    'One row per Kubernetes identity, role (Role:<namespace>/<name> or ClusterRole:<name>) and binding (grant_id): scope namespace for a RoleBinding, cluster for a ClusterRoleBinding. RBAC has no conditions, so condition is always NULL.';

-- One entry of granted_by: the role, the binding, how the identity receives it and the subject the
-- binding names. The rule itself is in ciem.k8s_role_rules; repeating it on every permission
-- doubled the size of the relation.
CREATE FUNCTION ciem.k8s_grant_detail(role_id text, binding_id text, via text, subject text, default_binding boolean,
                                      aggregated_from text[]) RETURNS jsonb
LANGUAGE sql IMMUTABLE
AS $$
    SELECT jsonb_build_object('role', role_id, 'binding', binding_id, 'via', via, 'subject', subject,
                              'default_binding', default_binding)
           || CASE WHEN cardinality(aggregated_from) > 0 THEN jsonb_build_object('aggregated_from', to_jsonb(aggregated_from))
                   ELSE '{}'::jsonb END
$$;

-- Effective permissions: every verb on every resource (or non-resource URL) that the rules of
-- an identity's roles grant, at the scope of the binding. Permissions are additive, with no deny
-- rules, so every row is allowed. Wildcards stay as written, because the data contains no list of
-- the cluster's resources to expand them with.
CREATE MATERIALIZED VIEW ciem.k8s_effective_permissions AS
WITH granted_rules AS MATERIALIZED (
    -- Each grant with each rule of its role, and the grant's entry of granted_by built once here
    -- rather than once per verb and resource.
    SELECT g.account_id, g.identity_id, g.identity_type, g.scope_type, g.scope,
           rr.verbs, rr.api_groups, rr.resources, rr.resource_names, rr.non_resource_urls,
           ciem.k8s_grant_detail(g.role_id, g.binding_id, g.via, g.granted_through, g.is_default_binding, rr.aggregated_from) AS grant_detail
      FROM ciem.k8s_subject_grants g
      JOIN ciem.k8s_role_rules rr ON rr.account_id = g.account_id AND rr.role_id = g.role_id
),
elements AS (
    SELECT r.account_id, r.identity_id, r.identity_type, r.scope_type, r.scope,
           v.verb, ag.api_group, res.resource, NULL::text AS non_resource_url, r.resource_names, r.grant_detail
      FROM granted_rules r
     CROSS JOIN LATERAL unnest(r.verbs) AS v(verb)
     CROSS JOIN LATERAL unnest(r.api_groups) AS ag(api_group)
     CROSS JOIN LATERAL unnest(r.resources) AS res(resource)
    UNION ALL
    -- Requests for non-resource URLs carry no namespace, so only ClusterRoleBindings grant them
    -- ("Using RBAC Authorization": they must be in a ClusterRole bound with a ClusterRoleBinding).
    SELECT r.account_id, r.identity_id, r.identity_type, r.scope_type, r.scope,
           v.verb, NULL, NULL, u.url, '{}'::text[], r.grant_detail
      FROM granted_rules r
     CROSS JOIN LATERAL unnest(r.verbs) AS v(verb)
     CROSS JOIN LATERAL unnest(r.non_resource_urls) AS u(url)
     WHERE r.scope_type = 'cluster'
)
SELECT 'kubernetes'::text AS cloud,
       e.account_id,
       e.identity_id,
       ciem.k8s_permission_text(e.verb, e.api_group, e.resource, e.non_resource_url) AS permission,
       e.scope_type,
       e.scope,
       'allowed'::text AS decision,
       jsonb_agg(DISTINCT e.grant_detail) AS granted_by,
       e.identity_type,
       e.verb,
       e.api_group,
       e.resource,
       e.resource_names,
       e.non_resource_url,
       md5(concat_ws(E'\x1f', e.account_id, e.identity_id, e.scope_type, e.scope, e.verb,
                     coalesce(e.api_group, E'\x1e'), coalesce(e.resource, E'\x1e'), coalesce(e.non_resource_url, E'\x1e'),
                     array_to_string(e.resource_names, E'\x1d'))) AS permission_id
  FROM elements e
 GROUP BY e.account_id, e.identity_id, e.identity_type, e.scope_type, e.scope, e.verb, e.api_group, e.resource,
          e.non_resource_url, e.resource_names
WITH NO DATA;

CREATE UNIQUE INDEX k8s_effective_permissions_key ON ciem.k8s_effective_permissions (permission_id);
CREATE INDEX k8s_effective_permissions_identity ON ciem.k8s_effective_permissions (account_id, identity_id);
CREATE INDEX k8s_effective_permissions_admin ON ciem.k8s_effective_permissions (account_id, identity_id)
 WHERE verb = '*' AND api_group = '*' AND resource = '*';

COMMENT ON MATERIALIZED VIEW ciem.k8s_effective_permissions IS
    'One row per Kubernetes identity, verb, API group and resource (or non-resource URL), scope and resourceNames list (empty: every name) that its roles allow. permission is "<verb> <resource>" for the core group, "<verb> <group>/<resource>" otherwise, "<verb> <url>" for non-resource URLs; "*" patterns are kept. granted_by lists role, binding, via, subject and aggregated_from.';

INSERT INTO ciem.refresh_relations (position, relation_name) VALUES
    (600, 'k8s_role_rules'),
    (610, 'k8s_effective_permissions');

-- Decides one request as "kubectl auth can-i" does. Namespace NULL means a cluster-wide request,
-- which only ClusterRoleBindings allow. Name NULL means a request without an object name (list,
-- create), which rules limited to resourceNames never allow.
CREATE FUNCTION ciem.k8s_can(p_context text, p_identity_id text, p_verb text, p_api_group text, p_resource text,
                             p_namespace text DEFAULT NULL, p_name text DEFAULT NULL) RETURNS jsonb
LANGUAGE sql STABLE
AS $$
    SELECT jsonb_build_object(
               'decision', CASE WHEN count(p.permission_id) > 0 THEN 'allowed' ELSE 'denied' END,
               'permissions', coalesce(jsonb_agg(jsonb_build_object('permission', p.permission, 'scope_type', p.scope_type,
                                                                    'scope', p.scope, 'resource_names', to_jsonb(p.resource_names),
                                                                    'granted_by', p.granted_by)
                                                 ORDER BY p.permission, p.scope) FILTER (WHERE p.permission_id IS NOT NULL),
                                       '[]'::jsonb))
      FROM ciem.k8s_effective_permissions p
     WHERE p.account_id = p_context
       AND p.identity_id = p_identity_id
       AND p.non_resource_url IS NULL
       AND ciem.k8s_rule_covers(p.verb, p.api_group, p.resource, p_verb, p_api_group, p_resource)
       AND (p.scope_type = 'cluster' OR (p.scope_type = 'namespace' AND p.scope = p_namespace))
       AND (cardinality(p.resource_names) = 0 OR p_name = ANY (p.resource_names))
$$;

COMMENT ON FUNCTION ciem.k8s_can(text, text, text, text, text, text, text) IS
    'Whether a Kubernetes identity may make a request (verb, API group, resource with subresource, namespace or NULL for cluster-wide, object name or NULL), with the permissions that allow it: {"decision": "allowed"|"denied", "permissions": [...]}.';

-- Named sets of requests that the finding rules and CIS controls look for. verb "*" means any verb.
CREATE TABLE ciem.k8s_sensitive_requests (
    request_set text NOT NULL,
    verb        text NOT NULL,
    api_group   text NOT NULL,
    resource    text NOT NULL,
    PRIMARY KEY (request_set, verb, api_group, resource)
);

COMMENT ON TABLE ciem.k8s_sensitive_requests IS
    'Requests (verb, API group, resource) that a finding rule or CIS control looks for, grouped in request sets; verb * stands for any verb.';

INSERT INTO ciem.k8s_sensitive_requests (request_set, verb, api_group, resource) VALUES
    -- "Using RBAC Authorization", Privilege escalation prevention: escalate lets a subject write
    -- roles with permissions it lacks, bind lets it bind roles it does not hold, and impersonate
    -- lets it act as another user, group or service account ("Authenticating", User impersonation).
    ('escalate', 'escalate', 'rbac.authorization.k8s.io', 'roles'),
    ('escalate', 'escalate', 'rbac.authorization.k8s.io', 'clusterroles'),
    ('bind', 'bind', 'rbac.authorization.k8s.io', 'roles'),
    ('bind', 'bind', 'rbac.authorization.k8s.io', 'clusterroles'),
    ('impersonate', 'impersonate', '', 'users'),
    ('impersonate', 'impersonate', '', 'groups'),
    ('impersonate', 'impersonate', '', 'serviceaccounts'),
    ('impersonate', 'impersonate', 'authentication.k8s.io', 'uids'),
    -- kubectl exec creates pods/exec: a shell in a pod runs with the pod's service account token.
    ('pods_exec', 'create', '', 'pods/exec'),
    -- The TokenRequest API issues a token of any service account of the namespace.
    ('serviceaccount_token', 'create', '', 'serviceaccounts/token'),
    ('secrets_read', 'get', '', 'secrets'),
    ('secrets_read', 'list', '', 'secrets'),
    ('secrets_read', 'watch', '', 'secrets'),
    ('pods_create', 'create', '', 'pods'),
    ('persistent_volumes_create', 'create', '', 'persistentvolumes'),
    ('nodes_proxy', '*', '', 'nodes/proxy'),
    ('csr_approval', 'update', 'certificates.k8s.io', 'certificatesigningrequests/approval'),
    ('csr_approval', 'patch', 'certificates.k8s.io', 'certificatesigningrequests/approval'),
    ('webhook_configuration_write', 'create', 'admissionregistration.k8s.io', 'validatingwebhookconfigurations'),
    ('webhook_configuration_write', 'update', 'admissionregistration.k8s.io', 'validatingwebhookconfigurations'),
    ('webhook_configuration_write', 'patch', 'admissionregistration.k8s.io', 'validatingwebhookconfigurations'),
    ('webhook_configuration_write', 'delete', 'admissionregistration.k8s.io', 'validatingwebhookconfigurations'),
    ('webhook_configuration_write', 'deletecollection', 'admissionregistration.k8s.io', 'validatingwebhookconfigurations'),
    ('webhook_configuration_write', 'create', 'admissionregistration.k8s.io', 'mutatingwebhookconfigurations'),
    ('webhook_configuration_write', 'update', 'admissionregistration.k8s.io', 'mutatingwebhookconfigurations'),
    ('webhook_configuration_write', 'patch', 'admissionregistration.k8s.io', 'mutatingwebhookconfigurations'),
    ('webhook_configuration_write', 'delete', 'admissionregistration.k8s.io', 'mutatingwebhookconfigurations'),
    ('webhook_configuration_write', 'deletecollection', 'admissionregistration.k8s.io', 'mutatingwebhookconfigurations');

-- Identities whose permissions cover a request of a set, per scope, with those permissions.
-- Materialised, because every permission is compared with every request, and several finding
-- rules and CIS controls read the result.
CREATE MATERIALIZED VIEW ciem.k8s_sensitive_request_holders AS
SELECT p.account_id,
       p.identity_id,
       p.identity_type,
       s.request_set,
       p.scope_type,
       p.scope,
       bool_and(cardinality(p.resource_names) > 0) AS only_named_objects,
       array_agg(DISTINCT ciem.k8s_permission_text(s.verb, s.api_group, s.resource, NULL)) AS requests,
       array_agg(DISTINCT g.grant_detail ->> 'binding') AS bindings,
       jsonb_agg(DISTINCT jsonb_build_object('permission', p.permission, 'resource_names', to_jsonb(p.resource_names),
                                             'granted_by', p.granted_by)) AS permissions
  FROM ciem.k8s_effective_permissions p
  JOIN ciem.k8s_sensitive_requests s
    ON ciem.k8s_rule_covers(p.verb, p.api_group, p.resource, s.verb, s.api_group, s.resource)
 CROSS JOIN LATERAL jsonb_array_elements(p.granted_by) AS g(grant_detail)
 WHERE p.non_resource_url IS NULL
   -- Only permissions on a resource of a set, or on a pattern, can cover one of its requests.
   AND (p.resource = '*' OR p.resource LIKE '*/%' OR p.resource IN (SELECT r.resource FROM ciem.k8s_sensitive_requests r))
 GROUP BY p.account_id, p.identity_id, p.identity_type, s.request_set, p.scope_type, p.scope
WITH NO DATA;

CREATE UNIQUE INDEX k8s_sensitive_request_holders_key
    ON ciem.k8s_sensitive_request_holders (account_id, identity_id, request_set, scope_type, scope);

INSERT INTO ciem.refresh_relations (position, relation_name) VALUES (620, 'k8s_sensitive_request_holders');

COMMENT ON MATERIALIZED VIEW ciem.k8s_sensitive_request_holders IS
    'One row per identity, request set of ciem.k8s_sensitive_requests and scope where its permissions cover a request of the set; only_named_objects when every covering permission is limited to resourceNames.';

-- Admin-equivalent: every verb on every resource of every API group, on any object name. That is
-- the cluster-admin ClusterRole; through a RoleBinding it is full control of one namespace. The
-- other over-privilege findings skip a scope where the identity is admin-equivalent, or every
-- scope when it is admin-equivalent cluster-wide, as AWS admin-equivalent principals get no
-- escalation findings.
CREATE VIEW ciem.k8s_admin_equivalent AS
SELECT p.account_id,
       p.identity_id,
       p.identity_type,
       p.scope_type,
       p.scope,
       p.granted_by
  FROM ciem.k8s_effective_permissions p
 WHERE p.verb = '*' AND p.api_group = '*' AND p.resource = '*' AND cardinality(p.resource_names) = 0;

COMMENT ON VIEW ciem.k8s_admin_equivalent IS
    'One row per Kubernetes identity and scope where it may do every verb on every resource: the whole cluster (scope_type cluster) or one namespace.';

-- Evidence fields shared by the finding rules: whether the identity is Kubernetes' own.
CREATE VIEW ciem.k8s_finding_identities AS
SELECT i.account_id,
       i.identity_id,
       i.identity_type,
       i.is_service_linked,
       CASE WHEN i.is_service_linked THEN jsonb_build_object('built_in', true, 'user_changeable', false)
            ELSE '{}'::jsonb END AS changeability
  FROM ciem.k8s_identities i;

-- Findings about built-in identities stay at info: Kubernetes reconciles their default grants.
CREATE FUNCTION ciem.k8s_finding_severity(severity text, is_service_linked boolean) RETURNS text
LANGUAGE sql IMMUTABLE
AS $$
    SELECT CASE WHEN coalesce(is_service_linked, false) THEN 'info' ELSE severity END
$$;

CREATE VIEW ciem.k8s_admin_findings AS
SELECT 'kubernetes'::text AS cloud,
       a.account_id,
       a.identity_id AS identity_arn,
       a.identity_type,
       'admin_equivalent'::text AS category,
       ciem.k8s_finding_severity(CASE a.scope_type WHEN 'cluster' THEN 'critical' ELSE 'high' END, i.is_service_linked) AS severity,
       CASE a.scope_type WHEN 'cluster' THEN 'Allowed every verb on every resource in the cluster'
                         ELSE format('Allowed every verb on every resource in namespace %s', a.scope) END AS title,
       format('%s|admin:%s:%s', a.account_id, a.scope_type, a.scope) AS finding_key,
       jsonb_build_object('scope_type', a.scope_type, 'scope', a.scope, 'granted_by', a.granted_by,
                          'cluster_admin', EXISTS (SELECT 1 FROM jsonb_array_elements(a.granted_by) g
                                                    WHERE g.value ->> 'role' = 'ClusterRole:cluster-admin'))
       || coalesce(i.changeability, '{}'::jsonb) AS evidence
  FROM ciem.k8s_admin_equivalent a
  LEFT JOIN ciem.k8s_finding_identities i ON i.account_id = a.account_id AND i.identity_id = a.identity_id;

COMMENT ON VIEW ciem.k8s_admin_findings IS
    'admin_equivalent findings: Kubernetes identities allowed every verb on every resource, cluster-wide (critical) or in one namespace (high); info for Kubernetes'' own identities.';

-- Wildcards. A "*" verb covers every verb, writes included, and a "*" resource with a write verb
-- changes every resource of its API groups: infrastructure_modification. A "*" resource with a
-- read verb reads every resource of its groups, secrets included: data_exfiltration. An identity
-- gets at most one finding per category and scope. Rules limited to resourceNames are least
-- privilege and not reported.
CREATE VIEW ciem.k8s_wildcard_findings AS
WITH wildcards AS (
    SELECT p.account_id, p.identity_id, p.identity_type, p.scope_type, p.scope, p.permission, p.granted_by,
           CASE WHEN p.verb = '*' OR p.verb NOT IN ('get', 'list', 'watch') THEN 'infrastructure_modification'
                ELSE 'data_exfiltration' END AS category
      FROM ciem.k8s_effective_permissions p
     WHERE p.non_resource_url IS NULL
       AND (p.verb = '*' OR p.resource = '*')
       AND cardinality(p.resource_names) = 0
       AND NOT EXISTS (SELECT 1 FROM ciem.k8s_admin_equivalent a
                        WHERE a.account_id = p.account_id AND a.identity_id = p.identity_id
                          AND (a.scope_type = 'cluster' OR (a.scope_type = p.scope_type AND a.scope = p.scope)))
),
grouped AS (
    SELECT w.account_id, w.identity_id, w.identity_type, w.scope_type, w.scope, w.category,
           array_agg(DISTINCT w.permission ORDER BY w.permission) AS permissions,
           jsonb_agg(DISTINCT jsonb_build_object('permission', w.permission, 'granted_by', w.granted_by)) AS grants
      FROM wildcards w
     GROUP BY w.account_id, w.identity_id, w.identity_type, w.scope_type, w.scope, w.category
)
SELECT 'kubernetes'::text AS cloud,
       g.account_id,
       g.identity_id AS identity_arn,
       g.identity_type,
       g.category,
       ciem.k8s_finding_severity(CASE g.scope_type WHEN 'cluster' THEN 'high' ELSE 'medium' END, i.is_service_linked) AS severity,
       CASE WHEN g.category = 'infrastructure_modification'
            THEN format('Wildcard verbs or resources (%s) %s', array_to_string(g.permissions, ', '),
                        CASE g.scope_type WHEN 'cluster' THEN 'across the cluster' ELSE 'in namespace ' || g.scope END)
            ELSE format('Reads every resource (%s) %s', array_to_string(g.permissions, ', '),
                        CASE g.scope_type WHEN 'cluster' THEN 'across the cluster' ELSE 'in namespace ' || g.scope END)
       END AS title,
       format('%s|wildcard:%s:%s', g.account_id, g.scope_type, g.scope) AS finding_key,
       jsonb_build_object('scope_type', g.scope_type, 'scope', g.scope, 'permissions', to_jsonb(g.permissions), 'grants', g.grants)
       || coalesce(i.changeability, '{}'::jsonb) AS evidence
  FROM grouped g
  LEFT JOIN ciem.k8s_finding_identities i ON i.account_id = g.account_id AND i.identity_id = g.identity_id;

COMMENT ON VIEW ciem.k8s_wildcard_findings IS
    'Findings on "*" verbs and resources per identity and scope: infrastructure_modification when a wildcard permission writes, data_exfiltration when the wildcards only read.';

-- Secrets read in every namespace: get, list or watch on secrets through a ClusterRoleBinding.
-- list and watch return every secret with its data, so they are critical; get needs the names.
CREATE VIEW ciem.k8s_secret_access_findings AS
SELECT 'kubernetes'::text AS cloud,
       h.account_id,
       h.identity_id AS identity_arn,
       h.identity_type,
       'credentials_exposure'::text AS category,
       ciem.k8s_finding_severity(
           CASE WHEN h.requests && ARRAY['list secrets', 'watch secrets'] THEN 'critical' ELSE 'high' END,
           i.is_service_linked) AS severity,
       format('Reads secrets in every namespace (%s)', array_to_string(h.requests, ', ')) AS title,
       format('%s|secrets-all-namespaces', h.account_id) AS finding_key,
       jsonb_build_object('requests', to_jsonb(h.requests), 'permissions', h.permissions)
       || coalesce(i.changeability, '{}'::jsonb) AS evidence
  FROM ciem.k8s_sensitive_request_holders h
  LEFT JOIN ciem.k8s_finding_identities i ON i.account_id = h.account_id AND i.identity_id = h.identity_id
 WHERE h.request_set = 'secrets_read'
   AND h.scope_type = 'cluster'
   AND NOT h.only_named_objects
   AND NOT EXISTS (SELECT 1 FROM ciem.k8s_admin_equivalent a
                    WHERE a.account_id = h.account_id AND a.identity_id = h.identity_id AND a.scope_type = 'cluster');

COMMENT ON VIEW ciem.k8s_secret_access_findings IS
    'credentials_exposure findings: Kubernetes identities that may get, list or watch secrets in every namespace (a ClusterRoleBinding, not limited to resourceNames).';

-- Privilege escalation methods: each is a request set of ciem.k8s_sensitive_requests.
CREATE TABLE ciem.k8s_escalation_methods (
    method text PRIMARY KEY,
    label  text NOT NULL
);

COMMENT ON TABLE ciem.k8s_escalation_methods IS
    'Kubernetes privilege-escalation methods; the requests of each are the rows of ciem.k8s_sensitive_requests whose request_set is the method.';

INSERT INTO ciem.k8s_escalation_methods (method, label) VALUES
    ('escalate', 'the escalate verb on roles'),
    ('bind', 'the bind verb on roles'),
    ('impersonate', 'impersonation of users, groups or service accounts'),
    ('pods_exec', 'exec into pods'),
    ('serviceaccount_token', 'service account tokens');

-- One finding per identity, method and scope: critical cluster-wide, high in one namespace, and
-- medium when every covering rule is limited to resourceNames (bind on the roles admin, edit and
-- view only, say).
CREATE VIEW ciem.k8s_escalation_findings AS
SELECT 'kubernetes'::text AS cloud,
       h.account_id,
       h.identity_id AS identity_arn,
       h.identity_type,
       'privilege_escalation'::text AS category,
       ciem.k8s_finding_severity(
           CASE WHEN h.only_named_objects THEN 'medium' WHEN h.scope_type = 'cluster' THEN 'critical' ELSE 'high' END,
           i.is_service_linked) AS severity,
       format('Can escalate privileges with %s %s', m.label,
              CASE h.scope_type WHEN 'cluster' THEN 'across the cluster' ELSE 'in namespace ' || h.scope END) AS title,
       format('%s|escalation:%s:%s:%s', h.account_id, m.method, h.scope_type, h.scope) AS finding_key,
       jsonb_build_object('method', m.method, 'scope_type', h.scope_type, 'scope', h.scope, 'requests', to_jsonb(h.requests),
                          'only_named_objects', h.only_named_objects, 'permissions', h.permissions)
       || coalesce(i.changeability, '{}'::jsonb) AS evidence
  FROM ciem.k8s_sensitive_request_holders h
  JOIN ciem.k8s_escalation_methods m ON m.method = h.request_set
  LEFT JOIN ciem.k8s_finding_identities i ON i.account_id = h.account_id AND i.identity_id = h.identity_id
 WHERE NOT EXISTS (SELECT 1 FROM ciem.k8s_admin_equivalent a
                    WHERE a.account_id = h.account_id AND a.identity_id = h.identity_id
                      AND (a.scope_type = 'cluster' OR (a.scope_type = h.scope_type AND a.scope = h.scope)));

COMMENT ON VIEW ciem.k8s_escalation_findings IS
    'privilege_escalation findings: Kubernetes identities holding escalate or bind on roles, impersonate, create on pods/exec or create on serviceaccounts/token, per method and scope.';

-- Default service accounts that a binding names. A pod that names no service account runs as
-- the default one of its namespace, so anyone who may create pods there receives these grants.
-- Kubernetes' own default bindings are left out.
CREATE VIEW ciem.k8s_default_service_account_findings AS
WITH bound AS (
    SELECT b.account_id,
           b.identity_id,
           jsonb_agg(DISTINCT jsonb_build_object('binding', b.binding_id, 'role', b.role_id, 'scope_type', b.scope_type,
                                                 'scope', b.scope)) AS bindings
      FROM ciem.k8s_binding_subjects b
     WHERE b.identity_id ~ '^ServiceAccount:[^/]+/default$'
       AND NOT b.is_default_binding
     GROUP BY b.account_id, b.identity_id
)
SELECT 'kubernetes'::text AS cloud,
       b.account_id,
       b.identity_id AS identity_arn,
       'service_account'::text AS identity_type,
       'privilege_escalation'::text AS category,
       'medium'::text AS severity,
       'Default service account has role bindings that every pod of its namespace without a service account receives' AS title,
       format('%s|default-service-account-bindings', b.account_id) AS finding_key,
       jsonb_build_object('bindings', b.bindings,
                          -- Not set means true: Kubernetes mounts the token into pods.
                          'automount_service_account_token', a.automount_service_account_token,
                          'service_account_synced', a.uid IS NOT NULL) AS evidence
  FROM bound b
  LEFT JOIN ciem.stg_k8s_core_service_accounts a
    ON a.context = b.account_id AND 'ServiceAccount:' || a.namespace || '/' || a.name = b.identity_id;

COMMENT ON VIEW ciem.k8s_default_service_account_findings IS
    'privilege_escalation findings on default service accounts that a binding other than Kubernetes'' defaults names; evidence lists the bindings and automountServiceAccountToken.';

-- Cross-boundary trust: bindings that admit identities from outside the binding's namespace, or
-- anyone. A RoleBinding that names a service account of another namespace, or the group of all
-- service accounts of another namespace, lets workloads there act here. system:serviceaccounts is
-- every service account of the cluster. system:anonymous and system:unauthenticated are every
-- unauthenticated request, and system:authenticated is every authenticated one.
CREATE VIEW ciem.k8s_cross_boundary_trust AS
WITH subjects AS (
    SELECT b.*,
           CASE WHEN b.identity_id LIKE 'ServiceAccount:%' THEN split_part(substr(b.identity_id, 16), '/', 1)
                WHEN b.identity_id LIKE 'Group:system:serviceaccounts:%' THEN substr(b.identity_id, 30) END AS identity_namespace
      FROM ciem.k8s_binding_subjects b
),
classified AS (
    SELECT s.*,
           CASE WHEN s.identity_id IN ('User:system:anonymous', 'Group:system:unauthenticated') THEN 'public'
                WHEN s.identity_id = 'Group:system:authenticated' THEN 'all_authenticated'
                WHEN s.binding_kind = 'RoleBinding' AND s.identity_id = 'Group:system:serviceaccounts' THEN 'all_namespaces'
                WHEN s.binding_kind = 'RoleBinding' AND s.identity_namespace <> s.binding_namespace THEN 'other_namespace'
           END AS classification
      FROM subjects s
)
SELECT 'kubernetes'::text AS cloud,
       c.account_id,
       c.identity_id,
       ciem.k8s_identity_type(c.identity_id) AS identity_type,
       CASE c.classification WHEN 'public' THEN 'unauthenticated'
                             WHEN 'all_authenticated' THEN 'authenticated'
                             WHEN 'all_namespaces' THEN '*'
                             ELSE c.identity_namespace END AS trusted_from,
       c.classification,
       jsonb_build_object('binding', c.binding_id, 'binding_kind', c.binding_kind, 'binding_namespace', c.binding_namespace,
                          'role', c.role_id, 'scope_type', c.scope_type, 'scope', c.scope, 'subject', c.subject,
                          'default_binding', c.is_default_binding) AS evidence
  FROM classified c
 WHERE c.classification IS NOT NULL;

COMMENT ON VIEW ciem.k8s_cross_boundary_trust IS
    'One row per binding subject from outside the binding''s boundary: other_namespace (a service account, or the service accounts group, of another namespace in a RoleBinding), all_namespaces (system:serviceaccounts in a RoleBinding), all_authenticated (system:authenticated) or public (system:anonymous, system:unauthenticated). trusted_from is the namespace or population trusted.';

-- Trust findings. Kubernetes' own bindings for public discovery (system:public-info-viewer to
-- system:unauthenticated, say) stay at info; those to system:authenticated are not reported.
CREATE VIEW ciem.k8s_trust_findings AS
SELECT 'kubernetes'::text AS cloud,
       t.account_id,
       t.identity_id AS identity_arn,
       t.identity_type,
       CASE WHEN t.classification IN ('public', 'all_authenticated') THEN 'public_trust' ELSE 'cross_account_trust' END AS category,
       CASE WHEN (t.evidence ->> 'default_binding')::boolean THEN 'info'
            WHEN t.classification = 'public' THEN 'critical'
            WHEN t.classification IN ('all_authenticated', 'all_namespaces') THEN 'high'
            ELSE 'medium' END AS severity,
       format('%s grants %s %s', t.evidence ->> 'binding', t.evidence ->> 'role',
              CASE t.classification WHEN 'public' THEN 'to unauthenticated requests'
                                    WHEN 'all_authenticated' THEN 'to every authenticated user'
                                    WHEN 'all_namespaces' THEN 'to every service account of the cluster'
                                    ELSE 'to an identity of namespace ' || t.trusted_from END) AS title,
       format('%s|trust:%s', t.account_id, t.evidence ->> 'binding') AS finding_key,
       jsonb_build_object('classification', t.classification, 'trusted_from', t.trusted_from) || t.evidence
       || CASE WHEN (t.evidence ->> 'default_binding')::boolean THEN jsonb_build_object('user_changeable', false)
               ELSE '{}'::jsonb END AS evidence
  FROM ciem.k8s_cross_boundary_trust t
 WHERE NOT (t.classification = 'all_authenticated' AND (t.evidence ->> 'default_binding')::boolean);

COMMENT ON VIEW ciem.k8s_trust_findings IS
    'public_trust findings for bindings to system:anonymous, system:unauthenticated (critical) and system:authenticated (high), and cross_account_trust findings for bindings that admit service accounts of other namespaces (medium, high for all of them).';

-- CIS Kubernetes Benchmark v1.9.0, section 5.1 (RBAC and Service Accounts). Titles and audits as
-- kube-bench's cfg/cis-1.9/policies.yaml reproduces them.
-- NOTE: copies of the benchmark text give 5.1.1 and 5.1.5 the profile Level 1 - Master Node. The
-- other controls are recorded as Level 1 without that check.
INSERT INTO ciem.compliance_controls
    (benchmark, version, control_id, position, title, profile, decidable, severity, resource_type, how_decided, why_not, source_tables)
VALUES
    ('CIS Kubernetes Benchmark', '1.9.0', '5.1.1', 1, 'Ensure that the cluster-admin role is only used where required', 'Level 1', true, 'high', 'cluster_role_binding',
     'Audit: review every ClusterRoleBinding whose roleRef is the cluster-admin ClusterRole. The default binding named cluster-admin, whose only subject is the group system:masters, passes; every other binding to cluster-admin fails, as kube-bench''s automated check does.',
     NULL, '{k8s_rbac_cluster_role_bindings}'),
    ('CIS Kubernetes Benchmark', '1.9.0', '5.1.2', 2, 'Minimize access to secrets', 'Level 1', true, 'high', 'cluster',
     'Audit: kubectl auth can-i get,list,watch secrets --all-namespaces --as=system:authenticated answers no. Fails when the groups system:authenticated or system:unauthenticated, or the user system:anonymous, may get, list or watch secrets through a ClusterRoleBinding; evidence lists every identity with that access for review. Unknown without ClusterRoleBindings for the cluster.',
     NULL, '{k8s_rbac_cluster_role_bindings,k8s_rbac_cluster_roles}'),
    ('CIS Kubernetes Benchmark', '1.9.0', '5.1.3', 3, 'Minimize wildcard use in Roles and ClusterRoles', 'Level 1', true, 'medium', 'role',
     'Audit: no rule of a Role or ClusterRole holds "*". Fails for a role whose own rules hold "*" among verbs, apiGroups, resources or nonResourceURLs, Kubernetes'' default roles included (evidence.built_in marks them).',
     NULL, '{k8s_rbac_roles,k8s_rbac_cluster_roles}'),
    ('CIS Kubernetes Benchmark', '1.9.0', '5.1.4', 4, 'Minimize access to create pods', 'Level 1', true, 'medium', 'cluster',
     'Audit: kubectl auth can-i create pods --all-namespaces --as=system:authenticated answers no. Fails when system:authenticated, system:unauthenticated or system:anonymous may create pods through a ClusterRoleBinding; evidence lists every identity with that access. Unknown without ClusterRoleBindings for the cluster.',
     NULL, '{k8s_rbac_cluster_role_bindings,k8s_rbac_cluster_roles}'),
    ('CIS Kubernetes Benchmark', '1.9.0', '5.1.5', 5, 'Ensure that default service accounts are not actively used', 'Level 1', true, 'medium', 'service_account',
     'Audit: each default service account has automountServiceAccountToken: false and no roles bound to it apart from the defaults. Fails for a default service account whose automountServiceAccountToken is not false (not set means true), or that a binding other than Kubernetes'' defaults names. Unknown for a cluster without service accounts in the data.',
     NULL, '{k8s_core_service_accounts,k8s_rbac_role_bindings,k8s_rbac_cluster_role_bindings}'),
    ('CIS Kubernetes Benchmark', '1.9.0', '5.1.6', 6, 'Ensure that Service Account Tokens are only mounted where necessary', 'Level 1', false, NULL, NULL, NULL,
     'The audit compares each pod''s automountServiceAccountToken with its service account''s. OpenCIEM does not read pods (k8s_core_pods), so it cannot tell which pods mount a token.',
     '{}'),
    ('CIS Kubernetes Benchmark', '1.9.0', '5.1.7', 7, 'Avoid use of system:masters group', 'Level 1', false, NULL, NULL, NULL,
     'Membership of system:masters comes from the organisation field of client certificates, which the API server does not store, so no RBAC object or synced table shows who is in the group.',
     '{}'),
    ('CIS Kubernetes Benchmark', '1.9.0', '5.1.8', 8, 'Limit use of the Bind, Impersonate and Escalate permissions in the Kubernetes cluster', 'Level 1', true, 'high', 'cluster',
     'Audit: review the subjects that may bind or escalate roles or clusterroles, or impersonate users, groups, service accounts or uids. Fails when an identity other than Kubernetes'' own system: identities holds one of them at any scope; evidence lists every holder.',
     NULL, '{k8s_rbac_roles,k8s_rbac_cluster_roles,k8s_rbac_role_bindings,k8s_rbac_cluster_role_bindings}'),
    ('CIS Kubernetes Benchmark', '1.9.0', '5.1.9', 9, 'Minimize access to create persistent volumes', 'Level 1', true, 'medium', 'cluster',
     'Audit: review the subjects that may create PersistentVolumes. PersistentVolumes are cluster-scoped, so only ClusterRoleBindings count. Fails when an identity other than Kubernetes'' own holds create on persistentvolumes.',
     NULL, '{k8s_rbac_cluster_roles,k8s_rbac_cluster_role_bindings}'),
    ('CIS Kubernetes Benchmark', '1.9.0', '5.1.10', 10, 'Minimize access to the proxy sub-resource of nodes', 'Level 1', true, 'high', 'cluster',
     'Audit: review the subjects with access to nodes/proxy, which reaches the kubelet API. Nodes are cluster-scoped, so only ClusterRoleBindings count. Fails when an identity other than Kubernetes'' own holds any verb on nodes/proxy.',
     NULL, '{k8s_rbac_cluster_roles,k8s_rbac_cluster_role_bindings}'),
    ('CIS Kubernetes Benchmark', '1.9.0', '5.1.11', 11, 'Minimize access to the approval sub-resource of certificatesigningrequests objects', 'Level 1', true, 'high', 'cluster',
     'Audit: review the subjects that may update certificatesigningrequests/approval (certificates.k8s.io). Fails when an identity other than Kubernetes'' own holds update or patch on it through a ClusterRoleBinding.',
     NULL, '{k8s_rbac_cluster_roles,k8s_rbac_cluster_role_bindings}'),
    ('CIS Kubernetes Benchmark', '1.9.0', '5.1.12', 12, 'Minimize access to webhook configuration objects', 'Level 1', true, 'high', 'cluster',
     'Audit: review the subjects that may create, update or delete validatingwebhookconfigurations or mutatingwebhookconfigurations (admissionregistration.k8s.io). Fails when an identity other than Kubernetes'' own holds create, update, patch, delete or deletecollection on either through a ClusterRoleBinding.',
     NULL, '{k8s_rbac_cluster_roles,k8s_rbac_cluster_role_bindings}'),
    ('CIS Kubernetes Benchmark', '1.9.0', '5.1.13', 13, 'Minimize access to the service account token creation', 'Level 1', true, 'high', 'cluster',
     'Audit: review the subjects that may create serviceaccounts/token. Fails when an identity other than Kubernetes'' own holds create on it at any scope.',
     NULL, '{k8s_rbac_roles,k8s_rbac_cluster_roles,k8s_rbac_role_bindings,k8s_rbac_cluster_role_bindings}');

-- The holders of the request sets that the per-cluster controls review, with the evidence each
-- control shows. Built-in identities are listed but do not fail a control.
CREATE VIEW ciem.k8s_cis_request_holders AS
WITH matched AS (
    SELECT x.control_id, h.account_id, h.identity_id, h.identity_type, h.scope_type, h.scope, r.request, b.binding
      FROM ciem.k8s_sensitive_request_holders h
      JOIN (VALUES ('5.1.2', 'secrets_read', true), ('5.1.4', 'pods_create', true),
                   ('5.1.8', 'escalate', false), ('5.1.8', 'bind', false), ('5.1.8', 'impersonate', false),
                   ('5.1.9', 'persistent_volumes_create', true), ('5.1.10', 'nodes_proxy', true),
                   ('5.1.11', 'csr_approval', true), ('5.1.12', 'webhook_configuration_write', true),
                   ('5.1.13', 'serviceaccount_token', false)) AS x(control_id, request_set, cluster_only)
        ON x.request_set = h.request_set AND (NOT x.cluster_only OR h.scope_type = 'cluster')
     CROSS JOIN LATERAL unnest(h.requests) AS r(request)
     CROSS JOIN LATERAL unnest(h.bindings) AS b(binding)
     -- 5.1.2 and 5.1.4 ask about requests without an object name, which named rules never allow.
     WHERE NOT (x.control_id IN ('5.1.2', '5.1.4') AND h.only_named_objects)
)
SELECT m.control_id,
       m.account_id,
       m.identity_id,
       m.identity_type,
       coalesce(i.is_service_linked, false) AS built_in,
       jsonb_build_object('identity', m.identity_id, 'identity_type', m.identity_type,
                          'built_in', coalesce(i.is_service_linked, false), 'scope_type', m.scope_type, 'scope', m.scope,
                          'requests', to_jsonb(array_agg(DISTINCT m.request ORDER BY m.request)),
                          'bindings', to_jsonb(array_agg(DISTINCT m.binding ORDER BY m.binding))) AS holder
  FROM matched m
  LEFT JOIN ciem.k8s_identities i ON i.account_id = m.account_id AND i.identity_id = m.identity_id
 GROUP BY m.control_id, m.account_id, m.identity_id, m.identity_type, m.scope_type, m.scope, i.is_service_linked;

COMMENT ON VIEW ciem.k8s_cis_request_holders IS
    'One row per CIS Kubernetes control that reviews holders of a permission (5.1.2, 5.1.4, 5.1.8 to 5.1.13), identity and scope, with the requests it may make and the bindings that grant them.';

CREATE VIEW ciem.k8s_compliance_results AS
WITH cluster_admin_bindings AS (
    -- 5.1.1: one result per ClusterRoleBinding to cluster-admin.
    SELECT '5.1.1'::text AS control_id,
           b.context AS account_id,
           'ClusterRoleBinding:' || b.name AS resource,
           'cluster_role_binding'::text AS resource_type,
           CASE WHEN b.name = 'cluster-admin'
                 AND NOT EXISTS (SELECT 1 FROM jsonb_array_elements(ciem.k8s_array(b.subjects)) AS s(subject)
                                  WHERE NOT (s.subject ->> 'kind' = 'Group' AND s.subject ->> 'name' = 'system:masters'))
                THEN 'pass' ELSE 'fail' END AS status,
           jsonb_build_object('binding', b.name, 'role', 'ClusterRole:cluster-admin', 'subjects', ciem.k8s_array(b.subjects),
                              'default_binding', ciem.k8s_is_default_object(b.name, b.labels)) AS evidence
      FROM ciem.stg_k8s_rbac_cluster_role_bindings b
     WHERE b.context IS NOT NULL AND b.role_ref ->> 'kind' = 'ClusterRole' AND b.role_ref ->> 'name' = 'cluster-admin'
),
holder_lists AS MATERIALIZED (
    -- The holders of each per-cluster control, computed once for all of them.
    SELECT h.control_id,
           h.account_id,
           jsonb_agg(h.holder ORDER BY h.identity_id, h.holder) AS holders,
           bool_or(h.identity_id IN ('Group:system:authenticated', 'Group:system:unauthenticated', 'User:system:anonymous')) AS public_holds,
           bool_or(NOT h.built_in) AS user_holds
      FROM ciem.k8s_cis_request_holders h
     GROUP BY h.control_id, h.account_id
),
cluster_controls AS (
    -- 5.1.2 and 5.1.4 fail when every user may make the request; 5.1.8 to 5.1.13 when any
    -- identity but Kubernetes' own may. One result per cluster.
    SELECT x.control_id,
           c.account_id,
           c.account_id AS resource,
           'cluster'::text AS resource_type,
           CASE WHEN NOT c.has_cluster_role_bindings THEN 'unknown'
                WHEN x.control_id IN ('5.1.2', '5.1.4') AND coalesce(l.public_holds, false) THEN 'fail'
                WHEN x.control_id NOT IN ('5.1.2', '5.1.4') AND coalesce(l.user_holds, false) THEN 'fail'
                ELSE 'pass' END AS status,
           CASE WHEN NOT c.has_cluster_role_bindings
                THEN jsonb_build_object('missing', 'no ClusterRoleBindings of the cluster in k8s_rbac_cluster_role_bindings')
                ELSE jsonb_build_object('holders', coalesce(l.holders, '[]'::jsonb))
           END AS evidence
      FROM ciem.k8s_clusters c
     CROSS JOIN (VALUES ('5.1.2'), ('5.1.4'), ('5.1.8'), ('5.1.9'), ('5.1.10'), ('5.1.11'), ('5.1.12'), ('5.1.13')) AS x(control_id)
      LEFT JOIN holder_lists l ON l.control_id = x.control_id AND l.account_id = c.account_id
),
wildcard_roles AS (
    -- 5.1.3: one result per Role and ClusterRole, from its own rules as the API server stores them.
    SELECT '5.1.3'::text AS control_id,
           r.context AS account_id,
           r.role_id AS resource,
           r.resource_type,
           CASE WHEN count(e.rule) FILTER (WHERE e.has_wildcard) > 0 THEN 'fail' ELSE 'pass' END AS status,
           jsonb_build_object('wildcard_rules', coalesce(jsonb_agg(e.rule) FILTER (WHERE e.has_wildcard), '[]'::jsonb),
                              'built_in', bool_or(r.built_in)) AS evidence
      FROM (SELECT t.context, 'Role:' || t.namespace || '/' || t.name AS role_id, 'role'::text AS resource_type, t.rules,
                   ciem.k8s_is_default_object(t.name, t.labels) AS built_in
              FROM ciem.stg_k8s_rbac_roles t
            UNION ALL
            SELECT t.context, 'ClusterRole:' || t.name, 'cluster_role', t.rules, ciem.k8s_is_default_object(t.name, t.labels)
              FROM ciem.stg_k8s_rbac_cluster_roles t) r
      LEFT JOIN LATERAL (
            SELECT ciem.k8s_rule(j.rule) AS rule,
                   '*' = ANY (ciem.k8s_strings(j.rule -> 'verbs') || ciem.k8s_strings(j.rule -> 'apiGroups')
                              || ciem.k8s_strings(j.rule -> 'resources') || ciem.k8s_strings(j.rule -> 'nonResourceURLs')) AS has_wildcard
              FROM jsonb_array_elements(ciem.k8s_array(r.rules)) AS j(rule)
           ) e ON true
     WHERE r.context IS NOT NULL
     GROUP BY r.context, r.role_id, r.resource_type
),
default_service_account_bindings AS (
    SELECT b.account_id, b.identity_id,
           jsonb_agg(DISTINCT jsonb_build_object('binding', b.binding_id, 'role', b.role_id)) AS bindings
      FROM ciem.k8s_binding_subjects b
     WHERE b.identity_id ~ '^ServiceAccount:[^/]+/default$' AND NOT b.is_default_binding
     GROUP BY b.account_id, b.identity_id
),
default_service_accounts AS (
    -- 5.1.5: one result per default service account.
    SELECT '5.1.5'::text AS control_id,
           a.context AS account_id,
           'ServiceAccount:' || a.namespace || '/default' AS resource,
           'service_account'::text AS resource_type,
           CASE WHEN a.automount_service_account_token IS DISTINCT FROM false OR b.bindings IS NOT NULL THEN 'fail' ELSE 'pass' END AS status,
           jsonb_build_object('automount_service_account_token', a.automount_service_account_token,
                              'bindings', coalesce(b.bindings, '[]'::jsonb)) AS evidence
      FROM ciem.stg_k8s_core_service_accounts a
      LEFT JOIN default_service_account_bindings b
        ON b.account_id = a.context AND b.identity_id = 'ServiceAccount:' || a.namespace || '/default'
     WHERE a.context IS NOT NULL AND a.name = 'default'
    UNION ALL
    SELECT '5.1.5', c.account_id, c.account_id, 'cluster', 'unknown',
           jsonb_build_object('missing', 'no service accounts of the cluster in k8s_core_service_accounts')
      FROM ciem.k8s_clusters c
     WHERE NOT c.has_service_accounts
),
results AS (
    SELECT control_id, account_id, resource, resource_type, status, evidence FROM cluster_admin_bindings
    UNION ALL SELECT control_id, account_id, resource, resource_type, status, evidence FROM cluster_controls
    UNION ALL SELECT control_id, account_id, resource, resource_type, status, evidence FROM wildcard_roles
    UNION ALL SELECT control_id, account_id, resource, resource_type, status, evidence FROM default_service_accounts
)
SELECT c.benchmark,
       c.version,
       r.control_id,
       c.title,
       r.account_id,
       r.resource,
       r.resource_type,
       r.status,
       r.evidence
  FROM results r
  JOIN ciem.compliance_controls c
    ON c.benchmark = 'CIS Kubernetes Benchmark' AND c.version = '1.9.0' AND c.control_id = r.control_id;

COMMENT ON VIEW ciem.k8s_compliance_results IS
    'One row per CIS Kubernetes Benchmark v1.9.0 section 5.1 control and resource judged (a binding, role, default service account or the whole cluster): pass, fail, or unknown when the tables the control needs hold nothing for the cluster. Columns as ciem.compliance_results.';

CREATE VIEW ciem.k8s_compliance_findings AS
SELECT 'kubernetes'::text AS cloud,
       r.account_id,
       r.resource AS identity_arn,
       r.resource_type AS identity_type,
       'compliance'::text AS category,
       -- A failed default role (cluster-admin contains "*") is Kubernetes' own and stays at info.
       CASE WHEN coalesce((r.evidence ->> 'built_in')::boolean, false) THEN 'info' ELSE c.severity END AS severity,
       format('CIS Kubernetes %s %s failed: %s', r.version, r.control_id, r.title) AS title,
       format('%s|cis-kubernetes-%s:%s', r.account_id, r.version, r.control_id) AS finding_key,
       jsonb_build_object('benchmark', r.benchmark, 'version', r.version, 'control_id', r.control_id, 'how_decided', c.how_decided)
       || r.evidence
       || CASE WHEN coalesce((r.evidence ->> 'built_in')::boolean, false) THEN jsonb_build_object('user_changeable', false)
               ELSE '{}'::jsonb END AS evidence
  FROM ciem.k8s_compliance_results r
  JOIN ciem.compliance_controls c USING (benchmark, version, control_id)
 WHERE r.status = 'fail';

COMMENT ON VIEW ciem.k8s_compliance_findings IS
    'One compliance finding per failed CIS Kubernetes control and resource.';

INSERT INTO ciem.finding_sources (source_name, relation, description) VALUES
    ('k8s_admin_equivalent', 'ciem.k8s_admin_findings', 'Kubernetes identities allowed every verb on every resource, in the cluster or a namespace.'),
    ('k8s_wildcards', 'ciem.k8s_wildcard_findings', 'Kubernetes identities granted "*" verbs or resources.'),
    ('k8s_secret_access', 'ciem.k8s_secret_access_findings', 'Kubernetes identities that read secrets in every namespace.'),
    ('k8s_privilege_escalation', 'ciem.k8s_escalation_findings', 'Kubernetes identities holding escalate, bind, impersonate, pods/exec or serviceaccounts/token.'),
    ('k8s_default_service_accounts', 'ciem.k8s_default_service_account_findings', 'Kubernetes default service accounts that bindings name.'),
    ('k8s_trust', 'ciem.k8s_trust_findings', 'Kubernetes bindings to unauthenticated or all authenticated users, and to service accounts of other namespaces.'),
    ('cis_kubernetes_v1_9_rbac', 'ciem.k8s_compliance_findings', 'Failed controls of the CIS Kubernetes Benchmark v1.9.0, section 5.1 (RBAC and Service Accounts).');
