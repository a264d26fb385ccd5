-- The decision for a principal and action, following AWS's policy evaluation logic (IAM User
-- Guide, "Policy evaluation logic" and "Determining whether a request is allowed or denied within
-- an account"):
--   1. an explicit Deny in any policy (identity, group, boundary or SCP) wins;
--   2. else some identity policy (direct or through a group) must Allow;
--   3. a permissions boundary, when set, must also Allow; it never grants by itself;
--   4. SCPs must Allow at every level from the account up to the root (several SCPs on one node
--      are a union), except for the management account and service-linked roles.
-- A statement whose condition is false at evaluation time is left out; one whose condition
-- cannot be decided without a request makes the outcome 'conditional' where it matters.

-- Policy variables of a principal's requests, with lower-case names because the keys are
-- case-insensitive. JSON null marks a key that is never present: a role session has no
-- aws:username (IAM User Guide, "Policy variables", table of principal values). A role
-- session's aws:userid includes its session name, so it stays unknown.
CREATE FUNCTION ciem.principal_variables(principal ciem.aws_principals) RETURNS jsonb
LANGUAGE sql IMMUTABLE
AS $$
    SELECT jsonb_build_object(
        'aws:username', CASE WHEN principal.principal_type = 'user' THEN principal.principal_name END,
        'aws:principaltype', CASE WHEN principal.principal_type = 'user' THEN 'User' ELSE 'AssumedRole' END,
        'aws:principalaccount', principal.account_id)
        || CASE WHEN principal.principal_type = 'user' THEN jsonb_build_object('aws:userid', principal.unique_id) ELSE '{}'::jsonb END
$$;

-- True when every allowed pattern is matched, as text, by an unconditional Deny pattern, so the
-- Deny covers every resource the Allow reaches: Deny arn:aws:s3:::b/* covers Allow
-- arn:aws:s3:::b/x/*, but not Allow arn:aws:s3:::*.
CREATE FUNCTION ciem.patterns_covered(allowed text[], denied text[]) RETURNS boolean
LANGUAGE sql IMMUTABLE
AS $$
    SELECT cardinality(allowed) > 0
       AND cardinality(denied) > 0
       AND NOT EXISTS (
            SELECT 1 FROM unnest(allowed) a
             WHERE NOT EXISTS (SELECT 1 FROM unnest(denied) d WHERE a LIKE ciem.glob_to_like(d)))
$$;

-- Actions that AWS performs without checking permissions. GetCallerIdentity: "No permissions are
-- required to perform this operation", and an explicit Deny does not stop it (AWS STS API
-- Reference, GetCallerIdentity).
CREATE FUNCTION ciem.requires_no_permission(action text) RETURNS boolean
LANGUAGE sql IMMUTABLE STRICT
AS $$
    SELECT action = 'sts:GetCallerIdentity'
$$;

-- Evaluates one principal, for one action (p_action, canonical name) or every action of the
-- catalogue (p_action NULL). p_resource '*' asks whether the action is granted on some
-- resource; any other value is matched against the statements' Resource and NotResource.
CREATE FUNCTION ciem.evaluate_principal(p_principal text, p_action text, p_resource text, p_at timestamptz)
RETURNS TABLE (
    action text,
    decision text,
    resource_patterns text[],
    denied_resource_patterns text[],
    statements jsonb
)
LANGUAGE sql STABLE
AS $$
WITH principal AS (
    SELECT p.*,
           ciem.principal_variables(p) AS variables,
           p.boundary_arn IS NOT NULL AS has_boundary,
           g.level_count AS scp_level_count
      FROM ciem.aws_principals p
      LEFT JOIN ciem.aws_scp_governed_accounts g ON g.account_id = p.account_id AND NOT p.is_service_linked
     WHERE p.principal_arn = p_principal
),
applicable AS (
    SELECT pp.via, pp.group_arn AS via_arn, s.*
      FROM principal pr
      JOIN ciem.aws_principal_policies pp ON pp.principal_arn = pr.principal_arn
      JOIN ciem.aws_policy_statements s ON s.policy_key = pp.policy_key AND s.problem IS NULL
    UNION ALL
    SELECT 'scp', path.node_id, s.*
      FROM principal pr
      JOIN ciem.aws_account_org_path path ON path.account_id = pr.account_id AND pr.scp_level_count IS NOT NULL
      JOIN ciem.aws_scp_targets t ON t.target_id = path.node_id
      JOIN ciem.aws_policy_statements s ON s.policy_key = 'scp:' || t.policy_id AND s.problem IS NULL
),
evaluated AS (
    SELECT a.*,
           CASE
               WHEN ciem.condition_state(a.condition, p_at) IN ('none', 'true')
                AND EXISTS (SELECT 1 FROM unnest(a.resource_patterns) pattern
                             WHERE ciem.pattern_has_unknown_variables(pattern, a.policy_version, pr.variables))
               THEN 'unknown'
               ELSE ciem.condition_state(a.condition, p_at)
           END AS condition_state,
           ciem.action_set_key(a.is_not_action, a.action_patterns, a.is_not_resource, a.resource_patterns) AS action_set_key,
           ARRAY(
               SELECT r.resolved
                 FROM unnest(a.resource_patterns) AS pattern
                CROSS JOIN LATERAL (SELECT ciem.resolve_policy_variables(pattern, a.policy_version, pr.variables) AS resolved) r
                WHERE r.resolved IS NOT NULL
           ) AS resolved_patterns
      FROM applicable a
     CROSS JOIN principal pr
),
live AS (
    SELECT e.*,
           NOT e.is_not_resource AND EXISTS (SELECT 1 FROM unnest(e.resolved_patterns) r WHERE ciem.is_match_all(r)) AS covers_all
      FROM evaluated e
     WHERE e.condition_state <> 'false'
       -- A Resource whose every pattern uses a variable without a value matches nothing.
       AND (e.is_not_resource OR cardinality(e.resolved_patterns) > 0)
       AND (p_resource = '*'
            OR (NOT e.is_not_resource AND EXISTS (SELECT 1 FROM unnest(e.resolved_patterns) r WHERE ciem.resource_pattern_matches(r, p_resource)))
            OR (e.is_not_resource AND NOT EXISTS (SELECT 1 FROM unnest(e.resolved_patterns) r WHERE ciem.resource_pattern_matches(r, p_resource))))
),
matched AS (
    SELECT l.*, x.action AS matched_action,
           -- An action without resource types is requested on "*" only, so a Deny NotResource
           -- that applies to it covers every resource it has.
           l.covers_all OR (l.is_not_resource AND cardinality(a.resource_types) = 0) AS covers_action
      FROM live l
      JOIN ciem.aws_action_set_actions x ON x.action_set_key = l.action_set_key
      JOIN ciem.aws_actions a ON a.action = x.action
     WHERE p_resource = '*'
       AND (p_action IS NULL OR x.action = p_action)
    UNION ALL
    SELECT l.*, p_action, true
      FROM live l
     WHERE p_resource <> '*'
       AND l.is_not_action <> EXISTS (SELECT 1 FROM unnest(l.action_patterns) ap WHERE ciem.action_pattern_matches(ap, p_action))
),
per_action AS (
    SELECT m.matched_action AS action,
           bool_or(m.effect = 'Allow' AND m.via IN ('direct', 'group')) AS allow_any,
           bool_or(m.effect = 'Allow' AND m.via IN ('direct', 'group') AND m.condition_state IN ('none', 'true')) AS allow_sure,
           bool_or(m.effect = 'Allow' AND m.via = 'boundary') AS boundary_any,
           bool_or(m.effect = 'Allow' AND m.via = 'boundary' AND m.condition_state IN ('none', 'true')) AS boundary_sure,
           count(DISTINCT m.via_arn) FILTER (WHERE m.effect = 'Allow' AND m.via = 'scp') AS scp_levels_any,
           count(DISTINCT m.via_arn) FILTER (WHERE m.effect = 'Allow' AND m.via = 'scp' AND m.condition_state IN ('none', 'true')) AS scp_levels_sure,
           bool_or(m.effect = 'Deny' AND m.condition_state IN ('none', 'true') AND m.covers_action) AS deny_sure,
           bool_or(m.effect = 'Deny' AND m.condition_state = 'unknown' AND m.covers_action) AS deny_maybe,
           bool_or(m.effect = 'Allow' AND m.via IN ('direct', 'group') AND m.is_not_resource) AS allow_not_resource,
           array_remove(array_agg(DISTINCT r.pattern) FILTER (WHERE m.effect = 'Allow' AND m.via IN ('direct', 'group') AND NOT m.is_not_resource), NULL) AS allowed_patterns,
           array_remove(array_agg(DISTINCT r.pattern) FILTER (WHERE m.effect = 'Deny' AND m.condition_state IN ('none', 'true') AND NOT m.is_not_resource), NULL) AS denied_patterns,
           array_remove(array_agg(DISTINCT r.pattern) FILTER (WHERE m.effect = 'Deny' AND m.condition_state = 'unknown' AND NOT m.is_not_resource), NULL) AS maybe_denied_patterns,
           jsonb_agg(DISTINCT jsonb_build_object(
               'policy_type', m.policy_type,
               'policy_arn', m.policy_arn,
               'policy_name', m.policy_name,
               'via', m.via,
               'via_arn', m.via_arn,
               'statement_index', m.statement_index,
               'sid', m.sid,
               'effect', m.effect,
               'condition_state', m.condition_state,
               'condition', m.condition,
               CASE WHEN m.is_not_resource THEN 'not_resource' ELSE 'resource' END, m.resolved_patterns)) AS statements
      FROM matched m
      LEFT JOIN LATERAL unnest(m.resolved_patterns) AS r(pattern) ON true
     GROUP BY m.matched_action
)
SELECT pa.action,
       CASE
           WHEN ciem.requires_no_permission(pa.action) THEN 'allowed'
           WHEN pa.deny_sure THEN 'explicit_deny'
           WHEN NOT pa.allow_any THEN 'implicit_deny'
           WHEN pr.has_boundary AND NOT pa.boundary_any THEN 'implicit_deny'
           WHEN pr.scp_level_count IS NOT NULL AND pa.scp_levels_any < pr.scp_level_count THEN 'implicit_deny'
           WHEN p_resource = '*' AND NOT pa.allow_not_resource AND ciem.patterns_covered(pa.allowed_patterns, pa.denied_patterns) THEN 'explicit_deny'
           WHEN pa.allow_sure
                AND (NOT pr.has_boundary OR pa.boundary_sure)
                AND (pr.scp_level_count IS NULL OR pa.scp_levels_sure = pr.scp_level_count)
                AND NOT pa.deny_maybe
                -- A conditional Deny over every allowed resource may take the whole grant away.
                AND NOT (p_resource = '*' AND NOT pa.allow_not_resource
                         AND ciem.patterns_covered(pa.allowed_patterns, pa.maybe_denied_patterns)) THEN 'allowed'
           ELSE 'conditional'
       END,
       pa.allowed_patterns,
       pa.denied_patterns,
       pa.statements
  FROM per_action pa
 CROSS JOIN principal pr
$$;

COMMENT ON FUNCTION ciem.evaluate_principal(text, text, text, timestamptz) IS
    'Decision per action for one IAM user or role: allowed, conditional, explicit_deny or implicit_deny, with the allowed and denied resource patterns and the statements that matched. Actions without any matching statement are not returned.';

-- Every catalogue action for one principal, implicit denies included.
CREATE FUNCTION ciem.effective_permissions(identity_arn text, at timestamptz DEFAULT now())
RETURNS TABLE (
    action text,
    service text,
    access_levels text[],
    decision text,
    resource_patterns text[],
    denied_resource_patterns text[],
    statements jsonb
)
LANGUAGE sql STABLE
AS $$
    SELECT a.action, a.service, a.access_levels,
           coalesce(e.decision, CASE WHEN ciem.requires_no_permission(a.action) THEN 'allowed' ELSE 'implicit_deny' END),
           coalesce(e.resource_patterns, '{}'),
           coalesce(e.denied_resource_patterns, '{}'),
           coalesce(e.statements, '[]'::jsonb)
      FROM ciem.aws_actions a
      LEFT JOIN ciem.evaluate_principal(identity_arn, NULL, '*', at) e ON e.action = a.action
$$;

COMMENT ON FUNCTION ciem.effective_permissions(text, timestamptz) IS
    'One row per AWS action for an IAM user or role: the decision on some resource, the resource patterns it is allowed and denied on, and the statements that matched.';

-- The same for every user and role; filter on identity_arn, which the planner pushes down.
CREATE VIEW ciem.aws_effective_permissions AS
SELECT p.principal_arn AS identity_arn, p.principal_type AS identity_type, p.account_id, e.*
  FROM ciem.aws_principals p
 CROSS JOIN LATERAL ciem.effective_permissions(p.principal_arn) e;

COMMENT ON VIEW ciem.aws_effective_permissions IS
    'One row per IAM user or role and AWS action: the effective decision with its resource patterns and statements. Always filter on identity_arn: unfiltered it evaluates every principal.';

-- Explains one decision: the deciding statements grouped by the part of the evaluation they
-- take part in.
CREATE FUNCTION ciem.explain(identity_arn text, action text, resource text DEFAULT '*', at timestamptz DEFAULT now())
RETURNS jsonb
LANGUAGE plpgsql STABLE
AS $$
DECLARE
    canonical text;
    principal ciem.aws_principals;
    result    record;
BEGIN
    SELECT * INTO principal FROM ciem.aws_principals p WHERE p.principal_arn = explain.identity_arn;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'identity % not found', explain.identity_arn
            USING HINT = 'Use the ARN of an IAM user or role from ciem.identities; run openciem refresh after a sync.';
    END IF;

    SELECT a.action INTO canonical
      FROM ciem.aws_actions a
     WHERE a.service = lower(split_part(explain.action, ':', 1))
       AND lower(a.name) = lower(substr(explain.action, length(split_part(explain.action, ':', 1)) + 2));
    IF canonical IS NULL THEN
        RAISE EXCEPTION 'action % is not in the AWS action catalogue', explain.action
            USING HINT = 'Write it as service:ActionName, for example s3:GetObject; wildcards are not accepted here.';
    END IF;

    SELECT * INTO result FROM ciem.evaluate_principal(principal.principal_arn, canonical, explain.resource, explain.at);

    RETURN jsonb_build_object(
        'identity', principal.principal_arn,
        'identity_type', principal.principal_type,
        'action', canonical,
        'resource', explain.resource,
        'decision', coalesce(result.decision, CASE WHEN ciem.requires_no_permission(canonical) THEN 'allowed' ELSE 'implicit_deny' END),
        'evaluated_at', explain.at,
        'permissions_boundary', principal.boundary_arn,
        'allowed_resource_patterns', coalesce(to_jsonb(result.resource_patterns), '[]'::jsonb),
        'denied_resource_patterns', coalesce(to_jsonb(result.denied_resource_patterns), '[]'::jsonb),
        'allowing', coalesce((SELECT jsonb_agg(s) FROM jsonb_array_elements(result.statements) s
                               WHERE s ->> 'effect' = 'Allow' AND s ->> 'via' IN ('direct', 'group')), '[]'::jsonb),
        'denying', coalesce((SELECT jsonb_agg(s) FROM jsonb_array_elements(result.statements) s
                              WHERE s ->> 'effect' = 'Deny'), '[]'::jsonb),
        'boundary_allowing', coalesce((SELECT jsonb_agg(s) FROM jsonb_array_elements(result.statements) s
                                        WHERE s ->> 'effect' = 'Allow' AND s ->> 'via' = 'boundary'), '[]'::jsonb),
        'scp_allowing', coalesce((SELECT jsonb_agg(s) FROM jsonb_array_elements(result.statements) s
                                   WHERE s ->> 'effect' = 'Allow' AND s ->> 'via' = 'scp'), '[]'::jsonb)
    );
END
$$;

COMMENT ON FUNCTION ciem.explain(text, text, text, timestamptz) IS
    'The decision for one identity, action and resource (default "*", meaning some resource) with the statements that allow it, deny it, and the boundary and SCP statements that let it through.';
