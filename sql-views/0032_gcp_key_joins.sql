-- Service-account keys joined to their accounts with equality joins, so that the GCP finding
-- and CIS 1.4 relations grow with the number of keys and accounts rather than with their
-- product. The output is that of migration 0026.
--
-- In the mixed-cloud bench (`npm run bench -- --clouds ...`) at 3,000 identities (600 of them in
-- Google Cloud, 271 service accounts and 146 keys), ciem.gcp_cis_user_managed_keys took 0.8 s,
-- 20 times its time at 1,000 identities, and ciem.compliance_summary 1.9 s. EXPLAIN ANALYZE
-- showed two causes:
--   * ciem.gcp_service_account_keys matched a key to its account on (project_id, unique_id) OR
--     _cq_id = _cq_parent_id. PostgreSQL cannot hash or merge a join on an OR, so it compared
--     every key with every account.
--   * CIS 1.4 joined that view to the accounts. On freshly synced tables, before autovacuum has
--     analysed them, the planner expected one account and ran the key join once per account:
--     25,474 scans of the accounts table.
-- Each match of the OR is now one of two equality joins: on (project_id, unique_id), or on
-- _cq_parent_id where the first does not hold, so a pair that both conditions match still
-- appears once. CIS 1.4 counts the user-managed keys per account address once, before it joins
-- them to the accounts.

CREATE OR REPLACE VIEW ciem.gcp_service_account_keys AS
WITH matched AS (
    SELECT k.project_id, s.email, s.disabled AS service_account_disabled, k.name, k.key_type, k.key_origin,
           k.key_algorithm, k.valid_after_time, k.valid_before_time, k.disabled
      FROM ciem.stg_gcp_iam_service_account_keys k
      JOIN ciem.stg_gcp_iam_service_accounts s ON s.project_id = k.project_id AND s.unique_id = k.service_account_unique_id
     WHERE k.name IS NOT NULL
    UNION ALL
    SELECT k.project_id, s.email, s.disabled, k.name, k.key_type, k.key_origin,
           k.key_algorithm, k.valid_after_time, k.valid_before_time, k.disabled
      FROM ciem.stg_gcp_iam_service_account_keys k
      JOIN ciem.stg_gcp_iam_service_accounts s ON s._cq_id = k._cq_parent_id
     WHERE k.name IS NOT NULL
       AND (s.project_id = k.project_id AND s.unique_id = k.service_account_unique_id) IS NOT TRUE
)
SELECT m.project_id,
       'serviceAccount:' || m.email AS identity_id,
       m.email AS service_account_email,
       coalesce(m.service_account_disabled, false) AS service_account_disabled,
       m.name AS key_name,
       regexp_replace(m.name, '^.*/', '') AS key_id,
       upper(m.key_type) AS key_type,
       m.key_origin,
       m.key_algorithm,
       m.valid_after_time AS created_at,
       m.valid_before_time AS expires_at,
       coalesce(m.disabled, false) AS disabled
  FROM matched m;

CREATE OR REPLACE VIEW ciem.gcp_cis_user_managed_keys AS
WITH synced AS (
    SELECT coalesce(bool_or(b.present), false) AS keys_synced
      FROM ciem.source_bindings b
     WHERE b.table_name = 'gcp_iam_service_account_keys'
),
accounts AS (
    SELECT DISTINCT ON (lower(s.email)) s.project_id, s.email
      FROM ciem.stg_gcp_iam_service_accounts s
     WHERE lower(s.email) LIKE '%.iam.gserviceaccount.com'
     ORDER BY lower(s.email), s._cq_sync_time DESC NULLS LAST
),
-- Materialised, so that a plan that loops over the accounts reads the counted keys, not the join.
user_managed_keys AS MATERIALIZED (
    SELECT lower(k.service_account_email) AS email_key,
           count(k.key_name) AS key_count,
           jsonb_agg(jsonb_build_object('key_id', k.key_id, 'created_at', k.created_at, 'disabled', k.disabled)
                     ORDER BY k.key_id) FILTER (WHERE k.key_name IS NOT NULL) AS keys
      FROM ciem.gcp_service_account_keys k
     WHERE k.key_type = 'USER_MANAGED'
     GROUP BY lower(k.service_account_email)
)
SELECT '1.4'::text AS control_id,
       a.project_id AS account_id,
       'serviceAccount:' || a.email AS resource,
       CASE WHEN NOT y.keys_synced THEN 'unknown'
            WHEN coalesce(u.key_count, 0) > 0 THEN 'fail'
            ELSE 'pass' END AS status,
       CASE WHEN NOT y.keys_synced THEN jsonb_build_object('missing', 'gcp_iam_service_account_keys is not synced')
            ELSE jsonb_build_object('user_managed_keys', coalesce(u.keys, '[]'::jsonb)) END AS evidence
  FROM accounts a
 CROSS JOIN synced y
  LEFT JOIN user_managed_keys u ON u.email_key = lower(a.email);
