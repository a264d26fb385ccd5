-- Faster findings refresh.
--
-- 1. The engine probes each statement's action set for the actions a request names, instead of
--    reading the whole set and filtering it. It works out statement-level facts (condition state,
--    action set, whether the resources use policy variables) once per statement per call.
-- 2. ciem.aws_principal_risk_decisions becomes a table that ciem.refresh_principal_risk_decisions()
--    fills step by step, each step a temporary table with fresh statistics. As one materialised
--    view the planner guessed a few rows for steps that return hundreds of thousands and chose
--    nested loops: more than 18 minutes at 10,000 identities, about a minute step by step.
-- 3. ciem.refresh() records how long each relation took in ciem.refresh_steps.

-- Returns the statements that create again the views and materialised views reading a relation,
-- directly or through others. Each comes after the relations it reads, with its indexes and
-- comment. Materialised views come back WITH NO DATA, and the next refresh fills them.
CREATE FUNCTION ciem.dependent_view_ddl(p_relation regclass) RETURNS text[]
LANGUAGE sql STABLE
AS $$
    WITH RECURSIVE dependents (oid, depth) AS (
        SELECT DISTINCT r.ev_class, 1
          FROM pg_depend d
          JOIN pg_rewrite r ON r.oid = d.objid
         WHERE d.classid = 'pg_rewrite'::regclass AND d.refobjid = p_relation AND r.ev_class <> p_relation
        UNION ALL
        SELECT DISTINCT r.ev_class, x.depth + 1
          FROM dependents x
          JOIN pg_depend d ON d.refobjid = x.oid AND d.classid = 'pg_rewrite'::regclass
          JOIN pg_rewrite r ON r.oid = d.objid
         WHERE r.ev_class <> x.oid
    ),
    ordered AS (
        SELECT oid, max(depth) AS depth FROM dependents GROUP BY oid
    )
    SELECT coalesce(array_agg(ddl ORDER BY o.depth, c.oid::regclass::text, part), '{}')
      FROM ordered o
      JOIN pg_class c ON c.oid = o.oid
     CROSS JOIN LATERAL (
        SELECT 1 AS part,
               CASE c.relkind
                   WHEN 'm' THEN format('CREATE MATERIALIZED VIEW %s AS %s WITH NO DATA',
                                        c.oid::regclass, rtrim(pg_get_viewdef(c.oid), ';'))
                   ELSE format('CREATE VIEW %s AS %s', c.oid::regclass, rtrim(pg_get_viewdef(c.oid), ';'))
               END AS ddl
        UNION ALL
        SELECT 2, pg_get_indexdef(i.indexrelid) FROM pg_index i WHERE i.indrelid = c.oid
        UNION ALL
        SELECT 3, format('COMMENT ON %s %s IS %L',
                         CASE c.relkind WHEN 'm' THEN 'MATERIALIZED VIEW' ELSE 'VIEW' END,
                         c.oid::regclass, obj_description(c.oid, 'pg_class'))
         WHERE obj_description(c.oid, 'pg_class') IS NOT NULL
     ) statements
$$;

COMMENT ON FUNCTION ciem.dependent_view_ddl(regclass) IS
    'Statements that create again the views and materialised views depending on a relation, in dependency order; for migrations that replace the relation.';

CREATE FUNCTION ciem.execute_statements(p_statements text[]) RETURNS void
LANGUAGE plpgsql
AS $$
DECLARE
    statement text;
BEGIN
    FOREACH statement IN ARRAY p_statements LOOP
        EXECUTE statement;
    END LOOP;
END
$$;

COMMENT ON FUNCTION ciem.execute_statements(text[]) IS
    'Runs each statement in order; with ciem.dependent_view_ddl, migrations create dependent views again.';

-- The engine, as in migration 0014, but driven by the requested actions. With a list of actions
-- or pairs, a statement whose action set is NotAction iam:* (thousands of actions) costs one
-- index probe per requested action instead of a read of the whole set: at 10,000 identities
-- the findings' 317,000 pairs took 52 s before and 19 s after (measured by hand).
CREATE OR REPLACE FUNCTION ciem.evaluate_principals(p_principals text[], p_actions text[], p_resource text, p_at timestamptz, p_detail boolean, p_pairs text[])
RETURNS TABLE (
    principal_arn text,
    action text,
    decision text,
    resource_patterns text[],
    denied_resource_patterns text[],
    statements jsonb
)
LANGUAGE plpgsql STABLE
AS $$
-- PL/pgSQL keeps the plan between calls; as SQL, every call was planned again, which took
-- longer than running it (5.5 ms against 3.5 ms for a one-policy user).
#variable_conflict use_column
BEGIN
RETURN QUERY
WITH principal AS (
    SELECT p.*,
           ciem.principal_variables(p) AS variables,
           p.boundary_arn IS NOT NULL AS has_boundary,
           g.level_count AS scp_level_count
      FROM ciem.aws_principals p
      LEFT JOIN ciem.aws_scp_governed_accounts g ON g.account_id = p.account_id AND NOT p.is_service_linked
     WHERE p.principal_arn = ANY (p_principals)
),
applicable AS (
    SELECT pr.principal_arn AS subject, pp.via, pp.group_arn AS via_arn, s.*
      FROM principal pr
      JOIN ciem.aws_principal_policies pp ON pp.principal_arn = pr.principal_arn
      JOIN ciem.aws_policy_statements s ON s.policy_key = pp.policy_key AND s.problem IS NULL
    UNION ALL
    SELECT pr.principal_arn, 'scp', path.node_id, s.*
      FROM principal pr
      JOIN ciem.aws_account_org_path path ON path.account_id = pr.account_id AND pr.scp_level_count IS NOT NULL
      JOIN ciem.aws_scp_targets t ON t.target_id = path.node_id
      JOIN ciem.aws_policy_statements s ON s.policy_key = 'scp:' || t.policy_id AND s.problem IS NULL
),
-- Statement-level facts, worked out once per statement rather than once per principal that has
-- it, because many principals of a batch share the same managed policies.
statement_facts AS (
    SELECT DISTINCT ON (a.statement_key)
           a.statement_key,
           ciem.condition_state(a.condition, p_at) AS condition_state,
           (SELECT k.action_set_key FROM ciem.aws_statement_action_sets k WHERE k.statement_key = a.statement_key) AS action_set_key,
           position('${' IN array_to_string(a.resource_patterns, ' ')) > 0 AS uses_variables
      FROM applicable a
),
evaluated AS (
    SELECT a.*,
           CASE
               WHEN f.condition_state IN ('none', 'true')
                AND f.uses_variables
                AND EXISTS (SELECT 1 FROM unnest(a.resource_patterns) pattern
                             WHERE ciem.pattern_has_unknown_variables(pattern, a.policy_version, pr.variables))
               THEN 'unknown'
               ELSE f.condition_state
           END AS condition_state,
           f.action_set_key,
           CASE WHEN f.uses_variables THEN ARRAY(
               SELECT r.resolved
                 FROM unnest(a.resource_patterns) AS pattern
                CROSS JOIN LATERAL (SELECT ciem.resolve_policy_variables(pattern, a.policy_version, pr.variables) AS resolved) r
                WHERE r.resolved IS NOT NULL)
           -- Without a variable every pattern resolves to itself.
           ELSE coalesce(array_remove(a.resource_patterns, NULL), '{}') END AS resolved_patterns
      FROM applicable a
      JOIN statement_facts f ON f.statement_key = a.statement_key
      JOIN principal pr ON pr.principal_arn = a.subject
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
-- Requested principal-action pairs: p_pairs, or every listed action for every principal.
requested AS (
    SELECT split_part(r, ' ', 1) AS subject, split_part(r, ' ', 2) AS action
      FROM unnest(p_pairs) AS r
    UNION ALL
    SELECT pr.principal_arn, requested_action
      FROM principal pr
     CROSS JOIN unnest(p_actions) AS requested_action
     WHERE p_pairs IS NULL
),
matched AS (
    SELECT l.*, x.action AS matched_action,
           -- An action without resource types is requested on "*" only, so a Deny NotResource
           -- that applies to it covers every resource it has.
           l.covers_all OR (l.is_not_resource AND cardinality(a.resource_types) = 0) AS covers_action
      FROM live l
      JOIN ciem.aws_action_set_actions x ON x.action_set_key = l.action_set_key
      JOIN ciem.aws_actions a ON a.action = x.action
     WHERE p_resource = '*' AND p_actions IS NULL AND p_pairs IS NULL
    UNION ALL
    -- With a list, each statement is probed for the actions requested for its principal, because
    -- an action set such as NotAction iam:* contains thousands of actions.
    SELECT l.*, q.action,
           l.covers_all OR (l.is_not_resource AND cardinality(a.resource_types) = 0)
      FROM live l
      JOIN requested q ON q.subject = l.subject
      JOIN ciem.aws_action_set_actions x ON x.action_set_key = l.action_set_key AND x.action = q.action
      JOIN ciem.aws_actions a ON a.action = q.action
     WHERE p_resource = '*' AND (p_actions IS NOT NULL OR p_pairs IS NOT NULL)
    UNION ALL
    SELECT l.*, requested.action, true
      FROM live l
     CROSS JOIN unnest(p_actions) AS requested(action)
     WHERE p_resource <> '*'
       AND l.is_not_action <> EXISTS (SELECT 1 FROM unnest(l.action_patterns) ap WHERE ciem.action_pattern_matches(ap, requested.action))
),
per_action AS (
    SELECT m.subject, m.matched_action AS action,
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
               CASE WHEN m.is_not_resource THEN 'not_resource' ELSE 'resource' END, m.resolved_patterns))
               -- Without detail the statements are left out, which halves the cost of many principals.
               FILTER (WHERE p_detail) AS statements
      FROM matched m
      LEFT JOIN LATERAL unnest(m.resolved_patterns) AS r(pattern) ON true
     GROUP BY m.subject, m.matched_action
)
SELECT pa.subject, pa.action,
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
 JOIN principal pr ON pr.principal_arn = pa.subject;
END
$$;



-- ciem.aws_principal_risk_decisions as a table, with the same columns, filled step by step.
CREATE TEMP TABLE risk_decisions_dependents AS
SELECT ciem.dependent_view_ddl('ciem.aws_principal_risk_decisions') AS statements;

DROP MATERIALIZED VIEW ciem.aws_principal_risk_decisions CASCADE;

CREATE TABLE ciem.aws_principal_risk_decisions (
    principal_arn            text    NOT NULL,
    write_count              bigint,
    action                   text    NOT NULL,
    decision                 text    NOT NULL,
    resource_patterns        text[],
    denied_resource_patterns text[],
    statements               jsonb   NOT NULL,
    detailed                 boolean NOT NULL,
    decided_by               text    NOT NULL,
    covers_every_resource    boolean NOT NULL,
    PRIMARY KEY (principal_arn, action)
);

COMMENT ON TABLE ciem.aws_principal_risk_decisions IS
    'Allowed or conditional escalation and risk actions of each IAM user and role that is not admin-equivalent, with the resource patterns and statements of the decision; ciem.refresh_principal_risk_decisions() fills it.';

-- The steps and rules are those of migration 0014 (see the comments there): escalation actions
-- of the methods a principal's Allow statements name in full, and a sample of risk-category
-- actions, for one representative principal per policy signature.
CREATE FUNCTION ciem.refresh_principal_risk_decisions() RETURNS integer
LANGUAGE plpgsql
AS $fn$
BEGIN
    CREATE TEMP TABLE risk_policy_variables AS
    SELECT policy_key, bool_or(array_to_string(resource_patterns, ' ') LIKE '%${%') AS uses_variables
      FROM ciem.aws_policy_statements
     GROUP BY policy_key;
    ANALYZE risk_policy_variables;

    CREATE TEMP TABLE risk_signatures AS
    SELECT pp.principal_arn,
           CASE WHEN bool_or(coalesce(v.uses_variables, false)) THEN pp.principal_arn
                ELSE md5(concat_ws('|', p.account_id, p.principal_type, p.boundary_arn, p.is_service_linked::text,
                                   string_agg(pp.policy_key || '#' || pp.via || '#' || coalesce(pp.group_arn, ''), ','
                                              ORDER BY pp.policy_key, pp.via, pp.group_arn)))
           END AS signature
      FROM ciem.aws_principal_policies pp
      JOIN ciem.aws_principals p ON p.principal_arn = pp.principal_arn
      LEFT JOIN risk_policy_variables v ON v.policy_key = pp.policy_key
     WHERE NOT EXISTS (SELECT 1 FROM ciem.aws_admin_equivalent a WHERE a.principal_arn = pp.principal_arn)
     GROUP BY pp.principal_arn, p.account_id, p.principal_type, p.boundary_arn, p.is_service_linked;
    ANALYZE risk_signatures;

    CREATE TEMP TABLE risk_representatives AS
    SELECT signature, min(principal_arn) AS principal_arn
      FROM risk_signatures
     GROUP BY signature;
    ANALYZE risk_representatives;

    CREATE TEMP TABLE risk_statement_states AS
    SELECT s.statement_key, ciem.condition_state(s.condition, now()) AS condition_state
      FROM ciem.aws_policy_statements s
     WHERE s.problem IS NULL;
    ANALYZE risk_statement_states;

    CREATE TEMP TABLE risk_granted AS
    SELECT r.signature, r.principal_arn, ra.action, bool_or(ra.unscoped) AS unscoped, max(ra.write_count) AS write_count,
           bool_or(ra.unscoped AND st.condition_state IN ('none', 'true')) AS unscoped_sure,
           bool_or(ra.unscoped AND st.condition_state <> 'false') AS unscoped_live
      FROM risk_representatives r
      JOIN ciem.aws_principal_policies pp ON pp.principal_arn = r.principal_arn AND pp.via IN ('direct', 'group')
      JOIN ciem.aws_policy_statements s ON s.policy_key = pp.policy_key AND s.problem IS NULL AND s.effect = 'Allow'
      JOIN risk_statement_states st ON st.statement_key = s.statement_key
      JOIN ciem.aws_statement_action_sets k ON k.statement_key = s.statement_key
      JOIN ciem.aws_action_set_risk_actions ra ON ra.action_set_key = k.action_set_key
     GROUP BY r.signature, r.principal_arn, ra.action;
    ANALYZE risk_granted;

    CREATE TEMP TABLE risk_method_sizes AS
    SELECT method_id, count(*) AS action_count
      FROM ciem.privilege_escalation_method_actions
     GROUP BY method_id
    HAVING bool_and(action IS NOT NULL);
    ANALYZE risk_method_sizes;

    CREATE TEMP TABLE risk_held_methods AS
    SELECT g.principal_arn, ma.method_id
      FROM risk_granted g
      JOIN ciem.privilege_escalation_method_actions ma ON ma.action = g.action
      JOIN risk_method_sizes ms ON ms.method_id = ma.method_id
     GROUP BY g.principal_arn, ma.method_id, ms.action_count
    HAVING count(*) = ms.action_count;
    ANALYZE risk_held_methods;

    CREATE TEMP TABLE risk_escalation_requests AS
    SELECT DISTINCT h.principal_arn, ma.action
      FROM risk_held_methods h
      JOIN ciem.privilege_escalation_method_actions ma ON ma.method_id = h.method_id;
    ANALYZE risk_escalation_requests;

    CREATE TEMP TABLE risk_category_actions AS
    SELECT category, action FROM ciem.aws_risk_actions
    UNION ALL
    SELECT 'infrastructure_modification', action FROM ciem.aws_actions WHERE 'Write' = ANY (access_levels);
    ANALYZE risk_category_actions;

    CREATE TEMP TABLE risk_category_requests AS
    SELECT DISTINCT principal_arn, action
      FROM (SELECT ranked.*,
                   row_number() OVER (PARTITION BY ranked.principal_arn, ranked.category ORDER BY ranked.in_service, ranked.action) AS in_category
              FROM (SELECT g.principal_arn, g.action, c.category,
                           row_number() OVER (PARTITION BY g.principal_arn, c.category, split_part(g.action, ':', 1) ORDER BY g.action) AS in_service
                      FROM risk_granted g
                      JOIN risk_category_actions c ON c.action = g.action
                     WHERE g.unscoped) ranked
             WHERE ranked.in_service <= 2) capped
     WHERE in_category <= 24;
    ANALYZE risk_category_requests;

    -- Without a permissions boundary, SCPs or a Deny that names the action, the engine's decision
    -- is the Allow statements' own: allowed when one applies without an undecided condition,
    -- conditional when only conditional ones do (IAM User Guide, "Policy evaluation logic"). Those
    -- category actions are decided here; the others go to the engine.
    CREATE TEMP TABLE risk_deny_named AS
    SELECT DISTINCT q.principal_arn, q.action
      FROM (SELECT DISTINCT principal_arn FROM risk_category_requests) c
      JOIN ciem.aws_principal_policies pp ON pp.principal_arn = c.principal_arn
      JOIN ciem.aws_policy_statements s ON s.policy_key = pp.policy_key AND s.problem IS NULL AND s.effect = 'Deny'
      JOIN ciem.aws_statement_action_sets k ON k.statement_key = s.statement_key
      JOIN risk_category_requests q ON q.principal_arn = c.principal_arn
      JOIN ciem.aws_action_set_actions x ON x.action_set_key = k.action_set_key AND x.action = q.action;
    ANALYZE risk_deny_named;

    CREATE TEMP TABLE risk_plain_principals AS
    SELECT p.principal_arn
      FROM ciem.aws_principals p
     WHERE p.boundary_arn IS NULL
       AND (p.is_service_linked OR NOT EXISTS (SELECT 1 FROM ciem.aws_scp_governed_accounts g WHERE g.account_id = p.account_id));
    ANALYZE risk_plain_principals;

    CREATE TEMP TABLE risk_category_by_statements AS
    SELECT q.principal_arn, q.action
      FROM risk_category_requests q
      JOIN risk_plain_principals pl ON pl.principal_arn = q.principal_arn
     WHERE NOT EXISTS (SELECT 1 FROM risk_deny_named d WHERE d.principal_arn = q.principal_arn AND d.action = q.action);
    ANALYZE risk_category_by_statements;

    CREATE TEMP TABLE risk_category_by_engine AS
    SELECT q.*
      FROM risk_category_requests q
     WHERE NOT EXISTS (SELECT 1 FROM risk_category_by_statements c WHERE c.principal_arn = q.principal_arn AND c.action = q.action);
    ANALYZE risk_category_by_engine;

    CREATE TEMP TABLE risk_decided AS
    SELECT e.*, true AS detailed, 'engine'::text AS decided_by
      FROM ciem.evaluate_pairs(ARRAY(SELECT principal_arn || ' ' || action FROM risk_escalation_requests), true) e
      JOIN risk_escalation_requests q ON q.principal_arn = e.principal_arn AND q.action = e.action
     WHERE e.decision IN ('allowed', 'conditional')
    UNION ALL
    SELECT e.*, false, 'engine'
      FROM ciem.evaluate_pairs(ARRAY(SELECT principal_arn || ' ' || action FROM risk_category_by_engine), false) e
      JOIN risk_category_by_engine q ON q.principal_arn = e.principal_arn AND q.action = e.action
     WHERE e.decision IN ('allowed', 'conditional')
       AND NOT EXISTS (SELECT 1 FROM risk_escalation_requests x WHERE x.principal_arn = e.principal_arn AND x.action = e.action)
    UNION ALL
    SELECT c.principal_arn, c.action,
           CASE WHEN g.unscoped_sure THEN 'allowed' ELSE 'conditional' END,
           NULL::text[], NULL::text[], NULL::jsonb, false, 'statements'
      FROM risk_category_by_statements c
      JOIN risk_granted g ON g.principal_arn = c.principal_arn AND g.action = c.action
     WHERE g.unscoped_live
       AND NOT ciem.requires_no_permission(c.action)
       AND NOT EXISTS (SELECT 1 FROM risk_escalation_requests x WHERE x.principal_arn = c.principal_arn AND x.action = c.action);
    ANALYZE risk_decided;

    DELETE FROM ciem.aws_principal_risk_decisions;
    -- Whether a set of resource patterns leaves the resource open, once per distinct set: the
    -- decisions repeat a few hundred sets hundreds of thousands of times.
    CREATE TEMP TABLE risk_open_patterns AS
    SELECT p.resource_patterns,
           EXISTS (SELECT 1 FROM unnest(p.resource_patterns) r WHERE ciem.pattern_is_unscoped(r)) AS open
      FROM (SELECT DISTINCT resource_patterns FROM risk_decided WHERE resource_patterns IS NOT NULL) p;
    ANALYZE risk_open_patterns;

    -- Every principal of a signature gets its representative's decisions. A decision covers every
    -- resource when the statements decided it on every resource, when a resource pattern is open,
    -- or when an Allow names the resources through NotResource.
    INSERT INTO ciem.aws_principal_risk_decisions
    SELECT s.principal_arn, g.write_count, d.action, d.decision, d.resource_patterns, d.denied_resource_patterns,
           coalesce(d.statements, '[]'::jsonb), d.detailed, d.decided_by,
           d.decided_by = 'statements'
           OR coalesce(o.open, false)
           OR EXISTS (SELECT 1 FROM jsonb_array_elements(d.statements) x
                       WHERE x ->> 'effect' = 'Allow' AND x ->> 'via' IN ('direct', 'group') AND x ? 'not_resource')
      FROM risk_signatures s
      JOIN risk_representatives r ON r.signature = s.signature
      JOIN risk_decided d ON d.principal_arn = r.principal_arn
      JOIN risk_granted g ON g.principal_arn = r.principal_arn AND g.action = d.action
      LEFT JOIN risk_open_patterns o ON o.resource_patterns = d.resource_patterns;

    -- Dropped here, not at commit, so that a second call in the same transaction can create them.
    DROP TABLE risk_policy_variables, risk_signatures, risk_representatives, risk_statement_states,
               risk_granted, risk_method_sizes, risk_held_methods, risk_escalation_requests,
               risk_category_actions, risk_category_requests, risk_deny_named,
               risk_plain_principals, risk_category_by_statements, risk_category_by_engine,
               risk_decided, risk_open_patterns;

    ANALYZE ciem.aws_principal_risk_decisions;
    RETURN (SELECT count(*) FROM ciem.aws_principal_risk_decisions);
END
$fn$;

COMMENT ON FUNCTION ciem.refresh_principal_risk_decisions() IS
    'Recomputes ciem.aws_principal_risk_decisions; ciem.refresh() calls it.';

SELECT ciem.execute_statements(statements) FROM risk_decisions_dependents;

UPDATE ciem.refresh_relations SET relation_name = 'refresh_principal_risk_decisions' WHERE relation_name = 'aws_principal_risk_decisions';

-- How long each step of a refresh took, so that a slow relation can be named.
CREATE TABLE ciem.refresh_steps (
    refresh_started_at timestamptz NOT NULL,
    position           integer     NOT NULL,
    relation_name      text        NOT NULL,
    duration_ms        integer     NOT NULL,
    PRIMARY KEY (refresh_started_at, position)
);

COMMENT ON TABLE ciem.refresh_steps IS
    'One row per relation of each ciem.refresh(): its position in ciem.refresh_relations and how long it took; position 1000 is ciem.refresh_findings(). Positions below 100 are the effective-permission engine, the rest are findings.';

CREATE FUNCTION ciem.milliseconds_since(p_started timestamptz) RETURNS integer
LANGUAGE sql VOLATILE
AS $$
    SELECT (extract(epoch FROM clock_timestamp() - p_started) * 1000)::integer
$$;

CREATE OR REPLACE FUNCTION ciem.refresh() RETURNS void
LANGUAGE plpgsql
AS $$
DECLARE
    started      timestamptz := clock_timestamp();
    step_started timestamptz;
    step         record;
BEGIN
    FOR step IN SELECT r.position, r.relation_name FROM ciem.refresh_relations r ORDER BY r.position LOOP
        step_started := clock_timestamp();
        IF to_regprocedure(format('ciem.%I()', step.relation_name)) IS NOT NULL THEN
            EXECUTE format('SELECT ciem.%I()', step.relation_name);
        ELSIF (SELECT c.relispopulated FROM pg_class c WHERE c.oid = format('ciem.%I', step.relation_name)::regclass) THEN
            EXECUTE format('REFRESH MATERIALIZED VIEW CONCURRENTLY ciem.%I', step.relation_name);
            -- Fresh statistics keep the planner off slow plans for explain and effective_permissions.
            EXECUTE format('ANALYZE ciem.%I', step.relation_name);
        ELSE
            EXECUTE format('REFRESH MATERIALIZED VIEW ciem.%I', step.relation_name);
            EXECUTE format('ANALYZE ciem.%I', step.relation_name);
        END IF;
        INSERT INTO ciem.refresh_steps (refresh_started_at, position, relation_name, duration_ms)
        VALUES (started, step.position, step.relation_name, ciem.milliseconds_since(step_started));
    END LOOP;

    step_started := clock_timestamp();
    PERFORM ciem.refresh_findings();
    INSERT INTO ciem.refresh_steps (refresh_started_at, position, relation_name, duration_ms)
    VALUES (started, 1000, 'refresh_findings', ciem.milliseconds_since(step_started));

    INSERT INTO ciem.refresh_log (started_at, finished_at, duration_ms)
    VALUES (started, clock_timestamp(), ciem.milliseconds_since(started));
    DELETE FROM ciem.refresh_log WHERE started_at < now() - interval '90 days';
    DELETE FROM ciem.refresh_steps WHERE refresh_started_at < now() - interval '90 days';
END
$$;

-- ciem.aws_privilege_escalation_paths as a table too, for the same reason, with the roles a
-- PassRole grant reaches counted once per grant and service: joined per principal, the
-- 10,000-identity benchmark spent three minutes on that step, and two seconds this way.
CREATE TEMP TABLE escalation_paths_dependents ON COMMIT DROP AS
SELECT ciem.dependent_view_ddl('ciem.aws_privilege_escalation_paths') AS statements;

DROP MATERIALIZED VIEW ciem.aws_privilege_escalation_paths CASCADE;

CREATE TABLE ciem.aws_privilege_escalation_paths (
    principal_arn       text    NOT NULL,
    principal_type      text    NOT NULL,
    account_id          text    NOT NULL,
    method_id           text    NOT NULL,
    label               text,
    kind                text    NOT NULL,
    method_actions      text[]  NOT NULL,
    passed_role_service text,
    precondition        text,
    source_references   jsonb   NOT NULL,
    conditional         boolean NOT NULL,
    actions             jsonb   NOT NULL,
    passable_role_count bigint,
    passable_roles      text[]  NOT NULL,
    passes_admin_role   boolean NOT NULL,
    PRIMARY KEY (principal_arn, method_id)
);

CREATE INDEX aws_privilege_escalation_paths_account ON ciem.aws_privilege_escalation_paths (account_id);

COMMENT ON TABLE ciem.aws_privilege_escalation_paths IS
    'One row per IAM user or role and escalation method it holds in full, with each action''s decision, reaching resource patterns and allowing statements, and for PassRole methods the roles it can pass; ciem.refresh_privilege_escalation_paths() fills it.';

-- The rules are those of migration 0014 (see the comments there).
CREATE FUNCTION ciem.refresh_privilege_escalation_paths() RETURNS integer
LANGUAGE plpgsql
AS $fn$
BEGIN
    CREATE TEMP TABLE path_usable AS
    SELECT d.principal_arn, d.action, d.decision, d.statements, d.denied_resource_patterns,
           ARRAY(
               SELECT r FROM unnest(d.resource_patterns) r
                WHERE NOT (d.action LIKE 'iam:%' AND r ~* '^arn:[^:]*:iam::aws:')
                  AND NOT (d.action IN ('iam:CreateAccessKey', 'iam:DeleteAccessKey', 'iam:UpdateAccessKey',
                                        'iam:CreateLoginProfile', 'iam:UpdateLoginProfile',
                                        'iam:UpdateAssumeRolePolicy', 'sts:AssumeRole')
                           AND ciem.pattern_is_self(r, d.principal_arn))
           ) AS patterns,
           -- NOTE: an Allow through NotResource counts as reaching every resource it does not exclude.
           EXISTS (SELECT 1 FROM jsonb_array_elements(d.statements) s
                    WHERE s ->> 'effect' = 'Allow' AND s ->> 'via' IN ('direct', 'group') AND s ? 'not_resource') AS via_not_resource
      FROM ciem.aws_principal_risk_decisions d;
    ANALYZE path_usable;

    CREATE TEMP TABLE path_reaching AS
    SELECT * FROM path_usable WHERE cardinality(patterns) > 0 OR via_not_resource;
    ANALYZE path_reaching;

    CREATE TEMP TABLE path_method_sizes AS
    SELECT method_id, count(*) AS action_count,
           -- Wildcard sets read better as their pattern (iam:put*) than as every action they name.
           string_agg(DISTINCT CASE WHEN pattern ~ '[*?]' THEN pattern ELSE action END, ' + ') AS label
      FROM ciem.privilege_escalation_method_actions
     GROUP BY method_id
    HAVING bool_and(action IS NOT NULL);
    ANALYZE path_method_sizes;

    CREATE TEMP TABLE path_held AS
    SELECT u.principal_arn, ma.method_id, ms.label,
           jsonb_agg(jsonb_build_object(
               'action', u.action,
               'decision', u.decision,
               'resource_patterns', u.patterns,
               'allowing', ciem.statement_evidence(u.statements, 'Allow')) ORDER BY u.action) AS actions,
           bool_or(u.decision = 'conditional') AS conditional
      FROM ciem.privilege_escalation_method_actions ma
      JOIN path_reaching u ON u.action = ma.action
      JOIN path_method_sizes ms ON ms.method_id = ma.method_id
     GROUP BY u.principal_arn, ma.method_id, ms.action_count, ms.label
    HAVING count(*) = ms.action_count;
    ANALYZE path_held;

    CREATE TEMP TABLE path_role_services AS
    SELECT * FROM ciem.aws_role_trusted_services;
    ANALYZE path_role_services;

    -- Principals share PassRole grants (one managed policy, many holders), so the roles each
    -- distinct grant reaches are found once per grant and account, not once per principal.
    CREATE TEMP TABLE path_pass_grants AS
    SELECT DISTINCT split_part(u.principal_arn, ':', 5) AS account_id, u.patterns, u.denied_resource_patterns, u.via_not_resource
      FROM path_reaching u
     WHERE u.action = 'iam:PassRole';
    ANALYZE path_pass_grants;

    CREATE TEMP TABLE path_pass_grant_roles AS
    SELECT g.account_id, g.patterns, g.denied_resource_patterns, g.via_not_resource, t.role_arn, t.services,
           a.principal_arn IS NOT NULL AS is_admin
      FROM path_pass_grants g
      JOIN path_role_services t ON t.account_id = g.account_id
      LEFT JOIN ciem.aws_admin_equivalent a ON a.principal_arn = t.role_arn
     WHERE (g.via_not_resource OR EXISTS (SELECT 1 FROM unnest(g.patterns) p WHERE ciem.resource_pattern_matches(p, t.role_arn)))
       AND NOT EXISTS (SELECT 1 FROM unnest(g.denied_resource_patterns) p WHERE ciem.resource_pattern_matches(p, t.role_arn));
    ANALYZE path_pass_grant_roles;

    -- The roles each grant can pass to each method's service, counted once per grant rather than
    -- once per principal with the grant. A principal's own role is subtracted afterwards.
    CREATE TEMP TABLE path_grant_role_services AS
    SELECT r.*, s.passed_role_service
      FROM path_pass_grant_roles r
      JOIN (SELECT DISTINCT passed_role_service FROM ciem.privilege_escalation_methods WHERE kind = 'pass_role') s
        ON CASE WHEN s.passed_role_service IS NULL THEN cardinality(r.services) > 0
                ELSE EXISTS (SELECT 1 FROM unnest(r.services) x WHERE x LIKE s.passed_role_service || '.%') END;
    ANALYZE path_grant_role_services;

    CREATE TEMP TABLE path_grant_services AS
    SELECT account_id, patterns, denied_resource_patterns, via_not_resource, passed_role_service,
           count(*) AS role_count,
           -- One more than shown, in case the principal's own role is among them.
           (array_agg(role_arn ORDER BY is_admin DESC, role_arn))[1:11] AS role_sample,
           bool_or(is_admin) AS reaches_admin
      FROM path_grant_role_services
     GROUP BY account_id, patterns, denied_resource_patterns, via_not_resource, passed_role_service;
    ANALYZE path_grant_services;

    CREATE TEMP TABLE path_passable AS
    SELECT h.principal_arn, h.method_id,
           g.role_count - count(own.role_arn) AS role_count,
           (array_remove(g.role_sample, h.principal_arn))[1:10] AS role_sample,
           g.reaches_admin
      FROM path_held h
      JOIN ciem.privilege_escalation_methods m ON m.method_id = h.method_id AND m.kind = 'pass_role'
      JOIN path_reaching u ON u.principal_arn = h.principal_arn AND u.action = 'iam:PassRole'
      JOIN path_grant_services g
        ON g.account_id = split_part(h.principal_arn, ':', 5)
       AND g.patterns = u.patterns
       AND g.denied_resource_patterns IS NOT DISTINCT FROM u.denied_resource_patterns
       AND g.via_not_resource = u.via_not_resource
       AND g.passed_role_service IS NOT DISTINCT FROM m.passed_role_service
      -- A role passing itself gains nothing.
      LEFT JOIN path_grant_role_services own
        ON own.role_arn = h.principal_arn
       AND own.account_id = g.account_id
       AND own.patterns = g.patterns
       AND own.denied_resource_patterns IS NOT DISTINCT FROM g.denied_resource_patterns
       AND own.via_not_resource = g.via_not_resource
       AND own.passed_role_service IS NOT DISTINCT FROM g.passed_role_service
     GROUP BY h.principal_arn, h.method_id, g.role_count, g.role_sample, g.reaches_admin
    HAVING g.role_count - count(own.role_arn) > 0;
    ANALYZE path_passable;

    DELETE FROM ciem.aws_privilege_escalation_paths;
    INSERT INTO ciem.aws_privilege_escalation_paths
    SELECT h.principal_arn, p.principal_type, p.account_id, h.method_id, h.label, m.kind, m.actions AS method_actions,
           m.passed_role_service, m.precondition, m.source_references, h.conditional, h.actions,
           pa.role_count AS passable_role_count, coalesce(pa.role_sample, '{}') AS passable_roles,
           coalesce(pa.reaches_admin, false) AS passes_admin_role
      FROM path_held h
      JOIN ciem.privilege_escalation_methods m ON m.method_id = h.method_id
      JOIN ciem.aws_principals p ON p.principal_arn = h.principal_arn
      LEFT JOIN path_passable pa ON pa.principal_arn = h.principal_arn AND pa.method_id = h.method_id
     WHERE m.kind <> 'pass_role' OR pa.role_count > 0;

    DROP TABLE path_usable, path_reaching, path_method_sizes, path_held, path_role_services,
               path_pass_grants, path_pass_grant_roles, path_grant_role_services,
               path_grant_services, path_passable;

    ANALYZE ciem.aws_privilege_escalation_paths;
    RETURN (SELECT count(*) FROM ciem.aws_privilege_escalation_paths);
END
$fn$;

COMMENT ON FUNCTION ciem.refresh_privilege_escalation_paths() IS
    'Recomputes ciem.aws_privilege_escalation_paths; ciem.refresh() calls it.';

SELECT ciem.execute_statements(statements) FROM escalation_paths_dependents;

UPDATE ciem.refresh_relations SET relation_name = 'refresh_privilege_escalation_paths' WHERE relation_name = 'aws_privilege_escalation_paths';

-- Risk-category grants and findings as in migration 0014, reading the stored covers_every_resource
-- instead of testing each decision's patterns again, and building statement evidence only for
-- the 20 actions a finding shows.
CREATE OR REPLACE VIEW ciem.aws_risk_grants AS
SELECT d.principal_arn, r.category, d.action, d.decision, d.statements, NULL::bigint AS write_count
  FROM ciem.aws_principal_risk_decisions d
  JOIN ciem.aws_risk_actions r ON r.action = d.action
 WHERE d.covers_every_resource
UNION ALL
SELECT d.principal_arn, 'infrastructure_modification', d.action, d.decision, d.statements, d.write_count
  FROM ciem.aws_principal_risk_decisions d
  JOIN ciem.aws_actions a ON a.action = d.action
 WHERE d.covers_every_resource
   AND 'Write' = ANY (a.access_levels);

CREATE OR REPLACE VIEW ciem.aws_risk_findings AS
SELECT 'aws'::text AS cloud,
       p.account_id,
       g.principal_arn AS identity_arn,
       p.principal_type AS identity_type,
       g.category,
       CASE WHEN g.conditional THEN 'low'
            WHEN g.category IN ('credentials_exposure', 'resource_exposure') THEN 'high'
            ELSE 'medium' END AS severity,
       CASE g.category
           WHEN 'data_exfiltration' THEN 'Can read data from every resource with '
           WHEN 'credentials_exposure' THEN 'Can obtain credentials on every resource with '
           WHEN 'resource_exposure' THEN 'Can change access to every resource with '
           ELSE 'Can modify infrastructure on every resource with '
       END || array_to_string(g.actions[1:3], ', ')
           || CASE WHEN g.action_count > 3 THEN format(' and %s more', g.action_count - 3) ELSE '' END AS title,
       g.category AS finding_key,
       jsonb_build_object(
           -- Confirmed actions: at most two per service and 24 per category are evaluated.
           'confirmed_action_count', g.action_count,
           -- The first 20 actions with their statements; action_sample names up to 50.
           'actions', shown.actions,
           'action_sample', to_jsonb(g.actions[1:50]),
           'services', to_jsonb(ARRAY(SELECT DISTINCT split_part(a, ':', 1) FROM unnest(g.actions) a ORDER BY 1)),
           'statement_level_write_actions', g.write_count) AS evidence
  FROM (SELECT r.principal_arn, r.category,
               bool_and(r.decision = 'conditional') AS conditional,
               count(*) AS action_count,
               array_agg(r.action ORDER BY r.action) AS actions,
               max(r.write_count) AS write_count
          FROM ciem.aws_risk_grants r
         GROUP BY r.principal_arn, r.category) g
  -- Statements only for the actions shown, looked up after grouping so that the grouping does not
  -- carry every decision's statements.
 CROSS JOIN LATERAL (
       SELECT jsonb_agg(jsonb_build_object(
                  'action', a.action,
                  'decision', d.decision,
                  -- Most category decisions come from statements and carry none.
                  'allowing', CASE WHEN d.statements = '[]' THEN d.statements
                                   ELSE ciem.statement_evidence(d.statements, 'Allow') END)
                  ORDER BY a.position) AS actions
         FROM unnest(g.actions[1:20]) WITH ORDINALITY AS a(action, position)
         JOIN ciem.aws_principal_risk_decisions d ON d.principal_arn = g.principal_arn AND d.action = a.action) shown
  JOIN ciem.aws_principals p ON p.principal_arn = g.principal_arn;

-- Findings that still hold are no longer rewritten on every refresh: only new, changed, returning
-- and resolved findings are written. At 10,000 identities rewriting 106,000 unchanged findings
-- to move last_seen took about 10 s. For an open finding, last_seen is now the time of the last
-- ciem.refresh_findings(), kept in ciem.findings_seen, and ciem.findings shows it. For a resolved
-- finding, finding_records.last_seen is the last refresh that still saw it, as before.
CREATE TABLE ciem.findings_seen (
    only_row boolean     PRIMARY KEY DEFAULT true CHECK (only_row),
    seen_at  timestamptz NOT NULL
);

INSERT INTO ciem.findings_seen (seen_at)
SELECT max(last_seen) FROM ciem.finding_records HAVING max(last_seen) IS NOT NULL;

COMMENT ON TABLE ciem.findings_seen IS
    'When ciem.refresh_findings() last ran: the last_seen of every open finding.';

CREATE OR REPLACE VIEW ciem.findings AS
SELECT r.finding_id,
       r.cloud,
       r.account_id,
       r.identity_arn,
       r.identity_type,
       r.category,
       r.severity,
       sv.rank AS severity_rank,
       r.title,
       r.evidence,
       r.first_seen,
       coalesce(seen.seen_at, r.last_seen) AS last_seen,
       s.finding_id IS NOT NULL AS suppressed,
       s.reason                 AS suppression_reason,
       s.expires_at             AS suppression_expires_at
  FROM ciem.finding_records r
  JOIN ciem.severities sv ON sv.severity = r.severity
  LEFT JOIN ciem.findings_seen seen ON true
  LEFT JOIN ciem.suppressions s ON s.finding_id = r.finding_id AND (s.expires_at IS NULL OR s.expires_at > now())
 WHERE r.resolved_at IS NULL;

CREATE OR REPLACE FUNCTION ciem.refresh_findings() RETURNS integer
LANGUAGE plpgsql
AS $$
DECLARE
    source        record;
    seen          timestamptz := now();
    previous_seen timestamptz := (SELECT seen_at FROM ciem.findings_seen);
    total         integer;
BEGIN
    CREATE TEMP TABLE ciem_current_findings (
        cloud text, account_id text, identity_arn text, identity_type text, category text,
        severity text, title text, finding_key text, evidence jsonb, source_name text
    );

    FOR source IN SELECT * FROM ciem.finding_sources ORDER BY source_name LOOP
        EXECUTE format(
            'INSERT INTO ciem_current_findings
             SELECT cloud, account_id, identity_arn, identity_type, category, severity, title, finding_key, evidence, %L
               FROM %s',
            source.source_name, source.relation);
    END LOOP;

    -- Service-linked roles belong to AWS: the account cannot change them, so their findings are
    -- kept for the record at severity info and marked as such.
    UPDATE ciem_current_findings f
       SET severity = 'info',
           evidence = f.evidence || jsonb_build_object('service_linked', true, 'user_changeable', false)
      FROM ciem.identities i
     WHERE i.identity_id = f.identity_arn AND i.is_service_linked;

    -- One row per finding id; two rules giving the same id keep the first severity by name.
    CREATE TEMP TABLE ciem_current_finding_ids AS
    SELECT DISTINCT ON (k.id) k.id AS finding_id, f.*
      FROM ciem_current_findings f
     CROSS JOIN LATERAL (SELECT ciem.finding_id(f.cloud, f.category, f.identity_arn, f.finding_key) AS id) k
     ORDER BY k.id, f.severity;
    CREATE UNIQUE INDEX ON ciem_current_finding_ids (finding_id);
    ANALYZE ciem_current_finding_ids;

    INSERT INTO ciem.finding_records (finding_id, cloud, account_id, identity_arn, identity_type, category,
                                      severity, title, finding_key, evidence, source_name, first_seen, last_seen)
    SELECT c.finding_id, c.cloud, c.account_id, c.identity_arn, c.identity_type, c.category,
           c.severity, c.title, c.finding_key, c.evidence, c.source_name, seen, seen
      FROM ciem_current_finding_ids c
     WHERE NOT EXISTS (SELECT 1 FROM ciem.finding_records r WHERE r.finding_id = c.finding_id);

    -- Findings whose content changed, and resolved findings that hold again.
    UPDATE ciem.finding_records r
       SET account_id = c.account_id,
           identity_type = c.identity_type,
           severity = c.severity,
           title = c.title,
           evidence = c.evidence,
           source_name = c.source_name,
           last_seen = seen,
           resolved_at = NULL
      FROM ciem_current_finding_ids c
     WHERE r.finding_id = c.finding_id
       AND (r.resolved_at IS NOT NULL
            OR (r.account_id, r.identity_type, r.severity, r.title, r.evidence, r.source_name)
               IS DISTINCT FROM (c.account_id, c.identity_type, c.severity, c.title, c.evidence, c.source_name));

    -- Open findings that no longer hold were last seen by the previous refresh.
    UPDATE ciem.finding_records r
       SET resolved_at = seen,
           last_seen = coalesce(previous_seen, r.last_seen)
     WHERE r.resolved_at IS NULL
       AND NOT EXISTS (SELECT 1 FROM ciem_current_finding_ids c WHERE c.finding_id = r.finding_id);

    INSERT INTO ciem.findings_seen (seen_at) VALUES (seen)
    ON CONFLICT (only_row) DO UPDATE SET seen_at = excluded.seen_at;

    DROP TABLE ciem_current_findings, ciem_current_finding_ids;

    SELECT count(*) INTO total FROM ciem.finding_records WHERE resolved_at IS NULL;
    ANALYZE ciem.finding_records;
    RETURN total;
END
$$;
