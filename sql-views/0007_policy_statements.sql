-- Policy documents in force and their statements, normalised whatever the document's shape.

-- One row per policy document that can take part in a decision: the default version of every
-- managed policy (AWS evaluates only the default version, IAM User Guide "Versioning IAM
-- policies"), every inline policy of users, groups and roles, and every service control policy.
CREATE VIEW ciem.aws_policy_documents AS
WITH documents AS (
    SELECT p.arn AS policy_key,
           CASE WHEN p.arn ~ '^arn:[^:]+:iam::aws:policy/' THEN 'aws_managed' ELSE 'managed' END AS policy_type,
           p.arn AS policy_arn, p.policy_name, p.account_id, NULL::text AS owner_arn, v.document_json AS document,
           p._cq_sync_time AS synced_at
      FROM ciem.stg_aws_iam_policies p
      JOIN ciem.stg_aws_iam_policy_versions v
        ON v._cq_parent_id = p._cq_id
       AND (v.version_id = p.default_version_id OR (p.default_version_id IS NULL AND v.is_default_version))
    UNION ALL
    SELECT 'inline:' || up.user_arn || ':' || up.policy_name, 'inline', NULL, up.policy_name, up.account_id, up.user_arn, up.policy_document, up._cq_sync_time
      FROM ciem.stg_aws_iam_user_policies up
    UNION ALL
    SELECT 'inline:' || gp.group_arn || ':' || gp.policy_name, 'inline', NULL, gp.policy_name, gp.account_id, gp.group_arn, gp.policy_document, gp._cq_sync_time
      FROM ciem.stg_aws_iam_group_policies gp
    UNION ALL
    SELECT 'inline:' || rp.role_arn || ':' || rp.policy_name, 'inline', NULL, rp.policy_name, rp.account_id, rp.role_arn, rp.policy_document, rp._cq_sync_time
      FROM ciem.stg_aws_iam_role_policies rp
    UNION ALL
    SELECT 'scp:' || op.id, 'scp', op.arn, op.name, op.account_id, NULL, op.content, NULL
      FROM ciem.stg_aws_organizations_policies op
     WHERE op.type = 'SERVICE_CONTROL_POLICY'
)
-- CloudQuery lists AWS-managed policies (and SCPs) once per synced account, and an export can be
-- imported under two accounts; one copy of each document is kept, the most recently synced.
SELECT DISTINCT ON (policy_key)
       policy_key, policy_type, policy_arn, policy_name, account_id, owner_arn, document
  FROM documents
 ORDER BY policy_key, synced_at DESC NULLS LAST, account_id;

COMMENT ON VIEW ciem.aws_policy_documents IS
    'One row per policy document in force: default versions of managed policies, inline policies of users, groups and roles, and SCPs. policy_key is the policy ARN, inline:<owner ARN>:<name>, or scp:<policy id>.';

-- Why a statement cannot be evaluated, or NULL when it is well formed (IAM User Guide, "IAM JSON
-- policy element reference" and "Grammar of the IAM JSON policy language").
CREATE FUNCTION ciem.statement_problem(statement jsonb) RETURNS text
LANGUAGE sql IMMUTABLE
AS $$
    SELECT CASE
        WHEN jsonb_typeof(statement) <> 'object' THEN 'the statement is not a JSON object'
        WHEN NOT (statement ? 'Effect') THEN 'Effect is missing'
        WHEN statement ->> 'Effect' NOT IN ('Allow', 'Deny') THEN format('Effect is %s, not "Allow" or "Deny"', statement -> 'Effect')
        WHEN (statement ? 'Action') = (statement ? 'NotAction') THEN 'a statement needs exactly one of Action and NotAction'
        WHEN ciem.jsonb_text_list(coalesce(statement -> 'Action', statement -> 'NotAction')) IS NULL
            THEN 'Action or NotAction is not a string or a non-empty list of strings'
        WHEN (statement ? 'Resource') = (statement ? 'NotResource') THEN 'a statement needs exactly one of Resource and NotResource'
        WHEN ciem.jsonb_text_list(coalesce(statement -> 'Resource', statement -> 'NotResource')) IS NULL
            THEN 'Resource or NotResource is not a string or a non-empty list of strings'
        WHEN statement ? 'Condition' AND jsonb_typeof(statement -> 'Condition') <> 'object' THEN 'Condition is not a JSON object'
    END
$$;

-- One row per statement of every document. Statement may be one object or a list (IAM User
-- Guide, "Statement" element), and so may the elements inside it.
CREATE MATERIALIZED VIEW ciem.aws_policy_statements AS
SELECT md5(d.policy_key || '#' || (e.ordinality - 1)) AS statement_key,
       d.policy_key,
       d.policy_type,
       d.policy_arn,
       d.policy_name,
       d.account_id,
       d.owner_arn,
       (e.ordinality - 1)::integer AS statement_index,
       d.document ->> 'Version' AS policy_version,
       e.value ->> 'Sid' AS sid,
       e.value ->> 'Effect' AS effect,
       e.value ? 'NotAction' AS is_not_action,
       ARRAY(SELECT lower(a) FROM unnest(ciem.jsonb_text_list(coalesce(e.value -> 'Action', e.value -> 'NotAction'))) a) AS action_patterns,
       e.value ? 'NotResource' AS is_not_resource,
       ciem.jsonb_text_list(coalesce(e.value -> 'Resource', e.value -> 'NotResource')) AS resource_patterns,
       e.value -> 'Condition' AS condition,
       ciem.statement_problem(e.value) AS problem
  FROM ciem.aws_policy_documents d
 CROSS JOIN LATERAL jsonb_array_elements(
           CASE jsonb_typeof(d.document -> 'Statement')
               WHEN 'array' THEN d.document -> 'Statement'
               WHEN 'object' THEN jsonb_build_array(d.document -> 'Statement')
               ELSE '[]'::jsonb
           END) WITH ORDINALITY AS e(value, ordinality)
WITH NO DATA;

CREATE UNIQUE INDEX aws_policy_statements_key ON ciem.aws_policy_statements (statement_key);
CREATE INDEX aws_policy_statements_policy ON ciem.aws_policy_statements (policy_key);

COMMENT ON MATERIALIZED VIEW ciem.aws_policy_statements IS
    'One row per statement of every policy in force, with Action/NotAction (lower case) and Resource/NotResource as arrays, Condition as jsonb, and problem set when the statement is malformed and so ignored.';

-- Whitespace inside an action name is kept: "s3:GetObject " matches no action, as in AWS.

CREATE VIEW ciem.policy_parse_errors AS
SELECT s.policy_key, s.policy_type, s.policy_arn, s.policy_name, s.account_id, s.owner_arn,
       s.statement_index, s.problem
  FROM ciem.aws_policy_statements s
 WHERE s.problem IS NOT NULL
UNION ALL
SELECT d.policy_key, d.policy_type, d.policy_arn, d.policy_name, d.account_id, d.owner_arn,
       NULL::integer,
       CASE
           WHEN d.document IS NULL THEN 'the policy document is missing'
           WHEN jsonb_typeof(d.document) <> 'object' THEN 'the policy document is not a JSON object'
           WHEN NOT d.document ? 'Statement' THEN 'Statement is missing'
           ELSE 'Statement is neither an object nor a list'
       END
  FROM ciem.aws_policy_documents d
 WHERE d.document IS NULL
    OR jsonb_typeof(d.document) <> 'object'
    OR coalesce(jsonb_typeof(d.document -> 'Statement'), 'missing') NOT IN ('array', 'object');

COMMENT ON VIEW ciem.policy_parse_errors IS
    'One row per policy document or statement that OpenCIEM skips because it is malformed, with the reason; the rest of the policy is still evaluated.';
