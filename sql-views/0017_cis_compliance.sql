-- CIS Amazon Web Services Foundations Benchmark v3.0.0, section 1 (Identity and Access
-- Management), decided from the CloudQuery tables. Control numbers, titles and audit procedures
-- follow v3.0.0 as Tenable's "CIS Amazon Web Services Foundations v3.0.0 L1/L2" audit items and
-- Prowler's cis_3.0_aws.json reproduce it. v1.5 and v2.0 number some of these controls
-- differently.
--
-- Every decidable control is a view ciem.cis_<name> with one row per resource it judges:
--   pass     the data shows the resource meets the control;
--   fail     the data shows it does not;
--   unknown  the data needed to decide is not there (the table was not synced, or has no row
--            for the account), so the account neither passes nor fails.
-- A control that does not apply to an account (no console users for 1.10, say) has no row.

-- Optional CloudQuery tables that only these controls read. Column lists follow CloudQuery's AWS
-- source plugin (tree 6d350d2, 2024-03-04), and aws_account_alternate_contacts the plugin's
-- generated table docs, where account_id and alternate_contact_type are its key.
INSERT INTO ciem.source_tables (table_name, optional, purpose)
SELECT t, true, 'CIS AWS Foundations Benchmark controls (server certificates, IAM Access Analyzer, regions, security contact)'
  FROM unnest(ARRAY[
      'aws_iam_server_certificates', 'aws_accessanalyzer_analyzers', 'aws_regions', 'aws_account_alternate_contacts'
  ]) AS t;

INSERT INTO ciem.source_columns (table_name, column_name, data_type, ordinal) VALUES
    ('aws_iam_server_certificates', '_cq_id', 'uuid', 1),
    ('aws_iam_server_certificates', 'account_id', 'text', 2),
    ('aws_iam_server_certificates', 'id', 'text', 3),
    ('aws_iam_server_certificates', 'arn', 'text', 4),
    ('aws_iam_server_certificates', 'path', 'text', 5),
    ('aws_iam_server_certificates', 'server_certificate_id', 'text', 6),
    ('aws_iam_server_certificates', 'server_certificate_name', 'text', 7),
    ('aws_iam_server_certificates', 'expiration', 'timestamptz', 8),
    ('aws_iam_server_certificates', 'upload_date', 'timestamptz', 9),
    ('aws_accessanalyzer_analyzers', '_cq_id', 'uuid', 1),
    ('aws_accessanalyzer_analyzers', 'account_id', 'text', 2),
    ('aws_accessanalyzer_analyzers', 'region', 'text', 3),
    ('aws_accessanalyzer_analyzers', 'arn', 'text', 4),
    ('aws_accessanalyzer_analyzers', 'created_at', 'timestamptz', 5),
    ('aws_accessanalyzer_analyzers', 'name', 'text', 6),
    ('aws_accessanalyzer_analyzers', 'status', 'text', 7),
    ('aws_accessanalyzer_analyzers', 'type', 'text', 8),
    ('aws_accessanalyzer_analyzers', 'status_reason', 'jsonb', 9),
    ('aws_regions', '_cq_id', 'uuid', 1),
    ('aws_regions', 'account_id', 'text', 2),
    ('aws_regions', 'enabled', 'boolean', 3),
    ('aws_regions', 'partition', 'text', 4),
    ('aws_regions', 'region', 'text', 5),
    ('aws_regions', 'endpoint', 'text', 6),
    ('aws_regions', 'opt_in_status', 'text', 7),
    ('aws_account_alternate_contacts', '_cq_id', 'uuid', 1),
    ('aws_account_alternate_contacts', 'account_id', 'text', 2),
    ('aws_account_alternate_contacts', 'alternate_contact_type', 'text', 3),
    ('aws_account_alternate_contacts', 'email_address', 'text', 4),
    ('aws_account_alternate_contacts', 'name', 'text', 5),
    ('aws_account_alternate_contacts', 'phone_number', 'text', 6),
    ('aws_account_alternate_contacts', 'title', 'text', 7);

SELECT ciem.bind_sources(ciem.source_schema());

-- The benchmark fixes 45 and 90 days, so a changed value no longer measures CIS v3.0.0. The root
-- use window is OpenCIEM's choice, because the benchmark leaves the judgement to the reviewer.
INSERT INTO ciem.settings (key, value, description) VALUES
    ('cis_credential_unused_days', '45', 'CIS AWS 1.12: a password or active access key unused for this many days or more fails (45 in the benchmark).'),
    ('cis_access_key_rotation_days', '90', 'CIS AWS 1.14: an active access key created this many days ago or more fails (90 in the benchmark).'),
    ('cis_root_recent_use_days', '30', 'CIS AWS 1.7: a root user password or access key used within this many days fails.');

-- The controls of the benchmark section, decidable or not.
CREATE TABLE ciem.compliance_controls (
    benchmark     text    NOT NULL,
    version       text    NOT NULL,
    control_id    text    NOT NULL,
    position      integer NOT NULL,
    title         text    NOT NULL,
    profile       text    NOT NULL CHECK (profile IN ('Level 1', 'Level 2')),
    decidable     boolean NOT NULL,
    severity      text    REFERENCES ciem.severities,
    resource_type text,
    how_decided   text,
    why_not       text,
    source_tables text[]  NOT NULL DEFAULT '{}',
    PRIMARY KEY (benchmark, version, control_id),
    UNIQUE (benchmark, version, position),
    CHECK (CASE WHEN decidable
                THEN how_decided IS NOT NULL AND why_not IS NULL AND severity IS NOT NULL AND resource_type IS NOT NULL
                ELSE why_not IS NOT NULL END)
);

COMMENT ON TABLE ciem.compliance_controls IS
    'One row per control of a compliance benchmark section: decidable ones say how OpenCIEM decides them from which CloudQuery tables (how_decided, source_tables); the others say why the data cannot decide them (why_not). severity is the severity of a failed control''s finding.';

INSERT INTO ciem.compliance_controls
    (benchmark, version, control_id, position, title, profile, decidable, severity, resource_type, how_decided, why_not, source_tables)
VALUES
    ('CIS AWS Foundations Benchmark', '3.0.0', '1.1', 1, 'Maintain current contact details', 'Level 1', false, NULL, NULL, NULL,
     'The audit is a reviewer''s judgement in the Billing console (Account Settings, Contact Information): whether the details are current and reach more than one person. No synced value can show that.',
     '{}'),
    ('CIS AWS Foundations Benchmark', '3.0.0', '1.2', 2, 'Ensure security contact information is registered', 'Level 1', true, 'low', 'account',
     'Audit: the Security section of Alternate Contacts holds contact information. Passes when aws_account_alternate_contacts (account:GetAlternateContact) has a SECURITY row for the account, fails when the table is synced and has none, unknown when the table is absent.',
     NULL, '{aws_account_alternate_contacts}'),
    ('CIS AWS Foundations Benchmark', '3.0.0', '1.3', 3, 'Ensure security questions are registered in the AWS account', 'Level 1', false, NULL, NULL, NULL,
     'Security challenge questions are set and read only in the console, signed in as the root user; no AWS API returns them, so CloudQuery cannot sync them.',
     '{}'),
    ('CIS AWS Foundations Benchmark', '3.0.0', '1.4', 4, 'Ensure no ''root'' user account access key exists', 'Level 1', true, 'critical', 'root',
     'Audit: get-account-summary shows AccountAccessKeysPresent 0 (aws_iam_accounts.account_access_keys_present), and the credential report''s <root_account> row has access_key_1_active and access_key_2_active FALSE. Fails when either source shows a root key; unknown when the account has neither row.',
     NULL, '{aws_iam_accounts,aws_iam_credential_reports}'),
    ('CIS AWS Foundations Benchmark', '3.0.0', '1.5', 5, 'Ensure MFA is enabled for the ''root'' user account', 'Level 1', true, 'critical', 'root',
     'Audit: get-account-summary shows AccountMFAEnabled 1 (aws_iam_accounts.account_mfa_enabled), and the credential report''s <root_account> row has mfa_active TRUE. Fails when either source shows no MFA; unknown when the account has neither row.',
     NULL, '{aws_iam_accounts,aws_iam_credential_reports}'),
    ('CIS AWS Foundations Benchmark', '3.0.0', '1.6', 6, 'Ensure hardware MFA is enabled for the ''root'' user account', 'Level 2', true, 'medium', 'root',
     'Audit: AccountMFAEnabled is 1, and list-virtual-mfa-devices shows no device with serial number arn:aws:iam::<account>:mfa/root-account-mfa-device. OpenCIEM also counts a virtual device whose assigned user is the root ARN. Fails without root MFA or with a root virtual device; unknown without the MFA state or without aws_iam_virtual_mfa_devices.',
     NULL, '{aws_iam_accounts,aws_iam_credential_reports,aws_iam_virtual_mfa_devices}'),
    ('CIS AWS Foundations Benchmark', '3.0.0', '1.7', 7, 'Eliminate use of the ''root'' user for administrative and daily tasks', 'Level 1', true, 'high', 'root',
     'Audit: review the credential report''s <root_account> password_last_used, access_key_1_last_used_date and access_key_2_last_used_date. The benchmark leaves the verdict to the reviewer; OpenCIEM fails a root user that used any of them within the setting cis_root_recent_use_days (30 days). Unknown without a root row.',
     NULL, '{aws_iam_credential_reports}'),
    ('CIS AWS Foundations Benchmark', '3.0.0', '1.8', 8, 'Ensure IAM password policy requires minimum length of 14 or greater', 'Level 1', true, 'medium', 'account',
     'Audit: get-account-password-policy shows MinimumPasswordLength 14 or more. An account without a password policy (policy_exists false) fails; unknown without a row in aws_iam_password_policies.',
     NULL, '{aws_iam_password_policies}'),
    ('CIS AWS Foundations Benchmark', '3.0.0', '1.9', 9, 'Ensure IAM password policy prevents password reuse', 'Level 1', true, 'low', 'account',
     'Audit: get-account-password-policy shows PasswordReusePrevention 24. A policy without PasswordReusePrevention, or no policy, fails; unknown without a row in aws_iam_password_policies.',
     NULL, '{aws_iam_password_policies}'),
    ('CIS AWS Foundations Benchmark', '3.0.0', '1.10', 10, 'Ensure multi-factor authentication (MFA) is enabled for all IAM users that have a console password', 'Level 1', true, 'high', 'user',
     'Audit: in the credential report every user with password_enabled TRUE has mfa_active TRUE. One result per user with a console password; the user''s devices from aws_iam_mfa_devices are shown as evidence. Unknown for an account without a credential report.',
     NULL, '{aws_iam_credential_reports,aws_iam_mfa_devices}'),
    ('CIS AWS Foundations Benchmark', '3.0.0', '1.11', 11, 'Do not setup access keys during initial user setup for all IAM users that have a console password', 'Level 1', true, 'low', 'user',
     'Audit: for users with a console password, a key created at the same time as the user (the console shows both to the minute) with no last used date should be deleted. Fails when an active key''s access_key_N_last_rotated is within 60 seconds of user_creation_time and its access_key_N_last_used_date is N/A. The credential report dates only active keys, so inactive keys are not judged.',
     NULL, '{aws_iam_credential_reports}'),
    ('CIS AWS Foundations Benchmark', '3.0.0', '1.12', 12, 'Ensure credentials unused for 45 days or greater are disabled', 'Level 1', true, 'medium', 'user',
     'Audit: in the credential report (root excluded), an enabled password was last used less than 45 days ago (password_last_changed when it was never used), and each active key was last used less than 45 days ago (access_key_N_last_rotated when it was never used). One result per user; the threshold is the setting cis_credential_unused_days.',
     NULL, '{aws_iam_credential_reports}'),
    ('CIS AWS Foundations Benchmark', '3.0.0', '1.13', 13, 'Ensure there is only one active access key available for any single IAM user', 'Level 1', true, 'low', 'user',
     'Audit: no user has more than one access key with Status Active. Fails when the credential report shows access_key_1_active and access_key_2_active both TRUE (IAM allows two keys per user). One result per user, root excluded.',
     NULL, '{aws_iam_credential_reports}'),
    ('CIS AWS Foundations Benchmark', '3.0.0', '1.14', 14, 'Ensure access keys are rotated every 90 days or less', 'Level 1', true, 'medium', 'user',
     'Audit: access_key_N_last_rotated (when the key was created) is less than 90 days ago for every active key. One result per user with an active key, root excluded; the threshold is the setting cis_access_key_rotation_days.',
     NULL, '{aws_iam_credential_reports}'),
    ('CIS AWS Foundations Benchmark', '3.0.0', '1.15', 15, 'Ensure IAM Users Receive Permissions Only Through Groups', 'Level 1', true, 'low', 'user',
     'Audit: list-attached-user-policies and list-user-policies return nothing for each user. Fails for a user with a managed policy attached directly or an inline policy.',
     NULL, '{aws_iam_users,aws_iam_user_attached_policies,aws_iam_user_policies}'),
    ('CIS AWS Foundations Benchmark', '3.0.0', '1.16', 16, 'Ensure IAM policies that allow full "*:*" administrative privileges are not attached', 'Level 1', true, 'high', 'policy',
     'Audit: for every managed policy that list-policies --only-attached returns (AWS-managed ones included), no statement of the default version has Effect Allow, Action "*" and Resource "*". Fails for an attached policy with an Allow statement whose Action (not NotAction) holds "*" or "*:*" and whose Resource (not NotResource) holds "*", whatever its Condition. Inline policies are outside this audit. Unknown when the policy''s document is not in the data.',
     NULL, '{aws_iam_policies,aws_iam_policy_versions,aws_iam_user_attached_policies,aws_iam_group_attached_policies,aws_iam_role_attached_policies}'),
    ('CIS AWS Foundations Benchmark', '3.0.0', '1.17', 17, 'Ensure a support role has been created to manage incidents with AWS Support', 'Level 1', true, 'low', 'account',
     'Audit: list-entities-for-policy for arn:aws:iam::aws:policy/AWSSupportAccess returns at least one role (PolicyRoles not empty). Passes when a role of the account has the policy attached; unknown for an account without IAM identities in the data.',
     NULL, '{aws_iam_roles,aws_iam_role_attached_policies}'),
    ('CIS AWS Foundations Benchmark', '3.0.0', '1.18', 18, 'Ensure IAM instance roles are used for AWS resource access from instances', 'Level 2', false, NULL, NULL, NULL,
     'The audit asks, for instances known to call AWS APIs, whether they have an instance role, and whether their scripts, environment variables or applications embed access keys. Which instances call AWS and what is stored on them is not in CloudQuery''s data, and an instance without a profile that never calls AWS complies, so a missing instance profile cannot be judged a failure.',
     '{}'),
    ('CIS AWS Foundations Benchmark', '3.0.0', '1.19', 19, 'Ensure that all the expired SSL/TLS certificates stored in AWS IAM are removed', 'Level 1', true, 'low', 'server-certificate',
     'Audit: list-server-certificates shows no certificate whose Expiration has passed. One result per certificate in aws_iam_server_certificates, or one passing result for an account that stores none; unknown when the table is absent.',
     NULL, '{aws_iam_server_certificates}'),
    ('CIS AWS Foundations Benchmark', '3.0.0', '1.20', 20, 'Ensure that IAM Access analyzer is enabled for all regions', 'Level 1', true, 'medium', 'region',
     'Audit: in each active region list-analyzers shows at least one analyzer with status ACTIVE. One result per enabled region of aws_regions (opt-in status other than not-opted-in); an analyzer of another account (an organisation analyzer in the delegated administrator) does not count, as in the audit. Unknown without aws_regions rows for the account or without aws_accessanalyzer_analyzers.',
     NULL, '{aws_regions,aws_accessanalyzer_analyzers}'),
    ('CIS AWS Foundations Benchmark', '3.0.0', '1.21', 21, 'Ensure IAM users are managed centrally via identity federation or AWS Organizations for multi-account environments', 'Level 2', false, NULL, NULL, NULL,
     'The audit needs the organisation''s decision of which accounts may hold IAM users and whether a user represents an individual; neither is in the data.',
     '{}'),
    ('CIS AWS Foundations Benchmark', '3.0.0', '1.22', 22, 'Ensure access to AWSCloudShellFullAccess is restricted', 'Level 1', true, 'medium', 'account',
     'Audit: list-entities-for-policy for arn:aws:iam::aws:policy/AWSCloudShellFullAccess returns no entity (the console step checks users, groups and roles). Fails when a user, group or role of the account has it attached; other policies that grant CloudShell access are outside this audit. Unknown for an account without IAM identities in the data.',
     NULL, '{aws_iam_user_attached_policies,aws_iam_group_attached_policies,aws_iam_role_attached_policies}');

-- One row per account that OpenCIEM has any IAM data for, with which of the inputs of the
-- controls it has. A list table (virtual MFA devices, server certificates, analyzers, alternate
-- contacts) has no row for an account that has nothing in it, so for those the table being synced
-- is what counts.
-- NOTE: a list table synced for some accounts is taken as synced for all. CloudQuery syncs a
-- table for every account of a source spec, but two specs could differ.
CREATE VIEW ciem.compliance_account_data AS
WITH accounts AS (
    SELECT i.account_id, split_part(i.identity_id, ':', 2) AS partition FROM ciem.identities i
    UNION
    SELECT split_part(c.arn, ':', 5), split_part(c.arn, ':', 2) FROM ciem.stg_aws_iam_credential_reports c
    UNION
    SELECT a.account_id, NULL FROM ciem.stg_aws_iam_accounts a
    UNION
    SELECT p.account_id, NULL FROM ciem.stg_aws_iam_password_policies p
),
synced AS (
    SELECT array_agg(b.table_name) AS tables FROM ciem.source_bindings b WHERE b.present
)
SELECT a.account_id,
       coalesce(max(a.partition), 'aws') AS partition,
       format('arn:%s:iam::%s:root', coalesce(max(a.partition), 'aws'), a.account_id) AS root_arn,
       a.account_id IN (SELECT i.account_id FROM ciem.identities i) AS has_identities,
       a.account_id IN (SELECT s.account_id FROM ciem.stg_aws_iam_accounts s) AS has_account_summary,
       a.account_id IN (SELECT p.account_id FROM ciem.stg_aws_iam_password_policies p) AS has_password_policy,
       a.account_id IN (SELECT split_part(c.arn, ':', 5) FROM ciem.stg_aws_iam_credential_reports c) AS has_credential_report,
       a.account_id IN (SELECT r.account_id FROM ciem.stg_aws_regions r) AS has_regions,
       coalesce('aws_iam_virtual_mfa_devices' = ANY (max(s.tables)), false) AS virtual_mfa_devices_synced,
       coalesce('aws_iam_server_certificates' = ANY (max(s.tables)), false) AS server_certificates_synced,
       coalesce('aws_accessanalyzer_analyzers' = ANY (max(s.tables)), false) AS analyzers_synced,
       coalesce('aws_account_alternate_contacts' = ANY (max(s.tables)), false) AS alternate_contacts_synced
  FROM accounts a
 CROSS JOIN synced s
 WHERE coalesce(a.account_id, '') <> ''
 GROUP BY a.account_id;

COMMENT ON VIEW ciem.compliance_account_data IS
    'One row per account with IAM data: its partition and root ARN, and which inputs of the compliance controls it has (has_*: rows for the account; *_synced: the CloudQuery table is present).';

-- The credential report, one row per user: the newest report row of each ARN, because
-- CloudQuery keys rows by ARN and user creation time and a user deleted and recreated can leave
-- two. password_enabled is TRUE, FALSE or not_supported (the root user), and N/A dates arrive as
-- NULL ("Getting credential reports for your AWS account", IAM User Guide).
CREATE VIEW ciem.cis_credential_report AS
SELECT DISTINCT ON (c.arn)
       split_part(c.arn, ':', 5) AS account_id,
       c.arn,
       c."user" AS user_name,
       c."user" = '<root_account>' AS is_root,
       lower(c.password_enabled) = 'true' AS password_enabled,
       c.user_creation_time,
       c.password_last_used,
       c.password_last_changed,
       c.mfa_active,
       coalesce(c.access_key1_active, false) AS access_key_1_active,
       c.access_key_1_last_rotated,
       c.access_key_1_last_used_date,
       coalesce(c.access_key2_active, false) AS access_key_2_active,
       c.access_key_2_last_rotated,
       c.access_key_2_last_used_date
  FROM ciem.stg_aws_iam_credential_reports c
 WHERE c.arn IS NOT NULL
 ORDER BY c.arn, c.user_creation_time DESC NULLS LAST;

COMMENT ON VIEW ciem.cis_credential_report IS
    'One row per user (and the root user, is_root) of the IAM credential report, the newest row of each ARN, with password_enabled as a boolean.';

-- The credential report's view of one access key, as evidence.
CREATE FUNCTION ciem.cis_access_key_evidence(active boolean, last_rotated timestamptz, last_used timestamptz) RETURNS jsonb
LANGUAGE sql IMMUTABLE
AS $$
    SELECT jsonb_build_object('active', active, 'last_rotated', last_rotated, 'last_used_date', last_used)
$$;

-- CIS 1.2: a security contact is registered.
CREATE VIEW ciem.cis_security_contact AS
WITH contacts AS (
    SELECT DISTINCT ON (c.account_id) c.account_id, c.name, c.email_address
      FROM ciem.stg_aws_account_alternate_contacts c
     WHERE upper(c.alternate_contact_type) = 'SECURITY'
     ORDER BY c.account_id, c.email_address
)
SELECT '1.2'::text AS control_id,
       d.account_id,
       d.account_id AS resource,
       CASE WHEN c.account_id IS NOT NULL THEN 'pass'
            WHEN d.alternate_contacts_synced THEN 'fail'
            ELSE 'unknown' END AS status,
       CASE WHEN c.account_id IS NOT NULL
                THEN jsonb_build_object('security_contact', jsonb_build_object('name', c.name, 'email_address', c.email_address))
            WHEN d.alternate_contacts_synced
                THEN jsonb_build_object('security_contact', NULL, 'reason', 'aws_account_alternate_contacts has no SECURITY contact for the account')
            ELSE jsonb_build_object('missing', 'table aws_account_alternate_contacts is not synced') END AS evidence
  FROM ciem.compliance_account_data d
  LEFT JOIN contacts c ON c.account_id = d.account_id;

-- The root user's signals from both sources of 1.4 to 1.7: the account summary
-- (GetAccountSummary) and the credential report's <root_account> row.
CREATE VIEW ciem.cis_root_user AS
SELECT d.account_id,
       d.root_arn,
       d.virtual_mfa_devices_synced,
       s.account_id IS NOT NULL AS has_summary,
       s.account_access_keys_present,
       s.account_mfa_enabled,
       r.arn IS NOT NULL AS has_report_row,
       r.mfa_active,
       r.access_key_1_active,
       r.access_key_1_last_rotated,
       r.access_key_1_last_used_date,
       r.access_key_2_active,
       r.access_key_2_last_rotated,
       r.access_key_2_last_used_date,
       r.password_last_used,
       CASE WHEN s.account_id IS NULL THEN NULL
            ELSE jsonb_build_object('AccountAccessKeysPresent', s.account_access_keys_present, 'AccountMFAEnabled', s.account_mfa_enabled) END AS summary_evidence,
       CASE WHEN r.arn IS NULL THEN NULL
            ELSE jsonb_build_object(
                'mfa_active', r.mfa_active,
                'password_last_used', r.password_last_used,
                'access_key_1', ciem.cis_access_key_evidence(r.access_key_1_active, r.access_key_1_last_rotated, r.access_key_1_last_used_date),
                'access_key_2', ciem.cis_access_key_evidence(r.access_key_2_active, r.access_key_2_last_rotated, r.access_key_2_last_used_date)) END AS report_evidence
  FROM ciem.compliance_account_data d
  -- One summary per account even when a destination in append mode keeps several copies.
  LEFT JOIN (SELECT DISTINCT ON (a.account_id) a.account_id, a.account_access_keys_present, a.account_mfa_enabled
               FROM ciem.stg_aws_iam_accounts a
              ORDER BY a.account_id, a._cq_id) s ON s.account_id = d.account_id
  LEFT JOIN ciem.cis_credential_report r ON r.account_id = d.account_id AND r.is_root;

COMMENT ON VIEW ciem.cis_root_user IS
    'One row per account: the root user''s access-key and MFA state from the account summary (aws_iam_accounts) and from the credential report''s <root_account> row.';

-- CIS 1.4: no root access key. A key in either source fails. The summary counts inactive keys
-- too, which the benchmark accepts as a failure ("this inactive key will still show up").
CREATE VIEW ciem.cis_root_access_keys AS
SELECT '1.4'::text AS control_id,
       u.account_id,
       u.root_arn AS resource,
       CASE WHEN u.account_access_keys_present OR u.access_key_1_active OR u.access_key_2_active THEN 'fail'
            WHEN u.account_access_keys_present IS NOT NULL OR u.has_report_row THEN 'pass'
            ELSE 'unknown' END AS status,
       CASE WHEN u.has_summary OR u.has_report_row
                THEN jsonb_build_object('account_summary', u.summary_evidence, 'credential_report', u.report_evidence)
            ELSE jsonb_build_object('missing', 'no row for the account in aws_iam_accounts or aws_iam_credential_reports') END AS evidence
  FROM ciem.cis_root_user u;

-- CIS 1.5: the root user has MFA.
CREATE VIEW ciem.cis_root_mfa AS
SELECT '1.5'::text AS control_id,
       u.account_id,
       u.root_arn AS resource,
       CASE WHEN u.account_mfa_enabled IS FALSE OR u.mfa_active IS FALSE THEN 'fail'
            WHEN u.account_mfa_enabled OR u.mfa_active THEN 'pass'
            ELSE 'unknown' END AS status,
       CASE WHEN u.has_summary OR u.has_report_row
                THEN jsonb_build_object('account_summary', u.summary_evidence, 'credential_report', u.report_evidence)
            ELSE jsonb_build_object('missing', 'no row for the account in aws_iam_accounts or aws_iam_credential_reports') END AS evidence
  FROM ciem.cis_root_user u;

-- CIS 1.6: the root user's MFA is not a virtual device. ListVirtualMFADevices lists assigned and
-- unassigned devices, and only one assigned to the root user (enable_date set) counts.
CREATE VIEW ciem.cis_root_hardware_mfa AS
WITH root_virtual AS (
    SELECT u.account_id,
           jsonb_agg(jsonb_build_object('serial_number', v.serial_number, 'enable_date', v.enable_date) ORDER BY v.serial_number) AS devices
      FROM ciem.cis_root_user u
      JOIN ciem.stg_aws_iam_virtual_mfa_devices v
        ON v.account_id = u.account_id
       AND (v."user" ->> 'Arn' = u.root_arn
            OR (v.serial_number = regexp_replace(u.root_arn, ':root$', ':mfa/root-account-mfa-device') AND v.enable_date IS NOT NULL))
     GROUP BY u.account_id
)
SELECT '1.6'::text AS control_id,
       u.account_id,
       u.root_arn AS resource,
       CASE WHEN u.account_mfa_enabled IS FALSE OR u.mfa_active IS FALSE OR rv.account_id IS NOT NULL THEN 'fail'
            WHEN (u.account_mfa_enabled OR u.mfa_active) AND u.virtual_mfa_devices_synced THEN 'pass'
            ELSE 'unknown' END AS status,
       jsonb_build_object(
           'account_summary', u.summary_evidence,
           'credential_report', u.report_evidence,
           'root_virtual_mfa_devices', CASE WHEN u.virtual_mfa_devices_synced THEN coalesce(rv.devices, '[]'::jsonb) END)
       || CASE WHEN NOT (u.has_summary OR u.has_report_row)
                    THEN jsonb_build_object('missing', 'no row for the account in aws_iam_accounts or aws_iam_credential_reports')
               WHEN NOT u.virtual_mfa_devices_synced
                    THEN jsonb_build_object('missing', 'table aws_iam_virtual_mfa_devices is not synced')
               ELSE '{}'::jsonb END AS evidence
  FROM ciem.cis_root_user u
  LEFT JOIN root_virtual rv ON rv.account_id = u.account_id;

-- CIS 1.7: the root user has not been used recently.
CREATE VIEW ciem.cis_root_use AS
WITH window_days AS (
    SELECT ciem.setting_days('cis_root_recent_use_days') AS days
)
SELECT '1.7'::text AS control_id,
       u.account_id,
       u.root_arn AS resource,
       CASE WHEN NOT u.has_report_row THEN 'unknown'
            WHEN greatest(u.password_last_used, u.access_key_1_last_used_date, u.access_key_2_last_used_date)
                 > now() - make_interval(days => w.days) THEN 'fail'
            ELSE 'pass' END AS status,
       CASE WHEN NOT u.has_report_row
                THEN jsonb_build_object('missing', 'no <root_account> row for the account in aws_iam_credential_reports')
            ELSE jsonb_build_object(
                'window_days', w.days,
                'last_used', greatest(u.password_last_used, u.access_key_1_last_used_date, u.access_key_2_last_used_date),
                'password_last_used', u.password_last_used,
                'access_key_1_last_used_date', u.access_key_1_last_used_date,
                'access_key_2_last_used_date', u.access_key_2_last_used_date) END AS evidence
  FROM ciem.cis_root_user u
 CROSS JOIN window_days w;

-- CIS 1.8 and 1.9 read the account password policy. CloudQuery writes a row with policy_exists
-- false when the account has none, and AWS then applies its default, which meets neither.
CREATE VIEW ciem.cis_password_policy AS
SELECT d.account_id,
       p.account_id IS NOT NULL AS has_row,
       p.policy_exists,
       p.minimum_password_length,
       p.password_reuse_prevention,
       CASE WHEN p.account_id IS NULL
                THEN jsonb_build_object('missing', 'no row for the account in aws_iam_password_policies')
            ELSE jsonb_build_object(
                'policy_exists', p.policy_exists,
                'MinimumPasswordLength', p.minimum_password_length,
                'PasswordReusePrevention', p.password_reuse_prevention) END AS evidence
  FROM ciem.compliance_account_data d
  LEFT JOIN (SELECT DISTINCT ON (pp.account_id) pp.account_id, pp.policy_exists, pp.minimum_password_length, pp.password_reuse_prevention
               FROM ciem.stg_aws_iam_password_policies pp
              ORDER BY pp.account_id, pp._cq_id) p ON p.account_id = d.account_id;

CREATE VIEW ciem.cis_password_length AS
SELECT '1.8'::text AS control_id,
       p.account_id,
       p.account_id AS resource,
       CASE WHEN NOT p.has_row THEN 'unknown'
            WHEN p.policy_exists IS FALSE THEN 'fail'
            WHEN p.minimum_password_length IS NULL THEN 'unknown'
            WHEN p.minimum_password_length >= 14 THEN 'pass'
            ELSE 'fail' END AS status,
       p.evidence || jsonb_build_object('required_minimum', 14) AS evidence
  FROM ciem.cis_password_policy p;

-- PasswordReusePrevention is left out when users may reuse passwords (UpdateAccountPasswordPolicy
-- defaults it to 0), and the audit requires 24.
CREATE VIEW ciem.cis_password_reuse AS
SELECT '1.9'::text AS control_id,
       p.account_id,
       p.account_id AS resource,
       CASE WHEN NOT p.has_row THEN 'unknown'
            WHEN p.policy_exists IS FALSE THEN 'fail'
            WHEN coalesce(p.password_reuse_prevention, 0) >= 24 THEN 'pass'
            ELSE 'fail' END AS status,
       p.evidence || jsonb_build_object('required_reuse_prevention', 24) AS evidence
  FROM ciem.cis_password_policy p;

-- Accounts without a credential report: every control read from it is unknown there.
CREATE VIEW ciem.cis_accounts_without_credential_report AS
SELECT d.account_id,
       jsonb_build_object('missing', 'no row for the account in aws_iam_credential_reports') AS evidence
  FROM ciem.compliance_account_data d
 WHERE NOT d.has_credential_report;

-- CIS 1.10: users with a console password have MFA.
CREATE VIEW ciem.cis_console_mfa AS
WITH devices AS (
    SELECT m.account_id, m.user_name,
           jsonb_agg(jsonb_build_object('serial_number', m.serial_number, 'enable_date', m.enable_date) ORDER BY m.serial_number) AS devices
      FROM ciem.stg_aws_iam_mfa_devices m
     GROUP BY m.account_id, m.user_name
)
SELECT '1.10'::text AS control_id,
       r.account_id,
       r.arn AS resource,
       CASE WHEN r.mfa_active THEN 'pass' WHEN r.mfa_active IS FALSE THEN 'fail' ELSE 'unknown' END AS status,
       jsonb_build_object(
           'password_enabled', r.password_enabled,
           'mfa_active', r.mfa_active,
           'password_last_used', r.password_last_used,
           'mfa_devices', coalesce(dv.devices, '[]'::jsonb)) AS evidence
  FROM ciem.cis_credential_report r
  LEFT JOIN devices dv ON dv.account_id = r.account_id AND dv.user_name = r.user_name
 WHERE NOT r.is_root AND r.password_enabled
UNION ALL
SELECT '1.10', m.account_id, m.account_id, 'unknown', m.evidence
  FROM ciem.cis_accounts_without_credential_report m;

-- The active access keys of each user of the credential report, one row per key.
CREATE VIEW ciem.cis_active_access_keys AS
SELECT r.account_id, r.arn, r.user_creation_time, r.password_enabled, k.key_name, k.last_rotated, k.last_used_date
  FROM ciem.cis_credential_report r
 CROSS JOIN LATERAL (VALUES
        ('access_key_1', r.access_key_1_active, r.access_key_1_last_rotated, r.access_key_1_last_used_date),
        ('access_key_2', r.access_key_2_active, r.access_key_2_last_rotated, r.access_key_2_last_used_date)
       ) AS k(key_name, active, last_rotated, last_used_date)
 WHERE NOT r.is_root AND k.active;

COMMENT ON VIEW ciem.cis_active_access_keys IS
    'One row per active access key of an IAM user in the credential report (key_name access_key_1 or access_key_2), with when it was created and last used.';

-- CIS 1.11: no unused key created together with a console user. The console shows creation
-- times to the minute, so "at the same time" is taken as within 60 seconds.
CREATE VIEW ciem.cis_setup_access_keys AS
WITH keys AS (
    SELECT k.arn,
           jsonb_agg(jsonb_build_object(
               'key', k.key_name,
               'last_rotated', k.last_rotated,
               'last_used_date', k.last_used_date,
               'created_with_user', abs(extract(epoch FROM k.last_rotated - k.user_creation_time)) <= 60)
               ORDER BY k.key_name) AS keys,
           bool_or(abs(extract(epoch FROM k.last_rotated - k.user_creation_time)) <= 60 AND k.last_used_date IS NULL) AS setup_key_unused
      FROM ciem.cis_active_access_keys k
     GROUP BY k.arn
)
SELECT '1.11'::text AS control_id,
       r.account_id,
       r.arn AS resource,
       CASE WHEN coalesce(k.setup_key_unused, false) THEN 'fail' ELSE 'pass' END AS status,
       jsonb_build_object('user_creation_time', r.user_creation_time, 'password_enabled', r.password_enabled,
                          'active_access_keys', coalesce(k.keys, '[]'::jsonb)) AS evidence
  FROM ciem.cis_credential_report r
  LEFT JOIN keys k ON k.arn = r.arn
 WHERE NOT r.is_root AND r.password_enabled
UNION ALL
SELECT '1.11', m.account_id, m.account_id, 'unknown', m.evidence
  FROM ciem.cis_accounts_without_credential_report m;

-- CIS 1.12: no enabled password or active key unused for the threshold or longer. A credential
-- never used is measured from when it was set: password_last_changed, or the key's creation.
CREATE VIEW ciem.cis_unused_credentials AS
WITH threshold AS (
    SELECT ciem.setting_days('cis_credential_unused_days') AS days
),
credentials AS (
    SELECT r.arn, c.credential, c.last_used, c.since,
           coalesce(c.last_used, c.since) AS last_activity
      FROM ciem.cis_credential_report r
     CROSS JOIN LATERAL (VALUES
            ('password', r.password_enabled, r.password_last_used, coalesce(r.password_last_changed, r.user_creation_time)),
            ('access_key_1', r.access_key_1_active, r.access_key_1_last_used_date, r.access_key_1_last_rotated),
            ('access_key_2', r.access_key_2_active, r.access_key_2_last_used_date, r.access_key_2_last_rotated)
           ) AS c(credential, enabled, last_used, since)
     WHERE NOT r.is_root AND c.enabled
),
judged AS (
    SELECT c.arn,
           bool_or(c.last_activity <= now() - make_interval(days => t.days)) AS any_unused,
           bool_or(c.last_activity IS NULL) AS any_undated,
           jsonb_agg(jsonb_build_object(
               'credential', c.credential,
               'last_used', c.last_used,
               'set_at', c.since,
               'days_unused', floor(extract(epoch FROM now() - c.last_activity) / 86400)::integer,
               'unused', c.last_activity <= now() - make_interval(days => t.days))
               ORDER BY c.credential) AS credentials
      FROM credentials c
     CROSS JOIN threshold t
     GROUP BY c.arn
)
SELECT '1.12'::text AS control_id,
       r.account_id,
       r.arn AS resource,
       CASE WHEN j.any_unused THEN 'fail' WHEN j.any_undated THEN 'unknown' ELSE 'pass' END AS status,
       jsonb_build_object('threshold_days', t.days, 'enabled_credentials', coalesce(j.credentials, '[]'::jsonb)) AS evidence
  FROM ciem.cis_credential_report r
 CROSS JOIN threshold t
  LEFT JOIN judged j ON j.arn = r.arn
 WHERE NOT r.is_root
UNION ALL
SELECT '1.12', m.account_id, m.account_id, 'unknown', m.evidence
  FROM ciem.cis_accounts_without_credential_report m;

-- CIS 1.13: at most one active access key per user.
CREATE VIEW ciem.cis_single_active_key AS
SELECT '1.13'::text AS control_id,
       r.account_id,
       r.arn AS resource,
       CASE WHEN r.access_key_1_active AND r.access_key_2_active THEN 'fail' ELSE 'pass' END AS status,
       jsonb_build_object(
           'access_key_1', ciem.cis_access_key_evidence(r.access_key_1_active, r.access_key_1_last_rotated, r.access_key_1_last_used_date),
           'access_key_2', ciem.cis_access_key_evidence(r.access_key_2_active, r.access_key_2_last_rotated, r.access_key_2_last_used_date)) AS evidence
  FROM ciem.cis_credential_report r
 WHERE NOT r.is_root
UNION ALL
SELECT '1.13', m.account_id, m.account_id, 'unknown', m.evidence
  FROM ciem.cis_accounts_without_credential_report m;

-- CIS 1.14: every active key was created less than the threshold ago.
CREATE VIEW ciem.cis_access_key_rotation AS
WITH threshold AS (
    SELECT ciem.setting_days('cis_access_key_rotation_days') AS days
)
SELECT '1.14'::text AS control_id,
       min(k.account_id) AS account_id,
       k.arn AS resource,
       CASE WHEN bool_or(k.last_rotated <= now() - make_interval(days => t.days)) THEN 'fail'
            WHEN bool_or(k.last_rotated IS NULL) THEN 'unknown'
            ELSE 'pass' END AS status,
       jsonb_build_object(
           'threshold_days', t.days,
           'active_access_keys', jsonb_agg(jsonb_build_object(
               'key', k.key_name,
               'last_rotated', k.last_rotated,
               'age_days', floor(extract(epoch FROM now() - k.last_rotated) / 86400)::integer,
               'last_used_date', k.last_used_date) ORDER BY k.key_name)) AS evidence
  FROM ciem.cis_active_access_keys k
 CROSS JOIN threshold t
 GROUP BY k.arn, t.days
UNION ALL
SELECT '1.14', m.account_id, m.account_id, 'unknown', m.evidence
  FROM ciem.cis_accounts_without_credential_report m;

-- CIS 1.15: users get permissions only through groups, so no attached or inline user policy.
CREATE VIEW ciem.cis_user_direct_policies AS
WITH attached AS (
    SELECT a.user_arn, jsonb_agg(DISTINCT a.policy_arn) AS policies
      FROM ciem.stg_aws_iam_user_attached_policies a
     GROUP BY a.user_arn
),
inline AS (
    SELECT i.user_arn, jsonb_agg(DISTINCT i.policy_name) AS policies
      FROM ciem.stg_aws_iam_user_policies i
     GROUP BY i.user_arn
)
SELECT '1.15'::text AS control_id,
       p.account_id,
       p.principal_arn AS resource,
       CASE WHEN a.user_arn IS NULL AND i.user_arn IS NULL THEN 'pass' ELSE 'fail' END AS status,
       jsonb_build_object('attached_policies', coalesce(a.policies, '[]'::jsonb),
                          'inline_policies', coalesce(i.policies, '[]'::jsonb)) AS evidence
  FROM ciem.aws_principals p
  LEFT JOIN attached a ON a.user_arn = p.principal_arn
  LEFT JOIN inline i ON i.user_arn = p.principal_arn
 WHERE p.principal_type = 'user';

-- CIS 1.16: no attached managed policy allows "*" on "*". An Action of "*" or "*:*" names every
-- action. NotAction and NotResource are other shapes (IAM User Guide, "NotAction" and
-- "NotResource") and are not the full grant the audit looks for.
CREATE VIEW ciem.cis_admin_policies AS
WITH attached AS (
    SELECT p.account_id, p.arn AS policy_arn FROM ciem.stg_aws_iam_policies p WHERE p.attachment_count > 0
    UNION
    SELECT a.account_id, a.policy_arn FROM ciem.stg_aws_iam_user_attached_policies a
    UNION
    SELECT a.account_id, a.policy_arn FROM ciem.stg_aws_iam_group_attached_policies a
    UNION
    SELECT a.account_id, a.policy_arn FROM ciem.stg_aws_iam_role_attached_policies a
),
statements AS (
    SELECT s.policy_key,
           jsonb_agg(jsonb_build_object('statement_index', s.statement_index, 'sid', s.sid, 'action', s.action_patterns,
                                        'resource', s.resource_patterns, 'condition', s.condition)
                     ORDER BY s.statement_index)
               FILTER (WHERE s.effect = 'Allow'
                         AND s.problem IS NULL
                         AND NOT s.is_not_action
                         AND NOT s.is_not_resource
                         AND EXISTS (SELECT 1 FROM unnest(s.action_patterns) a WHERE a ~ '^\*+(:\*+)?$')
                         AND EXISTS (SELECT 1 FROM unnest(s.resource_patterns) r WHERE ciem.is_match_all(r))) AS full_admin
      FROM ciem.aws_policy_statements s
     WHERE s.policy_type IN ('managed', 'aws_managed')
     GROUP BY s.policy_key
)
SELECT '1.16'::text AS control_id,
       a.account_id,
       a.policy_arn AS resource,
       CASE WHEN s.policy_key IS NULL THEN 'unknown' WHEN s.full_admin IS NOT NULL THEN 'fail' ELSE 'pass' END AS status,
       jsonb_build_object(
           'policy_arn', a.policy_arn,
           'aws_managed', a.policy_arn ~ '^arn:[^:]+:iam::aws:policy/',
           'full_admin_statements', coalesce(s.full_admin, '[]'::jsonb))
       || CASE WHEN s.policy_key IS NULL THEN jsonb_build_object('missing', 'the policy''s default version is not in aws_iam_policy_versions')
               ELSE '{}'::jsonb END AS evidence
  FROM attached a
  LEFT JOIN statements s ON s.policy_key = a.policy_arn
 WHERE a.policy_arn IS NOT NULL;

-- Which users, groups and roles of each account have a given AWS-managed policy attached, for
-- 1.17 (AWSSupportAccess) and 1.22 (AWSCloudShellFullAccess).
CREATE VIEW ciem.cis_aws_managed_attachments AS
SELECT a.account_id, substring(a.policy_arn FROM ':policy/(.*)$') AS policy_name, 'user'::text AS entity_type, a.user_arn AS entity_arn
  FROM ciem.stg_aws_iam_user_attached_policies a
 WHERE a.policy_arn ~ '^arn:[^:]+:iam::aws:policy/(AWSSupportAccess|AWSCloudShellFullAccess)$'
UNION
SELECT a.account_id, substring(a.policy_arn FROM ':policy/(.*)$'), 'group', a.group_arn
  FROM ciem.stg_aws_iam_group_attached_policies a
 WHERE a.policy_arn ~ '^arn:[^:]+:iam::aws:policy/(AWSSupportAccess|AWSCloudShellFullAccess)$'
UNION
SELECT a.account_id, substring(a.policy_arn FROM ':policy/(.*)$'), 'role', a.role_arn
  FROM ciem.stg_aws_iam_role_attached_policies a
 WHERE a.policy_arn ~ '^arn:[^:]+:iam::aws:policy/(AWSSupportAccess|AWSCloudShellFullAccess)$';

-- CIS 1.17: a role has AWSSupportAccess. The audit reads PolicyRoles only.
CREATE VIEW ciem.cis_support_role AS
WITH support_roles AS (
    SELECT m.account_id, jsonb_agg(m.entity_arn ORDER BY m.entity_arn) AS roles
      FROM ciem.cis_aws_managed_attachments m
     WHERE m.policy_name = 'AWSSupportAccess' AND m.entity_type = 'role'
     GROUP BY m.account_id
)
SELECT '1.17'::text AS control_id,
       d.account_id,
       d.account_id AS resource,
       CASE WHEN s.account_id IS NOT NULL THEN 'pass' WHEN d.has_identities THEN 'fail' ELSE 'unknown' END AS status,
       CASE WHEN d.has_identities OR s.account_id IS NOT NULL
                THEN jsonb_build_object('policy_arn', format('arn:%s:iam::aws:policy/AWSSupportAccess', d.partition),
                                        'aws_managed', true, 'roles', coalesce(s.roles, '[]'::jsonb))
            ELSE jsonb_build_object('missing', 'no IAM users, groups or roles of the account in the data') END AS evidence
  FROM ciem.compliance_account_data d
  LEFT JOIN support_roles s ON s.account_id = d.account_id;

-- CIS 1.19: no expired server certificate is stored in IAM.
CREATE VIEW ciem.cis_expired_server_certificates AS
SELECT '1.19'::text AS control_id,
       c.account_id,
       coalesce(c.arn, c.server_certificate_id) AS resource,
       CASE WHEN c.expiration IS NULL THEN 'unknown' WHEN c.expiration <= now() THEN 'fail' ELSE 'pass' END AS status,
       jsonb_build_object(
           'server_certificate_name', c.server_certificate_name,
           'server_certificate_id', c.server_certificate_id,
           'upload_date', c.upload_date,
           'expiration', c.expiration,
           'days_since_expiry', CASE WHEN c.expiration <= now() THEN floor(extract(epoch FROM now() - c.expiration) / 86400)::integer END) AS evidence
  FROM (SELECT DISTINCT ON (sc.account_id, coalesce(sc.arn, sc.server_certificate_id))
               sc.account_id, sc.arn, sc.server_certificate_id, sc.server_certificate_name, sc.upload_date, sc.expiration
          FROM ciem.stg_aws_iam_server_certificates sc
         ORDER BY sc.account_id, coalesce(sc.arn, sc.server_certificate_id), sc._cq_id) c
UNION ALL
SELECT '1.19', d.account_id, d.account_id,
       CASE WHEN d.server_certificates_synced THEN 'pass' ELSE 'unknown' END,
       CASE WHEN d.server_certificates_synced THEN jsonb_build_object('server_certificates', 0)
            ELSE jsonb_build_object('missing', 'table aws_iam_server_certificates is not synced') END
  FROM ciem.compliance_account_data d
 WHERE NOT EXISTS (SELECT 1 FROM ciem.stg_aws_iam_server_certificates c WHERE c.account_id = d.account_id);

-- CIS 1.20: an ACTIVE analyzer of the account in every enabled region. A region that needs
-- opting in and was not (EC2 DescribeRegions opt-in status not-opted-in) is not active, and
-- CloudQuery's enabled column says the same where it is set.
CREATE VIEW ciem.cis_access_analyzer AS
WITH regions AS (
    SELECT DISTINCT ON (r.account_id, r.region) r.account_id, r.region, coalesce(r.partition, 'aws') AS partition, r.opt_in_status
      FROM ciem.stg_aws_regions r
     WHERE coalesce(r.enabled, r.opt_in_status IS DISTINCT FROM 'not-opted-in')
     ORDER BY r.account_id, r.region, r._cq_id
),
analyzers AS (
    SELECT a.account_id, a.region,
           bool_or(upper(a.status) = 'ACTIVE') AS any_active,
           jsonb_agg(jsonb_build_object('arn', a.arn, 'name', a.name, 'type', a.type, 'status', a.status) ORDER BY a.arn) AS analyzers
      FROM ciem.stg_aws_accessanalyzer_analyzers a
     GROUP BY a.account_id, a.region
)
SELECT '1.20'::text AS control_id,
       r.account_id,
       format('arn:%s:access-analyzer:%s:%s:analyzer/*', r.partition, r.region, r.account_id) AS resource,
       CASE WHEN a.any_active THEN 'pass' WHEN d.analyzers_synced THEN 'fail' ELSE 'unknown' END AS status,
       jsonb_build_object('region', r.region, 'opt_in_status', r.opt_in_status,
                          'analyzers', CASE WHEN d.analyzers_synced THEN coalesce(a.analyzers, '[]'::jsonb) END)
       || CASE WHEN d.analyzers_synced THEN '{}'::jsonb
               ELSE jsonb_build_object('missing', 'table aws_accessanalyzer_analyzers is not synced') END AS evidence
  FROM regions r
  JOIN ciem.compliance_account_data d ON d.account_id = r.account_id
  LEFT JOIN analyzers a ON a.account_id = r.account_id AND a.region = r.region
UNION ALL
SELECT '1.20', d.account_id, d.account_id, 'unknown',
       jsonb_build_object('missing', 'no row for the account in aws_regions, so its active regions are not known')
  FROM ciem.compliance_account_data d
 WHERE NOT d.has_regions;

-- CIS 1.22: no user, group or role has AWSCloudShellFullAccess.
CREATE VIEW ciem.cis_cloudshell_full_access AS
WITH holders AS (
    SELECT m.account_id,
           jsonb_agg(jsonb_build_object('type', m.entity_type, 'arn', m.entity_arn) ORDER BY m.entity_type, m.entity_arn) AS entities
      FROM ciem.cis_aws_managed_attachments m
     WHERE m.policy_name = 'AWSCloudShellFullAccess'
     GROUP BY m.account_id
)
SELECT '1.22'::text AS control_id,
       d.account_id,
       d.account_id AS resource,
       CASE WHEN h.account_id IS NOT NULL THEN 'fail' WHEN d.has_identities THEN 'pass' ELSE 'unknown' END AS status,
       CASE WHEN d.has_identities OR h.account_id IS NOT NULL
                THEN jsonb_build_object('policy_arn', format('arn:%s:iam::aws:policy/AWSCloudShellFullAccess', d.partition),
                                        'aws_managed', true, 'attached_to', coalesce(h.entities, '[]'::jsonb))
            ELSE jsonb_build_object('missing', 'no IAM users, groups or roles of the account in the data') END AS evidence
  FROM ciem.compliance_account_data d
  LEFT JOIN holders h ON h.account_id = d.account_id;

-- Every result of every decidable control, materialised because the findings, the summary and
-- Grafana all read it. now() is the refresh time, so dates are judged as of the last refresh.
CREATE MATERIALIZED VIEW ciem.compliance_results AS
WITH results AS (
    SELECT control_id, account_id, resource, status, evidence FROM ciem.cis_security_contact
    UNION ALL SELECT control_id, account_id, resource, status, evidence FROM ciem.cis_root_access_keys
    UNION ALL SELECT control_id, account_id, resource, status, evidence FROM ciem.cis_root_mfa
    UNION ALL SELECT control_id, account_id, resource, status, evidence FROM ciem.cis_root_hardware_mfa
    UNION ALL SELECT control_id, account_id, resource, status, evidence FROM ciem.cis_root_use
    UNION ALL SELECT control_id, account_id, resource, status, evidence FROM ciem.cis_password_length
    UNION ALL SELECT control_id, account_id, resource, status, evidence FROM ciem.cis_password_reuse
    UNION ALL SELECT control_id, account_id, resource, status, evidence FROM ciem.cis_console_mfa
    UNION ALL SELECT control_id, account_id, resource, status, evidence FROM ciem.cis_setup_access_keys
    UNION ALL SELECT control_id, account_id, resource, status, evidence FROM ciem.cis_unused_credentials
    UNION ALL SELECT control_id, account_id, resource, status, evidence FROM ciem.cis_single_active_key
    UNION ALL SELECT control_id, account_id, resource, status, evidence FROM ciem.cis_access_key_rotation
    UNION ALL SELECT control_id, account_id, resource, status, evidence FROM ciem.cis_user_direct_policies
    UNION ALL SELECT control_id, account_id, resource, status, evidence FROM ciem.cis_admin_policies
    UNION ALL SELECT control_id, account_id, resource, status, evidence FROM ciem.cis_support_role
    UNION ALL SELECT control_id, account_id, resource, status, evidence FROM ciem.cis_expired_server_certificates
    UNION ALL SELECT control_id, account_id, resource, status, evidence FROM ciem.cis_access_analyzer
    UNION ALL SELECT control_id, account_id, resource, status, evidence FROM ciem.cis_cloudshell_full_access
)
SELECT c.benchmark,
       c.version,
       r.control_id,
       c.title,
       r.account_id,
       r.resource,
       -- Account-level controls name the account itself when the data is missing or when they
       -- judge the whole account.
       CASE WHEN r.resource = r.account_id THEN 'account' ELSE c.resource_type END AS resource_type,
       r.status,
       r.evidence
  FROM results r
  JOIN ciem.compliance_controls c
    ON c.benchmark = 'CIS AWS Foundations Benchmark' AND c.version = '3.0.0' AND c.control_id = r.control_id
WITH NO DATA;

CREATE UNIQUE INDEX compliance_results_key ON ciem.compliance_results (benchmark, version, control_id, account_id, resource);
CREATE INDEX compliance_results_account ON ciem.compliance_results (account_id, status);

COMMENT ON MATERIALIZED VIEW ciem.compliance_results IS
    'One row per control and resource judged: status pass, fail, or unknown when the CloudQuery data needed is absent for the account (evidence.missing says which). resource is an ARN, or the account id for account-wide controls. evidence holds the values read (dates, report fields, statements).';

INSERT INTO ciem.refresh_relations (position, relation_name) VALUES (400, 'compliance_results');

-- Failed controls as findings. The severity of each control is in ciem.compliance_controls.
CREATE VIEW ciem.compliance_findings AS
SELECT 'aws'::text AS cloud,
       r.account_id,
       r.resource AS identity_arn,
       r.resource_type AS identity_type,
       'compliance'::text AS category,
       c.severity,
       format('%s %s %s failed: %s', 'CIS AWS', r.version, r.control_id, r.title) AS title,
       format('cis-aws-%s:%s', r.version, r.control_id) AS finding_key,
       jsonb_build_object('benchmark', r.benchmark, 'version', r.version, 'control_id', r.control_id,
                          'how_decided', c.how_decided)
       || r.evidence AS evidence
  FROM ciem.compliance_results r
  JOIN ciem.compliance_controls c USING (benchmark, version, control_id)
 WHERE r.status = 'fail';

COMMENT ON VIEW ciem.compliance_findings IS
    'One finding per failed compliance control and resource (category compliance); unknown results are not findings and stay visible in ciem.compliance_summary.';

INSERT INTO ciem.finding_sources (source_name, relation, description) VALUES
    ('cis_aws_v3_iam', 'ciem.compliance_findings', 'Failed controls of the CIS AWS Foundations Benchmark v3.0.0, section 1 (IAM).');

-- Per account and control, for dashboards. state is fail when any resource fails, and unknown
-- when nothing fails but some result is unknown. It is pass when every result passes, and
-- not_applicable when the control judged nothing in the account (1.10 without console users).
-- It is manual when the data cannot decide the control.
CREATE VIEW ciem.compliance_summary AS
WITH accounts AS (
    SELECT d.account_id FROM ciem.compliance_account_data d
    UNION
    SELECT r.account_id FROM ciem.compliance_results r
),
counts AS (
    SELECT r.benchmark, r.version, r.control_id, r.account_id,
           count(*) FILTER (WHERE r.status = 'pass') AS pass_count,
           count(*) FILTER (WHERE r.status = 'fail') AS fail_count,
           count(*) FILTER (WHERE r.status = 'unknown') AS unknown_count
      FROM ciem.compliance_results r
     GROUP BY r.benchmark, r.version, r.control_id, r.account_id
)
SELECT c.benchmark,
       c.version,
       c.control_id,
       c.position,
       c.title,
       c.profile,
       c.decidable,
       c.severity,
       a.account_id,
       coalesce(n.pass_count, 0)::integer AS pass_count,
       coalesce(n.fail_count, 0)::integer AS fail_count,
       coalesce(n.unknown_count, 0)::integer AS unknown_count,
       round(100.0 * n.pass_count / nullif(n.pass_count + n.fail_count, 0), 1) AS pass_rate,
       CASE WHEN NOT c.decidable THEN 'manual'
            WHEN coalesce(n.fail_count, 0) > 0 THEN 'fail'
            WHEN coalesce(n.unknown_count, 0) > 0 THEN 'unknown'
            WHEN coalesce(n.pass_count, 0) > 0 THEN 'pass'
            ELSE 'not_applicable' END AS state
  FROM ciem.compliance_controls c
 CROSS JOIN accounts a
  LEFT JOIN counts n
    ON n.benchmark = c.benchmark AND n.version = c.version AND n.control_id = c.control_id AND n.account_id = a.account_id
 WHERE a.account_id IS NOT NULL;

COMMENT ON VIEW ciem.compliance_summary IS
    'One row per account and control: pass, fail and unknown counts, pass_rate (percent of decided results, NULL when none) and state (pass, fail, unknown, not_applicable or manual).';
