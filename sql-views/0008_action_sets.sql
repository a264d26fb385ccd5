-- Which actions each statement grants or denies. Statements with the same Action/NotAction and
-- Resource/NotResource share one "action set", so a managed policy attached to thousands of
-- identities, or one inline document copied to many roles, is expanded once.

-- Which resource types each distinct resource pattern can name, for the services whose ARNs its
-- service segment matches.
CREATE MATERIALIZED VIEW ciem.aws_resource_pattern_types AS
WITH patterns AS (
    SELECT DISTINCT unnest(resource_patterns) AS pattern
      FROM ciem.aws_policy_statements
     WHERE problem IS NULL
)
SELECT p.pattern, t.service, t.resource_type
  FROM patterns p
  JOIN ciem.aws_resource_types t
    ON split_part(t.arn_format, ':', 3) LIKE ciem.glob_to_like(regexp_replace(split_part(p.pattern, ':', 3), '\$\{[^}]*\}', '*', 'g'))
       -- Some formats leave the service open, as AWS Backup's arn:${Partition}:${Vendor}:...
       OR split_part(t.arn_format, ':', 3) LIKE '${%'
       OR position(':' IN p.pattern) = 0
       OR array_length(string_to_array(p.pattern, ':'), 1) < 3
 WHERE NOT ciem.is_match_all(p.pattern)
   AND ciem.arn_pattern_applies(p.pattern, t.arn_format)
WITH NO DATA;

CREATE UNIQUE INDEX aws_resource_pattern_types_key ON ciem.aws_resource_pattern_types (pattern, service, resource_type);

COMMENT ON MATERIALIZED VIEW ciem.aws_resource_pattern_types IS
    'One row per resource pattern used in a policy and resource type whose ARN format it can name; patterns that are all "*" are left out because they name everything.';

-- One row per distinct action set and action it applies to.
--   Action/NotAction: the patterns match case-insensitively, with "*" and "?" anywhere; NotAction
--   takes every catalogue action that no pattern matches (IAM User Guide, "NotAction").
--   Resource: an action applies when some pattern can name one of its resource types; an action
--   without resource types takes only Resource "*" (Service Authorization Reference: "you must
--   specify all resources ("*")").
--   NotResource: every action applies unless a NotResource pattern is all "*", which leaves no
--   resource, "*" itself included (IAM User Guide, "NotResource").
CREATE MATERIALIZED VIEW ciem.aws_action_set_actions AS
WITH sets AS (
    SELECT DISTINCT md5(is_not_action::text || array_to_string(action_patterns, chr(31)) || '|' ||
                        is_not_resource::text || array_to_string(resource_patterns, chr(31))) AS action_set_key,
           is_not_action, action_patterns, is_not_resource, resource_patterns
      FROM ciem.aws_policy_statements
     WHERE problem IS NULL
),
patterns AS (
    SELECT s.action_set_key, p.pattern,
           split_part(p.pattern, ':', 1) AS service_pattern,
           substr(p.pattern, length(split_part(p.pattern, ':', 1)) + 2) AS name_pattern
      FROM sets s
     CROSS JOIN LATERAL unnest(s.action_patterns) AS p(pattern)
),
named AS (
    -- Patterns with a literal service: an index lookup on the service, then LIKE on the name.
    SELECT p.action_set_key, a.action
      FROM patterns p
      JOIN ciem.aws_actions a
        ON a.service = p.service_pattern
       AND lower(a.name) LIKE ciem.glob_to_like(p.name_pattern)
     WHERE position(':' IN p.pattern) > 0
       AND p.service_pattern !~ '[*?]'
    UNION
    SELECT p.action_set_key, a.action
      FROM patterns p
      JOIN ciem.aws_actions a ON ciem.action_pattern_matches(p.pattern, a.action)
     WHERE position(':' IN p.pattern) = 0 OR p.service_pattern ~ '[*?]'
),
matched AS (
    SELECT n.action_set_key, n.action FROM named n JOIN sets s USING (action_set_key) WHERE NOT s.is_not_action
    UNION ALL
    SELECT s.action_set_key, a.action
      FROM sets s
      JOIN ciem.aws_actions a ON true
     WHERE s.is_not_action
       AND NOT EXISTS (SELECT 1 FROM named n WHERE n.action_set_key = s.action_set_key AND n.action = a.action)
)
SELECT m.action_set_key, m.action
  FROM matched m
  JOIN sets s USING (action_set_key)
  JOIN ciem.aws_actions a ON a.action = m.action
 WHERE CASE
           WHEN s.is_not_resource THEN NOT EXISTS (SELECT 1 FROM unnest(s.resource_patterns) r WHERE ciem.is_match_all(r))
           WHEN EXISTS (SELECT 1 FROM unnest(s.resource_patterns) r WHERE ciem.is_match_all(r)) THEN true
           ELSE EXISTS (
               SELECT 1
                 FROM unnest(s.resource_patterns) r
                 JOIN ciem.aws_resource_pattern_types t ON t.pattern = r
                WHERE t.service = a.service
                  -- The catalogue spells some type names differently in actions (recoveryPoint)
                  -- and in resource types (recoverypoint).
                  AND lower(t.resource_type) IN (SELECT lower(rt) FROM unnest(a.resource_types) rt))
       END
WITH NO DATA;

CREATE UNIQUE INDEX aws_action_set_actions_key ON ciem.aws_action_set_actions (action_set_key, action);
CREATE INDEX aws_action_set_actions_action ON ciem.aws_action_set_actions (action, action_set_key);

COMMENT ON MATERIALIZED VIEW ciem.aws_action_set_actions IS
    'One row per action set (distinct Action/NotAction and Resource/NotResource of a statement) and catalogue action the set applies to on some resource.';

-- The action set of a statement, with the same key as in ciem.aws_action_set_actions.
CREATE FUNCTION ciem.action_set_key(is_not_action boolean, action_patterns text[], is_not_resource boolean, resource_patterns text[]) RETURNS text
LANGUAGE sql IMMUTABLE
AS $$
    SELECT md5(is_not_action::text || array_to_string(action_patterns, chr(31)) || '|' ||
               is_not_resource::text || array_to_string(resource_patterns, chr(31)))
$$;
