-- Relations and functions that the bundled Grafana dashboards read: decoding of template
-- variables, per-identity summaries, the per-service effective permissions of one identity,
-- per-account counts and compliance trends. None is materialised, so ciem.refresh() needs no new
-- step.

-- Grafana interpolates every dashboard variable as ${name:percentencode}: RFC 3986 percent-encoding
-- of the UTF-8 bytes, with only letters, digits and - _ . ~ left as they are. Such a value cannot
-- close the SQL string it sits in, contains no backslash, and contains no "$", so the PostgreSQL
-- datasource's server-side macro expansion ($__timeFilter(...) and the like), which runs after the
-- interpolation, cannot act on it either. docs/dashboards.md explains the choice.
--
-- IMMUTABLE although convert_from is only STABLE, because the result depends only on the database
-- encoding, which never changes for a database. IMMUTABLE lets the planner fold a call with a
-- constant argument into a constant, so "account_id = ANY (ciem.variable_values('...'))" can use
-- an index.
CREATE FUNCTION ciem.variable_value(encoded text) RETURNS text
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE
AS $$
DECLARE
    decoded bytea := '';
    part    text[];
BEGIN
    IF encoded !~ '^([^%]|%[0-9A-Fa-f]{2})*$' THEN
        RAISE EXCEPTION 'dashboard variable value "%" is not percent-encoded', encoded
            USING HINT = 'Interpolate the variable as ${name:percentencode} in the dashboard query.';
    END IF;

    FOR part IN SELECT m FROM regexp_matches(encoded, '%([0-9A-Fa-f]{2})|([^%]+)', 'g') AS m LOOP
        IF part[1] IS NOT NULL THEN
            decoded := decoded || decode(part[1], 'hex');
        ELSE
            decoded := decoded || convert_to(part[2], 'UTF8');
        END IF;
    END LOOP;

    RETURN convert_from(decoded, 'UTF8');
END
$$;

COMMENT ON FUNCTION ciem.variable_value(text) IS
    'Decodes one Grafana template variable value interpolated as ${name:percentencode}; raises an error for text that is not percent-encoded or not UTF-8.';

-- Grafana formats a multi-value selection for percentencode as {a,b,c} before encoding it, and a
-- single value as it is. A value that contains a comma is therefore split in two. The values of the
-- dashboards' multi-value variables (account ids, identity types, categories, classifications,
-- statuses) contain none.
CREATE FUNCTION ciem.variable_values(encoded text) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $$
    SELECT CASE
               WHEN d.value LIKE '{%}' THEN string_to_array(substr(d.value, 2, length(d.value) - 2), ',')
               ELSE ARRAY[d.value]
           END
      FROM (SELECT ciem.variable_value(encoded) AS value) d
$$;

COMMENT ON FUNCTION ciem.variable_values(text) IS
    'Decodes a Grafana multi-value template variable interpolated as ${name:percentencode} into an array: {a,b} gives two values, {} none, anything else one.';

-- One row per identity with what the Identity dashboard's summary shows: activity, creep score,
-- admin equivalence and its open findings by severity. Suppressed findings are not counted.
CREATE VIEW ciem.identity_overview AS
WITH open_findings AS (
    SELECT f.identity_arn,
           count(*)::integer AS open_findings,
           count(*) FILTER (WHERE f.severity = 'critical')::integer AS critical_findings,
           count(*) FILTER (WHERE f.severity = 'high')::integer AS high_findings,
           count(*) FILTER (WHERE f.severity = 'medium')::integer AS medium_findings,
           count(*) FILTER (WHERE f.severity = 'low')::integer AS low_findings,
           count(*) FILTER (WHERE f.severity = 'info')::integer AS info_findings,
           max(f.severity_rank) AS highest_severity_rank
      FROM ciem.findings f
     WHERE NOT f.suppressed
     GROUP BY f.identity_arn
)
SELECT i.cloud,
       i.account_id,
       i.identity_id AS identity_arn,
       i.identity_type,
       i.display_name AS identity_name,
       i.path,
       i.created_at,
       a.last_activity_at,
       a.days_since_activity,
       a.status AS activity_status,
       i.permissions_boundary_arn,
       i.is_service_linked,
       ae.principal_arn IS NOT NULL AS is_admin_equivalent,
       c.score AS creep_score,
       coalesce(o.open_findings, 0) AS open_findings,
       coalesce(o.critical_findings, 0) AS critical_findings,
       coalesce(o.high_findings, 0) AS high_findings,
       coalesce(o.medium_findings, 0) AS medium_findings,
       coalesce(o.low_findings, 0) AS low_findings,
       coalesce(o.info_findings, 0) AS info_findings,
       coalesce(o.highest_severity_rank, 0) AS highest_severity_rank
  FROM ciem.identities i
  LEFT JOIN ciem.identity_activity a ON a.identity_arn = i.identity_id AND a.account_id = i.account_id
  LEFT JOIN ciem.aws_admin_equivalent ae ON ae.principal_arn = i.identity_id
  LEFT JOIN ciem.creep_scores c ON c.identity_arn = i.identity_id
  LEFT JOIN open_findings o ON o.identity_arn = i.identity_id;

COMMENT ON VIEW ciem.identity_overview IS
    'One row per identity: activity status, admin equivalence, creep score and its open, unsuppressed findings counted by severity (highest_severity_rank 0 when none).';

-- The policies that apply to each identity. Users and roles: as the engine reads them
-- (ciem.aws_principal_policies), so a user lists the policies of its groups too. Groups: their own
-- attached and inline policies. The name and type come from the policy key, which does not need
-- the policy document.
CREATE VIEW ciem.identity_policies AS
WITH applied AS (
    SELECT pp.principal_arn AS identity_arn, pp.policy_key, pp.via, pp.group_arn
      FROM ciem.aws_principal_policies pp
    UNION ALL
    SELECT ga.group_arn, ga.policy_arn, 'direct', NULL
      FROM ciem.stg_aws_iam_group_attached_policies ga
    UNION ALL
    SELECT gi.group_arn, 'inline:' || gi.group_arn || ':' || gi.policy_name, 'direct', NULL
      FROM ciem.stg_aws_iam_group_policies gi
)
SELECT a.identity_arn,
       a.policy_key,
       CASE
           WHEN a.policy_key LIKE 'inline:%' THEN substr(a.policy_key, length('inline:' || coalesce(a.group_arn, a.identity_arn) || ':') + 1)
           ELSE regexp_replace(a.policy_key, '^.*/', '')
       END AS policy_name,
       CASE
           WHEN a.policy_key LIKE 'inline:%' THEN 'inline'
           WHEN a.policy_key ~ '^arn:[^:]+:iam::aws:policy/' THEN 'aws_managed'
           ELSE 'customer_managed'
       END AS policy_type,
       CASE WHEN a.policy_key NOT LIKE 'inline:%' THEN a.policy_key END AS policy_arn,
       a.via,
       a.group_arn,
       NOT EXISTS (SELECT 1 FROM ciem.aws_policy_statements s WHERE s.policy_key = a.policy_key) AS document_missing
  FROM applied a;

COMMENT ON VIEW ciem.identity_policies IS
    'One row per identity (user, role or group) and policy that applies to it: via direct (attached or inline), group (a user''s group, in group_arn) or boundary. document_missing is true when the synced data lacks the policy document, so the engine cannot read it.';

CREATE VIEW ciem.group_memberships AS
SELECT m.account_id,
       m.arn AS group_arn,
       m.group_name,
       m.user_arn,
       coalesce(u.user_name, regexp_replace(m.user_arn, '^.*/', '')) AS user_name
  FROM ciem.stg_aws_iam_user_groups m
  LEFT JOIN ciem.stg_aws_iam_users u ON u.arn = m.user_arn AND u.account_id = m.account_id;

COMMENT ON VIEW ciem.group_memberships IS
    'One row per IAM group and member user.';

-- Per IAM user or role and service it is granted: the access levels and their last use. Computed
-- per service from ciem.aws_principal_service_grants instead of per action, so that an
-- admin-equivalent identity costs a few hundred rows rather than the whole action catalogue. That
-- view approximates the engine: it checks neither conditions, partial denies nor SCPs.
CREATE VIEW ciem.identity_service_permissions AS
SELECT g.principal_arn AS identity_arn,
       p.account_id,
       p.principal_type AS identity_type,
       g.service,
       sv.service_name,
       ciem.access_levels_of_mask(g.level_mask) AS access_levels,
       (ciem.access_levels_of_mask(g.level_mask))[1] AS access_level,
       u.usage,
       u.last_authenticated AS last_used_at,
       CASE WHEN u.usage IN ('unused', 'not_used') THEN true WHEN u.usage = 'used' THEN false END AS unused
  FROM ciem.aws_principal_service_grants g
  JOIN ciem.aws_principals p ON p.principal_arn = g.principal_arn
  LEFT JOIN ciem.aws_services sv ON sv.service = g.service
  LEFT JOIN ciem.service_usage u ON u.identity_arn = g.principal_arn AND u.service = g.service;

COMMENT ON VIEW ciem.identity_service_permissions IS
    'One row per IAM user or role and service its policies grant: access_levels riskiest first, access_level the riskiest (Permissions management, Write, Read, Tagging, List), and usage from last accessed information. unused is true when granted and not used within unused_days, NULL without a report.';

-- Both directions of sts:AssumeRole trust around one identity: the principals a role's trust
-- policy admits (assumable_by) and the roles a user or role can assume (can_assume, from the
-- edges that need both the trust policy and the caller's policies).
CREATE VIEW ciem.identity_trusts AS
SELECT t.role_arn AS identity_arn,
       'assumable_by'::text AS direction,
       t.trusted_principal AS other_principal,
       t.trusted_account_id AS other_account_id,
       t.classification,
       t.effect,
       t.grants_access,
       t.condition_state,
       t.narrowed_by,
       t.statement_index,
       t.condition
  FROM ciem.cross_account_trust t
UNION ALL
SELECT e.caller_arn,
       'can_assume',
       e.role_arn,
       e.role_account_id,
       ciem.account_trust_class(e.caller_account_id, e.role_account_id),
       'Allow',
       true,
       CASE WHEN e.conditional THEN 'unknown' ELSE 'none' END,
       NULL::text[],
       NULL::integer,
       NULL::jsonb
  FROM ciem.aws_assume_role_edges e;

COMMENT ON VIEW ciem.identity_trusts IS
    'Per identity: the principals its trust policy admits (direction assumable_by, one row per trust policy principal, Deny statements included) and the roles it can assume (direction can_assume, from ciem.aws_assume_role_edges; condition_state unknown when a condition decides the call).';

-- Per account: the counts of the Overview dashboard. Findings count when open and not suppressed.
-- It is a function of the accounts rather than a view, so that each count reads the rows of those
-- accounts only. A filter on a view's output would not reach the findings and compliance
-- aggregates below its outer joins.
CREATE FUNCTION ciem.account_overview(accounts text[])
RETURNS TABLE (
    account_id           text,
    identities           integer,
    users                integer,
    roles                integer,
    groups               integer,
    admin_equivalent     integer,
    escalation_paths     integer,
    unused_identities    integer,
    unused_credentials   integer,
    public_trusts        integer,
    external_trusts      integer,
    open_findings        integer,
    compliance_pass_rate numeric
)
LANGUAGE sql STABLE
AS $$
    WITH identity_counts AS (
        SELECT i.account_id,
               count(*)::integer AS identities,
               count(*) FILTER (WHERE i.identity_type = 'user')::integer AS users,
               count(*) FILTER (WHERE i.identity_type = 'role')::integer AS roles,
               count(*) FILTER (WHERE i.identity_type = 'group')::integer AS groups
          FROM ciem.identities i
         WHERE i.account_id = ANY (accounts)
         GROUP BY i.account_id
    ),
    finding_counts AS (
        SELECT f.account_id,
               count(*) FILTER (WHERE f.category = 'admin_equivalent')::integer AS admin_equivalent,
               count(*) FILTER (WHERE f.category = 'privilege_escalation')::integer AS escalation_paths,
               count(*) FILTER (WHERE f.category = 'unused_identity')::integer AS unused_identities,
               count(*) FILTER (WHERE f.category = 'unused_credential')::integer AS unused_credentials,
               count(*) FILTER (WHERE f.category = 'public_trust')::integer AS public_trusts,
               count(*) FILTER (WHERE f.category = 'cross_account_trust')::integer AS external_trusts,
               count(*)::integer AS open_findings
          FROM ciem.findings f
         WHERE NOT f.suppressed AND f.account_id = ANY (accounts)
         GROUP BY f.account_id
    ),
    compliance AS (
        SELECT r.account_id,
               round(100.0 * count(*) FILTER (WHERE r.status = 'pass')
                     / nullif(count(*) FILTER (WHERE r.status IN ('pass', 'fail')), 0), 1) AS compliance_pass_rate
          FROM ciem.compliance_results r
         WHERE r.account_id = ANY (accounts)
         GROUP BY r.account_id
    )
    SELECT i.account_id,
           i.identities,
           i.users,
           i.roles,
           i.groups,
           coalesce(f.admin_equivalent, 0),
           coalesce(f.escalation_paths, 0),
           coalesce(f.unused_identities, 0),
           coalesce(f.unused_credentials, 0),
           coalesce(f.public_trusts, 0),
           coalesce(f.external_trusts, 0),
           coalesce(f.open_findings, 0),
           c.compliance_pass_rate
      FROM identity_counts i
      LEFT JOIN finding_counts f ON f.account_id = i.account_id
      LEFT JOIN compliance c ON c.account_id = i.account_id
$$;

COMMENT ON FUNCTION ciem.account_overview(text[]) IS
    'One row per given account with identities: identity counts, open unsuppressed findings of the main categories, and the CIS pass rate (percent of decided results, NULL when none).';

-- The over-privilege findings with what the dashboard table shows beside the evidence: the method
-- and the policies whose Allow statements the evidence names. Escalation evidence names its method:
-- the method id, or assume-role-chain for a chain of role assumptions.
CREATE VIEW ciem.over_privileged_findings AS
SELECT f.finding_id,
       f.cloud,
       f.account_id,
       f.identity_arn,
       f.identity_type,
       regexp_replace(f.identity_arn, '^.*/', '') AS identity_name,
       f.category,
       f.severity,
       f.severity_rank,
       f.title,
       CASE f.category
           WHEN 'privilege_escalation' THEN f.evidence ->> 'method'
           WHEN 'admin_equivalent' THEN 'every action on every resource'
           ELSE array_to_string(ARRAY(SELECT jsonb_array_elements_text(f.evidence -> 'action_sample')), ', ')
       END AS method,
       -- Admin findings list the granting statements in granting, and the other categories list them per
       -- action in allowing. Conditions and boundaries name policies too, but they do not grant.
       ARRAY(SELECT DISTINCT g.name #>> '{}'
               FROM (SELECT jsonb_path_query(f.evidence, 'lax $.granting[*].policy_name')
                     UNION ALL
                     SELECT jsonb_path_query(f.evidence, 'lax $.actions[*].allowing[*].policy_name')) AS g(name)
              WHERE jsonb_typeof(g.name) = 'string'
              ORDER BY 1) AS granting_policies,
       f.evidence,
       f.first_seen,
       f.last_seen,
       f.suppressed,
       f.suppression_reason
  FROM ciem.findings f
 WHERE f.category IN ('admin_equivalent', 'privilege_escalation', 'data_exfiltration', 'credentials_exposure',
                      'resource_exposure', 'infrastructure_modification');

COMMENT ON VIEW ciem.over_privileged_findings IS
    'Open findings of the over-privilege categories with method (escalation method id or assume-role-chain, or the sampled actions of a risk category) and granting_policies, the names of the policies whose Allow statements the evidence lists.';

-- Trend rows for the Compliance dashboard: one per snapshot, account and control.
CREATE VIEW ciem.compliance_trends AS
SELECT s.taken_at AS "time", c.account_id, c.control_id, c.pass_count, c.fail_count, c.unknown_count
  FROM ciem.snapshots s
  JOIN ciem.snapshot_compliance c USING (snapshot_id);

COMMENT ON VIEW ciem.compliance_trends IS
    'Compliance result counts per snapshot time, account and control; sum pass_count and fail_count for a pass rate.';

-- The suggested policy for a dashboard panel: the document, or the reason there is none, as a row
-- instead of an error, so that the panel shows the reason.
CREATE FUNCTION ciem.suggested_policy_or_reason(identity_arn text)
RETURNS TABLE (policy jsonb, reason text)
LANGUAGE plpgsql STABLE
AS $$
DECLARE
    message text;
    hint    text;
BEGIN
    policy := ciem.suggested_policy(suggested_policy_or_reason.identity_arn);
    RETURN NEXT;
EXCEPTION WHEN raise_exception THEN
    GET STACKED DIAGNOSTICS message = MESSAGE_TEXT, hint = PG_EXCEPTION_HINT;
    policy := NULL;
    reason := message || CASE WHEN hint <> '' THEN '. ' || hint ELSE '' END;
    RETURN NEXT;
END
$$;

COMMENT ON FUNCTION ciem.suggested_policy_or_reason(text) IS
    'One row: ciem.suggested_policy(identity_arn) in policy, or NULL and in reason the error that explains why there is no suggestion (no last accessed information, nothing used, not a user or role).';

-- ciem.suggested_policy of 0016 evaluated every action of the catalogue for the identity and then
-- kept the actions of the services it used. That took 0.7 s for the demo's admin-equivalent
-- alice.admin (one run on two cores). It now evaluates only the actions of the used services,
-- which keeps the same actions because every other action was discarded (29 ms on the same run).
-- Everything else is unchanged.
CREATE OR REPLACE FUNCTION ciem.suggested_policy(identity_arn text) RETURNS jsonb
LANGUAGE plpgsql STABLE
AS $$
DECLARE
    principal   ciem.aws_principals;
    found_type  text;
    window_days integer := ciem.last_accessed_window_days();
    statements  jsonb;
BEGIN
    SELECT * INTO principal FROM ciem.aws_principals p WHERE p.principal_arn = suggested_policy.identity_arn;
    IF NOT FOUND THEN
        SELECT i.identity_type INTO found_type FROM ciem.identities i WHERE i.identity_id = suggested_policy.identity_arn LIMIT 1;
        IF found_type = 'group' THEN
            RAISE EXCEPTION 'identity % is a group; policies are suggested for IAM users and roles', suggested_policy.identity_arn
                USING HINT = 'Ask for each member user instead: SELECT user_arn FROM ciem.stg_aws_iam_user_groups WHERE arn = ''' || suggested_policy.identity_arn || ''';';
        END IF;
        RAISE EXCEPTION 'identity % not found', suggested_policy.identity_arn
            USING HINT = 'List the IAM users and roles with: SELECT identity_id FROM ciem.identities WHERE identity_type IN (''user'', ''role''); run openciem refresh after a sync.';
    END IF;

    IF NOT EXISTS (SELECT 1 FROM ciem.aws_service_last_accessed l WHERE l.identity_arn = principal.principal_arn) THEN
        RAISE EXCEPTION 'identity % has no last accessed information', principal.principal_arn
            USING HINT = 'CloudQuery must sync the tables aws_iam_user_last_accessed_details and aws_iam_role_last_accessed_details: '
                         || 'list them in the tables of the AWS source spec (CloudQuery skips child tables that are not listed), sync, then run openciem refresh.';
    END IF;

    WITH used_services AS (
        SELECT l.service
          FROM ciem.aws_service_last_accessed l
         WHERE l.identity_arn = principal.principal_arn
           AND l.last_authenticated >= now() - make_interval(days => window_days)
    ),
    allowed AS (
        SELECT e.action
          FROM ciem.evaluate_principals(
                   ARRAY[principal.principal_arn],
                   ARRAY(SELECT c.action FROM ciem.aws_actions c WHERE c.service IN (SELECT service FROM used_services)),
                   '*', now(), false, NULL) e
         WHERE e.decision IN ('allowed', 'conditional')
    ),
    used_tracked AS (
        SELECT t.action
          FROM ciem.aws_tracked_action_last_accessed t
         WHERE t.owner_arn = principal.principal_arn
           AND t.last_accessed_at >= now() - make_interval(days => window_days)
    ),
    kept AS (
        SELECT a.action
          FROM allowed a
         WHERE a.action IN (SELECT action FROM used_tracked)
            OR a.action NOT IN (SELECT action FROM ciem.aws_tracked_actions)
    ),
    granting AS (
        SELECT st.effect, st.is_not_resource, st.condition, x.action,
               -- Documents of Version 2008-10-17 read ${...} literally; ${$} keeps it literal in 2012-10-17.
               CASE WHEN st.policy_version IS DISTINCT FROM '2012-10-17'
                    THEN ARRAY(SELECT replace(r, '${', '${$}{') FROM unnest(st.resource_patterns) r)
                    ELSE st.resource_patterns
               END AS resources
          FROM ciem.aws_principal_statements st
          JOIN ciem.aws_action_set_actions x ON x.action_set_key = st.action_set_key
          JOIN kept k ON k.action = x.action
         WHERE st.principal_arn = principal.principal_arn
           AND st.via IN ('direct', 'group')
    ),
    grouped AS (
        SELECT g.effect, g.is_not_resource, g.resources, g.condition,
               array_agg(DISTINCT g.action ORDER BY g.action) AS actions
          FROM granting g
         GROUP BY g.effect, g.is_not_resource, g.resources, g.condition
    ),
    numbered AS (
        SELECT gr.*, row_number() OVER (PARTITION BY gr.effect
                                        ORDER BY array_to_string(gr.resources, ','), gr.is_not_resource, gr.condition::text) AS n
          FROM grouped gr
    )
    SELECT jsonb_agg(
               jsonb_strip_nulls(jsonb_build_object(
                   'Sid', format('%sUsed%s', n.effect, n.n),
                   'Effect', n.effect,
                   'Action', to_jsonb(n.actions),
                   CASE WHEN n.is_not_resource THEN 'NotResource' ELSE 'Resource' END,
                   CASE WHEN cardinality(n.resources) = 1 THEN to_jsonb(n.resources[1]) ELSE to_jsonb(n.resources) END,
                   'Condition', n.condition))
               ORDER BY n.effect, n.n)
      INTO statements
      FROM numbered n;

    IF statements IS NULL OR NOT jsonb_path_exists(statements, '$[*] ? (@.Effect == "Allow")') THEN
        RAISE EXCEPTION 'identity % used none of its allowed actions within the last % days', principal.principal_arn, window_days
            USING HINT = 'There is nothing to keep: detach its policies instead of replacing them, or raise unused_days in ciem.settings.';
    END IF;

    RETURN jsonb_build_object('Version', '2012-10-17', 'Statement', statements);
END
$$;

COMMENT ON FUNCTION ciem.suggested_policy(text) IS
    'A least-privilege IAM policy document for an IAM user or role: the actions it is allowed and used within unused_days, under the resources and conditions of the statements that grant them.';
