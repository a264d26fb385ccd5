-- The findings model shared by every rule: one row per finding with an id that survives syncs,
-- user suppressions, thresholds, and the CloudQuery tables that describe credentials and
-- account hygiene.

-- Thresholds and switches of the finding rules, read with ciem.setting(). Users change a value
-- with UPDATE; migrations only add keys.
CREATE TABLE ciem.settings (
    key         text PRIMARY KEY,
    value       text NOT NULL,
    description text NOT NULL
);

COMMENT ON TABLE ciem.settings IS
    'Thresholds of the finding rules (for example unused_days). Change a value with UPDATE ciem.settings, then run openciem refresh.';

INSERT INTO ciem.settings (key, value, description) VALUES
    ('unused_days', '90', 'An identity, credential or permission without activity for this many days is unused.');

CREATE FUNCTION ciem.setting(p_key text) RETURNS text
LANGUAGE plpgsql STABLE
AS $$
DECLARE
    result text;
BEGIN
    SELECT s.value INTO result FROM ciem.settings s WHERE s.key = p_key;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'setting % does not exist', p_key
            USING HINT = 'See SELECT key, description FROM ciem.settings for the known keys.';
    END IF;
    RETURN result;
END
$$;

-- Integer settings fail loudly on a typo such as '90d' instead of silently turning rules off.
CREATE FUNCTION ciem.setting_days(p_key text) RETURNS integer
LANGUAGE plpgsql STABLE
AS $$
DECLARE
    raw text := ciem.setting(p_key);
BEGIN
    IF raw !~ '^\s*\d+\s*$' THEN
        RAISE EXCEPTION 'setting % has value %, which is not a whole number of days', p_key, raw
            USING HINT = format('Fix it with UPDATE ciem.settings SET value = ''90'' WHERE key = %L;', p_key);
    END IF;
    RETURN raw::integer;
END
$$;

-- Every rule is a view with the columns below, registered here; ciem.refresh_findings() reads
-- them all. finding_key tells findings of one rule and identity apart (a method name, a trusted
-- principal); together with cloud, category and identity_arn it fixes the finding id.
CREATE TABLE ciem.finding_sources (
    source_name text PRIMARY KEY,
    relation    text NOT NULL,
    description text NOT NULL
);

COMMENT ON TABLE ciem.finding_sources IS
    'The finding rules: each relation returns cloud, account_id, identity_arn, identity_type, category, severity, title, finding_key and evidence.';

CREATE TABLE ciem.finding_categories (
    category    text PRIMARY KEY,
    description text NOT NULL
);

INSERT INTO ciem.finding_categories (category, description) VALUES
    ('admin_equivalent', 'Allowed every action on every resource, after denies, boundaries and SCPs.'),
    ('privilege_escalation', 'Holds a permission set that lets it gain more permissions than it has.'),
    ('data_exfiltration', 'Can read data out of stores such as S3 objects, SSM parameters and secrets.'),
    ('resource_exposure', 'Can change who may access a resource (permissions-management actions).'),
    ('credentials_exposure', 'Can create or obtain credentials: access keys, passwords, tokens, role sessions.'),
    ('infrastructure_modification', 'Can change infrastructure (write actions) on every resource.'),
    ('unused_identity', 'An identity without activity within the unused threshold, or never used.'),
    ('unused_credential', 'A password or access key without use within the threshold, or past its rotation age.'),
    ('unused_permission', 'A service or action granted but not used within the tracking window.'),
    ('cross_account_trust', 'A role or resource that another account may use.'),
    ('public_trust', 'A role or resource that anyone may use.'),
    ('compliance', 'A failed control of a compliance benchmark.');

CREATE TABLE ciem.severities (
    severity text PRIMARY KEY,
    rank     integer NOT NULL UNIQUE
);

INSERT INTO ciem.severities (severity, rank) VALUES
    ('critical', 5), ('high', 4), ('medium', 3), ('low', 2), ('info', 1);

-- The stored findings. A finding that no longer holds gets resolved_at and keeps its row, so a
-- finding that comes back keeps its first_seen.
CREATE TABLE ciem.finding_records (
    finding_id    uuid        PRIMARY KEY,
    cloud         text        NOT NULL,
    account_id    text,
    identity_arn  text        NOT NULL,
    identity_type text,
    category      text        NOT NULL REFERENCES ciem.finding_categories,
    severity      text        NOT NULL REFERENCES ciem.severities,
    title         text        NOT NULL,
    finding_key   text        NOT NULL,
    evidence      jsonb       NOT NULL,
    source_name   text        NOT NULL,
    first_seen    timestamptz NOT NULL,
    last_seen     timestamptz NOT NULL,
    resolved_at   timestamptz
);

CREATE INDEX finding_records_account ON ciem.finding_records (account_id) WHERE resolved_at IS NULL;
CREATE INDEX finding_records_identity ON ciem.finding_records (identity_arn) WHERE resolved_at IS NULL;
CREATE INDEX finding_records_category ON ciem.finding_records (category) WHERE resolved_at IS NULL;

COMMENT ON TABLE ciem.finding_records IS
    'Every finding OpenCIEM has seen, open (resolved_at NULL) or resolved. Read ciem.findings instead.';

-- A suppression mutes one finding until it expires (never, when expires_at is NULL). Muted
-- findings stay in ciem.findings with suppressed = true.
CREATE TABLE ciem.suppressions (
    finding_id uuid        PRIMARY KEY,
    reason     text        NOT NULL CHECK (btrim(reason) <> ''),
    expires_at timestamptz,
    created_by text        NOT NULL DEFAULT current_user,
    created_at timestamptz NOT NULL DEFAULT now()
);

COMMENT ON TABLE ciem.suppressions IS
    'Muted findings: INSERT INTO ciem.suppressions (finding_id, reason, expires_at) VALUES (...). A suppression outlives syncs because finding ids are stable.';

CREATE FUNCTION ciem.finding_id(cloud text, category text, identity_arn text, finding_key text) RETURNS uuid
LANGUAGE sql IMMUTABLE
AS $$
    SELECT md5(concat_ws(E'\x1f', cloud, category, identity_arn, finding_key))::uuid
$$;

COMMENT ON FUNCTION ciem.finding_id(text, text, text, text) IS
    'The stable id of a finding: the same rule, identity and key give the same id after every sync.';

CREATE VIEW ciem.findings AS
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
       r.last_seen,
       s.finding_id IS NOT NULL AS suppressed,
       s.reason                 AS suppression_reason,
       s.expires_at             AS suppression_expires_at
  FROM ciem.finding_records r
  JOIN ciem.severities sv ON sv.severity = r.severity
  LEFT JOIN ciem.suppressions s ON s.finding_id = r.finding_id AND (s.expires_at IS NULL OR s.expires_at > now())
 WHERE r.resolved_at IS NULL;

COMMENT ON VIEW ciem.findings IS
    'One row per open finding, suppressed ones included (suppressed = true). finding_id stays the same across syncs; first_seen is when OpenCIEM first saw it.';

-- Recomputes every registered rule and merges the result into ciem.finding_records.
CREATE FUNCTION ciem.refresh_findings() RETURNS integer
LANGUAGE plpgsql
AS $$
DECLARE
    source record;
    seen   timestamptz := now();
    total  integer;
BEGIN
    CREATE TEMP TABLE IF NOT EXISTS ciem_current_findings (
        cloud text, account_id text, identity_arn text, identity_type text, category text,
        severity text, title text, finding_key text, evidence jsonb, source_name text
    ) ON COMMIT DROP;
    TRUNCATE ciem_current_findings;

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

    INSERT INTO ciem.finding_records AS r (finding_id, cloud, account_id, identity_arn, identity_type, category,
                                           severity, title, finding_key, evidence, source_name, first_seen, last_seen)
    SELECT DISTINCT ON (id) id, f.cloud, f.account_id, f.identity_arn, f.identity_type, f.category,
           f.severity, f.title, f.finding_key, f.evidence, f.source_name, seen, seen
      FROM ciem_current_findings f
     CROSS JOIN LATERAL (SELECT ciem.finding_id(f.cloud, f.category, f.identity_arn, f.finding_key) AS id) k
     ORDER BY id, f.severity
    ON CONFLICT (finding_id) DO UPDATE
       SET account_id = excluded.account_id,
           identity_type = excluded.identity_type,
           severity = excluded.severity,
           title = excluded.title,
           evidence = excluded.evidence,
           source_name = excluded.source_name,
           last_seen = excluded.last_seen,
           resolved_at = NULL;

    UPDATE ciem.finding_records r
       SET resolved_at = seen
     WHERE r.resolved_at IS NULL AND r.last_seen < seen;

    SELECT count(*) INTO total FROM ciem.finding_records WHERE resolved_at IS NULL;
    ANALYZE ciem.finding_records;
    RETURN total;
END
$$;

COMMENT ON FUNCTION ciem.refresh_findings() IS
    'Runs every rule of ciem.finding_sources and stores the result: new findings get first_seen, findings that still hold get last_seen, the others are resolved. Returns the number of open findings.';

-- The materialised relations, in refresh order. Later migrations add their own with a position
-- after the ones they read.
CREATE TABLE ciem.refresh_relations (
    position      integer PRIMARY KEY,
    relation_name text    NOT NULL UNIQUE
);

INSERT INTO ciem.refresh_relations (position, relation_name) VALUES
    (10, 'aws_policy_statements'),
    (20, 'aws_resource_pattern_types'),
    (30, 'aws_action_set_actions'),
    (40, 'aws_principals'),
    (50, 'aws_principal_policies');

CREATE OR REPLACE FUNCTION ciem.refresh() RETURNS void
LANGUAGE plpgsql
AS $$
DECLARE
    started  timestamptz := clock_timestamp();
    relation text;
BEGIN
    FOR relation IN SELECT r.relation_name FROM ciem.refresh_relations r ORDER BY r.position LOOP
        IF (SELECT c.relispopulated FROM pg_class c WHERE c.oid = format('ciem.%I', relation)::regclass) THEN
            EXECUTE format('REFRESH MATERIALIZED VIEW CONCURRENTLY ciem.%I', relation);
        ELSE
            EXECUTE format('REFRESH MATERIALIZED VIEW ciem.%I', relation);
        END IF;
        -- Fresh statistics keep the planner off slow plans for explain and effective_permissions
        -- (explain p95 was 61 ms before ANALYZE and 4 ms after, at 10,000 identities).
        EXECUTE format('ANALYZE ciem.%I', relation);
    END LOOP;

    PERFORM ciem.refresh_findings();

    INSERT INTO ciem.refresh_log (started_at, finished_at, duration_ms)
    VALUES (started, clock_timestamp(), (extract(epoch FROM clock_timestamp() - started) * 1000)::integer);
    DELETE FROM ciem.refresh_log WHERE started_at < now() - interval '90 days';
END
$$;

-- CloudQuery tables on credentials and account hygiene. All optional: without them the unused
-- credential and compliance rules have nothing to read and report nothing.
INSERT INTO ciem.source_tables (table_name, optional, purpose)
SELECT t, true, 'credential and account hygiene (unused credentials, MFA, password policy, CIS controls)'
  FROM unnest(ARRAY[
      'aws_iam_credential_reports', 'aws_iam_user_access_keys', 'aws_iam_mfa_devices',
      'aws_iam_virtual_mfa_devices', 'aws_iam_accounts', 'aws_iam_password_policies'
  ]) AS t;

INSERT INTO ciem.source_columns (table_name, column_name, data_type, ordinal) VALUES
    ('aws_iam_credential_reports', '_cq_id', 'uuid', 1),
    ('aws_iam_credential_reports', 'arn', 'text', 2),
    ('aws_iam_credential_reports', 'user_creation_time', 'timestamptz', 3),
    ('aws_iam_credential_reports', 'password_last_changed', 'timestamptz', 4),
    ('aws_iam_credential_reports', 'password_next_rotation', 'timestamptz', 5),
    ('aws_iam_credential_reports', 'access_key_1_last_rotated', 'timestamptz', 6),
    ('aws_iam_credential_reports', 'access_key_2_last_rotated', 'timestamptz', 7),
    ('aws_iam_credential_reports', 'cert_1_last_rotated', 'timestamptz', 8),
    ('aws_iam_credential_reports', 'cert_2_last_rotated', 'timestamptz', 9),
    ('aws_iam_credential_reports', 'access_key_1_last_used_date', 'timestamptz', 10),
    ('aws_iam_credential_reports', 'access_key_2_last_used_date', 'timestamptz', 11),
    ('aws_iam_credential_reports', 'password_last_used', 'timestamptz', 12),
    ('aws_iam_credential_reports', 'password_enabled', 'text', 13),
    ('aws_iam_credential_reports', 'user', 'text', 14),
    ('aws_iam_credential_reports', 'password_status', 'text', 15),
    ('aws_iam_credential_reports', 'mfa_active', 'boolean', 16),
    ('aws_iam_credential_reports', 'access_key1_active', 'boolean', 17),
    ('aws_iam_credential_reports', 'access_key2_active', 'boolean', 18),
    ('aws_iam_credential_reports', 'cert1_active', 'boolean', 19),
    ('aws_iam_credential_reports', 'cert2_active', 'boolean', 20),
    ('aws_iam_credential_reports', 'access_key1_last_used_region', 'text', 21),
    ('aws_iam_credential_reports', 'access_key1_last_used_service', 'text', 22),
    ('aws_iam_credential_reports', 'access_key2_last_used_region', 'text', 23),
    ('aws_iam_credential_reports', 'access_key2_last_used_service', 'text', 24),
    ('aws_iam_user_access_keys', '_cq_id', 'uuid', 1),
    ('aws_iam_user_access_keys', '_cq_parent_id', 'uuid', 2),
    ('aws_iam_user_access_keys', 'account_id', 'text', 3),
    ('aws_iam_user_access_keys', 'user_arn', 'text', 4),
    ('aws_iam_user_access_keys', 'access_key_id', 'text', 5),
    ('aws_iam_user_access_keys', 'user_id', 'text', 6),
    ('aws_iam_user_access_keys', 'last_used', 'timestamptz', 7),
    ('aws_iam_user_access_keys', 'last_used_service_name', 'text', 8),
    ('aws_iam_user_access_keys', 'create_date', 'timestamptz', 9),
    ('aws_iam_user_access_keys', 'status', 'text', 10),
    ('aws_iam_user_access_keys', 'user_name', 'text', 11),
    ('aws_iam_user_access_keys', 'last_rotated', 'timestamptz', 12),
    ('aws_iam_mfa_devices', '_cq_id', 'uuid', 1),
    ('aws_iam_mfa_devices', '_cq_parent_id', 'uuid', 2),
    ('aws_iam_mfa_devices', 'account_id', 'text', 3),
    ('aws_iam_mfa_devices', 'serial_number', 'text', 4),
    ('aws_iam_mfa_devices', 'enable_date', 'timestamptz', 5),
    ('aws_iam_mfa_devices', 'user_name', 'text', 6),
    ('aws_iam_virtual_mfa_devices', '_cq_id', 'uuid', 1),
    ('aws_iam_virtual_mfa_devices', 'account_id', 'text', 2),
    ('aws_iam_virtual_mfa_devices', 'serial_number', 'text', 3),
    ('aws_iam_virtual_mfa_devices', 'enable_date', 'timestamptz', 4),
    ('aws_iam_virtual_mfa_devices', 'user', 'jsonb', 5),
    ('aws_iam_accounts', '_cq_id', 'uuid', 1),
    ('aws_iam_accounts', 'account_id', 'text', 2),
    ('aws_iam_accounts', 'users', 'bigint', 3),
    ('aws_iam_accounts', 'mfa_devices', 'bigint', 4),
    ('aws_iam_accounts', 'mfa_devices_in_use', 'bigint', 5),
    ('aws_iam_accounts', 'account_mfa_enabled', 'boolean', 6),
    ('aws_iam_accounts', 'account_access_keys_present', 'boolean', 7),
    ('aws_iam_accounts', 'account_signing_certificates_present', 'boolean', 8),
    ('aws_iam_accounts', 'aliases', 'text[]', 9),
    ('aws_iam_password_policies', '_cq_id', 'uuid', 1),
    ('aws_iam_password_policies', 'account_id', 'text', 2),
    ('aws_iam_password_policies', 'allow_users_to_change_password', 'boolean', 3),
    ('aws_iam_password_policies', 'expire_passwords', 'boolean', 4),
    ('aws_iam_password_policies', 'hard_expiry', 'boolean', 5),
    ('aws_iam_password_policies', 'max_password_age', 'bigint', 6),
    ('aws_iam_password_policies', 'minimum_password_length', 'bigint', 7),
    ('aws_iam_password_policies', 'password_reuse_prevention', 'bigint', 8),
    ('aws_iam_password_policies', 'require_lowercase_characters', 'boolean', 9),
    ('aws_iam_password_policies', 'require_numbers', 'boolean', 10),
    ('aws_iam_password_policies', 'require_symbols', 'boolean', 11),
    ('aws_iam_password_policies', 'require_uppercase_characters', 'boolean', 12),
    ('aws_iam_password_policies', 'policy_exists', 'boolean', 13);

SELECT ciem.bind_sources(ciem.source_schema());
