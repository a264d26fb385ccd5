-- What the readers of Kubernetes, Google Cloud and Azure data parsed or evaluated on every read,
-- stored at ciem.refresh() as AWS stores its own. Every relation keeps its name, columns and rows.
--
-- The mixed-cloud bench (`npm run bench -- --clouds aws,kubernetes,gcp,azure`) at 10,000
-- identities found reads above 200 ms. ciem.compliance_summary took 0.3 to 0.46 s for one
-- account and 1.5 s read whole, because ciem.compliance_results evaluated the Kubernetes, Google
-- Cloud and Azure controls live. The Azure controls spent most of that time parsing every role
-- definition with ciem.azure_properties. The Identities page search took 0.53 s; at 3,000
-- identities, 117 ms of a 408 ms search went to ciem.azure_role_assignments parsing the
-- properties of every assignment.
--
-- 1. ciem.azure_role_assignments and ciem.azure_role_definitions become materialised views.
-- 2. ciem.k8s_compliance_results, ciem.gcp_compliance_results and ciem.azure_compliance_results
--    become tables that ciem.refresh_cloud_compliance_results() fills from the live evaluations,
--    kept as views named *_compliance_evaluation. They are tables because REFRESH CONCURRENTLY
--    needs a unique index, and no column set of these results is unique by construction. A plain
--    REFRESH would lock the dashboards out until ciem.refresh() commits.

-- Replaces a view with a materialised view of the same name and columns or, given p_evaluation,
-- with a table that a refresh step fills from the view's query, kept as the view p_evaluation.
-- The views and materialised views that read the replaced view are created again.
CREATE FUNCTION pg_temp.store_view(p_view text, p_evaluation text) RETURNS void
LANGUAGE plpgsql
AS $$
DECLARE
    dependents text[] := ciem.dependent_view_ddl(p_view::regclass);
    definition text   := rtrim(pg_get_viewdef(p_view::regclass), ';');
BEGIN
    EXECUTE format('DROP VIEW %s CASCADE', p_view);
    IF p_evaluation IS NULL THEN
        EXECUTE format('CREATE MATERIALIZED VIEW %s AS %s WITH NO DATA', p_view, definition);
    ELSE
        EXECUTE format('CREATE VIEW %s AS %s', p_evaluation, definition);
        EXECUTE format('CREATE TABLE %s AS SELECT * FROM %s WITH NO DATA', p_view, p_evaluation);
    END IF;
    PERFORM ciem.execute_statements(dependents);
END
$$;

-- 1. Azure role assignments and role definitions, parsed once per refresh ----------------------

SELECT pg_temp.store_view('ciem.azure_role_assignments', NULL);

-- The view's DISTINCT ON keeps one row per subscription and lower-cased assignment id, so the
-- assignment id as written is unique in its subscription too.
CREATE UNIQUE INDEX azure_role_assignments_key ON ciem.azure_role_assignments (account_id, assignment_id);
CREATE INDEX azure_role_assignments_principal ON ciem.azure_role_assignments (principal_id, account_id);
CREATE INDEX azure_role_assignments_role ON ciem.azure_role_assignments (role_guid);

COMMENT ON MATERIALIZED VIEW ciem.azure_role_assignments IS
    'One row per subscription and role assignment that applies to it (at the subscription, below it, or at a management group or the root scope above it), with the principal, role GUID, scope, condition and creation metadata. Parsed from azure_authorization_role_assignments at each ciem.refresh().';

SELECT pg_temp.store_view('ciem.azure_role_definitions', NULL);

CREATE UNIQUE INDEX azure_role_definitions_key ON ciem.azure_role_definitions (account_id, role_guid);
CREATE INDEX azure_role_definitions_role ON ciem.azure_role_definitions (role_guid);

COMMENT ON MATERIALIZED VIEW ciem.azure_role_definitions IS
    'One row per subscription and role definition listed for it: role_guid (the role ID, the same for a built-in role in every subscription and cloud), name, BuiltInRole or CustomRole, assignable scopes and the permission blocks (actions, notActions, dataActions, notDataActions). Parsed from azure_authorization_role_definitions at each ciem.refresh().';

-- NOTE: ciem.azure_managed_identities and ciem.azure_classic_administrators still parse their
-- JSON on every read of ciem.identities. With them, the bench's search at 3,000 identities took
-- 28 ms.

-- Before every relation that reads them, through ciem.identities among others. They read only
-- CloudQuery's tables.
INSERT INTO ciem.refresh_relations (position, relation_name) VALUES
    (580, 'azure_role_assignments'),
    (585, 'azure_role_definitions');

-- 2. Compliance results of the other clouds, evaluated once per refresh ------------------------

SELECT pg_temp.store_view('ciem.k8s_compliance_results', 'ciem.k8s_compliance_evaluation');
SELECT pg_temp.store_view('ciem.gcp_compliance_results', 'ciem.gcp_compliance_evaluation');
SELECT pg_temp.store_view('ciem.azure_compliance_results', 'ciem.azure_compliance_evaluation');

-- ciem.compliance_summary and the Compliance dashboard read one account's results.
CREATE INDEX k8s_compliance_results_account ON ciem.k8s_compliance_results (account_id, status);
CREATE INDEX gcp_compliance_results_account ON ciem.gcp_compliance_results (account_id, status);
CREATE INDEX azure_compliance_results_account ON ciem.azure_compliance_results (account_id, status);

COMMENT ON VIEW ciem.k8s_compliance_evaluation IS
    'CIS Kubernetes Benchmark v1.9.0 section 5.1 evaluated from the current data, as ciem.refresh() stores it in ciem.k8s_compliance_results.';
COMMENT ON VIEW ciem.gcp_compliance_evaluation IS
    'CIS Google Cloud Platform Foundation Benchmark v3.0.0 section 1 evaluated from the current data, as ciem.refresh() stores it in ciem.gcp_compliance_results.';
COMMENT ON VIEW ciem.azure_compliance_evaluation IS
    'CIS Microsoft Azure Foundations Benchmark v5.0.0 section 5 evaluated from the current data, as ciem.refresh() stores it in ciem.azure_compliance_results.';

COMMENT ON TABLE ciem.k8s_compliance_results IS
    'One row per CIS Kubernetes Benchmark v1.9.0 section 5.1 control and resource judged (a binding, role, default service account or the whole cluster): pass, fail, or unknown when the tables the control needs hold nothing for the cluster. Columns as ciem.compliance_results. Written by each ciem.refresh() from ciem.k8s_compliance_evaluation.';
COMMENT ON TABLE ciem.gcp_compliance_results IS
    'One row per decidable control of CIS Google Cloud Platform Foundation Benchmark v3.0.0 section 1 and resource judged, in the columns of ciem.compliance_results: status pass, fail or unknown (evidence.missing says what is absent). account_id is the project id, or folders/N or organizations/N for 1.1. Written by each ciem.refresh() from ciem.gcp_compliance_evaluation.';
COMMENT ON TABLE ciem.azure_compliance_results IS
    'One row per decidable CIS Microsoft Azure Foundations Benchmark v5.0.0 control and resource judged (a subscription or a custom role definition), with the columns of ciem.compliance_results: status pass, fail, or unknown when the table needed has no rows for the subscription (evidence.missing). Written by each ciem.refresh() from ciem.azure_compliance_evaluation.';

-- DELETE and INSERT take row locks only, so the dashboards keep reading the previous results until
-- the refresh commits.
CREATE FUNCTION ciem.refresh_cloud_compliance_results() RETURNS integer
LANGUAGE plpgsql
AS $$
DECLARE
    written integer;
    total   integer := 0;
BEGIN
    DELETE FROM ciem.k8s_compliance_results;
    INSERT INTO ciem.k8s_compliance_results SELECT * FROM ciem.k8s_compliance_evaluation;
    GET DIAGNOSTICS written = ROW_COUNT;
    total := total + written;

    DELETE FROM ciem.gcp_compliance_results;
    INSERT INTO ciem.gcp_compliance_results SELECT * FROM ciem.gcp_compliance_evaluation;
    GET DIAGNOSTICS written = ROW_COUNT;
    total := total + written;

    DELETE FROM ciem.azure_compliance_results;
    INSERT INTO ciem.azure_compliance_results SELECT * FROM ciem.azure_compliance_evaluation;
    GET DIAGNOSTICS written = ROW_COUNT;
    total := total + written;

    ANALYZE ciem.k8s_compliance_results;
    ANALYZE ciem.gcp_compliance_results;
    ANALYZE ciem.azure_compliance_results;
    RETURN total;
END
$$;

COMMENT ON FUNCTION ciem.refresh_cloud_compliance_results() IS
    'Writes ciem.k8s_compliance_results, ciem.gcp_compliance_results and ciem.azure_compliance_results from their evaluations and returns the number of rows; ciem.refresh() calls it.';

-- After the relations the evaluations read (600 to 749) and before the AWS results (800).
INSERT INTO ciem.refresh_relations (position, relation_name) VALUES (790, 'refresh_cloud_compliance_results');
