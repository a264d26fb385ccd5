-- Which IAM users and roles may call sts:AssumeRole on which roles. AssumeRole needs two grants
-- (IAM User Guide, "Cross-account policy evaluation logic" and "Policy evaluation logic"):
--   1. the role's trust policy must allow the caller, by its ARN, by its account, or by "*". A trust
--      policy is a resource-based policy that must always name the principal, so an identity
--      policy alone never suffices ("IAM role trust policies and KMS key policies are exceptions");
--   2. the caller's own policies must allow sts:AssumeRole on the role, as ciem.evaluate_principal
--      decides it (identity policies, permissions boundary, SCPs, explicit denies). The one
--      exception: when the trust policy names the caller's ARN and both are in one account, an
--      implicit deny in the caller's identity policies does not matter ("Policy evaluation logic",
--      resource-based policies that grant to an IAM user or role ARN). Its permissions boundary
--      must still allow sts:AssumeRole ("Update a role trust policy": "If a permissions boundary is
--      set for the user, then it must allow the sts:AssumeRole action"), and SCPs and explicit
--      denies still apply.
--
-- Edges are dense: where roles trust their account and many principals may assume any role, a
-- 10,000-identity organisation has well over a million of them. They are therefore stored in
-- factors that stay small, and ciem.aws_assume_role_edges joins them when read:
--   aws_assume_role_trust       who each trust policy admits (an ARN, an account, a session, "*")
--   aws_assume_role_callers     each user and role, with a profile: the key of everything
--                               ciem.evaluate_principal reads to decide sts:AssumeRole for it
--   aws_assume_role_profile_roles  for profiles whose statements name particular roles, the
--                               evaluation that applies to each role
--   aws_assume_role_evaluations one ciem.evaluate_principal call per profile (and per set of
--                               statements that apply to a role, for the profiles above)
-- Accounts are read from the ARNs, which name the account AWS evaluates, even where an import
-- filed a principal under another account_id.

-- The callers each trust policy statement admits among IAM users and roles: Allow rows that grant
-- sts:AssumeRole now, and Deny rows that may take it back. A session ARN admits the role
-- whose session it names (match_value account:role-name). A NotPrincipal statement is one row that
-- admits (or denies) everyone except the principals it lists.
CREATE MATERIALIZED VIEW ciem.aws_assume_role_trust AS
WITH trust AS (
    SELECT t.*
      FROM ciem.aws_resource_policy_principals t
     WHERE t.resource_type = 'role'
       AND t.principal_type IN ('AWS', '*')
       AND CASE t.effect
               WHEN 'Allow' THEN t.grants_access
               ELSE t.condition_state <> 'false' AND ciem.statement_matches_action(t.is_not_action, t.actions, 'sts:AssumeRole')
           END
)
SELECT t.resource_arn AS role_arn,
       split_part(t.resource_arn, ':', 5) AS role_account_id,
       t.effect,
       t.statement_index,
       t.sid,
       t.principal_type,
       t.trusted_principal,
       CASE t.principal_kind
           WHEN 'iam_principal' THEN 'principal_arn'
           WHEN 'session' THEN 'role_session'
           ELSE t.principal_kind
       END AS match_type,
       CASE t.principal_kind
           WHEN 'iam_principal' THEN t.trusted_principal
           WHEN 'session' THEN t.trusted_account_id || ':' || split_part(t.trusted_principal, '/', 2)
           WHEN 'account' THEN t.trusted_account_id
           ELSE '*'
       END AS match_value,
       '{}'::text[] AS excluded_arns,
       '{}'::text[] AS excluded_accounts,
       t.condition,
       t.condition_state
  FROM trust t
 WHERE NOT t.is_not_principal
   AND (t.principal_kind IN ('iam_principal', 'account', 'public')
        OR (t.principal_kind = 'session' AND t.trusted_principal LIKE '%:assumed-role/%'))
UNION ALL
SELECT t.resource_arn,
       split_part(t.resource_arn, ':', 5),
       t.effect,
       t.statement_index,
       min(t.sid),
       'NotPrincipal',
       '',
       'not_principal',
       '*',
       coalesce(array_agg(t.trusted_principal) FILTER (WHERE t.principal_kind = 'iam_principal'), '{}'),
       coalesce(array_agg(t.trusted_account_id) FILTER (WHERE t.principal_kind = 'account'), '{}'),
       min(t.condition::text)::jsonb,
       min(t.condition_state)
  FROM trust t
 WHERE t.is_not_principal
 GROUP BY t.resource_arn, t.effect, t.statement_index
WITH NO DATA;

CREATE UNIQUE INDEX aws_assume_role_trust_key ON ciem.aws_assume_role_trust (role_arn, statement_index, principal_type, trusted_principal);
CREATE INDEX aws_assume_role_trust_match ON ciem.aws_assume_role_trust (match_type, match_value);

COMMENT ON MATERIALIZED VIEW ciem.aws_assume_role_trust IS
    'One row per role trust statement entry that admits IAM callers: match_type principal_arn, role_session, account, public or not_principal, and the value a caller must have (its ARN, account:role-name, its account id, or * for everyone; not_principal admits everyone except excluded_arns and excluded_accounts). Allow rows grant sts:AssumeRole now; Deny rows may take it back.';

-- Each IAM user and role with its profile for sts:AssumeRole: the statements that can decide it
-- (its own, its groups', its boundary's and the SCPs' statements whose Action covers
-- sts:AssumeRole, each with the path it comes through), its account, whether it has a boundary and
-- whether it is service-linked. ciem.evaluate_principal decides two callers of one profile alike
-- for any role, so one evaluation serves them all. A caller whose statements use policy variables
-- has a profile of its own, because the variables resolve per caller.
CREATE MATERIALIZED VIEW ciem.aws_assume_role_callers AS
WITH assume_statements AS MATERIALIZED (
    SELECT s.statement_key, s.policy_key, s.effect, s.is_not_resource, s.resource_patterns, s.policy_version,
           EXISTS (SELECT 1 FROM unnest(s.resource_patterns) r WHERE position('${' IN r) > 0) AS uses_variables,
           s.is_not_resource OR EXISTS (SELECT 1 FROM unnest(s.resource_patterns) r WHERE NOT ciem.is_match_all(r)) AS names_resources
      FROM ciem.aws_policy_statements s
     WHERE s.problem IS NULL
       AND ciem.statement_matches_action(s.is_not_action, s.action_patterns, 'sts:AssumeRole')
),
callers AS (
    SELECT p.principal_arn, p.principal_type, p.principal_name, p.account_id, p.is_service_linked, p.boundary_arn,
           split_part(p.principal_arn, ':', 5) AS arn_account_id,
           g.level_count AS scp_level_count,
           ciem.principal_variables(p) AS variables,
           (SELECT count(*) FROM ciem.aws_principal_policies pp WHERE pp.principal_arn = p.principal_arn) AS policy_count
      FROM ciem.aws_principals p
      LEFT JOIN ciem.aws_scp_governed_accounts g ON g.account_id = p.account_id AND NOT p.is_service_linked
),
-- The same paths as ciem.evaluate_principal: own and group policies, the boundary, and the SCPs
-- of every level above the account.
caller_statements AS (
    SELECT c.principal_arn, pp.via, pp.group_arn AS via_arn, s.*
      FROM callers c
      JOIN ciem.aws_principal_policies pp ON pp.principal_arn = c.principal_arn
      JOIN assume_statements s ON s.policy_key = pp.policy_key
    UNION ALL
    SELECT c.principal_arn, 'scp', path.node_id, s.*
      FROM callers c
      JOIN ciem.aws_account_org_path path ON path.account_id = c.account_id AND c.scp_level_count IS NOT NULL
      JOIN ciem.aws_scp_targets t ON t.target_id = path.node_id
      JOIN assume_statements s ON s.policy_key = 'scp:' || t.policy_id
),
profiles AS (
    SELECT c.principal_arn,
           coalesce(bool_or(cs.effect = 'Allow' AND cs.via IN ('direct', 'group')), false) AS has_identity_allow,
           coalesce(bool_or(cs.uses_variables), false) AS uses_variables,
           coalesce(bool_or(cs.names_resources), false) AS names_resources,
           string_agg(cs.statement_key || ':' || cs.via || ':' || coalesce(cs.via_arn, ''), ','
                      ORDER BY cs.statement_key, cs.via, cs.via_arn) AS statement_set,
           -- Patterns with policy variables resolved for this caller, as ciem.evaluate_principal
           -- resolves them. A pattern whose variable the caller never has matches nothing.
           coalesce(jsonb_agg(jsonb_build_object(
                        'statement_key', cs.statement_key,
                        'is_not_resource', cs.is_not_resource,
                        'resource_patterns', (SELECT coalesce(jsonb_agg(r.resolved), '[]'::jsonb)
                                                FROM unnest(cs.resource_patterns) AS pattern
                                               CROSS JOIN LATERAL (SELECT ciem.resolve_policy_variables(pattern, cs.policy_version, c.variables) AS resolved) r
                                               WHERE r.resolved IS NOT NULL)))
                        FILTER (WHERE cs.names_resources), '[]'::jsonb) AS resource_statements
      FROM callers c
      LEFT JOIN caller_statements cs ON cs.principal_arn = c.principal_arn
     GROUP BY c.principal_arn
)
SELECT c.principal_arn AS caller_arn,
       c.principal_type AS caller_type,
       c.arn_account_id,
       CASE WHEN c.principal_type = 'role' THEN c.arn_account_id || ':' || c.principal_name END AS session_key,
       c.boundary_arn IS NOT NULL AS has_boundary,
       c.scp_level_count,
       p.has_identity_allow,
       p.names_resources,
       p.resource_statements,
       c.policy_count,
       md5(concat_ws('|', c.account_id, c.is_service_linked, c.boundary_arn IS NOT NULL, p.statement_set,
                     CASE WHEN p.uses_variables THEN c.principal_arn END)) AS profile_key
  FROM callers c
  JOIN profiles p ON p.principal_arn = c.principal_arn
WITH NO DATA;

CREATE UNIQUE INDEX aws_assume_role_callers_arn ON ciem.aws_assume_role_callers (caller_arn);
CREATE INDEX aws_assume_role_callers_account ON ciem.aws_assume_role_callers (arn_account_id);
CREATE INDEX aws_assume_role_callers_session ON ciem.aws_assume_role_callers (session_key) WHERE session_key IS NOT NULL;
CREATE INDEX aws_assume_role_callers_profile ON ciem.aws_assume_role_callers (profile_key);

COMMENT ON MATERIALIZED VIEW ciem.aws_assume_role_callers IS
    'One row per IAM user or role as a caller of sts:AssumeRole: its account (from the ARN), session_key (account:role-name) for roles, and profile_key, equal for callers that ciem.evaluate_principal decides alike. names_resources is true when some of its statements name particular resources, so the decision depends on the role.';

-- For profiles whose statements name particular resources: one row per role that the trust
-- policies admit to one of their callers, with the statements whose Resource (or NotResource)
-- admits the role. Roles with the same statements share one evaluation.
CREATE MATERIALIZED VIEW ciem.aws_assume_role_profile_roles AS
WITH profiles AS (
    SELECT DISTINCT ON (c.profile_key) c.profile_key, c.resource_statements
      FROM ciem.aws_assume_role_callers c
     WHERE c.names_resources
     ORDER BY c.profile_key, c.caller_arn
),
admitted AS (
    SELECT DISTINCT c.profile_key, t.role_arn
      FROM ciem.aws_assume_role_callers c
      JOIN ciem.aws_assume_role_trust t
        ON t.effect = 'Allow'
       AND ((t.match_type = 'principal_arn' AND t.match_value = c.caller_arn)
            OR (t.match_type = 'account' AND t.match_value = c.arn_account_id)
            OR (t.match_type = 'role_session' AND t.match_value = c.session_key)
            OR t.match_type IN ('public', 'not_principal'))
     WHERE c.names_resources
)
SELECT a.profile_key,
       a.role_arn,
       md5(concat_ws('|', a.profile_key, string_agg(s ->> 'statement_key', ',' ORDER BY s ->> 'statement_key'))) AS evaluation_key
  FROM admitted a
  JOIN profiles p ON p.profile_key = a.profile_key
  LEFT JOIN LATERAL jsonb_array_elements(p.resource_statements) s
    ON (s ->> 'is_not_resource')::boolean <> EXISTS (
           SELECT 1 FROM jsonb_array_elements_text(s -> 'resource_patterns') r WHERE ciem.resource_pattern_matches(r, a.role_arn))
 GROUP BY a.profile_key, a.role_arn
WITH NO DATA;

CREATE UNIQUE INDEX aws_assume_role_profile_roles_key ON ciem.aws_assume_role_profile_roles (profile_key, role_arn);

COMMENT ON MATERIALIZED VIEW ciem.aws_assume_role_profile_roles IS
    'One row per caller profile whose statements name particular resources and role its callers may be admitted to, with the evaluation (ciem.aws_assume_role_evaluations) that decides it.';

-- One ciem.evaluate_principal call per evaluation key, on the caller with the fewest policies (and,
-- for profiles whose statements name resources, one role) that has it. A profile whose statements all apply to every
-- resource is evaluated on a placeholder role ARN, which its "*" patterns match like any other.
-- delegated_* is the decision when the trust policy admits the caller through its account, "*" or
-- another account. direct_* is the decision when it names the caller's ARN in the caller's own
-- account, where only denies, the permissions boundary and SCPs count.
CREATE MATERIALIZED VIEW ciem.aws_assume_role_evaluations AS
WITH targets AS (
    (SELECT DISTINCT ON (c.profile_key) c.profile_key AS evaluation_key, c.caller_arn,
            'arn:aws:iam::' || c.arn_account_id || ':role/openciem-any-role' AS role_arn
       FROM ciem.aws_assume_role_callers c
      WHERE NOT c.names_resources
      ORDER BY c.profile_key, c.policy_count, c.caller_arn)
    UNION ALL
    (SELECT DISTINCT ON (pr.evaluation_key) pr.evaluation_key, c.caller_arn, pr.role_arn
       FROM ciem.aws_assume_role_profile_roles pr
       JOIN ciem.aws_assume_role_callers c ON c.profile_key = pr.profile_key
      ORDER BY pr.evaluation_key, c.policy_count, c.caller_arn, pr.role_arn)
),
evaluated AS (
    SELECT t.evaluation_key, t.caller_arn, t.role_arn, c.has_boundary, c.scp_level_count,
           coalesce(e.decision, 'implicit_deny') AS decision,
           coalesce(e.statements, '[]'::jsonb) AS statements
      FROM targets t
      JOIN ciem.aws_assume_role_callers c ON c.caller_arn = t.caller_arn
      LEFT JOIN LATERAL ciem.evaluate_principal(t.caller_arn, 'sts:AssumeRole', t.role_arn, now()) e ON true
),
parts AS (
    SELECT v.*,
           EXISTS (SELECT 1 FROM jsonb_array_elements(v.statements) s
                    WHERE s ->> 'effect' = 'Deny' AND s ->> 'condition_state' = 'unknown') AS deny_maybe,
           NOT v.has_boundary OR EXISTS (SELECT 1 FROM jsonb_array_elements(v.statements) s
                                          WHERE s ->> 'effect' = 'Allow' AND s ->> 'via' = 'boundary') AS boundary_any,
           NOT v.has_boundary OR EXISTS (SELECT 1 FROM jsonb_array_elements(v.statements) s
                                          WHERE s ->> 'effect' = 'Allow' AND s ->> 'via' = 'boundary'
                                            AND s ->> 'condition_state' IN ('none', 'true')) AS boundary_sure,
           v.scp_level_count IS NULL OR (SELECT count(DISTINCT s ->> 'via_arn') FROM jsonb_array_elements(v.statements) s
                                          WHERE s ->> 'effect' = 'Allow' AND s ->> 'via' = 'scp') = v.scp_level_count AS scp_any,
           v.scp_level_count IS NULL OR (SELECT count(DISTINCT s ->> 'via_arn') FROM jsonb_array_elements(v.statements) s
                                          WHERE s ->> 'effect' = 'Allow' AND s ->> 'via' = 'scp'
                                            AND s ->> 'condition_state' IN ('none', 'true')) = v.scp_level_count AS scp_sure
      FROM evaluated v
)
SELECT p.evaluation_key,
       p.caller_arn AS evaluated_caller_arn,
       p.role_arn AS evaluated_role_arn,
       p.decision,
       p.decision IN ('allowed', 'conditional') AS delegated_allows,
       p.decision = 'conditional' AS delegated_conditional,
       p.decision <> 'explicit_deny' AND p.boundary_any AND p.scp_any AS direct_allows,
       p.deny_maybe OR NOT p.boundary_sure OR NOT p.scp_sure AS direct_conditional,
       p.statements
  FROM parts p
WITH NO DATA;

CREATE UNIQUE INDEX aws_assume_role_evaluations_key ON ciem.aws_assume_role_evaluations (evaluation_key);

COMMENT ON MATERIALIZED VIEW ciem.aws_assume_role_evaluations IS
    'One ciem.evaluate_principal decision of sts:AssumeRole per caller profile (and role, where the profile names resources), with the statements it matched.';

INSERT INTO ciem.refresh_relations (position, relation_name) VALUES
    (210, 'aws_assume_role_trust'),
    (220, 'aws_assume_role_callers'),
    (230, 'aws_assume_role_profile_roles'),
    (240, 'aws_assume_role_evaluations');

-- One row per caller and role that the caller may assume now or under conditions of the request.
-- Filter on caller_arn or role_arn: the planner then reads the factors through their indexes.
CREATE VIEW ciem.aws_assume_role_edges AS
WITH matches AS (
    SELECT c.caller_arn, t.*
      FROM ciem.aws_assume_role_trust t
      JOIN ciem.aws_assume_role_callers c ON c.caller_arn = t.match_value
     WHERE t.match_type = 'principal_arn'
    UNION ALL
    SELECT c.caller_arn, t.*
      FROM ciem.aws_assume_role_trust t
      JOIN ciem.aws_assume_role_callers c ON c.arn_account_id = t.match_value
     WHERE t.match_type = 'account'
    UNION ALL
    SELECT c.caller_arn, t.*
      FROM ciem.aws_assume_role_trust t
      JOIN ciem.aws_assume_role_callers c ON c.session_key = t.match_value
     WHERE t.match_type = 'role_session'
    UNION ALL
    SELECT c.caller_arn, t.*
      FROM ciem.aws_assume_role_trust t
     CROSS JOIN ciem.aws_assume_role_callers c
     WHERE t.match_type = 'public'
    UNION ALL
    -- A NotPrincipal Deny always denies a principal with a permissions boundary, whatever it lists
    -- (IAM User Guide, "Permissions boundaries for IAM entities").
    SELECT c.caller_arn, t.*
      FROM ciem.aws_assume_role_trust t
     CROSS JOIN ciem.aws_assume_role_callers c
     WHERE t.match_type = 'not_principal'
       AND ((t.effect = 'Deny' AND c.has_boundary)
            OR NOT (c.caller_arn = ANY (t.excluded_arns) OR (t.effect = 'Allow' AND c.arn_account_id = ANY (t.excluded_accounts))))
),
pairs AS (
    SELECT m.caller_arn,
           m.role_arn,
           m.role_account_id,
           bool_or(m.effect = 'Allow') AS admitted,
           bool_or(m.effect = 'Allow' AND m.match_type = 'principal_arn') AS names_caller,
           -- A session ARN admits only the session name it ends with, which the caller must choose.
           bool_or(m.effect = 'Allow' AND m.condition_state IN ('none', 'true') AND m.match_type <> 'role_session') AS trust_unconditional,
           bool_or(m.effect = 'Deny' AND m.condition_state IN ('none', 'true')) AS deny_sure,
           bool_or(m.effect = 'Deny' AND m.condition_state = 'unknown') AS deny_maybe,
           (array_agg(m.match_type ORDER BY array_position(ARRAY['principal_arn', 'role_session', 'account', 'not_principal', 'public'], m.match_type))
                FILTER (WHERE m.effect = 'Allow'))[1] AS trust_match,
           array_agg(DISTINCT m.statement_index) FILTER (WHERE m.effect = 'Allow') AS trust_statement_indexes,
           coalesce(array_agg(DISTINCT m.statement_index) FILTER (WHERE m.effect = 'Deny'), '{}') AS trust_deny_statement_indexes
      FROM matches m
     GROUP BY m.caller_arn, m.role_arn, m.role_account_id
),
decided AS (
    SELECT p.*,
           c.caller_type,
           c.arn_account_id AS caller_account_id,
           p.names_caller AND c.arn_account_id = p.role_account_id AS is_direct,
           e.evaluation_key,
           e.decision,
           e.delegated_allows,
           e.delegated_conditional,
           e.direct_allows,
           e.direct_conditional,
           e.statements
      FROM pairs p
      JOIN ciem.aws_assume_role_callers c ON c.caller_arn = p.caller_arn
      LEFT JOIN ciem.aws_assume_role_profile_roles pr
        ON c.names_resources AND pr.profile_key = c.profile_key AND pr.role_arn = p.role_arn
      JOIN ciem.aws_assume_role_evaluations e
        ON e.evaluation_key = CASE WHEN c.names_resources THEN pr.evaluation_key ELSE c.profile_key END
     WHERE p.admitted AND NOT p.deny_sure
)
SELECT d.caller_arn,
       d.caller_type,
       d.caller_account_id,
       d.role_arn,
       d.role_account_id,
       d.caller_account_id <> d.role_account_id AS is_cross_account,
       d.trust_match,
       NOT d.is_direct AS identity_policy_required,
       d.decision AS identity_decision,
       NOT d.trust_unconditional OR d.deny_maybe
           OR CASE WHEN d.is_direct THEN d.direct_conditional ELSE d.delegated_conditional END AS conditional,
       d.trust_statement_indexes,
       d.trust_deny_statement_indexes,
       d.evaluation_key,
       d.statements AS permission_statements
  FROM decided d
 WHERE CASE WHEN d.is_direct THEN d.direct_allows ELSE d.delegated_allows END;

COMMENT ON VIEW ciem.aws_assume_role_edges IS
    'One row per IAM user or role (caller_arn) and role it may assume with sts:AssumeRole. trust_match: principal_arn, role_session, account, not_principal or public. identity_policy_required is false when the trust policy names the caller in its own account. conditional is true when a trust or identity condition, a session name or a conditional Deny decides it per request. trust_statement_indexes point into the role''s trust policy (ciem.cross_account_trust); permission_statements are the caller-side statements ciem.evaluate_principal matched. Filter on caller_arn or role_arn.';
