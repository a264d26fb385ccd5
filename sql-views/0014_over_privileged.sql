-- Over-privileged identities: admin-equivalent principals, privilege-escalation permission sets
-- and the risk categories, all decided by the effective-permission engine on the union of each
-- principal's policies, after denies, permissions boundaries and SCPs.

-- Each statement's action set key, computed once per refresh: hashing the patterns of a
-- statement with thousands of actions for every principal that holds it was the largest cost of
-- evaluating many principals.
CREATE MATERIALIZED VIEW ciem.aws_statement_action_sets AS
SELECT s.statement_key,
       ciem.action_set_key(s.is_not_action, s.action_patterns, s.is_not_resource, s.resource_patterns) AS action_set_key
  FROM ciem.aws_policy_statements s
WITH NO DATA;

CREATE UNIQUE INDEX aws_statement_action_sets_key ON ciem.aws_statement_action_sets (statement_key);

COMMENT ON MATERIALIZED VIEW ciem.aws_statement_action_sets IS
    'One row per policy statement with the key of its action set (ciem.aws_action_set_actions).';

-- The engine for many principals and a list of actions. ciem.evaluate_principal (migration 0011)
-- asks for one principal and one action or all of them; the finding rules ask for the few
-- thousand actions that matter, for every principal, in one pass. From here on
-- evaluate_principal calls this function, so the two cannot drift apart.
CREATE FUNCTION ciem.evaluate_principals(p_principals text[], p_actions text[], p_resource text, p_at timestamptz, p_detail boolean, p_pairs text[])
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
evaluated AS (
    SELECT a.*,
           CASE
               WHEN ciem.condition_state(a.condition, p_at) IN ('none', 'true')
                AND EXISTS (SELECT 1 FROM unnest(a.resource_patterns) pattern
                             WHERE ciem.pattern_has_unknown_variables(pattern, a.policy_version, pr.variables))
               THEN 'unknown'
               ELSE ciem.condition_state(a.condition, p_at)
           END AS condition_state,
           (SELECT k.action_set_key FROM ciem.aws_statement_action_sets k WHERE k.statement_key = a.statement_key) AS action_set_key,
           ARRAY(
               SELECT r.resolved
                 FROM unnest(a.resource_patterns) AS pattern
                CROSS JOIN LATERAL (SELECT ciem.resolve_policy_variables(pattern, a.policy_version, pr.variables) AS resolved) r
                WHERE r.resolved IS NOT NULL
           ) AS resolved_patterns
      FROM applicable a
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
matched AS (
    SELECT l.*, x.action AS matched_action,
           -- An action without resource types is requested on "*" only, so a Deny NotResource
           -- that applies to it covers every resource it has.
           l.covers_all OR (l.is_not_resource AND cardinality(a.resource_types) = 0) AS covers_action
      FROM live l
      JOIN ciem.aws_action_set_actions x ON x.action_set_key = l.action_set_key
      JOIN ciem.aws_actions a ON a.action = x.action
     WHERE p_resource = '*'
       -- A hashed set: with thousands of requested actions, = ANY would scan the array per row.
       AND (p_actions IS NULL OR x.action IN (SELECT unnest(p_actions)))
       -- Requests as 'principal action' pairs, when each principal asks for its own actions.
       AND (p_pairs IS NULL OR l.subject || ' ' || x.action IN (SELECT unnest(p_pairs)))
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

COMMENT ON FUNCTION ciem.evaluate_principals(text[], text[], text, timestamptz, boolean, text[]) IS
    'Decision per principal and action for the listed IAM users and roles and actions (NULL: every action of the catalogue), in one pass, optionally only the principal-action pairs of p_pairs ("arn action"). Same rules as ciem.evaluate_principal; statements is NULL unless p_detail.';

CREATE FUNCTION ciem.evaluate_principal_actions(p_principal text, p_actions text[], p_resource text, p_at timestamptz)
RETURNS TABLE (
    action text,
    decision text,
    resource_patterns text[],
    denied_resource_patterns text[],
    statements jsonb
)
LANGUAGE sql STABLE
AS $$
    SELECT e.action, e.decision, e.resource_patterns, e.denied_resource_patterns, e.statements
      FROM ciem.evaluate_principals(ARRAY[p_principal], p_actions, p_resource, p_at, true, NULL) e
$$;

COMMENT ON FUNCTION ciem.evaluate_principal_actions(text, text[], text, timestamptz) IS
    'Decision per action for one IAM user or role, for the listed actions (NULL: every action of the catalogue). Same rules and columns as ciem.evaluate_principal.';

CREATE OR REPLACE FUNCTION ciem.evaluate_principal(p_principal text, p_action text, p_resource text, p_at timestamptz)
RETURNS TABLE (
    action text,
    decision text,
    resource_patterns text[],
    denied_resource_patterns text[],
    statements jsonb
)
LANGUAGE sql STABLE
AS $$
    SELECT * FROM ciem.evaluate_principal_actions(p_principal, CASE WHEN p_action IS NOT NULL THEN ARRAY[p_action] END, p_resource, p_at)
$$;

-- The engine for many principal-action pairs ("arn action"), 200 principals at a time: in one
-- pass, thousands of principals made the engine's sorts spill out of memory and the whole pass
-- slower than the batches together.
CREATE FUNCTION ciem.evaluate_pairs(p_pairs text[], p_detail boolean)
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
#variable_conflict use_column
DECLARE
    batch text[];
BEGIN
    FOR batch IN
        SELECT array_agg(ranked.pair)
          FROM (SELECT p.pair, dense_rank() OVER (ORDER BY split_part(p.pair, ' ', 1)) AS principal_rank
                  FROM unnest(p_pairs) AS p(pair)) ranked
         GROUP BY (ranked.principal_rank - 1) / 200
    LOOP
        RETURN QUERY
        SELECT e.*
          FROM ciem.evaluate_principals(
                   ARRAY(SELECT DISTINCT split_part(b, ' ', 1) FROM unnest(batch) b),
                   ARRAY(SELECT DISTINCT split_part(b, ' ', 2) FROM unnest(batch) b),
                   '*', now(), p_detail, batch) e;
    END LOOP;
END
$$;

COMMENT ON FUNCTION ciem.evaluate_pairs(text[], boolean) IS
    'Decision on "*" for each "principal_arn action" pair, evaluated 200 principals at a time; statements only with p_detail.';

-- True when a resource pattern leaves the resource open: "*", or an ARN pattern that covers
-- every resource of some type, whatever its name (arn:aws:s3:::*/*, arn:aws:ssm:*:*:parameter/*).
-- It is compared with the type's ARN format from the catalogue, so that arn:aws:s3:::reports/*
-- (one bucket) stays scoped while parameter/* (every parameter) does not.
CREATE FUNCTION ciem.pattern_is_unscoped(pattern text) RETURNS boolean
LANGUAGE sql STABLE STRICT
AS $$
    SELECT ciem.is_match_all(pattern)
        OR (pattern ~ '^arn:([^:]*:){4}'
            AND EXISTS (
                SELECT 1
                  FROM ciem.aws_resource_types t
                 WHERE split_part(t.arn_format, ':', 3) = split_part(pattern, ':', 3)
                   AND regexp_replace(regexp_replace(t.arn_format, '^arn:([^:]*:){4}', ''), '\$\{[^}]*\}', '*', 'g')
                       LIKE ciem.glob_to_like(regexp_replace(pattern, '^arn:([^:]*:){4}', ''))))
$$;

-- True when an IAM resource pattern names only the principal itself: its own ARN, with or
-- without "*" in the account field (IAM actions cannot reach principals of other accounts).
CREATE FUNCTION ciem.pattern_is_self(pattern text, principal_arn text) RETURNS boolean
LANGUAGE sql IMMUTABLE STRICT
AS $$
    SELECT regexp_replace(pattern, '^(arn:[^:]*:iam::)\*:', '\1' || split_part(principal_arn, ':', 5) || ':') = principal_arn
$$;

-- Permission sets that let a principal gain permissions it does not have. The sets and their
-- references come from public research (pathfinding.cloud, Prowler, Cloudsplaining, Rhino
-- Security Labs, BishopFox iam-vulnerable); the role chain (sts:AssumeRole alone) is decided by
-- ciem.aws_role_reach instead, which follows trust policies.
--   kind pass_role: iam:PassRole must reach an existing role of the account that trusts
--     passed_role_service (or any service when it is NULL).
--   kind iam_change: IAM actions on principals and policies; principal-targeting actions must
--     reach a principal other than the caller, and policy actions a customer-managed policy.
--   kind existing_resource: needs a resource that already runs with a role (a Lambda function,
--     an instance, a stack), which the IAM data cannot show; reported at medium severity.
CREATE TABLE ciem.privilege_escalation_methods (
    method_id           text PRIMARY KEY,
    actions             text[] NOT NULL,
    kind                text NOT NULL CHECK (kind IN ('pass_role', 'iam_change', 'existing_resource')),
    passed_role_service text,
    precondition        text,
    source_references   jsonb NOT NULL
);

COMMENT ON TABLE ciem.privilege_escalation_methods IS
    'Privilege-escalation permission sets: every action pattern in actions must be allowed. source_references names the method in pathfinding.cloud, Prowler, Cloudsplaining, Rhino and iam-vulnerable.';

INSERT INTO ciem.privilege_escalation_methods (method_id, actions, kind, passed_role_service, precondition, source_references) VALUES
    ('privesc-001', ARRAY['apprunner:createservice', 'iam:passrole'], 'pass_role', 'tasks.apprunner', 'tasks.apprunner.amazonaws.com', '{"pathfinding": "apprunner-001", "prowler": "PassRole+AppRunnerCreateService", "cloudsplaining": "PassExistingRoleToNewAppRunnerService"}'),
    ('privesc-002', ARRAY['apprunner:updateservice'], 'existing_resource', NULL, 'existing resource', '{"pathfinding": "apprunner-002", "prowler": "AppRunnerUpdateService"}'),
    ('privesc-003', ARRAY['autoscaling:createautoscalinggroup', 'autoscaling:createlaunchconfiguration', 'iam:passrole'], 'pass_role', 'ec2', NULL, '{"prowler": "PassRole+CreateAutoScaling"}'),
    ('privesc-004', ARRAY['autoscaling:createlaunchconfiguration', 'autoscaling:updateautoscalinggroup', 'iam:passrole'], 'pass_role', 'ec2', NULL, '{"prowler": "PassRole+UpdateAutoScaling"}'),
    ('privesc-005', ARRAY['batch:registerjobdefinition', 'batch:submitjob', 'iam:passrole'], 'pass_role', 'ecs-tasks', NULL, '{"prowler": "PassRole+BatchRegisterJobDef+SubmitJob"}'),
    ('privesc-006', ARRAY['batch:submitjob'], 'existing_resource', NULL, NULL, '{"prowler": "BatchSubmitJob"}'),
    ('privesc-007', ARRAY['bedrock-agentcore:createcodeinterpreter', 'bedrock-agentcore:invokecodeinterpreter', 'bedrock-agentcore:startcodeinterpretersession', 'iam:passrole'], 'pass_role', 'bedrock-agentcore', 'bedrock-agentcore.amazonaws.com', '{"pathfinding": "bedrock-001", "prowler": "PassRole+AgentCoreCreateInterpreter+InvokeInterpreter", "cloudsplaining": "PassExistingRoleToNewBedrockCodeInterpreter"}'),
    ('privesc-008', ARRAY['bedrock-agentcore:invokecodeinterpreter', 'bedrock-agentcore:startcodeinterpretersession'], 'existing_resource', NULL, 'existing resource', '{"pathfinding": "bedrock-002", "prowler": "AgentCoreSessionInvoke", "cloudsplaining": "AccessExistingBedrockCodeInterpreterSession"}'),
    ('privesc-009', ARRAY['bedrock-agentcore:connectbrowserautomationstream', 'bedrock-agentcore:createbrowser', 'bedrock-agentcore:startbrowsersession', 'iam:passrole'], 'pass_role', 'bedrock-agentcore', NULL, '{"prowler": "PassRole+AgentCoreCreateBrowser+ConnectBrowser"}'),
    ('privesc-010', ARRAY['bedrock-agentcore:connectbrowserautomationstream', 'bedrock-agentcore:startbrowsersession'], 'existing_resource', NULL, NULL, '{"prowler": "AgentCoreBrowserSessionConnect"}'),
    ('privesc-011', ARRAY['bedrock-agentcore:createagentruntime', 'bedrock-agentcore:createagentruntimeendpoint', 'bedrock-agentcore:createharness', 'bedrock-agentcore:createworkloadidentity', 'bedrock-agentcore:getagentruntime', 'bedrock-agentcore:invokeagentruntimecommand', 'iam:passrole'], 'pass_role', 'bedrock-agentcore', NULL, '{"prowler": "PassRole+AgentCoreCreateHarness+InvokeRuntimeCommand"}'),
    ('privesc-012', ARRAY['bedrock-agentcore:createagentruntime', 'bedrock-agentcore:createagentruntimeendpoint', 'bedrock-agentcore:createworkloadidentity', 'bedrock-agentcore:invokeagentruntimecommand', 'iam:passrole'], 'pass_role', 'bedrock-agentcore', NULL, '{"prowler": "PassRole+AgentCoreCreateRuntime+InvokeRuntimeCommand"}'),
    ('privesc-013', ARRAY['bedrock-agentcore:invokeagentruntimecommand'], 'existing_resource', NULL, NULL, '{"prowler": "AgentCoreInvokeRuntimeCommand"}'),
    ('privesc-014', ARRAY['braket:createjob', 'iam:passrole'], 'pass_role', 'braket', NULL, '{"prowler": "PassRole+BraketCreateJob"}'),
    ('privesc-015', ARRAY['cloudformation:createstack', 'iam:passrole'], 'pass_role', 'cloudformation', 'cloudformation.amazonaws.com', '{"pathfinding": "cloudformation-001", "prowler": "PassRole+CloudFormationCreateStack", "cloudsplaining": "PassExistingRoleToCloudFormation", "rhino": "#21", "iam_vulnerable": "privesc20"}'),
    ('privesc-016', ARRAY['cloudformation:updatestack'], 'existing_resource', NULL, 'existing resource', '{"pathfinding": "cloudformation-002", "prowler": "CloudFormationUpdateStack", "iam_vulnerable": "privesc-cfUpdateStack"}'),
    ('privesc-017', ARRAY['cloudformation:createstackinstances', 'cloudformation:createstackset', 'iam:passrole'], 'pass_role', 'cloudformation', 'cloudformation.amazonaws.com', '{"pathfinding": "cloudformation-003", "prowler": "PassRole+CloudFormationCreateStackSet", "cloudsplaining": "PassExistingRoleToNewCloudFormationStackSet"}'),
    ('privesc-018', ARRAY['cloudformation:updatestackset', 'iam:passrole'], 'pass_role', 'cloudformation', 'existing resource', '{"pathfinding": "cloudformation-004", "prowler": "PassRole+CloudFormationUpdateStackSet", "cloudsplaining": "PassRoleToUpdateCloudFormationStackSet"}'),
    ('privesc-019', ARRAY['cloudformation:createchangeset', 'cloudformation:executechangeset'], 'existing_resource', NULL, 'existing resource', '{"pathfinding": "cloudformation-005", "prowler": "CloudFormationChangeSet", "cloudsplaining": "ExecuteCloudFormationChangeSet"}'),
    ('privesc-020', ARRAY['codebuild:createproject', 'codebuild:startbuild', 'iam:passrole'], 'pass_role', 'codebuild', 'codebuild.amazonaws.com', '{"pathfinding": "codebuild-001", "prowler": "PassRole+CodeBuildCreateProject+StartBuild", "cloudsplaining": "PassExistingRoleToNewCodeBuildProjectThenBuild", "iam_vulnerable": "privesc-codeBuildProject"}'),
    ('privesc-021', ARRAY['codebuild:startbuild'], 'existing_resource', NULL, NULL, '{"pathfinding": "codebuild-002", "prowler": "CodeBuildStartBuild"}'),
    ('privesc-022', ARRAY['codebuild:startbuildbatch'], 'existing_resource', NULL, NULL, '{"pathfinding": "codebuild-003", "prowler": "CodeBuildStartBuildBatch"}'),
    ('privesc-023', ARRAY['codebuild:createproject', 'codebuild:startbuildbatch', 'iam:passrole'], 'pass_role', 'codebuild', 'codebuild.amazonaws.com', '{"pathfinding": "codebuild-004", "prowler": "PassRole+CodeBuildCreateProject+StartBuildBatch", "cloudsplaining": "PassExistingRoleToNewCodeBuildProjectThenBuildBatch"}'),
    ('privesc-024', ARRAY['codedeploy:createdeployment', 'codedeploy:getdeploymentconfig', 'codedeploy:registerapplicationrevision'], 'existing_resource', NULL, NULL, '{"prowler": "CodeDeployCreateDeployment"}'),
    ('privesc-025', ARRAY['codestar:associateteammember', 'codestar:createproject'], 'existing_resource', NULL, NULL, '{"rhino": "#25"}'),
    ('privesc-026', ARRAY['codestar:createproject', 'iam:passrole'], 'pass_role', 'codestar', NULL, '{"prowler": "PassRole+CodeStar", "rhino": "#24"}'),
    ('privesc-027', ARRAY['codestar:createprojectfromtemplate'], 'existing_resource', NULL, NULL, '{"rhino": "#23"}'),
    ('privesc-028', ARRAY['cognito-identity:setidentitypoolroles', 'iam:passrole'], 'pass_role', NULL, NULL, '{"prowler": "PassRole+CognitoSetIdentityPoolRoles"}'),
    ('privesc-029', ARRAY['datapipeline:activatepipeline', 'datapipeline:createpipeline', 'datapipeline:putpipelinedefinition', 'iam:passrole'], 'pass_role', 'datapipeline', 'datapipeline.amazonaws.com, elasticmapreduce.amazonaws.com', '{"pathfinding": "datapipeline-001", "prowler": "PassRole+DataPipeline", "iam_vulnerable": "privesc21"}'),
    ('privesc-030', ARRAY['datapipeline:createpipeline', 'datapipeline:putpipelinedefinition', 'iam:passrole'], 'pass_role', 'datapipeline', NULL, '{"rhino": "#22"}'),
    ('privesc-031', ARRAY['datapipeline:createpipeline', 'iam:passrole'], 'pass_role', 'datapipeline', NULL, '{"cloudsplaining": "PassExistingRoleToNewDataPipeline"}'),
    ('privesc-032', ARRAY['dynamodb:createtable', 'dynamodb:putitem', 'iam:passrole', 'lambda:createeventsourcemapping', 'lambda:createfunction'], 'pass_role', 'lambda', NULL, '{"prowler": "PassRole+CreateLambda+NewDynamo", "cloudsplaining": "PassExistingRoleToNewLambdaThenTriggerWithNewDynamo"}'),
    ('privesc-033', ARRAY['ec2:runinstances', 'iam:passrole'], 'pass_role', 'ec2', 'ec2.amazonaws.com', '{"pathfinding": "ec2-001", "prowler": "PassRole+EC2", "cloudsplaining": "CreateEC2WithExistingIP", "rhino": "#3", "iam_vulnerable": "privesc3"}'),
    ('privesc-034', ARRAY['ec2:modifyinstanceattribute', 'ec2:startinstances', 'ec2:stopinstances'], 'existing_resource', NULL, NULL, '{"pathfinding": "ec2-002", "prowler": "EC2ModifyInstanceAttribute", "cloudsplaining": "ModifyEC2InstanceUserDataThenRestart"}'),
    ('privesc-035', ARRAY['ec2:requestspotinstances', 'iam:passrole'], 'pass_role', 'ec2', 'ec2.amazonaws.com', '{"pathfinding": "ec2-003", "prowler": "PassRole+EC2SpotInstances", "cloudsplaining": "PassExistingRoleToNewEC2SpotInstance"}'),
    ('privesc-036', ARRAY['ec2:createlaunchtemplateversion', 'ec2:modifylaunchtemplate'], 'existing_resource', NULL, 'existing resource', '{"pathfinding": "ec2-004", "prowler": "EC2ModifyLaunchTemplate", "cloudsplaining": "ModifyExistingEC2LaunchTemplate"}'),
    ('privesc-037', ARRAY['ec2-instance-connect:sendsshpublickey', 'ec2:describeinstances'], 'existing_resource', NULL, 'existing resource', '{"pathfinding": "ec2instanceconnect-003", "prowler": "EC2InstanceConnect+SendSSHPublicKey", "cloudsplaining": "EC2InstanceConnectSendSSHPublicKey", "iam_vulnerable": "privesc-instanceConnect"}'),
    ('privesc-038', ARRAY['ecs:createcluster', 'ecs:createservice', 'ecs:registertaskdefinition', 'iam:passrole'], 'pass_role', 'ecs-tasks', 'ecs-tasks.amazonaws.com', '{"pathfinding": "ecs-001", "cloudsplaining": "PassExistingRoleToNewECSClusterServiceTask"}'),
    ('privesc-039', ARRAY['ecs:createcluster', 'ecs:registertaskdefinition', 'ecs:runtask', 'iam:passrole'], 'pass_role', 'ecs-tasks', 'ecs-tasks.amazonaws.com', '{"pathfinding": "ecs-002", "cloudsplaining": "PassExistingRoleToNewECSClusterRunTask"}'),
    ('privesc-040', ARRAY['ecs:createservice', 'ecs:registertaskdefinition', 'iam:passrole'], 'pass_role', 'ecs-tasks', 'ecs-tasks.amazonaws.com', '{"pathfinding": "ecs-003", "prowler": "PassRole+ECS+RegisterTaskDef+CreateService", "cloudsplaining": "PassExistingRoleToNewECSService"}'),
    ('privesc-041', ARRAY['ecs:registertaskdefinition', 'ecs:runtask', 'iam:passrole'], 'pass_role', 'ecs-tasks', 'ecs-tasks.amazonaws.com', '{"pathfinding": "ecs-004", "prowler": "PassRole+ECS+RegisterTaskDef+RunTask", "cloudsplaining": "PassExistingRoleToNewECSTaskViaRunTask"}'),
    ('privesc-042', ARRAY['ecs:registertaskdefinition', 'ecs:starttask', 'iam:passrole'], 'pass_role', 'ecs-tasks', 'ecs-tasks.amazonaws.com', '{"pathfinding": "ecs-005", "prowler": "PassRole+ECS+RegisterTaskDef+StartTask", "cloudsplaining": "PassExistingRoleToNewECSTaskViaStartTask"}'),
    ('privesc-043', ARRAY['ecs:describetasks', 'ecs:executecommand'], 'existing_resource', NULL, NULL, '{"pathfinding": "ecs-006", "prowler": "ECS+ExecuteCommand", "cloudsplaining": "ECSExecuteCommandOnRunningTask"}'),
    ('privesc-044', ARRAY['ecs:deregistercontainerinstance', 'ecs:registercontainerinstance', 'ecs:starttask', 'iam:passrole'], 'pass_role', 'ecs-tasks', NULL, '{"prowler": "PassRole+ECS+StartTask"}'),
    ('privesc-045', ARRAY['ecs:runtask', 'iam:passrole'], 'pass_role', 'ecs-tasks', NULL, '{"prowler": "PassRole+ECS+RunTask"}'),
    ('privesc-046', ARRAY['ecs:starttask', 'iam:passrole'], 'pass_role', 'ecs-tasks', NULL, '{"prowler": "PassRole+ECSStartTaskExistingCluster"}'),
    ('privesc-047', ARRAY['elasticmapreduce:runjobflow', 'iam:passrole'], 'pass_role', 'elasticmapreduce', NULL, '{"prowler": "PassRole+EMRRunJobFlow"}'),
    ('privesc-048', ARRAY['emr-serverless:createapplication', 'emr-serverless:startjobrun', 'iam:passrole'], 'pass_role', 'emr-serverless', NULL, '{"prowler": "PassRole+EMRServerlessCreateApp+StartJobRun"}'),
    ('privesc-049', ARRAY['gamelift:createbuild', 'gamelift:createfleet', 'gamelift:requestuploadcredentials', 'iam:passrole'], 'pass_role', 'gamelift', NULL, '{"prowler": "PassRole+GameLiftCreateBuild+CreateFleet"}'),
    ('privesc-050', ARRAY['glue:createdevendpoint', 'iam:passrole'], 'pass_role', 'glue', 'glue.amazonaws.com', '{"pathfinding": "glue-001", "prowler": "PassRole+GlueCreateDevEndpoint", "cloudsplaining": "PassExistingRoleToNewGlueDevEndpoint", "rhino": "#19", "iam_vulnerable": "privesc18"}'),
    ('privesc-051', ARRAY['glue:updatedevendpoint'], 'existing_resource', NULL, NULL, '{"pathfinding": "glue-002", "prowler": "GlueUpdateDevEndpoint", "cloudsplaining": "UpdateExistingGlueDevEndpoint", "rhino": "#20", "iam_vulnerable": "privesc19"}'),
    ('privesc-052', ARRAY['glue:createjob', 'glue:startjobrun', 'iam:passrole'], 'pass_role', 'glue', 'glue.amazonaws.com', '{"pathfinding": "glue-003", "prowler": "PassRole+GlueCreateJob+StartJobRun", "cloudsplaining": "PassExistingRoleToNewGlueJobThenRun"}'),
    ('privesc-053', ARRAY['glue:createjob', 'glue:createtrigger', 'iam:passrole'], 'pass_role', 'glue', 'glue.amazonaws.com', '{"pathfinding": "glue-004", "prowler": "PassRole+GlueCreateJob+CreateTrigger", "cloudsplaining": "PassExistingRoleToNewGlueJobViaTrigger"}'),
    ('privesc-054', ARRAY['glue:startjobrun', 'glue:updatejob', 'iam:passrole'], 'pass_role', 'glue', 'glue.amazonaws.com', '{"pathfinding": "glue-005", "prowler": "PassRole+GlueUpdateJob+StartJobRun", "cloudsplaining": "PassExistingRoleToUpdatedGlueJobThenRun"}'),
    ('privesc-055', ARRAY['glue:createtrigger', 'glue:updatejob', 'iam:passrole'], 'pass_role', 'glue', 'glue.amazonaws.com', '{"pathfinding": "glue-006", "prowler": "PassRole+GlueUpdateJob+CreateTrigger", "cloudsplaining": "PassExistingRoleToUpdatedGlueJobViaTrigger"}'),
    ('privesc-056', ARRAY['glue:createsession', 'glue:runstatement', 'iam:passrole'], 'pass_role', 'glue', NULL, '{"prowler": "PassRole+GlueCreateSession+RunStatement"}'),
    ('privesc-057', ARRAY['iam:createpolicyversion'], 'iam_change', NULL, NULL, '{"pathfinding": "iam-001", "prowler": "CreatePolicyVersion", "cloudsplaining": "CreateNewPolicyVersion", "rhino": "#1", "iam_vulnerable": "privesc1"}'),
    ('privesc-058', ARRAY['iam:createaccesskey'], 'iam_change', NULL, 'target user has <2 keys', '{"pathfinding": "iam-002", "prowler": "iam:CreateAccessKey", "cloudsplaining": "CreateAccessKey", "rhino": "#4", "iam_vulnerable": "privesc4"}'),
    ('privesc-059', ARRAY['iam:createaccesskey', 'iam:deleteaccesskey'], 'iam_change', NULL, NULL, '{"pathfinding": "iam-003", "prowler": "CreateAccessKey+DeleteAccessKey", "cloudsplaining": "CreateAndRotateAccessKey"}'),
    ('privesc-060', ARRAY['iam:createloginprofile'], 'iam_change', NULL, 'login-profile state', '{"pathfinding": "iam-004", "prowler": "iam:CreateLoginProfile", "cloudsplaining": "CreateLoginProfile", "rhino": "#5", "iam_vulnerable": "privesc5"}'),
    ('privesc-061', ARRAY['iam:putrolepolicy'], 'iam_change', NULL, NULL, '{"pathfinding": "iam-005", "prowler": "iam:PutRolePolicy", "cloudsplaining": "PutRolePolicy", "rhino": "#12", "iam_vulnerable": "privesc12"}'),
    ('privesc-062', ARRAY['iam:updateloginprofile'], 'iam_change', NULL, 'login-profile state', '{"pathfinding": "iam-006", "prowler": "iam:UpdateLoginProfile", "cloudsplaining": "UpdateLoginProfile", "rhino": "#6", "iam_vulnerable": "privesc6"}'),
    ('privesc-063', ARRAY['iam:putuserpolicy'], 'iam_change', NULL, NULL, '{"pathfinding": "iam-007", "prowler": "iam:PutUserPolicy", "cloudsplaining": "PutUserPolicy", "rhino": "#10", "iam_vulnerable": "privesc10"}'),
    ('privesc-064', ARRAY['iam:attachuserpolicy'], 'iam_change', NULL, 'existing resource', '{"pathfinding": "iam-008", "prowler": "iam:AttachUserPolicy", "cloudsplaining": "AttachUserPolicy", "rhino": "#7", "iam_vulnerable": "privesc7"}'),
    ('privesc-065', ARRAY['iam:attachrolepolicy'], 'iam_change', NULL, 'existing resource', '{"pathfinding": "iam-009", "prowler": "iam:AttachRolePolicy", "cloudsplaining": "AttachRolePolicy", "rhino": "#9", "iam_vulnerable": "privesc9"}'),
    ('privesc-066', ARRAY['iam:attachgrouppolicy'], 'iam_change', NULL, 'existing resource', '{"pathfinding": "iam-010", "prowler": "iam:AttachGroupPolicy", "cloudsplaining": "AttachGroupPolicy", "rhino": "#8", "iam_vulnerable": "privesc8"}'),
    ('privesc-067', ARRAY['iam:putgrouppolicy'], 'iam_change', NULL, NULL, '{"pathfinding": "iam-011", "prowler": "iam:PutGroupPolicy", "cloudsplaining": "PutGroupPolicy", "rhino": "#11", "iam_vulnerable": "privesc11"}'),
    ('privesc-068', ARRAY['iam:updateassumerolepolicy'], 'iam_change', NULL, NULL, '{"pathfinding": "iam-012", "prowler": "iam:UpdateAssumeRolePolicy", "cloudsplaining": "UpdateRolePolicyToAssumeIt"}'),
    ('privesc-069', ARRAY['iam:addusertogroup'], 'iam_change', NULL, 'existing resource', '{"pathfinding": "iam-013", "prowler": "iam:AddUserToGroup", "cloudsplaining": "AddUserToGroup", "rhino": "#13", "iam_vulnerable": "privesc13"}'),
    ('privesc-070', ARRAY['iam:attachrolepolicy', 'sts:assumerole'], 'iam_change', NULL, 'existing resource', '{"pathfinding": "iam-014", "prowler": "AssumeRole+AttachRolePolicy"}'),
    ('privesc-071', ARRAY['iam:attachuserpolicy', 'iam:createaccesskey'], 'iam_change', NULL, 'target user has <2 keys;existing resource', '{"pathfinding": "iam-015", "prowler": "AttachUserPolicy+CreateAccessKey", "cloudsplaining": "AttachUserPolicyThenCreateAccessKey"}'),
    ('privesc-072', ARRAY['iam:createpolicyversion', 'sts:assumerole'], 'iam_change', NULL, 'existing resource', '{"pathfinding": "iam-016", "prowler": "AssumeRole+CreatePolicyVersion", "cloudsplaining": "CreatePolicyVersionThenAssumeRole"}'),
    ('privesc-073', ARRAY['iam:putrolepolicy', 'sts:assumerole'], 'iam_change', NULL, 'existing resource', '{"pathfinding": "iam-017", "prowler": "AssumeRole+PutRolePolicy"}'),
    ('privesc-074', ARRAY['iam:createaccesskey', 'iam:putuserpolicy'], 'iam_change', NULL, 'target user has <2 keys;existing resource', '{"pathfinding": "iam-018", "prowler": "PutUserPolicy+CreateAccessKey", "cloudsplaining": "PutUserPolicyThenCreateAccessKey"}'),
    ('privesc-075', ARRAY['iam:attachrolepolicy', 'iam:updateassumerolepolicy'], 'iam_change', NULL, 'existing resource', '{"pathfinding": "iam-019", "prowler": "AttachRolePolicy+UpdateAssumeRolePolicy", "cloudsplaining": "AttachRolePolicyThenUpdateAssumeRolePolicy"}'),
    ('privesc-076', ARRAY['iam:createpolicyversion', 'iam:updateassumerolepolicy'], 'iam_change', NULL, 'existing resource', '{"pathfinding": "iam-020", "prowler": "CreatePolicyVersion+UpdateAssumeRolePolicy", "cloudsplaining": "CreatePolicyVersionThenUpdateAssumeRolePolicy"}'),
    ('privesc-077', ARRAY['iam:putrolepolicy', 'iam:updateassumerolepolicy'], 'iam_change', NULL, 'existing resource', '{"pathfinding": "iam-021", "prowler": "PutRolePolicy+UpdateAssumeRolePolicy", "cloudsplaining": "PutRolePolicyThenUpdateAssumeRolePolicy"}'),
    ('privesc-078', ARRAY['iam:*'], 'iam_change', NULL, NULL, '{"prowler": "OverPermissiveIAM"}'),
    ('privesc-079', ARRAY['iam:deleterolepermissionsboundary', 'sts:assumerole'], 'iam_change', NULL, NULL, '{"prowler": "AssumeRole+DeleteRolePermissionsBoundary"}'),
    ('privesc-080', ARRAY['iam:deleteuserpermissionsboundary'], 'iam_change', NULL, NULL, '{"prowler": "iam:DeleteUserPermissionsBoundary"}'),
    ('privesc-081', ARRAY['iam:put*'], 'iam_change', NULL, NULL, '{"prowler": "IAMPut"}'),
    ('privesc-082', ARRAY['iam:setdefaultpolicyversion'], 'iam_change', NULL, NULL, '{"prowler": "SetDefaultPolicyVersion", "cloudsplaining": "SetExistingDefaultPolicyVersion", "rhino": "#2", "iam_vulnerable": "privesc2"}'),
    ('privesc-083', ARRAY['iam:updateassumerolepolicy', 'sts:assumerole'], 'iam_change', NULL, NULL, '{"prowler": "AssumeRole+UpdateAssumeRolePolicy", "rhino": "#14", "iam_vulnerable": "privesc14"}'),
    ('privesc-084', ARRAY['iam:passrole', 'imagebuilder:createcomponent', 'imagebuilder:createimage', 'imagebuilder:createimagerecipe', 'imagebuilder:createinfrastructureconfiguration'], 'pass_role', 'ec2', NULL, '{"prowler": "PassRole+ImageBuilderCreateComponent+CreateImage"}'),
    ('privesc-085', ARRAY['iam:passrole', 'kinesisanalytics:createapplication', 'kinesisanalytics:startapplication'], 'pass_role', 'kinesisanalytics', NULL, '{"prowler": "PassRole+KinesisAnalyticsCreateApp+StartApp"}'),
    ('privesc-086', ARRAY['iam:passrole', 'lambda:createfunction', 'lambda:invokefunction'], 'pass_role', 'lambda', 'lambda.amazonaws.com', '{"pathfinding": "lambda-001", "prowler": "PassRole+CreateLambda+Invoke", "cloudsplaining": "PassExistingRoleToNewLambdaThenInvoke", "rhino": "#15", "iam_vulnerable": "privesc15"}'),
    ('privesc-087', ARRAY['iam:passrole', 'lambda:createeventsourcemapping', 'lambda:createfunction'], 'pass_role', 'lambda', 'lambda.amazonaws.com', '{"pathfinding": "lambda-002", "prowler": "PassRole+CreateLambda+ExistingDynamo", "cloudsplaining": "PassExistingRoleToNewLambdaThenTriggerWithExistingDynamo", "rhino": "#17", "iam_vulnerable": "privesc16"}'),
    ('privesc-088', ARRAY['lambda:updatefunctioncode'], 'existing_resource', NULL, 'existing resource', '{"pathfinding": "lambda-003", "prowler": "lambda:UpdateFunctionCode", "cloudsplaining": "EditExistingLambdaFunctionWithRole", "rhino": "#18", "iam_vulnerable": "privesc17"}'),
    ('privesc-089', ARRAY['lambda:invokefunction', 'lambda:updatefunctioncode'], 'existing_resource', NULL, 'existing resource', '{"pathfinding": "lambda-004", "prowler": "UpdateFunctionCode+InvokeFunction", "cloudsplaining": "UpdateAndInvokeLambdaFunction"}'),
    ('privesc-090', ARRAY['lambda:addpermission', 'lambda:updatefunctioncode'], 'existing_resource', NULL, 'existing resource', '{"pathfinding": "lambda-005", "prowler": "UpdateFunctionCode+AddPermission", "cloudsplaining": "UpdateLambdaFunctionAndAddPermission"}'),
    ('privesc-091', ARRAY['iam:passrole', 'lambda:addpermission', 'lambda:createfunction'], 'pass_role', 'lambda', 'lambda.amazonaws.com', '{"pathfinding": "lambda-006", "prowler": "PassRole+CreateLambda+AddPermission", "cloudsplaining": "PassExistingRoleToNewLambdaThenAddPermission", "rhino": "#16"}'),
    ('privesc-092', ARRAY['lambda:updatefunctionconfiguration'], 'existing_resource', NULL, NULL, '{"prowler": "lambda:UpdateFunctionConfiguration", "rhino": "#26"}'),
    ('privesc-093', ARRAY['iam:passrole', 'omics:createworkflow', 'omics:startrun', 's3:getobject'], 'pass_role', 'omics', NULL, '{"prowler": "PassRole+OmicsCreateWorkflow+StartRun"}'),
    ('privesc-094', ARRAY['iam:passrole', 'sagemaker:createnotebookinstance'], 'pass_role', 'sagemaker', 'sagemaker.amazonaws.com', '{"pathfinding": "sagemaker-001", "prowler": "PassRole+SageMakerCreateNotebookInstance", "cloudsplaining": "PassExistingRoleToNewSageMakerNotebookInstance", "iam_vulnerable": "privesc-sageNotebook"}'),
    ('privesc-095', ARRAY['iam:passrole', 'sagemaker:createtrainingjob'], 'pass_role', 'sagemaker', 'sagemaker.amazonaws.com', '{"pathfinding": "sagemaker-002", "prowler": "PassRole+SageMakerCreateTrainingJob", "cloudsplaining": "PassExistingRoleToNewSageMakerTrainingJob", "iam_vulnerable": "privesc-sageTraining"}'),
    ('privesc-096', ARRAY['iam:passrole', 'sagemaker:createprocessingjob'], 'pass_role', 'sagemaker', 'sagemaker.amazonaws.com', '{"pathfinding": "sagemaker-003", "prowler": "PassRole+SageMakerCreateProcessingJob", "cloudsplaining": "PassExistingRoleToNewSageMakerProcessingJob", "iam_vulnerable": "privesc-sageProcessing"}'),
    ('privesc-097', ARRAY['sagemaker:createpresignednotebookinstanceurl'], 'existing_resource', NULL, 'existing resource', '{"pathfinding": "sagemaker-004", "prowler": "SageMakerCreatePresignedNotebookInstanceUrl", "cloudsplaining": "CreatePresignedSageMakerNotebookUrl", "rhino": "#28", "iam_vulnerable": "privesc-sageUpdateURL"}'),
    ('privesc-098', ARRAY['sagemaker:createnotebookinstancelifecycleconfig', 'sagemaker:startnotebookinstance', 'sagemaker:stopnotebookinstance', 'sagemaker:updatenotebookinstance'], 'existing_resource', NULL, 'existing resource', '{"pathfinding": "sagemaker-005", "prowler": "SageMakerNotebookLifecycleConfig", "cloudsplaining": "UpdateSageMakerNotebookLifecycleConfig"}'),
    ('privesc-099', ARRAY['iam:passrole', 'sagemaker:createnotebookinstance', 'sagemaker:createpresignednotebookinstanceurl'], 'pass_role', 'sagemaker', NULL, '{"rhino": "#27"}'),
    ('privesc-100', ARRAY['iam:passrole', 'scheduler:createschedule'], 'pass_role', 'scheduler', NULL, '{"prowler": "PassRole+SchedulerCreateSchedule"}'),
    ('privesc-101', ARRAY['ssm:startsession'], 'existing_resource', NULL, 'existing resource', '{"pathfinding": "ssm-001", "prowler": "SSMStartSession", "iam_vulnerable": "privesc-ssm-session"}'),
    ('privesc-102', ARRAY['ssm:sendcommand'], 'existing_resource', NULL, 'existing resource', '{"pathfinding": "ssm-002", "prowler": "SSMSendCommand", "iam_vulnerable": "privesc-ssm-command"}'),
    ('privesc-103', ARRAY['iam:passrole', 'ssm:createdocument', 'ssm:startautomationexecution'], 'pass_role', 'ssm', NULL, '{"prowler": "PassRole+SSMCreateDocument+StartAutomation"}'),
    ('privesc-104', ARRAY['sso:attachmanagedpolicytopermissionset'], 'existing_resource', NULL, NULL, '{"prowler": "sso:AttachManagedPolicyToPermissionSet"}'),
    ('privesc-105', ARRAY['sso:attachmanagedpolicytopermissionset', 'sso:createaccountassignment', 'sso:createpermissionset'], 'existing_resource', NULL, NULL, '{"prowler": "SSOCreatePermissionSet+CreateAccountAssignment+AttachManagedPolicy"}'),
    ('privesc-106', ARRAY['sso:putinlinepolicytopermissionset'], 'existing_resource', NULL, NULL, '{"prowler": "sso:PutInlinePolicyToPermissionSet"}'),
    ('privesc-107', ARRAY['iam:passrole', 'states:createstatemachine', 'states:startexecution'], 'pass_role', 'states', NULL, '{"prowler": "PassRole+StepFunctionsCreateStateMachine+StartExecution"}'),
    ('privesc-108', ARRAY['states:startexecution', 'states:updatestatemachine'], 'existing_resource', NULL, NULL, '{"prowler": "StepFunctionsUpdateStateMachine+StartExecution"}');

-- The catalogue's patterns as catalogue actions. A wildcard set (iam:put*) requires every action
-- it names; a pattern that names no action is listed in privilege_escalation_unknown_actions.
CREATE VIEW ciem.privilege_escalation_method_actions AS
SELECT m.method_id, p.pattern, a.action
  FROM ciem.privilege_escalation_methods m
 CROSS JOIN LATERAL unnest(m.actions) AS p(pattern)
  LEFT JOIN ciem.aws_actions a
    ON a.service = split_part(p.pattern, ':', 1)
   AND lower(a.name) LIKE ciem.glob_to_like(split_part(p.pattern, ':', 2));

CREATE VIEW ciem.privilege_escalation_unknown_actions AS
SELECT method_id, pattern FROM ciem.privilege_escalation_method_actions WHERE action IS NULL;

COMMENT ON VIEW ciem.privilege_escalation_unknown_actions IS
    'Catalogue patterns that name no action of the loaded AWS action catalogue; their methods cannot be detected until the catalogue knows the action.';

-- Actions whose grant puts data, credentials or access control within reach. The lists follow
-- Cloudsplaining's defaults (data exfiltration, actions that return credentials) and PMapper's
-- resource-exposure preset; resource exposure also takes every "Permissions management" action of
-- the catalogue, and infrastructure modification every "Write" action (ciem.aws_action_set_risk_actions).
CREATE TABLE ciem.risk_listed_actions (
    category       text NOT NULL REFERENCES ciem.finding_categories,
    action_pattern text NOT NULL,
    PRIMARY KEY (category, action_pattern)
);

INSERT INTO ciem.risk_listed_actions (category, action_pattern)
SELECT 'data_exfiltration', unnest(ARRAY[
    's3:getobject', 'ssm:getparameter', 'ssm:getparameters', 'ssm:getparametersbypath',
    'secretsmanager:getsecretvalue', 'rds:copydbsnapshot', 'rds:createdbsnapshot'])
UNION ALL
SELECT 'credentials_exposure', unnest(ARRAY[
    'iam:createaccesskey', 'iam:updateaccesskey', 'iam:createloginprofile', 'iam:updateloginprofile',
    'iam:createservicespecificcredential', 'iam:resetservicespecificcredential',
    'sts:assumerole', 'sts:assumerolewithsaml', 'sts:assumerolewithwebidentity', 'sts:getfederationtoken',
    'sts:getsessiontoken', 'sso:getrolecredentials', 'ecr:getauthorizationtoken',
    'codeartifact:getauthorizationtoken', 'redshift:getclustercredentials', 'rds-db:connect',
    'ec2:getpassworddata', 'lightsail:getinstanceaccessdetails', 'lightsail:getrelationaldatabasemasteruserpassword',
    'cognito-identity:getcredentialsforidentity', 'cognito-identity:getopenidtoken',
    'cognito-identity:getopenidtokenfordeveloperidentity', 'connect:getfederationtoken',
    'gamelift:requestuploadcredentials', 'codepipeline:pollforjobs', 'chime:createapikey',
    'appsync:createapikey', 'cloud9:createenvironmenttoken', 'airflow:createclitoken',
    'airflow:createweblogintoken', 'mediapackage:rotatechannelcredentials',
    'mediapackage:rotateingestendpointcredentials'])
UNION ALL
SELECT 'resource_exposure', unnest(ARRAY[
    's3:putbucketpolicy', 'sns:addpermission', 'sns:settopicattributes', 'sqs:addpermission',
    'sqs:setqueueattributes', 'kms:putkeypolicy', 'secretsmanager:putresourcepolicy']);

CREATE VIEW ciem.aws_risk_actions AS
SELECT l.category, a.action
  FROM ciem.risk_listed_actions l
  JOIN ciem.aws_actions a
    ON a.service = split_part(l.action_pattern, ':', 1)
   AND lower(a.name) = split_part(l.action_pattern, ':', 2)
UNION
SELECT 'resource_exposure', a.action
  FROM ciem.aws_actions a
 WHERE 'Permissions management' = ANY (a.access_levels);

COMMENT ON VIEW ciem.aws_risk_actions IS
    'Actions of the data_exfiltration, credentials_exposure and resource_exposure categories. infrastructure_modification is every Write action on every resource.';

-- Per action set, the actions the finding rules ask the engine about: the escalation and listed
-- risk actions, plus two Write and two Permissions management actions per service when the set
-- leaves the resource open.
-- Computing this per set rather than per principal keeps the refresh cheap: a managed policy
-- attached to thousands of identities is looked at once.
-- NOTE: infrastructure_modification and resource_exposure confirm two actions per service through
-- the engine; the finding's statement_level_write_actions counts before denies.
CREATE MATERIALIZED VIEW ciem.aws_action_set_risk_actions AS
WITH sets AS (
    SELECT DISTINCT ciem.action_set_key(s.is_not_action, s.action_patterns, s.is_not_resource, s.resource_patterns) AS action_set_key,
           s.is_not_resource OR EXISTS (SELECT 1 FROM unnest(s.resource_patterns) r WHERE ciem.pattern_is_unscoped(r)) AS unscoped
      FROM ciem.aws_policy_statements s
     WHERE s.problem IS NULL AND s.effect = 'Allow' AND s.policy_type <> 'scp'
),
watched AS (
    SELECT action FROM ciem.privilege_escalation_method_actions WHERE action IS NOT NULL
    UNION
    SELECT a.action
      FROM ciem.risk_listed_actions l
      JOIN ciem.aws_actions a ON a.service = split_part(l.action_pattern, ':', 1) AND lower(a.name) = split_part(l.action_pattern, ':', 2)
),
-- Write and Permissions management actions are many (12,500 and 425 in the catalogue), so only
-- the first two of each service stand for them.
leveled AS (
    SELECT x.action_set_key, a.service, a.action,
           row_number() OVER (PARTITION BY x.action_set_key, a.service, 'Write' = ANY (a.access_levels) ORDER BY a.action) AS rank,
           count(*) FILTER (WHERE 'Write' = ANY (a.access_levels)) OVER (PARTITION BY x.action_set_key) AS write_count
      FROM sets s
      JOIN ciem.aws_action_set_actions x ON x.action_set_key = s.action_set_key
      JOIN ciem.aws_actions a ON a.action = x.action
     WHERE s.unscoped AND a.access_levels && ARRAY['Write', 'Permissions management']
)
SELECT x.action_set_key, x.action, s.unscoped, false AS write_sample, NULL::bigint AS write_count
  FROM sets s
  JOIN ciem.aws_action_set_actions x ON x.action_set_key = s.action_set_key
  JOIN watched w ON w.action = x.action
UNION
SELECT l.action_set_key, l.action, true, true, l.write_count
  FROM leveled l
 WHERE l.rank <= 2
WITH NO DATA;

CREATE UNIQUE INDEX aws_action_set_risk_actions_key ON ciem.aws_action_set_risk_actions (action_set_key, action, write_sample);

COMMENT ON MATERIALIZED VIEW ciem.aws_action_set_risk_actions IS
    'Per Allow action set, the escalation and risk actions it names (unscoped when the set leaves the resource open) and up to three Write actions per service when its resource is open.';

-- The statements of an engine result that took part, without their patterns and conditions,
-- which the full explain output keeps: enough for a reviewer to find each one.
CREATE FUNCTION ciem.statement_evidence(statements jsonb, effect text) RETURNS jsonb
LANGUAGE sql IMMUTABLE
AS $$
    SELECT coalesce(jsonb_agg(DISTINCT s - 'condition' - 'resource' - 'not_resource'), '[]'::jsonb)
      FROM jsonb_array_elements(statements) s
     WHERE s ->> 'effect' = effect
       AND (effect = 'Deny' OR s ->> 'via' IN ('direct', 'group'))
$$;

-- Principals allowed every action on every resource. A candidate holds an unconditional Allow
-- statement whose action set is the whole catalogue (Action "*", or a NotAction that leaves every
-- action) on every resource; a permissions boundary, when set, must hold one too. Only a Deny can
-- then take something away, so the candidate's identity, group and boundary Deny statements
-- decide, without evaluating all 20,000 actions one by one:
--   a Deny on every resource whose condition holds (or that has none) blocks it;
--   one whose condition the data cannot decide (MFA, source IP) makes it conditional: the
--     principal is admin-equivalent whenever the condition does not hold;
--   a Deny of some resources only (a named bucket) leaves every action allowed somewhere and the
--     principal able to lift the Deny, so it stays admin-equivalent.
-- A Deny NotResource counts as covering every resource. SCPs are left out: they bind every
-- identity of the account alike (IAM User Guide, "Service control policies"), so the principal
-- can still do everything the account can. tests/findings/admin-equivalent.test.ts checks these
-- rules against the engine's own decisions.
-- NOTE: an Allow spread over several statements that only together name every action is not a
-- candidate; such principals are still caught by the escalation and risk rules.
CREATE MATERIALIZED VIEW ciem.aws_admin_equivalent AS
WITH catalogue AS (
    SELECT count(*) AS action_count FROM ciem.aws_actions
),
full_sets AS MATERIALIZED (
    SELECT b.action_set_key
      FROM (SELECT DISTINCT ciem.action_set_key(s.is_not_action, s.action_patterns, s.is_not_resource, s.resource_patterns) AS action_set_key
              FROM ciem.aws_policy_statements s
             WHERE s.problem IS NULL AND s.effect = 'Allow' AND s.policy_type <> 'scp' AND NOT s.is_not_resource
               AND EXISTS (SELECT 1 FROM unnest(s.resource_patterns) r WHERE ciem.is_match_all(r))
               AND (s.is_not_action OR s.action_patterns && ARRAY['*', '*:*'])) b
     CROSS JOIN catalogue c
     WHERE (SELECT count(*) FROM ciem.aws_action_set_actions x WHERE x.action_set_key = b.action_set_key) = c.action_count
),
full_statements AS MATERIALIZED (
    SELECT s.*
      FROM ciem.aws_policy_statements s
      JOIN full_sets f ON f.action_set_key = ciem.action_set_key(s.is_not_action, s.action_patterns, s.is_not_resource, s.resource_patterns)
     WHERE s.problem IS NULL AND s.effect = 'Allow'
       AND ciem.condition_state(s.condition, now()) IN ('none', 'true')
),
full_grants AS MATERIALIZED (
    SELECT pp.principal_arn, pp.via, pp.group_arn, s.*
      FROM full_statements s
      JOIN ciem.aws_principal_policies pp ON pp.policy_key = s.policy_key
),
candidates AS MATERIALIZED (
    SELECT g.principal_arn,
           jsonb_agg(DISTINCT jsonb_build_object(
               'policy_type', g.policy_type, 'policy_arn', g.policy_arn, 'policy_name', g.policy_name,
               'via', g.via, 'via_arn', g.group_arn, 'statement_index', g.statement_index, 'sid', g.sid)) AS granting
      FROM full_grants g
      JOIN ciem.aws_principals p ON p.principal_arn = g.principal_arn
     WHERE g.via IN ('direct', 'group')
       AND (p.boundary_arn IS NULL
            OR EXISTS (SELECT 1 FROM full_grants b WHERE b.principal_arn = g.principal_arn AND b.via = 'boundary'))
     GROUP BY g.principal_arn
),
denies AS MATERIALIZED (
    SELECT c.principal_arn, s.policy_type, s.policy_arn, s.policy_name, pp.via, s.statement_index, s.sid, s.condition,
           ciem.condition_state(s.condition, now()) AS condition_state,
           s.is_not_resource OR EXISTS (SELECT 1 FROM unnest(s.resource_patterns) r WHERE ciem.is_match_all(r)) AS covers_everything
      FROM candidates c
      JOIN ciem.aws_principal_policies pp ON pp.principal_arn = c.principal_arn
      JOIN ciem.aws_policy_statements s ON s.policy_key = pp.policy_key AND s.problem IS NULL AND s.effect = 'Deny'
     WHERE EXISTS (SELECT 1 FROM ciem.aws_action_set_actions x
                    WHERE x.action_set_key = ciem.action_set_key(s.is_not_action, s.action_patterns, s.is_not_resource, s.resource_patterns)
                      AND NOT ciem.requires_no_permission(x.action))
),
per_principal AS MATERIALIZED (
    SELECT d.principal_arn,
           bool_or(d.covers_everything AND d.condition_state IN ('none', 'true')) AS blocked,
           bool_or(d.covers_everything AND d.condition_state = 'unknown') AS conditional,
           jsonb_agg(jsonb_build_object(
               'policy_type', d.policy_type, 'policy_arn', d.policy_arn, 'policy_name', d.policy_name, 'via', d.via,
               'statement_index', d.statement_index, 'sid', d.sid, 'condition', d.condition))
               FILTER (WHERE d.covers_everything AND d.condition_state = 'unknown') AS conditions
      FROM denies d
     GROUP BY d.principal_arn
)
SELECT c.principal_arn, pr.principal_type, pr.account_id, pr.boundary_arn, c.granting,
       coalesce(p.conditional, false) AS conditional,
       coalesce(p.conditions, '[]'::jsonb) AS conditions,
       EXISTS (SELECT 1 FROM ciem.aws_scp_governed_accounts g WHERE g.account_id = pr.account_id) AS scp_governed
  FROM candidates c
  JOIN ciem.aws_principals pr USING (principal_arn)
  LEFT JOIN per_principal p USING (principal_arn)
 WHERE NOT coalesce(p.blocked, false)
WITH NO DATA;

CREATE UNIQUE INDEX aws_admin_equivalent_key ON ciem.aws_admin_equivalent (principal_arn);

COMMENT ON MATERIALIZED VIEW ciem.aws_admin_equivalent IS
    'IAM users and roles allowed every action on every resource after denies and boundaries; conditional when a Deny under a condition the data cannot decide stands in the way; scp_governed when SCPs of the organisation also apply to the account.';

-- The engine's decisions on the escalation and risk actions, for every principal that holds an
-- Allow of them. Admin-equivalent principals are left out: they can do all of it.
--   Escalation: every action of each method whose actions the principal's Allow statements all
--     name, with the statements (detail).
--   Risk categories: actions the Allow statements grant on every resource, at most two per
--     service and 24 per category, without statements; ciem.explain() gives them on demand.
-- Principals with the same policies (through the same groups), boundary, account, type and
-- service-linked flag get the same decisions, so the engine evaluates one representative of each
-- such signature; a principal whose policies use variables such as ${aws:username} is its own.
-- NOTE: categories are decided on that sample. A Deny that removes the sampled actions of a
-- service but not the others hides the service from the category.
CREATE MATERIALIZED VIEW ciem.aws_principal_risk_decisions AS
WITH policy_variables AS MATERIALIZED (
    SELECT policy_key, bool_or(array_to_string(resource_patterns, ' ') LIKE '%${%') AS uses_variables
      FROM ciem.aws_policy_statements
     GROUP BY policy_key
),
signatures AS MATERIALIZED (
    SELECT pp.principal_arn,
           CASE WHEN bool_or(coalesce(v.uses_variables, false)) THEN pp.principal_arn
                ELSE md5(concat_ws('|', p.account_id, p.principal_type, p.boundary_arn, p.is_service_linked::text,
                                   string_agg(pp.policy_key || '#' || pp.via || '#' || coalesce(pp.group_arn, ''), ','
                                              ORDER BY pp.policy_key, pp.via, pp.group_arn)))
           END AS signature
      FROM ciem.aws_principal_policies pp
      JOIN ciem.aws_principals p ON p.principal_arn = pp.principal_arn
      LEFT JOIN policy_variables v ON v.policy_key = pp.policy_key
     WHERE NOT EXISTS (SELECT 1 FROM ciem.aws_admin_equivalent a WHERE a.principal_arn = pp.principal_arn)
     GROUP BY pp.principal_arn, p.account_id, p.principal_type, p.boundary_arn, p.is_service_linked
),
representatives AS MATERIALIZED (
    SELECT signature, min(principal_arn) AS principal_arn
      FROM signatures
     GROUP BY signature
),
statement_states AS MATERIALIZED (
    SELECT s.statement_key, ciem.condition_state(s.condition, now()) AS condition_state
      FROM ciem.aws_policy_statements s
     WHERE s.problem IS NULL
),
granted AS MATERIALIZED (
    SELECT r.signature, r.principal_arn, ra.action, bool_or(ra.unscoped) AS unscoped, max(ra.write_count) AS write_count,
           bool_or(ra.unscoped AND st.condition_state IN ('none', 'true')) AS unscoped_sure,
           bool_or(ra.unscoped AND st.condition_state <> 'false') AS unscoped_live
      FROM representatives r
      JOIN ciem.aws_principal_policies pp ON pp.principal_arn = r.principal_arn AND pp.via IN ('direct', 'group')
      JOIN ciem.aws_policy_statements s ON s.policy_key = pp.policy_key AND s.problem IS NULL AND s.effect = 'Allow'
      JOIN statement_states st ON st.statement_key = s.statement_key
      JOIN ciem.aws_statement_action_sets k ON k.statement_key = s.statement_key
      JOIN ciem.aws_action_set_risk_actions ra ON ra.action_set_key = k.action_set_key
     GROUP BY r.signature, r.principal_arn, ra.action
),
method_sizes AS MATERIALIZED (
    SELECT method_id, count(*) AS action_count
      FROM ciem.privilege_escalation_method_actions
     GROUP BY method_id
    HAVING bool_and(action IS NOT NULL)
),
held_methods AS MATERIALIZED (
    SELECT g.principal_arn, ma.method_id
      FROM granted g
      JOIN ciem.privilege_escalation_method_actions ma ON ma.action = g.action
      JOIN method_sizes ms ON ms.method_id = ma.method_id
     GROUP BY g.principal_arn, ma.method_id, ms.action_count
    HAVING count(*) = ms.action_count
),
escalation_requests AS MATERIALIZED (
    SELECT DISTINCT h.principal_arn, ma.action
      FROM held_methods h
      JOIN ciem.privilege_escalation_method_actions ma ON ma.method_id = h.method_id
),
category_actions AS (
    SELECT category, action FROM ciem.aws_risk_actions
    UNION ALL
    SELECT 'infrastructure_modification', action FROM ciem.aws_actions WHERE 'Write' = ANY (access_levels)
),
category_requests AS MATERIALIZED (
    SELECT DISTINCT principal_arn, action
      FROM (SELECT ranked.*,
                   row_number() OVER (PARTITION BY ranked.principal_arn, ranked.category ORDER BY ranked.in_service, ranked.action) AS in_category
              FROM (SELECT g.principal_arn, g.action, c.category,
                           row_number() OVER (PARTITION BY g.principal_arn, c.category, split_part(g.action, ':', 1) ORDER BY g.action) AS in_service
                      FROM granted g
                      JOIN category_actions c ON c.action = g.action
                     WHERE g.unscoped) ranked
             WHERE ranked.in_service <= 2) capped
     WHERE in_category <= 24
),
-- Without a permissions boundary, SCPs or a Deny that names the action, the engine's decision
-- is the Allow statements' own: allowed when one applies without an undecided condition,
-- conditional when only conditional ones do (IAM User Guide, "Policy evaluation logic"). Those
-- category actions are decided here; the others go to the engine.
deny_named AS MATERIALIZED (
    SELECT DISTINCT q.principal_arn, q.action
      FROM (SELECT DISTINCT principal_arn FROM category_requests) c
      JOIN ciem.aws_principal_policies pp ON pp.principal_arn = c.principal_arn
      JOIN ciem.aws_policy_statements s ON s.policy_key = pp.policy_key AND s.problem IS NULL AND s.effect = 'Deny'
      JOIN ciem.aws_statement_action_sets k ON k.statement_key = s.statement_key
      JOIN category_requests q ON q.principal_arn = c.principal_arn
      JOIN ciem.aws_action_set_actions x ON x.action_set_key = k.action_set_key AND x.action = q.action
),
plain_principals AS MATERIALIZED (
    SELECT p.principal_arn
      FROM ciem.aws_principals p
     WHERE p.boundary_arn IS NULL
       AND (p.is_service_linked OR NOT EXISTS (SELECT 1 FROM ciem.aws_scp_governed_accounts g WHERE g.account_id = p.account_id))
),
category_by_statements AS MATERIALIZED (
    SELECT q.principal_arn, q.action
      FROM category_requests q
      JOIN plain_principals pl ON pl.principal_arn = q.principal_arn
     WHERE NOT EXISTS (SELECT 1 FROM deny_named d WHERE d.principal_arn = q.principal_arn AND d.action = q.action)
),
category_by_engine AS MATERIALIZED (
    SELECT q.*
      FROM category_requests q
     WHERE NOT EXISTS (SELECT 1 FROM category_by_statements c WHERE c.principal_arn = q.principal_arn AND c.action = q.action)
),
decided AS MATERIALIZED (
    SELECT e.*, true AS detailed, 'engine'::text AS decided_by
      FROM ciem.evaluate_pairs(ARRAY(SELECT principal_arn || ' ' || action FROM escalation_requests), true) e
      JOIN escalation_requests q ON q.principal_arn = e.principal_arn AND q.action = e.action
     WHERE e.decision IN ('allowed', 'conditional')
    UNION ALL
    SELECT e.*, false, 'engine'
      FROM ciem.evaluate_pairs(ARRAY(SELECT principal_arn || ' ' || action FROM category_by_engine), false) e
      JOIN category_by_engine q ON q.principal_arn = e.principal_arn AND q.action = e.action
     WHERE e.decision IN ('allowed', 'conditional')
       AND NOT EXISTS (SELECT 1 FROM escalation_requests x WHERE x.principal_arn = e.principal_arn AND x.action = e.action)
    UNION ALL
    SELECT c.principal_arn, c.action,
           CASE WHEN g.unscoped_sure THEN 'allowed' ELSE 'conditional' END,
           NULL::text[], NULL::text[], NULL::jsonb, false, 'statements'
      FROM category_by_statements c
      JOIN granted g ON g.principal_arn = c.principal_arn AND g.action = c.action
     WHERE g.unscoped_live
       AND NOT ciem.requires_no_permission(c.action)
       AND NOT EXISTS (SELECT 1 FROM escalation_requests x WHERE x.principal_arn = c.principal_arn AND x.action = c.action)
)
SELECT s.principal_arn, g.write_count, d.action, d.decision, d.resource_patterns, d.denied_resource_patterns,
       coalesce(d.statements, '[]'::jsonb) AS statements, d.detailed, d.decided_by
  FROM signatures s
  JOIN representatives r ON r.signature = s.signature
  JOIN decided d ON d.principal_arn = r.principal_arn
  JOIN granted g ON g.principal_arn = r.principal_arn AND g.action = d.action
WITH NO DATA;

CREATE UNIQUE INDEX aws_principal_risk_decisions_key ON ciem.aws_principal_risk_decisions (principal_arn, action);

COMMENT ON MATERIALIZED VIEW ciem.aws_principal_risk_decisions IS
    'Allowed or conditional escalation and risk actions of each IAM user and role that is not admin-equivalent, with the resource patterns and statements of the decision.';

-- Roles that a service can be given through iam:PassRole: not service-linked (those are AWS's),
-- with the service principals their trust policy allows.
CREATE VIEW ciem.aws_role_trusted_services AS
SELECT r.arn AS role_arn,
       r.account_id,
       coalesce(array_agg(DISTINCT service #>> '{}') FILTER (WHERE service IS NOT NULL), '{}') AS services
  FROM ciem.stg_aws_iam_roles r
  LEFT JOIN LATERAL jsonb_path_query(r.assume_role_policy_document,
                                     'lax $.Statement[*] ? (@.Effect == "Allow").Principal.Service[*]') AS service ON true
 WHERE r.path IS NULL OR r.path NOT LIKE '/aws-service-role/%'
 GROUP BY r.arn, r.account_id;

COMMENT ON VIEW ciem.aws_role_trusted_services IS
    'Roles that are not service-linked, with the AWS service principals their trust policy allows to assume them.';

-- Escalation methods each principal holds in full. For every action of the method the engine
-- must allow it (or allow it under a condition) on a resource that serves the method:
--   IAM actions on the AWS-managed namespace (arn:aws:iam::aws:policy/...) do not count, because
--   AWS-managed policies cannot be changed (IAM User Guide, "AWS managed policies");
--   credential and trust actions on the caller alone are self-service, not escalation
--   (iam:CreateAccessKey on user/${aws:username} gives the caller nothing new);
--   iam:PassRole must reach a role of the caller's account that trusts the method's service
--   (IAM User Guide, "Grant a user permissions to pass a role to an AWS service").
CREATE MATERIALIZED VIEW ciem.aws_privilege_escalation_paths AS
WITH usable AS MATERIALIZED (
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
      FROM ciem.aws_principal_risk_decisions d
),
reaching AS (
    SELECT * FROM usable WHERE cardinality(patterns) > 0 OR via_not_resource
),
method_sizes AS (
    SELECT method_id, count(*) AS action_count,
           -- Wildcard sets read better as their pattern (iam:put*) than as every action they name.
           string_agg(DISTINCT CASE WHEN pattern ~ '[*?]' THEN pattern ELSE action END, ' + ') AS label
      FROM ciem.privilege_escalation_method_actions
     GROUP BY method_id
    HAVING bool_and(action IS NOT NULL)
),
held AS (
    SELECT u.principal_arn, ma.method_id, ms.label,
           jsonb_agg(jsonb_build_object(
               'action', u.action,
               'decision', u.decision,
               'resource_patterns', u.patterns,
               'allowing', ciem.statement_evidence(u.statements, 'Allow')) ORDER BY u.action) AS actions,
           bool_or(u.decision = 'conditional') AS conditional
      FROM ciem.privilege_escalation_method_actions ma
      JOIN reaching u ON u.action = ma.action
      JOIN method_sizes ms ON ms.method_id = ma.method_id
     GROUP BY u.principal_arn, ma.method_id, ms.action_count, ms.label
    HAVING count(*) = ms.action_count
),
role_services AS MATERIALIZED (
    SELECT * FROM ciem.aws_role_trusted_services
),
-- Principals share PassRole grants (one managed policy, many holders), so the roles each
-- distinct grant reaches are found once per grant and account, not once per principal.
pass_grants AS MATERIALIZED (
    SELECT DISTINCT split_part(u.principal_arn, ':', 5) AS account_id, u.patterns, u.denied_resource_patterns, u.via_not_resource
      FROM reaching u
     WHERE u.action = 'iam:PassRole'
),
pass_grant_roles AS MATERIALIZED (
    SELECT g.account_id, g.patterns, g.denied_resource_patterns, g.via_not_resource, t.role_arn, t.services,
           a.principal_arn IS NOT NULL AS is_admin
      FROM pass_grants g
      JOIN role_services t ON t.account_id = g.account_id
      LEFT JOIN ciem.aws_admin_equivalent a ON a.principal_arn = t.role_arn
     WHERE (g.via_not_resource OR EXISTS (SELECT 1 FROM unnest(g.patterns) p WHERE ciem.resource_pattern_matches(p, t.role_arn)))
       AND NOT EXISTS (SELECT 1 FROM unnest(g.denied_resource_patterns) p WHERE ciem.resource_pattern_matches(p, t.role_arn))
),
passable AS MATERIALIZED (
    SELECT h.principal_arn, h.method_id,
           count(*) AS role_count,
           (array_agg(r.role_arn ORDER BY r.is_admin DESC, r.role_arn))[1:10] AS role_sample,
           bool_or(r.is_admin) AS reaches_admin
      FROM held h
      JOIN ciem.privilege_escalation_methods m ON m.method_id = h.method_id AND m.kind = 'pass_role'
      JOIN reaching u ON u.principal_arn = h.principal_arn AND u.action = 'iam:PassRole'
      JOIN pass_grant_roles r
        ON r.account_id = split_part(h.principal_arn, ':', 5)
       AND r.patterns = u.patterns
       AND r.denied_resource_patterns IS NOT DISTINCT FROM u.denied_resource_patterns
       AND r.via_not_resource = u.via_not_resource
     WHERE r.role_arn <> h.principal_arn
       AND CASE WHEN m.passed_role_service IS NULL THEN cardinality(r.services) > 0
                ELSE EXISTS (SELECT 1 FROM unnest(r.services) s WHERE s LIKE m.passed_role_service || '.%') END
     GROUP BY h.principal_arn, h.method_id
)
SELECT h.principal_arn, p.principal_type, p.account_id, h.method_id, h.label, m.kind, m.actions AS method_actions,
       m.passed_role_service, m.precondition, m.source_references, h.conditional, h.actions,
       pa.role_count AS passable_role_count, coalesce(pa.role_sample, '{}') AS passable_roles,
       coalesce(pa.reaches_admin, false) AS passes_admin_role
  FROM held h
  JOIN ciem.privilege_escalation_methods m ON m.method_id = h.method_id
  JOIN ciem.aws_principals p ON p.principal_arn = h.principal_arn
  LEFT JOIN passable pa ON pa.principal_arn = h.principal_arn AND pa.method_id = h.method_id
 WHERE m.kind <> 'pass_role' OR pa.role_count > 0
WITH NO DATA;

CREATE UNIQUE INDEX aws_privilege_escalation_paths_key ON ciem.aws_privilege_escalation_paths (principal_arn, method_id);
CREATE INDEX aws_privilege_escalation_paths_account ON ciem.aws_privilege_escalation_paths (account_id);

COMMENT ON MATERIALIZED VIEW ciem.aws_privilege_escalation_paths IS
    'One row per IAM user or role and escalation method it holds in full, with each action''s decision, reaching resource patterns and allowing statements, and for PassRole methods the roles it can pass.';

-- Risk-category grants: actions of the category that the engine allows on every resource.
CREATE VIEW ciem.aws_risk_grants AS
WITH open_grants AS (
    SELECT d.*
      FROM ciem.aws_principal_risk_decisions d
     WHERE d.decided_by = 'statements'
        OR EXISTS (SELECT 1 FROM unnest(d.resource_patterns) r WHERE ciem.pattern_is_unscoped(r))
        OR EXISTS (SELECT 1 FROM jsonb_array_elements(d.statements) s
                    WHERE s ->> 'effect' = 'Allow' AND s ->> 'via' IN ('direct', 'group') AND s ? 'not_resource')
)
SELECT g.principal_arn, r.category, g.action, g.decision, g.statements, NULL::bigint AS write_count
  FROM open_grants g
  JOIN ciem.aws_risk_actions r ON r.action = g.action
UNION ALL
SELECT g.principal_arn, 'infrastructure_modification', g.action, g.decision, g.statements, g.write_count
  FROM open_grants g
  JOIN ciem.aws_actions a ON a.action = g.action
 WHERE 'Write' = ANY (a.access_levels);

COMMENT ON VIEW ciem.aws_risk_grants IS
    'Per IAM user or role and risk category, the actions of the category it is allowed (or conditionally allowed) on every resource.';

-- Findings.
CREATE VIEW ciem.aws_admin_equivalent_findings AS
SELECT 'aws'::text AS cloud,
       a.account_id,
       a.principal_arn AS identity_arn,
       a.principal_type AS identity_type,
       'admin_equivalent'::text AS category,
       CASE WHEN a.conditional THEN 'high' ELSE 'critical' END AS severity,
       CASE WHEN a.conditional THEN 'Allowed every action on every resource under a condition'
            ELSE 'Allowed every action on every resource' END AS title,
       'admin'::text AS finding_key,
       jsonb_build_object(
           'granting', a.granting,
           'aws_managed_only', NOT EXISTS (SELECT 1 FROM jsonb_array_elements(a.granting) g WHERE g ->> 'policy_type' <> 'aws_managed'),
           'permissions_boundary', a.boundary_arn,
           'conditional', a.conditional,
           'conditions', a.conditions,
           'scp_governed', a.scp_governed) AS evidence
  FROM ciem.aws_admin_equivalent a;

CREATE VIEW ciem.aws_privilege_escalation_findings AS
SELECT 'aws'::text AS cloud,
       p.account_id,
       p.principal_arn AS identity_arn,
       p.principal_type AS identity_type,
       'privilege_escalation'::text AS category,
       CASE WHEN p.passes_admin_role AND NOT p.conditional THEN 'critical'
            WHEN p.kind = 'existing_resource' OR p.conditional THEN 'medium'
            ELSE 'high' END AS severity,
       'Can escalate privileges with ' || p.label AS title,
       p.method_id AS finding_key,
       jsonb_build_object(
           'method', p.method_id,
           'kind', p.kind,
           'references', p.source_references,
           'precondition', p.precondition,
           'conditional', p.conditional,
           'actions', p.actions,
           'passed_role_service', p.passed_role_service,
           'passable_role_count', p.passable_role_count,
           'passable_roles', to_jsonb(p.passable_roles),
           'passes_admin_role', p.passes_admin_role) AS evidence
  FROM ciem.aws_privilege_escalation_paths p;

CREATE VIEW ciem.aws_risk_findings AS
SELECT 'aws'::text AS cloud,
       p.account_id,
       g.principal_arn AS identity_arn,
       p.principal_type AS identity_type,
       g.category,
       CASE WHEN bool_and(g.decision = 'conditional') THEN 'low'
            WHEN g.category IN ('credentials_exposure', 'resource_exposure') THEN 'high'
            ELSE 'medium' END AS severity,
       CASE g.category
           WHEN 'data_exfiltration' THEN 'Can read data from every resource with '
           WHEN 'credentials_exposure' THEN 'Can obtain credentials on every resource with '
           WHEN 'resource_exposure' THEN 'Can change access to every resource with '
           ELSE 'Can modify infrastructure on every resource with '
       END || array_to_string((array_agg(g.action ORDER BY g.action))[1:3], ', ')
           || CASE WHEN count(*) > 3 THEN format(' and %s more', count(*) - 3) ELSE '' END AS title,
       g.category AS finding_key,
       jsonb_build_object(
           -- Confirmed actions: at most two per service and 24 per category are evaluated.
           'confirmed_action_count', count(*),
           -- The first 20 actions with their statements; action_sample names up to 50.
           'actions', jsonb_path_query_array(jsonb_agg(jsonb_build_object(
                           'action', g.action,
                           'decision', g.decision,
                           'allowing', ciem.statement_evidence(g.statements, 'Allow')) ORDER BY g.action), '$[0 to 19]'),
           'action_sample', to_jsonb((array_agg(g.action ORDER BY g.action))[1:50]),
           'services', to_jsonb(array_agg(DISTINCT split_part(g.action, ':', 1))),
           'statement_level_write_actions', max(g.write_count)) AS evidence
  FROM ciem.aws_risk_grants g
  JOIN ciem.aws_principals p ON p.principal_arn = g.principal_arn
 GROUP BY g.principal_arn, p.account_id, p.principal_type, g.category;

INSERT INTO ciem.finding_sources (source_name, relation, description) VALUES
    ('aws_admin_equivalent', 'ciem.aws_admin_equivalent_findings', 'AWS principals allowed every action on every resource.'),
    ('aws_privilege_escalation', 'ciem.aws_privilege_escalation_findings', 'AWS principals holding a privilege-escalation permission set.'),
    ('aws_risk_categories', 'ciem.aws_risk_findings', 'AWS principals allowed data-exfiltration, credential, resource-exposure or Write actions on every resource.');

INSERT INTO ciem.refresh_relations (position, relation_name) VALUES
    (15, 'aws_statement_action_sets'),
    (110, 'aws_action_set_risk_actions'),
    (120, 'aws_admin_equivalent'),
    (130, 'aws_principal_risk_decisions'),
    (140, 'aws_privilege_escalation_paths');
