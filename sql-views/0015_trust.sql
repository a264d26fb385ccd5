-- Who may use a role or a resource. Every principal named in a role trust policy or in a
-- resource-based policy is classified by where it sits (the same account, the organisation, a
-- known third party, anyone), with the condition keys that narrow it and the Deny statements that
-- take it back. The findings of public and cross-account trust read these rows.

-- Accounts the user knows and trusts, such as vendors. `openciem import known-accounts FILE`
-- loads a list in the format of the known_aws_accounts project, and users may also INSERT rows.
CREATE TABLE ciem.trusted_accounts (
    account_id     text        NOT NULL CHECK (account_id ~ '^\d{12}$'),
    name           text        NOT NULL CHECK (btrim(name) <> ''),
    source         text        NOT NULL CHECK (btrim(source) <> ''),
    owner_type     text,
    reference_urls text[]      NOT NULL DEFAULT '{}',
    loaded_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (source, account_id, name)
);

CREATE INDEX trusted_accounts_account ON ciem.trusted_accounts (account_id);

COMMENT ON TABLE ciem.trusted_accounts IS
    'One row per trusted account and name, from one list (source: the imported file name or a label). owner_type is aws when the list marks the account as run by AWS itself. An account here is classified trusted_third_party instead of external.';

-- Condition keys that narrow who may use a grant, and what their values name. A key that limits
-- the account (or the organisation) lets a grant to "*" be classified by those accounts.
--   account      the values are account ids
--   arn          the values are ARNs, whose fifth segment is the account
--   organization the values are organisation ids (o-...)
--   org_path     the values are organisation paths (o-.../r-.../ou-...)
--   principal    the values name principals without their account (aws:userid)
--   secret       a value the caller must know (sts:ExternalId)
--   network      where the request comes from (VPC, VPC endpoint, IP address)
-- Keys of web identity and SAML tokens (token.actions.githubusercontent.com:sub, saml:aud) and
-- kms:EncryptionContext:* keys are recognised by their shape instead of being listed.
CREATE TABLE ciem.trust_condition_keys (
    key           text    PRIMARY KEY CHECK (key = lower(key)),
    key_name      text    NOT NULL,
    limits        text    NOT NULL CHECK (limits IN ('account', 'arn', 'organization', 'org_path', 'principal', 'secret', 'network')),
    is_source_key boolean NOT NULL
);

COMMENT ON TABLE ciem.trust_condition_keys IS
    'Condition keys that narrow who may use a trust or resource-based policy grant, with what their values name (limits). is_source_key marks the keys that name the resource on whose behalf an AWS service acts.';

INSERT INTO ciem.trust_condition_keys (key, key_name, limits, is_source_key) VALUES
    ('sts:externalid', 'sts:ExternalId', 'secret', false),
    ('aws:principalorgid', 'aws:PrincipalOrgID', 'organization', false),
    ('aws:principalorgpaths', 'aws:PrincipalOrgPaths', 'org_path', false),
    ('aws:principalarn', 'aws:PrincipalArn', 'arn', false),
    ('aws:principalaccount', 'aws:PrincipalAccount', 'account', false),
    ('aws:userid', 'aws:userid', 'principal', false),
    ('aws:username', 'aws:username', 'principal', false),
    ('aws:sourceaccount', 'aws:SourceAccount', 'account', true),
    ('aws:sourcearn', 'aws:SourceArn', 'arn', true),
    ('aws:sourceorgid', 'aws:SourceOrgID', 'organization', true),
    ('aws:sourceorgpaths', 'aws:SourceOrgPaths', 'org_path', true),
    ('aws:sourceowner', 'aws:SourceOwner', 'account', true),
    ('kms:calleraccount', 'kms:CallerAccount', 'account', false),
    ('aws:sourcevpc', 'aws:SourceVpc', 'network', false),
    ('aws:sourcevpce', 'aws:SourceVpce', 'network', false),
    ('aws:sourceip', 'aws:SourceIp', 'network', false);

-- OpenID Connect issuers that anyone can get a token from, so a trust without a subject (or, for
-- Cognito, audience) condition admits strangers. Other issuers (an EKS cluster, a company IdP)
-- issue tokens only to their own tenants.
CREATE TABLE ciem.oidc_shared_issuers (
    issuer      text PRIMARY KEY,
    subject_key text NOT NULL,
    description text NOT NULL
);

COMMENT ON TABLE ciem.oidc_shared_issuers IS
    'OIDC issuers shared by many tenants; subject_key is the claim a trust policy must pin. GitHub Docs, "Configuring OpenID Connect in Amazon Web Services", pins token.actions.githubusercontent.com:sub; the AWS STS API Reference, AssumeRoleWithWebIdentity, asks Cognito identity pool roles to check cognito-identity.amazonaws.com:aud.';

INSERT INTO ciem.oidc_shared_issuers (issuer, subject_key, description) VALUES
    ('token.actions.githubusercontent.com', 'sub', 'GitHub Actions: every repository on GitHub gets tokens from this issuer.'),
    ('gitlab.com', 'sub', 'GitLab.com CI: every project on gitlab.com gets tokens from this issuer.'),
    ('app.terraform.io', 'sub', 'HCP Terraform: every organisation gets tokens from this issuer.'),
    ('accounts.google.com', 'sub', 'Google: every Google account gets tokens from this issuer.'),
    ('cognito-identity.amazonaws.com', 'aud', 'Amazon Cognito identity pools: the aud claim names the identity pool, of any AWS account.'),
    ('graph.facebook.com', 'id', 'Login with Facebook.'),
    ('www.amazon.com', 'user_id', 'Login with Amazon.');

-- AWS services whose documentation recommends aws:SourceArn or aws:SourceAccount in the trust
-- policy of the roles they assume, against the cross-service confused deputy. For other services
-- iam:PassRole in the role's own account decides who can hand the role to the service, so a
-- missing source condition is not reported.
CREATE TABLE ciem.confused_deputy_services (
    service_principal text PRIMARY KEY,
    documentation     text NOT NULL
);

COMMENT ON TABLE ciem.confused_deputy_services IS
    'AWS service principals whose role trust policies should carry aws:SourceArn or aws:SourceAccount; documentation names the AWS page that asks for it. Add rows for more services.';

INSERT INTO ciem.confused_deputy_services (service_principal, documentation) VALUES
    ('personalize.amazonaws.com', 'Amazon Personalize Developer Guide, "Cross-service confused deputy prevention"');

-- CloudQuery tables with resource-based policies (AWS source plugin tree 6d350d2). All optional:
-- without them only role trust policies are read.
INSERT INTO ciem.source_tables (table_name, optional, purpose)
SELECT t, true, 'resource-based policies (public and cross-account access to resources)'
  FROM unnest(ARRAY[
      'aws_s3_bucket_policies', 'aws_s3_bucket_public_access_blocks', 'aws_s3_accounts',
      'aws_kms_keys', 'aws_kms_key_policies', 'aws_lambda_functions', 'aws_sqs_queues',
      'aws_sns_topics', 'aws_ecr_repository_policies', 'aws_secretsmanager_secrets'
  ]) AS t;

INSERT INTO ciem.source_columns (table_name, column_name, data_type, ordinal) VALUES
    ('aws_s3_bucket_policies', '_cq_id', 'uuid', 1),
    ('aws_s3_bucket_policies', '_cq_sync_time', 'timestamptz', 2),
    ('aws_s3_bucket_policies', 'account_id', 'text', 3),
    ('aws_s3_bucket_policies', 'bucket_arn', 'text', 4),
    ('aws_s3_bucket_policies', 'policy_json', 'jsonb', 5),
    ('aws_s3_bucket_public_access_blocks', '_cq_id', 'uuid', 1),
    ('aws_s3_bucket_public_access_blocks', 'account_id', 'text', 2),
    ('aws_s3_bucket_public_access_blocks', 'bucket_arn', 'text', 3),
    ('aws_s3_bucket_public_access_blocks', 'public_access_block_configuration', 'jsonb', 4),
    ('aws_s3_accounts', '_cq_id', 'uuid', 1),
    ('aws_s3_accounts', 'account_id', 'text', 2),
    ('aws_s3_accounts', 'restrict_public_buckets', 'boolean', 3),
    ('aws_s3_accounts', 'config_exists', 'boolean', 4),
    ('aws_kms_keys', '_cq_id', 'uuid', 1),
    ('aws_kms_keys', 'account_id', 'text', 2),
    ('aws_kms_keys', 'arn', 'text', 3),
    ('aws_kms_keys', 'key_manager', 'text', 4),
    ('aws_kms_key_policies', '_cq_id', 'uuid', 1),
    ('aws_kms_key_policies', '_cq_sync_time', 'timestamptz', 2),
    ('aws_kms_key_policies', 'account_id', 'text', 3),
    ('aws_kms_key_policies', 'key_arn', 'text', 4),
    ('aws_kms_key_policies', 'name', 'text', 5),
    ('aws_kms_key_policies', 'policy', 'jsonb', 6),
    ('aws_lambda_functions', '_cq_id', 'uuid', 1),
    ('aws_lambda_functions', '_cq_sync_time', 'timestamptz', 2),
    ('aws_lambda_functions', 'account_id', 'text', 3),
    ('aws_lambda_functions', 'arn', 'text', 4),
    ('aws_lambda_functions', 'policy_document', 'jsonb', 5),
    ('aws_sqs_queues', '_cq_id', 'uuid', 1),
    ('aws_sqs_queues', '_cq_sync_time', 'timestamptz', 2),
    ('aws_sqs_queues', 'account_id', 'text', 3),
    ('aws_sqs_queues', 'arn', 'text', 4),
    ('aws_sqs_queues', 'policy', 'jsonb', 5),
    ('aws_sns_topics', '_cq_id', 'uuid', 1),
    ('aws_sns_topics', '_cq_sync_time', 'timestamptz', 2),
    ('aws_sns_topics', 'account_id', 'text', 3),
    ('aws_sns_topics', 'arn', 'text', 4),
    ('aws_sns_topics', 'policy', 'jsonb', 5),
    ('aws_ecr_repository_policies', '_cq_id', 'uuid', 1),
    ('aws_ecr_repository_policies', '_cq_sync_time', 'timestamptz', 2),
    ('aws_ecr_repository_policies', 'account_id', 'text', 3),
    ('aws_ecr_repository_policies', 'repository_arn', 'text', 4),
    ('aws_ecr_repository_policies', 'policy_json', 'jsonb', 5),
    ('aws_secretsmanager_secrets', '_cq_id', 'uuid', 1),
    ('aws_secretsmanager_secrets', '_cq_sync_time', 'timestamptz', 2),
    ('aws_secretsmanager_secrets', 'account_id', 'text', 3),
    ('aws_secretsmanager_secrets', 'arn', 'text', 4),
    ('aws_secretsmanager_secrets', 'policy', 'jsonb', 5);

SELECT ciem.bind_sources(ciem.source_schema());

-- The statements of a policy document with their position. Statement may be one object or a list
-- (IAM User Guide, "Statement" element).
CREATE FUNCTION ciem.policy_statement_list(document jsonb)
RETURNS TABLE (statement_index integer, statement jsonb)
LANGUAGE sql IMMUTABLE
AS $$
    SELECT (e.ordinality - 1)::integer, e.value
      FROM jsonb_array_elements(
               CASE jsonb_typeof(document -> 'Statement')
                   WHEN 'array' THEN document -> 'Statement'
                   WHEN 'object' THEN jsonb_build_array(document -> 'Statement')
                   ELSE '[]'::jsonb
               END) WITH ORDINALITY AS e(value, ordinality)
     WHERE jsonb_typeof(e.value) = 'object'
$$;

-- The entries of a statement's Principal and NotPrincipal elements. Principal "*" (the bare
-- string) gets principal_type '*', and {"AWS": "*"} keeps type AWS. Both mean anyone (IAM User
-- Guide, "AWS JSON policy elements: Principal", "All principals"). Each type maps to a string or
-- a list of strings.
CREATE FUNCTION ciem.statement_principals(statement jsonb)
RETURNS TABLE (is_not_principal boolean, principal_type text, principal text)
LANGUAGE sql IMMUTABLE
AS $$
    SELECT DISTINCT e.is_not, p.principal_type, v.principal
      FROM (VALUES (false, statement -> 'Principal'), (true, statement -> 'NotPrincipal')) AS e(is_not, element)
     CROSS JOIN LATERAL (
            SELECT CASE WHEN e.element #>> '{}' = '*' THEN '*' ELSE 'AWS' END AS principal_type, e.element AS value
             WHERE jsonb_typeof(e.element) = 'string'
            UNION ALL
            SELECT o.key, o.value
              FROM jsonb_each(CASE WHEN jsonb_typeof(e.element) = 'object' THEN e.element ELSE '{}'::jsonb END) AS o
           ) p
     CROSS JOIN LATERAL unnest(ciem.jsonb_text_list(p.value)) AS v(principal)
$$;

-- What a principal entry names:
--   public         "*" (anyone)
--   account        a 12-digit account id or arn:aws:iam::<account>:root, which both mean the
--                  account, whose identity policies then decide (IAM User Guide, "AWS JSON policy
--                  elements: Principal", "AWS account principals")
--   iam_principal  an IAM user or role ARN
--   session        an assumed-role or federated-user session ARN
--   unique_id      an IAM unique id (AROA..., AIDA...), which IAM writes in place of an ARN once
--                  the named user or role is deleted, so it can never match a new principal
--   service, saml, oidc, canonical_user, other
CREATE FUNCTION ciem.principal_kind(principal_type text, principal text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT
AS $$
    SELECT CASE
        WHEN principal_type IN ('*', 'AWS') AND principal = '*' THEN 'public'
        WHEN principal_type = 'AWS' AND principal ~ '^\d{12}$' THEN 'account'
        WHEN principal_type = 'AWS' AND principal ~ '^arn:[^:]+:iam::\d{12}:root$' THEN 'account'
        WHEN principal_type = 'AWS' AND principal ~ '^arn:[^:]+:iam::\d{12}:(user|role)/' THEN 'iam_principal'
        WHEN principal_type = 'AWS' AND principal ~ '^arn:[^:]+:sts::\d{12}:(assumed-role|federated-user)/' THEN 'session'
        WHEN principal_type = 'AWS' AND principal ~ '^(AIDA|AROA|AGPA|AIPA|ANPA|ANVA|ASIA)[A-Z0-9]{12,}$' THEN 'unique_id'
        WHEN principal_type = 'Service' THEN 'service'
        WHEN principal_type = 'Federated' AND principal ~ ':saml-provider/' THEN 'saml'
        WHEN principal_type = 'Federated' THEN 'oidc'
        WHEN principal_type = 'CanonicalUser' THEN 'canonical_user'
        ELSE 'other'
    END
$$;

-- The account a principal entry belongs to: the bare id, or the account segment of an IAM, STS
-- or identity provider ARN. NULL for services, "*", unique ids and issuers such as
-- accounts.google.com.
CREATE FUNCTION ciem.principal_account_id(principal_type text, principal text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT
AS $$
    SELECT CASE
        WHEN principal_type = 'AWS' AND principal ~ '^\d{12}$' THEN principal
        WHEN principal_type IN ('AWS', 'Federated') AND principal ~ '^arn:[^:]+:(iam|sts)::\d{12}:' THEN split_part(principal, ':', 5)
    END
$$;

-- The host of an OIDC principal: token.actions.githubusercontent.com for
-- arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com, or the bare issuer
-- (accounts.google.com). Its condition keys are written <host>:sub, <host>:aud, as in
-- token.actions.githubusercontent.com:sub.
CREATE FUNCTION ciem.oidc_provider_host(principal text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT
AS $$
    SELECT lower(CASE WHEN principal ~ ':oidc-provider/' THEN substr(principal, strpos(principal, ':oidc-provider/') + 15) ELSE principal END)
$$;

-- The STS action that lets a principal of this kind assume a role: AssumeRoleWithWebIdentity for
-- OIDC providers, AssumeRoleWithSAML for SAML providers, AssumeRole for the rest (AWS STS API
-- Reference).
CREATE FUNCTION ciem.assume_action(principal_kind text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT
AS $$
    SELECT CASE principal_kind
        WHEN 'oidc' THEN 'sts:AssumeRoleWithWebIdentity'
        WHEN 'saml' THEN 'sts:AssumeRoleWithSAML'
        ELSE 'sts:AssumeRole'
    END
$$;

-- Whether a statement's Action (or NotAction) covers one action.
CREATE FUNCTION ciem.statement_matches_action(is_not_action boolean, patterns text[], action text) RETURNS boolean
LANGUAGE sql IMMUTABLE
AS $$
    SELECT patterns IS NOT NULL
       AND is_not_action <> EXISTS (SELECT 1 FROM unnest(patterns) p WHERE ciem.action_pattern_matches(p, action))
$$;

-- Whether a Deny's actions cover every action pattern an Allow grants, compared as patterns. Deny
-- s3:* covers Allow s3:Get*, a NotAction Deny covers a literal action it does not list, and an
-- Allow NotAction is covered only by a Deny of every action.
CREATE FUNCTION ciem.actions_covered(deny_is_not_action boolean, deny_patterns text[], allow_is_not_action boolean, allow_patterns text[]) RETURNS boolean
LANGUAGE sql IMMUTABLE
AS $$
    SELECT deny_patterns IS NOT NULL AND allow_patterns IS NOT NULL AND CASE
        WHEN allow_is_not_action THEN NOT deny_is_not_action AND EXISTS (SELECT 1 FROM unnest(deny_patterns) d WHERE ciem.is_match_all(d))
        WHEN deny_is_not_action THEN NOT EXISTS (
            SELECT 1 FROM unnest(allow_patterns) a
             WHERE a ~ '[*?]' OR EXISTS (SELECT 1 FROM unnest(deny_patterns) d WHERE ciem.action_pattern_matches(d, a)))
        ELSE NOT EXISTS (
            SELECT 1 FROM unnest(allow_patterns) a
             WHERE NOT EXISTS (SELECT 1 FROM unnest(deny_patterns) d
                                WHERE ciem.is_match_all(d) OR lower(a) LIKE ciem.glob_to_like(lower(d))))
    END
$$;

-- Whether a Deny statement's principals include an Allow's principal: "*" includes everyone, an
-- account includes its IAM principals and sessions, and NotPrincipal includes everyone it does not
-- list (IAM User Guide, "AWS JSON policy elements: NotPrincipal"). An Allow with NotPrincipal
-- (allow_is_not) grants to nearly everyone, which only a Deny of "*" takes back.
CREATE FUNCTION ciem.deny_includes_principal(deny_statement jsonb, allow_is_not boolean, principal_type text, principal text, principal_account_id text) RETURNS boolean
LANGUAGE sql IMMUTABLE
AS $$
    SELECT CASE
        WHEN deny_statement ? 'NotPrincipal' THEN
            NOT allow_is_not
            AND ciem.principal_kind(principal_type, principal) <> 'public'
            AND NOT EXISTS (
                SELECT 1 FROM ciem.statement_principals(deny_statement) p
                 WHERE p.is_not_principal AND p.principal_type = deny_includes_principal.principal_type AND p.principal = deny_includes_principal.principal)
        ELSE EXISTS (
            SELECT 1 FROM ciem.statement_principals(deny_statement) p
             WHERE NOT p.is_not_principal
               AND (ciem.principal_kind(p.principal_type, p.principal) = 'public'
                    OR (NOT allow_is_not AND p.principal_type = deny_includes_principal.principal_type AND p.principal = deny_includes_principal.principal)
                    OR (NOT allow_is_not AND deny_includes_principal.principal_type = 'AWS'
                        AND ciem.principal_kind(p.principal_type, p.principal) = 'account'
                        AND ciem.principal_account_id(p.principal_type, p.principal) = principal_account_id)))
    END
$$;

-- The entries of a Condition block that narrow who may use a grant. In an Allow (negated false),
-- StringEquals/StringLike/ArnEquals/ArnLike entries narrow. An ...IfExists entry does not, because
-- "if the key is not present, evaluate the condition element as true" (IAM User Guide, "IAM JSON
-- policy elements: Condition operators"), and neither does a ForAllValues entry, which is true
-- when the request has no value ("Creating a condition that tests multiple key values"). In a
-- Deny (negated true), the Not- operators narrow, IfExists or not: the Deny then applies to every
-- request whose value differs or is missing. A value that is all "*" under a Like operator matches
-- everything and narrows nothing. Keys are compared case-insensitively, and operator comes back in
-- lower case without its ForAnyValue: prefix.
CREATE FUNCTION ciem.condition_narrowing(condition jsonb, negated boolean)
RETURNS TABLE (operator text, key_name text, limits text, is_source_key boolean, condition_values text[])
LANGUAGE sql STABLE
AS $$
    SELECT v.operator,
           coalesce(k.key_name, e.key),
           coalesce(k.limits, CASE WHEN lower(e.key) LIKE 'kms:encryptioncontext:%' THEN 'source' ELSE 'token' END),
           coalesce(k.is_source_key, lower(e.key) LIKE 'kms:encryptioncontext:%'),
           v.condition_values
      FROM jsonb_each(CASE WHEN jsonb_typeof(condition) = 'object' THEN condition ELSE '{}'::jsonb END) AS o(operator, entries)
     CROSS JOIN LATERAL jsonb_each(CASE WHEN jsonb_typeof(o.entries) = 'object' THEN o.entries ELSE '{}'::jsonb END) AS e(key, value)
     CROSS JOIN LATERAL (
            SELECT lower(regexp_replace(o.operator, '^ForAnyValue:', '', 'i')) AS operator,
                   ciem.jsonb_text_list(e.value) AS condition_values
           ) v
      LEFT JOIN ciem.trust_condition_keys k ON k.key = lower(e.key)
     WHERE o.operator !~* '^ForAllValues:'
       AND CASE
               WHEN negated THEN regexp_replace(v.operator, 'ifexists$', '')
                                 IN ('stringnotequals', 'stringnotequalsignorecase', 'stringnotlike', 'arnnotequals', 'arnnotlike')
               ELSE v.operator IN ('stringequals', 'stringequalsignorecase', 'stringlike', 'arnequals', 'arnlike')
           END
       AND (k.key IS NOT NULL OR lower(e.key) LIKE 'kms:encryptioncontext:%' OR e.key ~* '^([^:]*\.[^:]*|saml):')
       AND v.condition_values IS NOT NULL
       AND (v.operator !~ 'like' OR EXISTS (SELECT 1 FROM unnest(v.condition_values) x WHERE NOT ciem.is_match_all(x)))
$$;

-- The number of key entries in a Condition block.
CREATE FUNCTION ciem.condition_entry_count(condition jsonb) RETURNS integer
LANGUAGE sql IMMUTABLE
AS $$
    SELECT count(*)::integer
      FROM jsonb_each(CASE WHEN jsonb_typeof(condition) = 'object' THEN condition ELSE '{}'::jsonb END) AS o(operator, entries)
     CROSS JOIN LATERAL jsonb_each(CASE WHEN jsonb_typeof(o.entries) = 'object' THEN o.entries ELSE '{"": null}'::jsonb END) AS e
$$;

-- Each synced account with the organisation it belongs to. CloudQuery lists accounts from the
-- management (or delegated administrator) account, whose aws_organizations row has the
-- organisation id.
CREATE VIEW ciem.aws_organization_members AS
SELECT DISTINCT ON (a.id)
       a.id AS account_id,
       a.name AS account_name,
       coalesce(o.id, 'listed-by:' || a.request_account_id) AS organization_id
  FROM ciem.stg_aws_organizations_accounts a
  LEFT JOIN ciem.stg_aws_organizations o ON o.request_account_id = a.request_account_id
 ORDER BY a.id, o.id NULLS LAST;

COMMENT ON VIEW ciem.aws_organization_members IS
    'One row per account of a synced AWS organisation, with the organisation id (listed-by:<account> when the aws_organizations table is absent).';

-- Where a trusted account sits as seen from the account that owns the role or resource:
-- same_account, same_organization (both accounts in one synced organisation), trusted_third_party
-- (listed in ciem.trusted_accounts) or external.
CREATE FUNCTION ciem.account_trust_class(trusted_account_id text, owner_account_id text) RETURNS text
LANGUAGE sql STABLE
AS $$
    SELECT CASE
        WHEN trusted_account_id IS NULL THEN NULL
        WHEN trusted_account_id = owner_account_id THEN 'same_account'
        WHEN EXISTS (SELECT 1
                       FROM ciem.aws_organization_members t
                       JOIN ciem.aws_organization_members o ON o.organization_id = t.organization_id
                      WHERE t.account_id = trusted_account_id AND o.account_id = owner_account_id) THEN 'same_organization'
        WHEN EXISTS (SELECT 1 FROM ciem.trusted_accounts k WHERE k.account_id = trusted_account_id) THEN 'trusted_third_party'
        ELSE 'external'
    END
$$;

-- Classes ordered from the narrowest to the widest audience.
CREATE FUNCTION ciem.trust_class_rank(classification text) RETURNS integer
LANGUAGE sql IMMUTABLE STRICT
AS $$
    SELECT array_position(ARRAY['same_account', 'same_organization', 'trusted_third_party', 'external', 'public'], classification)
$$;

-- The widest class that one value of a narrowing condition admits, as a rank. An account (or the
-- account of an ARN) ranks by its class and the owner's organisation id or path as
-- same_organization. Any other value that names a caller ranks as external, and a key that names
-- no account (a secret, a network, a token claim) as public.
CREATE FUNCTION ciem.narrowing_value_rank(limits text, value text, owner_account_id text) RETURNS integer
LANGUAGE sql STABLE
AS $$
    SELECT CASE
        WHEN limits = 'account' AND value ~ '^\d{12}$' THEN ciem.trust_class_rank(ciem.account_trust_class(value, owner_account_id))
        WHEN limits = 'arn' AND split_part(value, ':', 5) ~ '^\d{12}$' THEN ciem.trust_class_rank(ciem.account_trust_class(split_part(value, ':', 5), owner_account_id))
        WHEN limits IN ('organization', 'org_path')
         AND split_part(value, '/', 1) IN (SELECT m.organization_id FROM ciem.aws_organization_members m WHERE m.account_id = owner_account_id)
            THEN 2
        WHEN limits IN ('account', 'arn', 'organization', 'org_path', 'principal') THEN 4
        ELSE 5
    END
$$;

-- One policy document per role and per resource with a resource-based policy. AWS-managed KMS
-- keys have policies their account cannot change.
CREATE VIEW ciem.aws_resource_policies AS
WITH documents AS (
    SELECT r.arn AS resource_arn, 'role'::text AS resource_type, r.account_id, r.assume_role_policy_document AS document,
           coalesce(r.path LIKE '/aws-service-role/%', false) AS is_aws_managed, r._cq_sync_time AS synced_at
      FROM ciem.stg_aws_iam_roles r
    UNION ALL
    SELECT b.bucket_arn, 's3_bucket', b.account_id, b.policy_json, false, b._cq_sync_time
      FROM ciem.stg_aws_s3_bucket_policies b
    UNION ALL
    SELECT p.key_arn, 'kms_key', p.account_id, p.policy, coalesce(k.key_manager = 'AWS', false), p._cq_sync_time
      FROM ciem.stg_aws_kms_key_policies p
      LEFT JOIN ciem.stg_aws_kms_keys k ON k.arn = p.key_arn
     WHERE coalesce(p.name, 'default') = 'default'
    UNION ALL
    SELECT f.arn, 'lambda_function', f.account_id, f.policy_document, false, f._cq_sync_time
      FROM ciem.stg_aws_lambda_functions f
    UNION ALL
    SELECT q.arn, 'sqs_queue', q.account_id, q.policy, false, q._cq_sync_time
      FROM ciem.stg_aws_sqs_queues q
    UNION ALL
    SELECT t.arn, 'sns_topic', t.account_id, t.policy, false, t._cq_sync_time
      FROM ciem.stg_aws_sns_topics t
    UNION ALL
    SELECT e.repository_arn, 'ecr_repository', e.account_id, e.policy_json, false, e._cq_sync_time
      FROM ciem.stg_aws_ecr_repository_policies e
    UNION ALL
    SELECT s.arn, 'secretsmanager_secret', s.account_id, s.policy, false, s._cq_sync_time
      FROM ciem.stg_aws_secretsmanager_secrets s
)
SELECT DISTINCT ON (resource_arn) resource_arn, resource_type, account_id, document, is_aws_managed
  FROM documents
 WHERE document IS NOT NULL AND jsonb_typeof(document) = 'object'
 ORDER BY resource_arn, synced_at DESC NULLS LAST, account_id;

COMMENT ON VIEW ciem.aws_resource_policies IS
    'One row per role (its trust policy) and per resource with a resource-based policy: S3 bucket, KMS key, Lambda function, SQS queue, SNS topic, ECR repository, Secrets Manager secret.';

-- One row per principal entry of every statement of every role trust policy and resource-based
-- policy: what it names, how it is classified, which condition keys narrow it, and whether a Deny
-- of the same policy takes the grant back.
CREATE MATERIALIZED VIEW ciem.aws_resource_policy_principals AS
WITH statements AS (
    SELECT d.resource_arn, d.resource_type, d.account_id, d.is_aws_managed,
           s.statement_index,
           s.statement,
           s.statement ->> 'Sid' AS sid,
           s.statement ->> 'Effect' AS effect,
           s.statement ? 'NotAction' AS is_not_action,
           ciem.jsonb_text_list(coalesce(s.statement -> 'Action', s.statement -> 'NotAction')) AS actions,
           s.statement -> 'Condition' AS condition,
           ciem.condition_state(s.statement -> 'Condition', now()) AS condition_state
      FROM ciem.aws_resource_policies d
     CROSS JOIN LATERAL ciem.policy_statement_list(d.document) s
     WHERE s.statement ->> 'Effect' IN ('Allow', 'Deny')
),
principals AS (
    SELECT st.*, p.is_not_principal, p.principal_type, p.principal,
           ciem.principal_kind(p.principal_type, p.principal) AS principal_kind,
           ciem.principal_account_id(p.principal_type, p.principal) AS principal_account_id
      FROM statements st
     CROSS JOIN LATERAL ciem.statement_principals(st.statement) p
),
grants AS (
    SELECT pr.*, CASE WHEN pr.resource_type = 'role' THEN ciem.assume_action(pr.principal_kind) END AS assume_action
      FROM principals pr
     WHERE pr.effect = 'Allow'
),
-- Deny statements of the same policy that include a grant's principal and its actions (for a
-- role, the action that assumes it). An explicit deny wins over any Allow (IAM User Guide,
-- "Policy evaluation logic").
denies AS (
    SELECT g.resource_arn, g.statement_index, g.is_not_principal, g.principal_type, g.principal, g.account_id,
           d.statement_index AS deny_index, d.condition_state AS deny_state, d.condition AS deny_condition
      FROM grants g
      JOIN statements d ON d.resource_arn = g.resource_arn AND d.effect = 'Deny' AND d.condition_state <> 'false'
     WHERE CASE WHEN g.assume_action IS NOT NULL
                THEN ciem.statement_matches_action(d.is_not_action, d.actions, g.assume_action)
                ELSE ciem.actions_covered(d.is_not_action, d.actions, g.is_not_action, g.actions) END
       AND ciem.deny_includes_principal(d.statement, g.is_not_principal, g.principal_type, g.principal, g.principal_account_id)
),
-- An unconditional Deny with NotPrincipal on a grant to "*" leaves the grant only to the principals
-- it lists.
exempting_denies AS (
    SELECT g.resource_arn, g.statement_index, g.is_not_principal, g.principal_type, g.principal, g.account_id,
           d.statement_index AS deny_index, d.statement AS deny_statement
      FROM grants g
      JOIN statements d ON d.resource_arn = g.resource_arn AND d.effect = 'Deny' AND d.condition_state IN ('none', 'true')
     WHERE g.principal_kind = 'public' AND NOT g.is_not_principal
       AND d.statement ? 'NotPrincipal'
       AND CASE WHEN g.assume_action IS NOT NULL
                THEN ciem.statement_matches_action(d.is_not_action, d.actions, g.assume_action)
                ELSE ciem.actions_covered(d.is_not_action, d.actions, g.is_not_action, g.actions) END
),
-- What narrows each grant, as groups: a grant holds only for callers that pass every group, and a
-- group admits a caller that passes any of its entries. The Allow's own entries are ANDed, so
-- each is a group. The Not- entries of a covering Deny are ORed, so they form one group, and only
-- when every entry of that Deny is one of them, because otherwise the Deny may not apply.
constraints AS (
    SELECT g.resource_arn, g.statement_index, g.is_not_principal, g.principal_type, g.principal,
           'allow:' || n.ordinality AS constraint_group, n.key_name, n.limits, n.is_source_key, v.value,
           ciem.narrowing_value_rank(n.limits, v.value, g.account_id) AS value_rank
      FROM grants g
     CROSS JOIN LATERAL ciem.condition_narrowing(g.condition, false) WITH ORDINALITY AS n(operator, key_name, limits, is_source_key, condition_values, ordinality)
     CROSS JOIN LATERAL unnest(n.condition_values) AS v(value)
    UNION ALL
    SELECT dn.resource_arn, dn.statement_index, dn.is_not_principal, dn.principal_type, dn.principal,
           'deny:' || dn.deny_index, n.key_name, n.limits, n.is_source_key, v.value,
           ciem.narrowing_value_rank(n.limits, v.value, dn.account_id)
      FROM denies dn
     CROSS JOIN LATERAL ciem.condition_narrowing(dn.deny_condition, true) AS n
     CROSS JOIN LATERAL unnest(n.condition_values) AS v(value)
     WHERE dn.deny_state = 'unknown'
       AND ciem.condition_entry_count(dn.deny_condition) = (SELECT count(*) FROM ciem.condition_narrowing(dn.deny_condition, true))
    UNION ALL
    SELECT x.resource_arn, x.statement_index, x.is_not_principal, x.principal_type, x.principal,
           'deny:' || x.deny_index, 'NotPrincipal',
           CASE WHEN ciem.principal_account_id(p.principal_type, p.principal) IS NOT NULL THEN 'account' ELSE 'principal' END,
           false, p.principal,
           CASE
               WHEN ciem.principal_kind(p.principal_type, p.principal) = 'public' THEN 5
               ELSE coalesce(ciem.trust_class_rank(ciem.account_trust_class(ciem.principal_account_id(p.principal_type, p.principal), x.account_id)), 4)
           END
      FROM exempting_denies x
     CROSS JOIN LATERAL ciem.statement_principals(x.deny_statement) p
     WHERE p.is_not_principal
),
constraint_groups AS (
    SELECT resource_arn, statement_index, is_not_principal, principal_type, principal, constraint_group,
           max(value_rank) AS group_rank,
           bool_and(is_source_key) AS names_source
      FROM constraints
     GROUP BY resource_arn, statement_index, is_not_principal, principal_type, principal, constraint_group
),
narrowing AS (
    SELECT c.resource_arn, c.statement_index, c.is_not_principal, c.principal_type, c.principal,
           array_agg(DISTINCT c.key_name ORDER BY c.key_name) AS narrowed_by,
           array_agg(DISTINCT CASE WHEN c.limits = 'arn' THEN split_part(c.value, ':', 5) ELSE c.value END)
               FILTER (WHERE c.limits IN ('account', 'arn')
                         AND (CASE WHEN c.limits = 'arn' THEN split_part(c.value, ':', 5) ELSE c.value END) ~ '^\d{12}$') AS narrowed_accounts,
           (SELECT min(g.group_rank) FROM constraint_groups g
             WHERE (g.resource_arn, g.statement_index, g.is_not_principal, g.principal_type, g.principal)
                 = (c.resource_arn, c.statement_index, c.is_not_principal, c.principal_type, c.principal)) AS scope_rank,
           (SELECT bool_or(g.names_source) FROM constraint_groups g
             WHERE (g.resource_arn, g.statement_index, g.is_not_principal, g.principal_type, g.principal)
                 = (c.resource_arn, c.statement_index, c.is_not_principal, c.principal_type, c.principal)) AS has_source_condition
      FROM constraints c
     GROUP BY c.resource_arn, c.statement_index, c.is_not_principal, c.principal_type, c.principal
),
deny_lists AS (
    SELECT resource_arn, statement_index, is_not_principal, principal_type, principal,
           array_agg(DISTINCT deny_index ORDER BY deny_index) FILTER (WHERE deny_state IN ('none', 'true')) AS denied_by,
           array_agg(DISTINCT deny_index ORDER BY deny_index) FILTER (WHERE deny_state = 'unknown') AS conditionally_denied_by
      FROM denies
     GROUP BY resource_arn, statement_index, is_not_principal, principal_type, principal
),
classified AS (
    SELECT pr.*,
           n.narrowed_by, n.narrowed_accounts, n.scope_rank, n.has_source_condition,
           dl.denied_by, dl.conditionally_denied_by,
           CASE
               WHEN pr.principal_kind = 'public' OR (pr.effect = 'Allow' AND pr.is_not_principal)
                   THEN (ARRAY['same_account', 'same_organization', 'trusted_third_party', 'external', 'public'])[coalesce(n.scope_rank, 5)]
               WHEN pr.principal_kind = 'service' THEN 'service'
               WHEN pr.principal_kind = 'saml' THEN 'federated_saml'
               WHEN pr.principal_kind = 'oidc' THEN 'federated_oidc'
               WHEN pr.principal_kind = 'unique_id' THEN 'deleted_principal'
               WHEN pr.principal_account_id IS NOT NULL THEN ciem.account_trust_class(pr.principal_account_id, pr.account_id)
               ELSE 'external'
           END AS classification
      FROM principals pr
      LEFT JOIN narrowing n
        ON (n.resource_arn, n.statement_index, n.is_not_principal, n.principal_type, n.principal)
         = (pr.resource_arn, pr.statement_index, pr.is_not_principal, pr.principal_type, pr.principal)
      LEFT JOIN deny_lists dl
        ON (dl.resource_arn, dl.statement_index, dl.is_not_principal, dl.principal_type, dl.principal)
         = (pr.resource_arn, pr.statement_index, pr.is_not_principal, pr.principal_type, pr.principal)
)
SELECT c.resource_arn,
       c.resource_type,
       c.account_id,
       c.is_aws_managed,
       c.statement_index,
       c.sid,
       c.effect,
       c.is_not_principal,
       c.principal_type,
       c.principal AS trusted_principal,
       c.principal_kind,
       coalesce(c.principal_account_id,
                CASE WHEN c.principal_kind = 'public' AND cardinality(c.narrowed_accounts) = 1 THEN c.narrowed_accounts[1] END) AS trusted_account_id,
       c.classification,
       coalesce(c.narrowed_by, '{}') AS narrowed_by,
       coalesce(c.has_source_condition, false) AS has_source_condition,
       c.is_not_action,
       coalesce(c.actions, '{}') AS actions,
       c.condition,
       c.condition_state,
       coalesce(c.denied_by, '{}') AS denied_by,
       coalesce(c.conditionally_denied_by, '{}') AS conditionally_denied_by,
       c.effect = 'Allow'
           AND c.condition_state <> 'false'
           AND c.denied_by IS NULL
           AND (c.resource_type <> 'role' OR ciem.statement_matches_action(c.is_not_action, c.actions, ciem.assume_action(c.principal_kind)))
           AS grants_access
  FROM classified c
WITH NO DATA;

CREATE UNIQUE INDEX aws_resource_policy_principals_key
    ON ciem.aws_resource_policy_principals (resource_arn, statement_index, is_not_principal, principal_type, trusted_principal);
CREATE INDEX aws_resource_policy_principals_type ON ciem.aws_resource_policy_principals (resource_type, classification);
CREATE INDEX aws_resource_policy_principals_trusted ON ciem.aws_resource_policy_principals (trusted_principal) WHERE principal_type = 'AWS';

COMMENT ON MATERIALIZED VIEW ciem.aws_resource_policy_principals IS
    'One row per principal entry of a role trust policy or resource-based policy statement, Allow and Deny, with its classification, the condition keys that narrow it (narrowed_by), the Deny statements that take it back (denied_by, conditionally_denied_by) and whether it grants access now (grants_access).';

INSERT INTO ciem.refresh_relations (position, relation_name) VALUES (200, 'aws_resource_policy_principals');

-- The name of a trusted account: its organisation account name, else the names that
-- ciem.trusted_accounts gives it.
CREATE FUNCTION ciem.trusted_account_name(account_id text) RETURNS text
LANGUAGE sql STABLE STRICT
AS $$
    SELECT coalesce(
        (SELECT m.account_name FROM ciem.aws_organization_members m WHERE m.account_id = trusted_account_name.account_id),
        (SELECT string_agg(DISTINCT t.name, ', ' ORDER BY t.name) FROM ciem.trusted_accounts t WHERE t.account_id = trusted_account_name.account_id))
$$;

CREATE VIEW ciem.cross_account_trust AS
SELECT p.resource_arn AS role_arn,
       p.account_id,
       p.trusted_principal,
       p.principal_type,
       p.principal_kind,
       p.trusted_account_id,
       ciem.trusted_account_name(p.trusted_account_id) AS trusted_account_name,
       p.classification,
       p.narrowed_by,
       p.effect,
       p.is_not_principal,
       p.statement_index,
       p.sid,
       p.is_not_action,
       p.actions,
       p.condition,
       p.condition_state,
       p.denied_by,
       p.conditionally_denied_by,
       p.grants_access,
       p.is_aws_managed AS is_service_linked
  FROM ciem.aws_resource_policy_principals p
 WHERE p.resource_type = 'role';

COMMENT ON VIEW ciem.cross_account_trust IS
    'One row per role and principal of each trust policy statement (Allow and Deny). classification: same_account, same_organization, trusted_third_party, external, public, federated_saml, federated_oidc, service or deleted_principal. grants_access is true when the statement lets the principal assume the role now and no Deny of the trust policy takes it back.';

CREATE VIEW ciem.resource_policy_access AS
SELECT p.resource_arn,
       p.resource_type,
       p.account_id,
       p.trusted_principal,
       p.principal_type,
       p.principal_kind,
       p.trusted_account_id,
       ciem.trusted_account_name(p.trusted_account_id) AS trusted_account_name,
       p.classification,
       p.narrowed_by,
       p.effect,
       p.is_not_principal,
       p.statement_index,
       p.sid,
       p.is_not_action,
       p.actions,
       p.condition,
       p.condition_state,
       p.denied_by,
       p.conditionally_denied_by,
       p.grants_access,
       p.is_aws_managed
  FROM ciem.aws_resource_policy_principals p
 WHERE p.resource_type <> 'role';

COMMENT ON VIEW ciem.resource_policy_access IS
    'One row per resource and principal of each resource-based policy statement (S3 bucket, KMS key, Lambda function, SQS queue, SNS topic, ECR repository, Secrets Manager secret), classified as in ciem.cross_account_trust; actions are the statement''s Action (or NotAction when is_not_action).';

-- Findings of public and cross-account trust. Severities (docs/trust.md explains each):
--   public_trust        grant to anyone, not narrowed by a condition                  critical
--                       grant to anyone, narrowed only by keys that do not name an
--                       account (sts:ExternalId, network, token claims)               high
--                       S3 bucket whose public policy S3 Block Public Access
--                       restricts (RestrictPublicBuckets)                             low
--                       OIDC trust of a shared issuer (GitHub, gitlab.com, Google,
--                       Cognito, ...) with no subject condition, or one that
--                       admits any subject or any GitHub organisation                 critical
--   cross_account_trust role trusted by an external account without sts:ExternalId     high
--                       role trusted by an external account with sts:ExternalId        low
--                       role trusted by a listed third party without sts:ExternalId    medium
--                       resource granted to an external account                        high
--                       resource granted to a listed third party                       low
--                       OIDC trust of a tenant's own issuer without a subject           medium
--                       AWS service granted a resource without a source condition      medium
--                       role trusted by a service that asks for a source condition
--                       (ciem.confused_deputy_services) without one                    low
CREATE VIEW ciem.trust_finding_candidates AS
WITH grants AS (
    SELECT p.*,
           CASE p.resource_type
               WHEN 'role' THEN 'Role ' || split_part(p.resource_arn, '/', -1)
               WHEN 's3_bucket' THEN 'S3 bucket ' || split_part(p.resource_arn, ':', -1)
               WHEN 'kms_key' THEN 'KMS key ' || split_part(p.resource_arn, '/', -1)
               WHEN 'lambda_function' THEN 'Lambda function ' || split_part(p.resource_arn, ':', 7)
               WHEN 'sqs_queue' THEN 'SQS queue ' || split_part(p.resource_arn, ':', -1)
               WHEN 'sns_topic' THEN 'SNS topic ' || split_part(p.resource_arn, ':', -1)
               WHEN 'ecr_repository' THEN 'ECR repository ' || substr(p.resource_arn, strpos(p.resource_arn, ':repository/') + 12)
               WHEN 'secretsmanager_secret' THEN 'Secrets Manager secret ' || split_part(p.resource_arn, ':', 7)
               ELSE p.resource_type || ' ' || p.resource_arn
           END AS label,
           'sts:ExternalId' = ANY (p.narrowed_by) AS has_external_id
      FROM ciem.aws_resource_policy_principals p
     WHERE p.grants_access
),
-- S3 Block Public Access: with RestrictPublicBuckets, only AWS service principals and users of the
-- bucket owner's account can use a public bucket policy (Amazon S3 API Reference,
-- PublicAccessBlockConfiguration).
-- NOTE: cross-account grants inside such a public policy are blocked too, but their
-- cross_account_trust findings keep their severity.
s3_restricted AS (
    SELECT g.resource_arn
      FROM grants g
     WHERE g.resource_type = 's3_bucket'
       AND (EXISTS (SELECT 1 FROM ciem.stg_aws_s3_bucket_public_access_blocks b
                     WHERE b.bucket_arn = g.resource_arn
                       AND coalesce((b.public_access_block_configuration ->> 'RestrictPublicBuckets')::boolean, false))
            OR EXISTS (SELECT 1 FROM ciem.stg_aws_s3_accounts a
                        WHERE a.account_id = g.account_id AND coalesce(a.restrict_public_buckets, false)))
),
oidc AS (
    SELECT g.*, h.host, i.issuer IS NOT NULL AS is_shared_issuer, coalesce(i.subject_key, 'sub') AS subject_key,
           s.entries AS subject_entries
      FROM grants g
     CROSS JOIN LATERAL (SELECT ciem.oidc_provider_host(g.trusted_principal) AS host) h
      LEFT JOIN ciem.oidc_shared_issuers i ON i.issuer = h.host
     CROSS JOIN LATERAL (
            SELECT jsonb_agg(jsonb_build_object('operator', n.operator, 'key', n.key_name, 'values', to_jsonb(n.condition_values))) AS entries,
                   bool_or(EXISTS (
                       SELECT 1 FROM unnest(n.condition_values) v
                        WHERE n.operator LIKE '%like%'
                          AND v ~ '[*?]'
                          AND (ciem.literal_prefix(v) = ''
                               -- GitHub subjects start repo:<organisation>/<repository>; a wildcard in
                               -- the organisation admits repositories of anyone's organisation.
                               OR (h.host = 'token.actions.githubusercontent.com'
                                   AND (v ~ '^repo:[^/]*[*?]' OR starts_with('repo:', ciem.literal_prefix(v))))))) AS admits_any
              FROM ciem.condition_narrowing(g.condition, false) n
             WHERE lower(n.key_name) = h.host || ':' || coalesce(i.subject_key, 'sub')
           ) s
     WHERE g.resource_type = 'role' AND g.principal_kind = 'oidc'
       AND (s.entries IS NULL OR s.admits_any)
)
SELECT g.resource_arn, g.resource_type, g.account_id, 'public_trust'::text AS category,
       CASE
           WHEN r.resource_arn IS NOT NULL THEN 'low'
           WHEN cardinality(g.narrowed_by) = 0 THEN 'critical'
           ELSE 'high'
       END AS severity,
       CASE
           WHEN g.resource_type = 'role' AND g.is_not_principal THEN g.label || ' can be assumed by every principal except those its NotPrincipal lists'
           WHEN g.resource_type = 'role' THEN g.label || ' can be assumed by any AWS principal'
           WHEN g.is_not_principal THEN g.label || ' grants ' || array_to_string(g.actions, ', ') || ' to every principal except those its NotPrincipal lists'
           ELSE g.label || ' grants ' || array_to_string(g.actions, ', ') || ' to anyone'
       END
       || CASE WHEN cardinality(g.narrowed_by) > 0 THEN ' (narrowed only by ' || array_to_string(g.narrowed_by, ', ') || ')' ELSE '' END
       AS title,
       CASE WHEN g.is_not_principal THEN 'not-principal:' ELSE 'principal:' END || g.principal_type || ':' || g.trusted_principal AS finding_key,
       g.statement_index, g.sid, g.effect, g.principal_type, g.trusted_principal, g.classification, g.trusted_account_id,
       g.narrowed_by, g.actions, g.is_not_action, g.condition, g.is_aws_managed,
       jsonb_build_object('restricted_by_block_public_access', r.resource_arn IS NOT NULL) AS details
  FROM grants g
  LEFT JOIN s3_restricted r ON r.resource_arn = g.resource_arn
 WHERE g.classification = 'public'
UNION ALL
SELECT o.resource_arn, o.resource_type, o.account_id,
       CASE WHEN o.is_shared_issuer THEN 'public_trust' ELSE 'cross_account_trust' END,
       CASE WHEN o.is_shared_issuer THEN 'critical' ELSE 'medium' END,
       o.label || ' trusts ' || o.host || CASE
           WHEN o.subject_entries IS NULL THEN ' without a ' || o.host || ':' || o.subject_key || ' condition'
           ELSE ' with a ' || o.host || ':' || o.subject_key || ' condition that admits any subject'
       END,
       'oidc:' || o.trusted_principal,
       o.statement_index, o.sid, o.effect, o.principal_type, o.trusted_principal, o.classification, o.trusted_account_id,
       o.narrowed_by, o.actions, o.is_not_action, o.condition, o.is_aws_managed,
       jsonb_build_object('issuer', o.host, 'shared_issuer', o.is_shared_issuer, 'subject_key', o.host || ':' || o.subject_key,
                          'subject_conditions', coalesce(o.subject_entries, '[]'::jsonb))
  FROM oidc o
UNION ALL
SELECT g.resource_arn, g.resource_type, g.account_id, 'cross_account_trust',
       CASE
           WHEN g.resource_type = 'role' AND g.classification = 'external' AND NOT g.has_external_id THEN 'high'
           WHEN g.resource_type = 'role' AND g.classification = 'external' THEN 'low'
           WHEN g.resource_type = 'role' THEN 'medium'
           WHEN g.classification = 'external' THEN 'high'
           ELSE 'low'
       END,
       CASE
           WHEN g.resource_type = 'role' THEN g.label || ' can be assumed from '
           ELSE g.label || ' grants ' || array_to_string(g.actions, ', ') || ' to '
       END
       || CASE WHEN g.classification = 'external' THEN 'external account ' ELSE 'third-party account ' END
       || coalesce(g.trusted_account_id, g.trusted_principal)
       || coalesce(' (' || ciem.trusted_account_name(g.trusted_account_id) || ')', '')
       || CASE
              WHEN g.resource_type <> 'role' THEN ''
              WHEN g.has_external_id THEN ' with sts:ExternalId'
              ELSE ' without sts:ExternalId'
          END,
       'principal:' || g.principal_type || ':' || g.trusted_principal,
       g.statement_index, g.sid, g.effect, g.principal_type, g.trusted_principal, g.classification, g.trusted_account_id,
       g.narrowed_by, g.actions, g.is_not_action, g.condition, g.is_aws_managed,
       jsonb_build_object('trusted_account_name', ciem.trusted_account_name(g.trusted_account_id), 'has_external_id', g.has_external_id)
  FROM grants g
 WHERE g.classification IN ('external', 'trusted_third_party')
   AND g.principal_kind NOT IN ('service', 'oidc', 'saml')
   AND NOT (g.resource_type = 'role' AND g.classification = 'trusted_third_party' AND g.has_external_id)
UNION ALL
SELECT g.resource_arn, g.resource_type, g.account_id, 'cross_account_trust',
       CASE WHEN g.resource_type = 'role' THEN 'low' ELSE 'medium' END,
       CASE
           WHEN g.resource_type = 'role' THEN g.label || ' trusts ' || g.trusted_principal
           ELSE g.label || ' grants ' || array_to_string(g.actions, ', ') || ' to ' || g.trusted_principal
       END || ' without aws:SourceArn or aws:SourceAccount, so the service may act for any account',
       'service:' || g.trusted_principal,
       g.statement_index, g.sid, g.effect, g.principal_type, g.trusted_principal, g.classification, g.trusted_account_id,
       g.narrowed_by, g.actions, g.is_not_action, g.condition, g.is_aws_managed,
       jsonb_build_object('documentation', d.documentation)
  FROM grants g
  LEFT JOIN ciem.confused_deputy_services d ON d.service_principal = g.trusted_principal
 WHERE g.principal_kind = 'service'
   AND NOT g.has_source_condition
   AND (g.resource_type <> 'role' OR d.service_principal IS NOT NULL);

COMMENT ON VIEW ciem.trust_finding_candidates IS
    'One row per grant and reason for a public_trust or cross_account_trust finding, before grants of one principal are merged.';

-- The findings: one per resource and trusted principal, at the highest severity of its grants,
-- with every statement that grants it as evidence.
CREATE VIEW ciem.trust_findings AS
SELECT 'aws'::text AS cloud,
       c.account_id,
       c.resource_arn AS identity_arn,
       c.resource_type AS identity_type,
       c.category,
       (array_agg(c.severity ORDER BY s.rank DESC, c.statement_index))[1] AS severity,
       (array_agg(c.title ORDER BY s.rank DESC, c.statement_index))[1] AS title,
       c.finding_key,
       jsonb_build_object(
           'trusted_principal', min(c.trusted_principal),
           'principal_type', min(c.principal_type),
           'classification', min(c.classification),
           'trusted_account_id', min(c.trusted_account_id),
           'user_changeable', NOT bool_or(c.is_aws_managed),
           'statements', jsonb_agg(jsonb_build_object(
               'statement_index', c.statement_index,
               'sid', c.sid,
               'effect', c.effect,
               CASE WHEN c.is_not_action THEN 'not_actions' ELSE 'actions' END, to_jsonb(c.actions),
               'condition', c.condition,
               'narrowed_by', to_jsonb(c.narrowed_by),
               'severity', c.severity) || c.details ORDER BY c.statement_index)
       ) AS evidence
  FROM ciem.trust_finding_candidates c
  JOIN ciem.severities s ON s.severity = c.severity
 GROUP BY c.account_id, c.resource_arn, c.resource_type, c.category, c.finding_key;

COMMENT ON VIEW ciem.trust_findings IS
    'Public and cross-account trust findings in the shape of ciem.finding_sources: identity_arn is the role or resource ARN, identity_type the resource type.';

CREATE VIEW ciem.public_trust_findings AS
SELECT cloud, account_id, identity_arn, identity_type, category, severity, title, finding_key, evidence
  FROM ciem.trust_findings
 WHERE category = 'public_trust';

CREATE VIEW ciem.cross_account_trust_findings AS
SELECT cloud, account_id, identity_arn, identity_type, category, severity, title, finding_key, evidence
  FROM ciem.trust_findings
 WHERE category = 'cross_account_trust';

COMMENT ON VIEW ciem.public_trust_findings IS 'Roles and resources that anyone may use (public_trust findings).';
COMMENT ON VIEW ciem.cross_account_trust_findings IS 'Roles and resources that other accounts, tenant identity providers or unnarrowed AWS services may use (cross_account_trust findings).';

INSERT INTO ciem.finding_sources (source_name, relation, description) VALUES
    ('public_trust', 'ciem.public_trust_findings',
     'Role trust policies and resource-based policies that grant anyone access, including OIDC trusts of shared issuers without a subject condition.'),
    ('cross_account_trust', 'ciem.cross_account_trust_findings',
     'Role trust policies and resource-based policies that grant external or third-party accounts access, OIDC trusts without a subject, and AWS services without a source condition.');
