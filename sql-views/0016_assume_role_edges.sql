-- Which IAM users and roles may call sts:AssumeRole on which roles. AssumeRole needs two grants
-- (IAM User Guide, "Cross-account policy evaluation logic" and "Policy evaluation logic"):
--   1. the role's trust policy must allow the caller, by its ARN, by its account, or by "*"; a trust
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

-- Accounts are read from the ARNs, which name the account AWS evaluates, even where an import
-- filed a principal under another account_id.

-- One row per caller and role that the caller may assume now (allowed) or under conditions that
-- depend on the request (conditional).
CREATE MATERIALIZED VIEW ciem.aws_assume_role_edges AS
WITH trust_allows AS (
    SELECT t.*
      FROM ciem.aws_resource_policy_principals t
     WHERE t.resource_type = 'role'
       AND t.grants_access
       AND t.principal_type IN ('AWS', '*')
),
trust_denies AS (
    SELECT t.*
      FROM ciem.aws_resource_policy_principals t
     WHERE t.resource_type = 'role'
       AND t.effect = 'Deny'
       AND t.condition_state <> 'false'
       AND ciem.statement_matches_action(t.is_not_action, t.actions, 'sts:AssumeRole')
),
-- Trust statements that admit a caller. A session ARN names one session of a role, which that
-- role's callers can open by choosing the session name. An Allow with NotPrincipal admits everyone
-- except the principals it lists.
trust_matches AS (
    SELECT t.resource_arn AS role_arn, c.principal_arn AS caller_arn, 'principal_arn'::text AS trust_match, t.*
      FROM trust_allows t
      JOIN ciem.aws_principals c ON c.principal_arn = t.trusted_principal
     WHERE t.principal_kind = 'iam_principal' AND NOT t.is_not_principal
    UNION ALL
    SELECT t.resource_arn, c.principal_arn, 'role_session', t.*
      FROM trust_allows t
      JOIN ciem.aws_principals c
        ON split_part(c.principal_arn, ':', 5) = t.trusted_account_id
       AND c.principal_type = 'role'
       AND c.principal_name = split_part(t.trusted_principal, '/', 2)
     WHERE t.principal_kind = 'session' AND t.trusted_principal LIKE '%:assumed-role/%' AND NOT t.is_not_principal
    UNION ALL
    SELECT t.resource_arn, c.principal_arn, 'account', t.*
      FROM trust_allows t
      JOIN ciem.aws_principals c ON split_part(c.principal_arn, ':', 5) = t.trusted_account_id
     WHERE t.principal_kind = 'account' AND NOT t.is_not_principal
    UNION ALL
    SELECT t.resource_arn, c.principal_arn, 'public', t.*
      FROM trust_allows t
     CROSS JOIN ciem.aws_principals c
     WHERE t.principal_kind = 'public' AND NOT t.is_not_principal
    UNION ALL
    SELECT t.resource_arn, c.principal_arn, 'not_principal', t.*
      FROM (SELECT DISTINCT ON (resource_arn, statement_index) * FROM trust_allows WHERE is_not_principal) t
     CROSS JOIN ciem.aws_principals c
     WHERE NOT EXISTS (
            SELECT 1 FROM ciem.aws_resource_policy_principals listed
             WHERE listed.resource_arn = t.resource_arn
               AND listed.statement_index = t.statement_index
               AND listed.is_not_principal
               AND (listed.trusted_principal = c.principal_arn
                    OR (listed.principal_kind = 'account' AND listed.trusted_account_id = split_part(c.principal_arn, ':', 5))))
),
-- One row per caller and role the trust policy admits.
trusted_pairs AS (
    SELECT m.caller_arn,
           m.role_arn,
           split_part(m.role_arn, ':', 5) AS role_account_id,
           bool_or(m.trust_match = 'principal_arn') AS names_caller,
           -- A session ARN admits only the session name it ends with, which the caller must choose.
           bool_or(m.condition_state IN ('none', 'true') AND m.trust_match <> 'role_session') AS trust_unconditional,
           (array_agg(m.trust_match ORDER BY array_position(ARRAY['principal_arn', 'role_session', 'account', 'not_principal', 'public'], m.trust_match)))[1] AS trust_match,
           jsonb_agg(jsonb_build_object(
               'statement_index', m.statement_index,
               'sid', m.sid,
               'trusted_principal', m.trusted_principal,
               'match', m.trust_match,
               'condition', m.condition,
               'condition_state', m.condition_state,
               'narrowed_by', to_jsonb(m.narrowed_by)) ORDER BY m.statement_index) AS trust_statements
      FROM trust_matches m
     GROUP BY m.caller_arn, m.role_arn
),
callers AS (
    SELECT p.principal_arn, p.principal_type, p.account_id, split_part(p.principal_arn, ':', 5) AS arn_account_id,
           p.is_service_linked, p.boundary_arn,
           g.level_count AS scp_level_count
      FROM ciem.aws_principals p
      LEFT JOIN ciem.aws_scp_governed_accounts g ON g.account_id = p.account_id AND NOT p.is_service_linked
     WHERE p.principal_arn IN (SELECT caller_arn FROM trusted_pairs)
),
-- Trust denies that apply to a caller: a Deny of "*", of the caller's ARN or account, or a Deny
-- with NotPrincipal that does not list the caller. A NotPrincipal Deny always denies a principal
-- with a permissions boundary, whatever it lists (IAM User Guide, "Permissions boundaries for IAM
-- entities").
pair_denies AS (
    SELECT tp.caller_arn, tp.role_arn,
           bool_or(d.condition_state IN ('none', 'true')) AS deny_sure,
           bool_or(d.condition_state = 'unknown') AS deny_maybe,
           jsonb_agg(DISTINCT jsonb_build_object('statement_index', d.statement_index, 'sid', d.sid, 'condition', d.condition)) AS deny_statements
      FROM trusted_pairs tp
      JOIN callers c ON c.principal_arn = tp.caller_arn
      JOIN trust_denies d ON d.resource_arn = tp.role_arn
     WHERE CASE
               WHEN d.is_not_principal THEN
                   c.boundary_arn IS NOT NULL
                   OR NOT EXISTS (SELECT 1 FROM trust_denies l
                                   WHERE l.resource_arn = d.resource_arn AND l.statement_index = d.statement_index
                                     AND l.is_not_principal AND l.trusted_principal = c.principal_arn)
               ELSE d.principal_kind = 'public'
                    OR d.trusted_principal = c.principal_arn
                    OR (d.principal_kind = 'account' AND d.trusted_account_id = c.arn_account_id)
                    OR (d.principal_kind = 'session' AND d.trusted_account_id = c.arn_account_id
                        AND c.principal_type = 'role' AND split_part(c.principal_arn, '/', -1) = split_part(d.trusted_principal, '/', 2))
           END
     GROUP BY tp.caller_arn, tp.role_arn
),
-- Statements that can decide sts:AssumeRole, once per statement: Action or NotAction covers it.
assume_statements AS MATERIALIZED (
    SELECT s.statement_key, s.policy_key, s.effect, s.is_not_resource, s.resource_patterns,
           EXISTS (SELECT 1 FROM unnest(s.resource_patterns) r WHERE position('${' IN r) > 0) AS uses_variables
      FROM ciem.aws_policy_statements s
     WHERE s.problem IS NULL
       AND ciem.statement_matches_action(s.is_not_action, s.action_patterns, 'sts:AssumeRole')
),
-- Each caller's statements on sts:AssumeRole, through the same paths as ciem.evaluate_principal:
-- its own and its groups' policies, its boundary, and the SCPs above its account.
caller_statements AS (
    SELECT c.principal_arn AS caller_arn, pp.via, pp.group_arn AS via_arn, s.*
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
-- The statements whose Resource (or NotResource) admits the role. Patterns with policy variables
-- are kept whatever the role: ciem.evaluate_principal resolves them per caller.
pair_statements AS (
    SELECT tp.caller_arn, tp.role_arn, cs.statement_key, cs.via, cs.via_arn, cs.effect, cs.uses_variables
      FROM trusted_pairs tp
      JOIN caller_statements cs ON cs.caller_arn = tp.caller_arn
     WHERE cs.uses_variables
        OR cs.is_not_resource <> EXISTS (SELECT 1 FROM unnest(cs.resource_patterns) r WHERE ciem.resource_pattern_matches(r, tp.role_arn))
),
-- The statements that apply to each pair, as a key that is equal for two pairs only when
-- ciem.evaluate_principal must decide them alike (with the same account, boundary presence and
-- service-linked flag). A caller whose statements use policy variables is evaluated pair by pair.
pair_keys AS (
    SELECT tp.caller_arn, tp.role_arn,
           coalesce(bool_or(ps.effect = 'Allow' AND ps.via IN ('direct', 'group')), false) AS has_identity_allow,
           coalesce(bool_or(ps.uses_variables), false) AS uses_variables,
           string_agg(ps.statement_key || ':' || ps.via || ':' || coalesce(ps.via_arn, ''), ','
                      ORDER BY ps.statement_key, ps.via, ps.via_arn) AS statement_set
      FROM trusted_pairs tp
      LEFT JOIN pair_statements ps ON ps.caller_arn = tp.caller_arn AND ps.role_arn = tp.role_arn
     GROUP BY tp.caller_arn, tp.role_arn
),
-- Pairs worth evaluating: a pair needs an Allow of the caller's own unless the trust policy names
-- the caller in its account.
candidates AS (
    SELECT tp.*,
           c.boundary_arn,
           c.scp_level_count,
           tp.names_caller AND c.arn_account_id = tp.role_account_id AS is_direct,
           CASE
               WHEN k.uses_variables THEN md5(tp.caller_arn || '|' || tp.role_arn)
               ELSE md5(concat_ws('|', c.account_id, c.is_service_linked, c.boundary_arn IS NOT NULL, k.statement_set))
           END AS evaluation_key
      FROM trusted_pairs tp
      JOIN callers c ON c.principal_arn = tp.caller_arn
      JOIN pair_keys k ON k.caller_arn = tp.caller_arn AND k.role_arn = tp.role_arn
     WHERE k.has_identity_allow OR (tp.names_caller AND c.arn_account_id = tp.role_account_id)
),
-- One evaluation per key, on one pair that has it.
evaluations AS (
    SELECT r.evaluation_key,
           coalesce(e.decision, 'implicit_deny') AS decision,
           coalesce(e.statements, '[]'::jsonb) AS statements
      FROM (SELECT DISTINCT ON (evaluation_key) evaluation_key, caller_arn, role_arn
              FROM candidates
             ORDER BY evaluation_key, caller_arn, role_arn) r
      LEFT JOIN LATERAL ciem.evaluate_principal(r.caller_arn, 'sts:AssumeRole', r.role_arn, now()) e ON true
),
-- For a trust policy that names the caller in its account only denies, the boundary and SCPs
-- count; they are read from the statements the evaluation matched.
decided AS (
    SELECT c.*, e.decision, e.statements,
           EXISTS (SELECT 1 FROM jsonb_array_elements(e.statements) s
                    WHERE s ->> 'effect' = 'Deny' AND s ->> 'condition_state' = 'unknown') AS deny_maybe,
           c.boundary_arn IS NULL OR EXISTS (SELECT 1 FROM jsonb_array_elements(e.statements) s
                                              WHERE s ->> 'effect' = 'Allow' AND s ->> 'via' = 'boundary') AS boundary_any,
           c.boundary_arn IS NULL OR EXISTS (SELECT 1 FROM jsonb_array_elements(e.statements) s
                                              WHERE s ->> 'effect' = 'Allow' AND s ->> 'via' = 'boundary'
                                                AND s ->> 'condition_state' IN ('none', 'true')) AS boundary_sure,
           c.scp_level_count IS NULL OR (SELECT count(DISTINCT s ->> 'via_arn') FROM jsonb_array_elements(e.statements) s
                                          WHERE s ->> 'effect' = 'Allow' AND s ->> 'via' = 'scp') = c.scp_level_count AS scp_any,
           c.scp_level_count IS NULL OR (SELECT count(DISTINCT s ->> 'via_arn') FROM jsonb_array_elements(e.statements) s
                                          WHERE s ->> 'effect' = 'Allow' AND s ->> 'via' = 'scp'
                                            AND s ->> 'condition_state' IN ('none', 'true')) = c.scp_level_count AS scp_sure
      FROM candidates c
      JOIN evaluations e USING (evaluation_key)
),
edges AS (
    SELECT d.*,
           CASE
               WHEN d.is_direct THEN d.decision <> 'explicit_deny' AND d.boundary_any AND d.scp_any
               ELSE d.decision IN ('allowed', 'conditional')
           END AS identity_allows,
           CASE
               WHEN d.is_direct THEN d.deny_maybe OR NOT d.boundary_sure OR NOT d.scp_sure
               ELSE d.decision = 'conditional'
           END AS identity_conditional
      FROM decided d
)
SELECT e.caller_arn,
       p.principal_type AS caller_type,
       split_part(e.caller_arn, ':', 5) AS caller_account_id,
       e.role_arn,
       e.role_account_id,
       split_part(e.caller_arn, ':', 5) <> e.role_account_id AS is_cross_account,
       e.trust_match,
       NOT e.is_direct AS identity_policy_required,
       e.decision AS identity_decision,
       NOT e.trust_unconditional OR coalesce(pd.deny_maybe, false) OR e.identity_conditional AS conditional,
       e.trust_statements,
       coalesce(pd.deny_statements, '[]'::jsonb) AS trust_deny_statements,
       e.statements AS permission_statements
  FROM edges e
  JOIN ciem.aws_principals p ON p.principal_arn = e.caller_arn
  LEFT JOIN pair_denies pd ON pd.caller_arn = e.caller_arn AND pd.role_arn = e.role_arn
 WHERE e.identity_allows
   AND NOT coalesce(pd.deny_sure, false)
WITH NO DATA;

CREATE UNIQUE INDEX aws_assume_role_edges_key ON ciem.aws_assume_role_edges (caller_arn, role_arn);
CREATE INDEX aws_assume_role_edges_role ON ciem.aws_assume_role_edges (role_arn, caller_arn);

COMMENT ON MATERIALIZED VIEW ciem.aws_assume_role_edges IS
    'One row per IAM user or role (caller_arn) and role it may assume with sts:AssumeRole. trust_match: principal_arn, role_session, account, not_principal or public. identity_policy_required is false when the trust policy names the caller in its own account. conditional is true when a trust or identity condition, or a conditional Deny, decides it per request. trust_statements and permission_statements are the evidence of both sides.';

INSERT INTO ciem.refresh_relations (position, relation_name) VALUES (210, 'aws_assume_role_edges');
