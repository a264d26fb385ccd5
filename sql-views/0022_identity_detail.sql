-- The effective permissions of one IAM user or role as a tree (service, access level, action),
-- for the Identity page of the Grafana app. The page reads one level of the tree at a time: a
-- count per service and access level first, then the actions of the node a user expands. An
-- admin-equivalent identity is allowed all 22,000 actions of the catalogue, which no page can
-- fetch and draw at once.
--
-- Both levels come from one function, ciem.identity_action_decisions, which calls the engine
-- (ciem.evaluate_principals) so the counts, the actions and ciem.explain cannot disagree.

CREATE TYPE ciem.identity_action_decision AS (
    action text,
    service text,
    access_level text,
    decision text,
    granted boolean,
    resource_patterns text[],
    denied_resource_patterns text[],
    usage text,
    usage_basis text,
    last_used_at timestamptz
);

COMMENT ON TYPE ciem.identity_action_decision IS
    'One action in the effective-permission tree of an identity: the engine''s decision and resource patterns, whether an identity policy grants it, and its usage.';

-- The decision for each requested action (p_actions NULL: the whole catalogue) that the identity
-- is allowed, conditionally allowed, or granted by one of its own or its groups' policies but
-- denied (by a Deny, its permissions boundary or an SCP). Actions that no identity policy grants
-- are left out: a Deny on "*" would otherwise list the whole catalogue as denied.
-- usage marks unused permissions the way the unused-access relations judge them
-- (docs/unused-access.md). It is one of these values:
--   used, unused:  judged by the action's own last use when AWS tracks the action (usage_basis
--                  'action'), else by its service's last use (usage_basis 'service').
--   not_reported:  the identity has a last accessed report, but the report does not list the service.
--   NULL:          the identity has no last accessed report, so its use is unknown.
CREATE FUNCTION ciem.identity_action_decisions(p_identity_arn text, p_actions text[], p_at timestamptz DEFAULT now())
RETURNS SETOF ciem.identity_action_decision
LANGUAGE plpgsql STABLE
AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM ciem.aws_principals p WHERE p.principal_arn = p_identity_arn) THEN
        RAISE EXCEPTION 'identity % not found', p_identity_arn
            USING HINT = 'Use the ARN of an IAM user or role from ciem.identities; groups have no effective permissions of their own. Run openciem refresh after a sync.';
    END IF;

    RETURN QUERY
    WITH evaluated AS (
        SELECT e.action, e.decision, e.resource_patterns, e.denied_resource_patterns,
               -- The same test as the allowing statements of ciem.explain.
               EXISTS (SELECT 1 FROM jsonb_array_elements(e.statements) s
                        WHERE s ->> 'effect' = 'Allow' AND s ->> 'via' IN ('direct', 'group')) AS granted
          FROM ciem.evaluate_principals(ARRAY[p_identity_arn], p_actions, '*', p_at, true, NULL) e
    ),
    requested AS (
        SELECT a.action, a.service, al.access_level
          FROM ciem.aws_actions a
          JOIN ciem.aws_action_access_levels al ON al.action = a.action
         WHERE p_actions IS NULL OR a.action IN (SELECT unnest(p_actions))
    ),
    decided AS (
        SELECT r.action, r.service, r.access_level,
               -- Actions without a matching statement are denied, except those AWS never checks
               -- (ciem.effective_permissions does the same).
               coalesce(e.decision, CASE WHEN ciem.requires_no_permission(r.action) THEN 'allowed' ELSE 'implicit_deny' END) AS decision,
               coalesce(e.granted, false) AS granted,
               coalesce(e.resource_patterns, '{}') AS resource_patterns,
               coalesce(e.denied_resource_patterns, '{}') AS denied_resource_patterns
          FROM requested r
          LEFT JOIN evaluated e ON e.action = r.action
    ),
    report AS (
        SELECT EXISTS (SELECT 1 FROM ciem.aws_service_usage u WHERE u.identity_arn = p_identity_arn) AS reported,
               now() - make_interval(days => ciem.last_accessed_window_days()) AS threshold
    )
    SELECT d.action, d.service, d.access_level, d.decision, d.granted, d.resource_patterns, d.denied_resource_patterns,
           CASE
               WHEN au.action IS NOT NULL THEN CASE WHEN au.used THEN 'used' ELSE 'unused' END
               WHEN NOT rp.reported THEN NULL
               WHEN su.identity_arn IS NULL OR NOT su.reported THEN 'not_reported'
               WHEN su.last_authenticated >= rp.threshold THEN 'used'
               ELSE 'unused'
           END,
           CASE
               WHEN au.action IS NOT NULL THEN 'action'
               WHEN rp.reported THEN 'service'
           END,
           CASE WHEN au.action IS NOT NULL THEN au.last_accessed_at ELSE su.last_authenticated END
      FROM decided d
     CROSS JOIN report rp
      LEFT JOIN ciem.action_usage au ON au.identity_arn = p_identity_arn AND au.action = d.action
      LEFT JOIN ciem.aws_service_usage su ON su.identity_arn = p_identity_arn AND su.service = d.service
     WHERE d.decision IN ('allowed', 'conditional') OR d.granted;
END
$$;

COMMENT ON FUNCTION ciem.identity_action_decisions(text, text[], timestamptz) IS
    'For one IAM user or role and the listed actions (NULL: every action): each action it is allowed, conditionally allowed, or granted by its own or its groups'' policies but denied, with the engine''s decision and resource patterns, and whether it was used (used, unused, not_reported; NULL without a last accessed report).';

-- The first level of the tree: per service and access level, how many actions are allowed,
-- conditional, granted but denied, and unused.
CREATE FUNCTION ciem.identity_permission_summary(p_identity_arn text, p_at timestamptz DEFAULT now())
RETURNS TABLE (
    service text,
    service_name text,
    access_level text,
    allowed integer,
    conditional integer,
    denied integer,
    unused integer,
    service_usage text,
    service_last_used_at timestamptz
)
LANGUAGE sql STABLE
AS $$
    SELECT d.service,
           sv.service_name,
           d.access_level,
           count(*) FILTER (WHERE d.decision = 'allowed')::integer,
           count(*) FILTER (WHERE d.decision = 'conditional')::integer,
           count(*) FILTER (WHERE d.decision IN ('explicit_deny', 'implicit_deny'))::integer,
           count(*) FILTER (WHERE d.decision IN ('allowed', 'conditional') AND d.usage = 'unused')::integer,
           -- The same judgement as ciem.service_usage, for the service as a whole.
           CASE
               WHEN NOT EXISTS (SELECT 1 FROM ciem.aws_service_usage u WHERE u.identity_arn = p_identity_arn) THEN NULL
               WHEN su.identity_arn IS NULL OR NOT su.reported THEN 'not_reported'
               WHEN su.last_authenticated IS NULL THEN 'not_used'
               WHEN su.last_authenticated >= now() - make_interval(days => ciem.last_accessed_window_days()) THEN 'used'
               ELSE 'unused'
           END,
           su.last_authenticated
      FROM ciem.identity_action_decisions(p_identity_arn, NULL, p_at) d
      LEFT JOIN ciem.aws_services sv ON sv.service = d.service
      LEFT JOIN ciem.aws_service_usage su ON su.identity_arn = p_identity_arn AND su.service = d.service
     GROUP BY d.service, sv.service_name, d.access_level, su.identity_arn, su.reported, su.last_authenticated
$$;

COMMENT ON FUNCTION ciem.identity_permission_summary(text, timestamptz) IS
    'For one IAM user or role: one row per service and access level with the number of actions allowed, conditionally allowed, granted but denied, and allowed but unused, with the service''s usage (used, unused, not_used, not_reported; NULL without a last accessed report).';

-- The second level: the actions of one service, and optionally one access level.
CREATE FUNCTION ciem.identity_service_actions(p_identity_arn text, p_service text, p_access_level text DEFAULT NULL, p_at timestamptz DEFAULT now())
RETURNS SETOF ciem.identity_action_decision
LANGUAGE plpgsql STABLE
AS $$
DECLARE
    requested text[];
BEGIN
    requested := ARRAY(
        SELECT al.action
          FROM ciem.aws_action_access_levels al
         WHERE al.service = lower(p_service)
           AND (p_access_level IS NULL OR al.access_level = p_access_level));
    IF cardinality(requested) = 0 THEN
        IF NOT EXISTS (SELECT 1 FROM ciem.aws_services s WHERE s.service = lower(p_service)) THEN
            RAISE EXCEPTION 'service % is not in the AWS action catalogue', p_service
                USING HINT = 'Use a service prefix as IAM writes it, for example s3 or ec2.';
        END IF;
        RAISE EXCEPTION 'service % has no action of access level %', p_service, p_access_level
            USING HINT = 'Use List, Read, Tagging, Write or Permissions management.';
    END IF;

    RETURN QUERY
    SELECT d.*
      FROM ciem.identity_action_decisions(p_identity_arn, requested, p_at) d
     ORDER BY d.action;
END
$$;

COMMENT ON FUNCTION ciem.identity_service_actions(text, text, text, timestamptz) IS
    'For one IAM user or role: the actions of one service (and access level, when given) as ciem.identity_action_decisions returns them, ordered by action.';
