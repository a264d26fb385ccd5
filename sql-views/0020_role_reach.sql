-- Transitive reach: principals that can become an admin-equivalent principal through a chain of
-- sts:AssumeRole calls, each allowed by both the caller's policies and the role's trust policy
-- (ciem.aws_assume_role_edges). A breadth-first search runs backwards from every admin-equivalent
-- principal, so each caller keeps its shortest chain.

INSERT INTO ciem.settings (key, value, description) VALUES
    ('role_chain_max_hops', '5', 'Longest sts:AssumeRole chain that the transitive reach follows.');

CREATE TABLE ciem.aws_role_reach (
    caller_arn  text    PRIMARY KEY,
    next_arn    text    NOT NULL,
    target_arn  text    NOT NULL,
    hops        integer NOT NULL,
    conditional boolean NOT NULL
);

COMMENT ON TABLE ciem.aws_role_reach IS
    'Per IAM user or role that can reach an admin-equivalent principal by assuming roles: the first role of its shortest chain (next_arn), the admin-equivalent principal at its end, the number of hops, and whether a condition decides some hop.';

CREATE FUNCTION ciem.refresh_role_reach() RETURNS integer
LANGUAGE plpgsql
AS $$
DECLARE
    depth    integer := 0;
    max_hops integer := ciem.setting_days('role_chain_max_hops');
    frontier text[];
    added    integer;
BEGIN
    DELETE FROM ciem.aws_role_reach;

    -- Depth 0 is the admin-equivalent principals themselves; they are not stored.
    SELECT array_agg(principal_arn) INTO frontier FROM ciem.aws_admin_equivalent;

    WHILE depth < max_hops AND cardinality(frontier) > 0 LOOP
        depth := depth + 1;

        -- Filtering the edges on an array of roles lets the view read only their rows.
        INSERT INTO ciem.aws_role_reach (caller_arn, next_arn, target_arn, hops, conditional)
        SELECT DISTINCT ON (e.caller_arn)
               e.caller_arn, e.role_arn,
               coalesce(r.target_arn, e.role_arn), depth,
               e.conditional OR coalesce(r.conditional, a.conditional, false)
          FROM ciem.aws_assume_role_edges e
          LEFT JOIN ciem.aws_role_reach r ON r.caller_arn = e.role_arn
          LEFT JOIN ciem.aws_admin_equivalent a ON a.principal_arn = e.role_arn
         WHERE e.role_arn = ANY (frontier)
           AND NOT EXISTS (SELECT 1 FROM ciem.aws_admin_equivalent x WHERE x.principal_arn = e.caller_arn)
           AND NOT EXISTS (SELECT 1 FROM ciem.aws_role_reach v WHERE v.caller_arn = e.caller_arn)
         ORDER BY e.caller_arn, (e.conditional OR coalesce(r.conditional, a.conditional, false)), e.role_arn;
        GET DIAGNOSTICS added = ROW_COUNT;
        EXIT WHEN added = 0;

        SELECT array_agg(caller_arn) INTO frontier
          FROM ciem.aws_role_reach
         WHERE hops = depth AND caller_arn LIKE 'arn:%:iam::%:role/%';
    END LOOP;

    ANALYZE ciem.aws_role_reach;
    RETURN (SELECT count(*) FROM ciem.aws_role_reach);
END
$$;

COMMENT ON FUNCTION ciem.refresh_role_reach() IS
    'Recomputes ciem.aws_role_reach from the admin-equivalent principals and the assume-role edges; ciem.refresh() calls it.';

-- The whole chain of one caller, from the caller to the admin-equivalent principal.
CREATE FUNCTION ciem.role_chain(p_caller text) RETURNS text[]
LANGUAGE sql STABLE
AS $$
    WITH RECURSIVE chain(arn, next_arn, step) AS (
        SELECT r.caller_arn, r.next_arn, 0 FROM ciem.aws_role_reach r WHERE r.caller_arn = p_caller
        UNION ALL
        SELECT r.caller_arn, r.next_arn, c.step + 1
          FROM chain c
          JOIN ciem.aws_role_reach r ON r.caller_arn = c.next_arn
         WHERE c.step < 20
    )
    SELECT array_agg(arn ORDER BY step) || (SELECT next_arn FROM chain ORDER BY step DESC LIMIT 1) FROM chain
$$;

CREATE VIEW ciem.aws_role_reach_findings AS
SELECT 'aws'::text AS cloud,
       p.account_id,
       r.caller_arn AS identity_arn,
       p.principal_type AS identity_type,
       'privilege_escalation'::text AS category,
       CASE WHEN r.conditional THEN 'high' ELSE 'critical' END AS severity,
       format('Can reach admin-equivalent %s through %s role %s', r.target_arn, r.hops,
              CASE WHEN r.hops = 1 THEN 'assumption' ELSE 'assumptions' END) AS title,
       'assume-role-chain'::text AS finding_key,
       jsonb_build_object(
           'method', 'assume-role-chain',
           'target', r.target_arn,
           'hops', r.hops,
           'conditional', r.conditional,
           'chain', to_jsonb(ciem.role_chain(r.caller_arn))) AS evidence
  FROM ciem.aws_role_reach r
  JOIN ciem.aws_principals p ON p.principal_arn = r.caller_arn;

INSERT INTO ciem.finding_sources (source_name, relation, description) VALUES
    ('aws_role_reach', 'ciem.aws_role_reach_findings', 'AWS principals that can reach an admin-equivalent principal through sts:AssumeRole chains.');

-- Steps of the refresh that are functions rather than materialised views run at their position
-- too: the reach needs the admin rule before it and the findings after it.
INSERT INTO ciem.refresh_relations (position, relation_name) VALUES (250, 'refresh_role_reach');

CREATE OR REPLACE FUNCTION ciem.refresh() RETURNS void
LANGUAGE plpgsql
AS $$
DECLARE
    started  timestamptz := clock_timestamp();
    relation text;
BEGIN
    FOR relation IN SELECT r.relation_name FROM ciem.refresh_relations r ORDER BY r.position LOOP
        IF to_regprocedure(format('ciem.%I()', relation)) IS NOT NULL THEN
            EXECUTE format('SELECT ciem.%I()', relation);
        ELSIF (SELECT c.relispopulated FROM pg_class c WHERE c.oid = format('ciem.%I', relation)::regclass) THEN
            EXECUTE format('REFRESH MATERIALIZED VIEW CONCURRENTLY ciem.%I', relation);
            -- Fresh statistics keep the planner off slow plans for explain and effective_permissions.
            EXECUTE format('ANALYZE ciem.%I', relation);
        ELSE
            EXECUTE format('REFRESH MATERIALIZED VIEW ciem.%I', relation);
            EXECUTE format('ANALYZE ciem.%I', relation);
        END IF;
    END LOOP;

    PERFORM ciem.refresh_findings();

    INSERT INTO ciem.refresh_log (started_at, finished_at, duration_ms)
    VALUES (started, clock_timestamp(), (extract(epoch FROM clock_timestamp() - started) * 1000)::integer);
    DELETE FROM ciem.refresh_log WHERE started_at < now() - interval '90 days';
END
$$;
