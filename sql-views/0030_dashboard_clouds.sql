-- Objects for the dashboards' cloud filter and for showing every cloud's rows: names for clouds
-- and accounts in the variable options, and per-cloud account counts. Over-privilege findings
-- read the method and granting roles from every cloud's evidence, and compliance trends record
-- the benchmark of each point.

-- The names the dashboards show for the cloud column's values.
CREATE FUNCTION ciem.cloud_name(cloud text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $$
    SELECT CASE cloud
               WHEN 'aws' THEN 'AWS'
               WHEN 'kubernetes' THEN 'Kubernetes'
               WHEN 'gcp' THEN 'Google Cloud'
               WHEN 'azure' THEN 'Azure'
               ELSE cloud
           END
$$;

COMMENT ON FUNCTION ciem.cloud_name(text) IS
    'The display name of a cloud column value: AWS, Kubernetes, Google Cloud or Azure; an unknown value is returned as it is.';

-- Google Cloud grants made on a folder or an organisation carry its resource name (folders/N or
-- organizations/N) as account_id, and grants on a project its project id (migration 0026).
CREATE FUNCTION ciem.account_kind(cloud text, account_id text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $$
    SELECT CASE
               WHEN cloud = 'aws' THEN 'AWS account'
               WHEN cloud = 'kubernetes' THEN 'Kubernetes cluster'
               WHEN cloud = 'gcp' AND account_id LIKE 'folders/%' THEN 'Google Cloud folder'
               WHEN cloud = 'gcp' AND account_id LIKE 'organizations/%' THEN 'Google Cloud organization'
               WHEN cloud = 'gcp' THEN 'Google Cloud project'
               WHEN cloud = 'azure' THEN 'Azure subscription'
               ELSE cloud || ' account'
           END
$$;

COMMENT ON FUNCTION ciem.account_kind(text, text) IS
    'What an account_id of a cloud is, for labels: AWS account, Kubernetes cluster, Google Cloud project, folder or organization, Azure subscription.';

-- Per cloud and account: the counts of the Overview dashboard's account table. One account id can
-- belong to two clouds (a Kubernetes context named like a Google Cloud project), so rows are per
-- cloud and account. Like ciem.account_overview, a function of the selection, so that each count
-- reads the selected rows only.
CREATE FUNCTION ciem.cloud_account_overview(clouds text[], accounts text[])
RETURNS TABLE (
    cloud                text,
    account_id           text,
    identities           integer,
    users                integer,
    groups               integer,
    roles                integer,
    service_identities   integer,
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
        SELECT i.cloud,
               i.account_id,
               count(*)::integer AS identities,
               count(*) FILTER (WHERE i.identity_type = 'user')::integer AS users,
               count(*) FILTER (WHERE i.identity_type = 'group')::integer AS groups,
               count(*) FILTER (WHERE i.identity_type = 'role')::integer AS roles,
               count(*) FILTER (WHERE i.identity_type IN ('service_account', 'service_principal', 'managed_identity'))::integer
                   AS service_identities
          FROM ciem.identities i
         WHERE i.cloud = ANY (clouds) AND i.account_id = ANY (accounts)
         GROUP BY i.cloud, i.account_id
    ),
    finding_counts AS (
        SELECT f.cloud,
               f.account_id,
               count(*) FILTER (WHERE f.category = 'admin_equivalent')::integer AS admin_equivalent,
               count(*) FILTER (WHERE f.category = 'privilege_escalation')::integer AS escalation_paths,
               count(*) FILTER (WHERE f.category = 'unused_identity')::integer AS unused_identities,
               count(*) FILTER (WHERE f.category = 'unused_credential')::integer AS unused_credentials,
               count(*) FILTER (WHERE f.category = 'public_trust')::integer AS public_trusts,
               count(*) FILTER (WHERE f.category = 'cross_account_trust')::integer AS external_trusts,
               count(*)::integer AS open_findings
          FROM ciem.findings f
         WHERE NOT f.suppressed AND f.cloud = ANY (clouds) AND f.account_id = ANY (accounts)
         GROUP BY f.cloud, f.account_id
    ),
    compliance AS (
        SELECT b.cloud,
               r.account_id,
               round(100.0 * count(*) FILTER (WHERE r.status = 'pass')
                     / nullif(count(*) FILTER (WHERE r.status IN ('pass', 'fail')), 0), 1) AS compliance_pass_rate
          FROM ciem.compliance_results r
          JOIN ciem.compliance_benchmarks b ON b.benchmark = r.benchmark
         WHERE b.cloud = ANY (clouds) AND r.account_id = ANY (accounts)
         GROUP BY b.cloud, r.account_id
    )
    SELECT i.cloud,
           i.account_id,
           i.identities,
           i.users,
           i.groups,
           i.roles,
           i.service_identities,
           coalesce(f.admin_equivalent, 0),
           coalesce(f.escalation_paths, 0),
           coalesce(f.unused_identities, 0),
           coalesce(f.unused_credentials, 0),
           coalesce(f.public_trusts, 0),
           coalesce(f.external_trusts, 0),
           coalesce(f.open_findings, 0),
           c.compliance_pass_rate
      FROM identity_counts i
      LEFT JOIN finding_counts f ON f.cloud = i.cloud AND f.account_id = i.account_id
      LEFT JOIN compliance c ON c.cloud = i.cloud AND c.account_id = i.account_id
$$;

COMMENT ON FUNCTION ciem.cloud_account_overview(text[], text[]) IS
    'One row per cloud and account with identities among the given ones: identity counts (service_identities counts Kubernetes and Google Cloud service accounts, Azure service principals and managed identities), open unsuppressed findings of the main categories, and the pass rate of the cloud''s CIS benchmark (percent of decided results, NULL when none).';

-- The method of a Kubernetes, Google Cloud or Azure over-privilege finding, read from the evidence
-- that migrations 0025 to 0027 write. It is the escalation method for Kubernetes and the escalation
-- methods of the role for Azure, else the requests or permissions that make the finding. An
-- admin-equivalent identity may do everything in its scope, as an AWS one does.
CREATE FUNCTION ciem.cloud_finding_method(category text, evidence jsonb) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
    SELECT CASE
               WHEN category = 'admin_equivalent' THEN 'every action on every resource'
               ELSE coalesce(
                   evidence ->> 'method',
                   nullif(array_to_string(ARRAY(SELECT DISTINCT m FROM jsonb_array_elements_text(
                                                    CASE WHEN jsonb_typeof(evidence -> 'escalation_methods') = 'array'
                                                         THEN evidence -> 'escalation_methods' END) AS m
                                                 ORDER BY m), ', '), ''),
                   nullif(array_to_string(ARRAY(SELECT DISTINCT r FROM jsonb_array_elements_text(
                                                    CASE WHEN jsonb_typeof(evidence -> 'requests') = 'array'
                                                         THEN evidence -> 'requests' END) AS r
                                                 ORDER BY r), ', '), ''),
                   -- Kubernetes lists permissions as text, Google Cloud as objects with a permission.
                   nullif(array_to_string(ARRAY(SELECT DISTINCT coalesce(p ->> 'permission', p #>> '{}')
                                                  FROM jsonb_path_query(evidence, 'lax $.permissions[*]') AS p
                                                 WHERE jsonb_typeof(p) IN ('string', 'object')
                                                 ORDER BY 1), ', '), ''))
           END
$$;

COMMENT ON FUNCTION ciem.cloud_finding_method(text, jsonb) IS
    'The method of a Kubernetes, Google Cloud or Azure over-privilege finding: every action on every resource for admin_equivalent, else the escalation method or methods, the requests, or the permissions its evidence lists.';

-- The roles behind a Kubernetes, Google Cloud or Azure finding: every "role" member anywhere in the
-- evidence (Kubernetes granted_by and bindings, Google Cloud grants), Azure's role_name, and the
-- classic_role of an Azure classic administrator.
CREATE FUNCTION ciem.cloud_finding_roles(evidence jsonb) RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
    SELECT ARRAY(SELECT DISTINCT r.role #>> '{}'
                   FROM (SELECT jsonb_path_query(evidence, 'lax $.**.role')
                         UNION ALL
                         SELECT jsonb_path_query(evidence, 'lax $.role_name')
                         UNION ALL
                         SELECT jsonb_path_query(evidence, 'lax $.classic_role')) AS r(role)
                  WHERE jsonb_typeof(r.role) = 'string'
                  ORDER BY 1)
$$;

COMMENT ON FUNCTION ciem.cloud_finding_roles(jsonb) IS
    'The names of the roles that a Kubernetes, Google Cloud or Azure finding''s evidence names as granting it, sorted.';

-- The view of migration 0023 with the method and the granting roles of the other clouds' findings;
-- AWS rows are unchanged. The columns stay as they were.
CREATE OR REPLACE VIEW ciem.over_privileged_findings AS
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
       CASE
           WHEN f.cloud <> 'aws' THEN ciem.cloud_finding_method(f.category, f.evidence)
           WHEN f.category = 'privilege_escalation' THEN f.evidence ->> 'method'
           WHEN f.category = 'admin_equivalent' THEN 'every action on every resource'
           ELSE array_to_string(ARRAY(SELECT jsonb_array_elements_text(f.evidence -> 'action_sample')), ', ')
       END AS method,
       CASE
           WHEN f.cloud <> 'aws' THEN ciem.cloud_finding_roles(f.evidence)
           -- Admin findings list the granting statements in granting, and the other categories list them
           -- per action in allowing. Conditions and boundaries name policies too, but they do not grant.
           ELSE ARRAY(SELECT DISTINCT g.name #>> '{}'
                        FROM (SELECT jsonb_path_query(f.evidence, 'lax $.granting[*].policy_name')
                              UNION ALL
                              SELECT jsonb_path_query(f.evidence, 'lax $.actions[*].allowing[*].policy_name')) AS g(name)
                       WHERE jsonb_typeof(g.name) = 'string'
                       ORDER BY 1)
       END AS granting_policies,
       f.evidence,
       f.first_seen,
       f.last_seen,
       f.suppressed,
       f.suppression_reason
  FROM ciem.findings f
 WHERE f.category IN ('admin_equivalent', 'privilege_escalation', 'data_exfiltration', 'credentials_exposure',
                      'resource_exposure', 'infrastructure_modification');

COMMENT ON VIEW ciem.over_privileged_findings IS
    'Open findings of the over-privilege categories in every cloud with method (AWS: escalation method id or assume-role-chain, or the sampled actions of a risk category; other clouds: ciem.cloud_finding_method) and granting_policies (AWS: the policies whose Allow statements the evidence lists; other clouds: the roles the evidence names).';

-- Compliance snapshots per benchmark. Migration 0018 recorded them per account and control. The CIS
-- Google Cloud and AWS benchmarks share control ids (1.1 to 1.17), as do the Kubernetes and Azure
-- ones (5.1.1 to 5.1.3), so a point needs its benchmark to be shown under its cloud.
ALTER TABLE ciem.snapshot_compliance ADD COLUMN benchmark text;

-- Snapshots taken before this migration: the benchmark that has the control, preferring the one
-- whose account ids look like the row's. AWS account ids are 12 digits and Azure subscription ids
-- are UUIDs; Google Cloud project ids start with a lowercase letter (gcloud reference, "gcloud
-- projects create"). Snapshots taken before migration 0025 hold AWS controls only.
-- NOTE: a Kubernetes context named like an Azure subscription id would be read as Azure here.
UPDATE ciem.snapshot_compliance s
   SET benchmark = coalesce(
           (SELECT c.benchmark
              FROM ciem.compliance_controls c
              JOIN ciem.compliance_benchmarks b ON b.benchmark = c.benchmark
             WHERE c.control_id = s.control_id
             ORDER BY CASE
                          WHEN b.cloud = 'aws' THEN s.account_id ~ '^\d{12}$'
                          WHEN b.cloud = 'azure' THEN s.account_id ~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'
                          WHEN b.cloud = 'gcp' THEN s.account_id !~ '^\d{12}$'
                          WHEN b.cloud = 'kubernetes' THEN s.account_id !~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'
                          ELSE true
                      END DESC,
                      b.cloud = 'aws' DESC,
                      c.benchmark
             LIMIT 1),
           'CIS AWS Foundations Benchmark');

ALTER TABLE ciem.snapshot_compliance ALTER COLUMN benchmark SET NOT NULL;
ALTER TABLE ciem.snapshot_compliance DROP CONSTRAINT snapshot_compliance_pkey;
ALTER TABLE ciem.snapshot_compliance ADD PRIMARY KEY (snapshot_id, benchmark, account_id, control_id);

COMMENT ON COLUMN ciem.snapshot_compliance.benchmark IS
    'The benchmark of the control, as in ciem.compliance_controls; for snapshots taken before migration 0030, inferred from the control id and the shape of the account id.';

-- As in migration 0018, with the compliance counts per benchmark.
CREATE OR REPLACE FUNCTION ciem.take_snapshot() RETURNS bigint
LANGUAGE plpgsql
AS $$
DECLARE
    id bigint;
BEGIN
    INSERT INTO ciem.snapshots (finding_count)
    SELECT count(*) FROM ciem.findings
    RETURNING snapshot_id INTO id;

    INSERT INTO ciem.snapshot_findings (snapshot_id, finding_id, severity, suppressed)
    SELECT id, f.finding_id, f.severity, f.suppressed FROM ciem.findings f;

    INSERT INTO ciem.snapshot_finding_counts (snapshot_id, cloud, account_id, category, severity, open_count, suppressed_count)
    SELECT id, f.cloud, coalesce(f.account_id, ''), f.category, f.severity, count(*), count(*) FILTER (WHERE f.suppressed)
      FROM ciem.findings f
     GROUP BY f.cloud, coalesce(f.account_id, ''), f.category, f.severity;

    INSERT INTO ciem.snapshot_creep_scores (snapshot_id, identity_arn, account_id, identity_type, score)
    SELECT id, c.identity_arn, c.account_id, c.identity_type, c.score
      FROM ciem.creep_scores c
     WHERE c.score IS NOT NULL;

    INSERT INTO ciem.snapshot_compliance (snapshot_id, benchmark, account_id, control_id, pass_count, fail_count, unknown_count)
    SELECT id, r.benchmark, r.account_id, r.control_id,
           count(*) FILTER (WHERE r.status = 'pass'),
           count(*) FILTER (WHERE r.status = 'fail'),
           count(*) FILTER (WHERE r.status NOT IN ('pass', 'fail'))
      FROM ciem.compliance_results r
     GROUP BY r.benchmark, r.account_id, r.control_id;

    DELETE FROM ciem.snapshots
     WHERE taken_at < now() - make_interval(days => ciem.setting_days('snapshot_retention_days'));
    RETURN id;
END
$$;

-- The view of migration 0023 with the benchmark and cloud of each row, added as the last columns.
CREATE OR REPLACE VIEW ciem.compliance_trends AS
SELECT s.taken_at AS "time", c.account_id, c.control_id, c.pass_count, c.fail_count, c.unknown_count,
       c.benchmark, b.cloud
  FROM ciem.snapshots s
  JOIN ciem.snapshot_compliance c USING (snapshot_id)
  LEFT JOIN ciem.compliance_benchmarks b ON b.benchmark = c.benchmark;

COMMENT ON VIEW ciem.compliance_trends IS
    'Compliance result counts per snapshot time, benchmark, account and control, with the benchmark''s cloud; sum pass_count and fail_count for a pass rate.';

-- The order in which the dashboards list the trust classes of every cloud, from the narrowest
-- audience to the widest: ciem.trust_class_rank of migration 0015 ranks the AWS account classes
-- only, and ciem.narrowing_value_rank depends on its numbers.
CREATE FUNCTION ciem.cloud_trust_class_rank(classification text) RETURNS integer
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $$
    SELECT array_position(ARRAY['same_account', 'service', 'google_managed', 'same_organization', 'other_namespace',
                                'all_namespaces', 'deleted_principal', 'trusted_third_party', 'federated', 'federated_oidc',
                                'federated_saml', 'unknown_domain', 'external', 'all_authenticated', 'public'],
                          classification)
$$;

COMMENT ON FUNCTION ciem.cloud_trust_class_rank(text) IS
    'The display rank of a trust class of any cloud, higher for a wider audience: same_account 1 up to public 15; NULL for an unknown class.';
