-- The Azure finding views (admin-equivalent, privilege escalation, infrastructure modification)
-- read ciem.azure_grant_findings_base, which groups every role assignment of every subscription.
-- A filter on one account or identity cannot reach below that grouping, so each read evaluated
-- all assignments: at 10,000 mixed identities, 170 to 360 ms at p95 for a read that returned no
-- row. Stored at refresh, with indexes on its readers' filters, the relation keeps its name,
-- columns and rows.

CREATE TEMP TABLE grant_findings_base_dependents ON COMMIT DROP AS
SELECT ciem.dependent_view_ddl('ciem.azure_grant_findings_base') AS statements;

CREATE TEMP TABLE grant_findings_base_definition ON COMMIT DROP AS
SELECT rtrim(pg_get_viewdef('ciem.azure_grant_findings_base'::regclass), ';') AS definition;

DROP VIEW ciem.azure_grant_findings_base CASCADE;

DO $$
BEGIN
    EXECUTE format('CREATE MATERIALIZED VIEW ciem.azure_grant_findings_base AS %s WITH NO DATA',
                   (SELECT definition FROM grant_findings_base_definition));
END
$$;

-- The view groups by assignment, role and identity, so the three are unique together. REFRESH
-- CONCURRENTLY needs such an index.
CREATE UNIQUE INDEX azure_grant_findings_base_key ON ciem.azure_grant_findings_base (grant_id, role_id, identity_id);
CREATE INDEX azure_grant_findings_base_account ON ciem.azure_grant_findings_base (account_id);
CREATE INDEX azure_grant_findings_base_identity ON ciem.azure_grant_findings_base (identity_id);

COMMENT ON MATERIALIZED VIEW ciem.azure_grant_findings_base IS
    'One row per Azure role assignment (and classic administrator role) with what its role allows and the evidence the findings show; an assignment above a subscription appears once, on the first subscription it reaches. Stored at each ciem.refresh().';

SELECT ciem.execute_statements((SELECT statements FROM grant_findings_base_dependents));

-- After ciem.azure_effective_permissions (710), which it reads through azure_grant_privileges, and before the compliance results
-- (790, 800) and the findings (1000).
INSERT INTO ciem.refresh_relations (position, relation_name) VALUES (720, 'azure_grant_findings_base');
