-- The effective permissions of one Kubernetes, Google Cloud or Azure identity as a tree, for the
-- Identity page of the Grafana app. The page reads a count per group of permissions first: a
-- Google Cloud service, an Azure resource provider, a Kubernetes API group and resource. Then it
-- reads the permissions of the group a user expands. AWS identities have their own tree
-- (migration 0022), because their engine decides each action of the catalogue.
--
-- An identity is named by cloud and identity_id. A Kubernetes id such as User:alice repeats across
-- clusters and names unrelated subjects, so the page passes the cluster as p_account_id. A Google
-- Cloud member or an Azure principal is one account of its directory in every project or
-- subscription that grants it a role, so the page passes no account and reads them all.

-- Raises unless the identity is in ciem.identities or ciem.cloud_effective_permissions. Both are
-- read because a Google Cloud group bound on a folder has its permissions under each project below
-- the folder, not under the folder that ciem.identities names.
CREATE FUNCTION ciem.assert_cloud_identity(p_cloud text, p_identity_id text, p_account_id text DEFAULT NULL)
RETURNS void
LANGUAGE plpgsql STABLE
AS $$
BEGIN
    IF p_cloud = 'aws' THEN
        RAISE EXCEPTION 'cloud aws is not supported here: the policy engine decides AWS permissions'
            USING HINT = 'Use ciem.identity_permission_summary(arn) and ciem.identity_service_actions(arn, service, access_level).';
    END IF;

    IF p_cloud IS NULL OR p_cloud NOT IN ('kubernetes', 'gcp', 'azure') THEN
        RAISE EXCEPTION 'cloud % is not kubernetes, gcp or azure', coalesce(quote_literal(p_cloud), 'NULL')
            USING HINT = 'Use the cloud column of ciem.identities.';
    END IF;

    IF EXISTS (SELECT 1 FROM ciem.identities i
                WHERE i.cloud = p_cloud AND i.identity_id = p_identity_id
                  AND (p_account_id IS NULL OR i.account_id = p_account_id))
       OR EXISTS (SELECT 1 FROM ciem.cloud_effective_permissions e
                   WHERE e.cloud = p_cloud AND e.identity_id = p_identity_id
                     AND (p_account_id IS NULL OR e.account_id = p_account_id)) THEN
        RETURN;
    END IF;

    IF p_account_id IS NULL THEN
        RAISE EXCEPTION '% identity % not found', p_cloud, coalesce(p_identity_id, 'NULL')
            USING HINT = 'Use an identity_id of ciem.identities with this cloud. Run openciem refresh after a sync.';
    END IF;

    RAISE EXCEPTION '% identity % not found in account %', p_cloud, coalesce(p_identity_id, 'NULL'), p_account_id
        USING HINT = 'Use an identity_id and account_id of ciem.identities with this cloud, or pass NULL as the account to search every account. Run openciem refresh after a sync.';
END
$$;

COMMENT ON FUNCTION ciem.assert_cloud_identity(text, text, text) IS
    'Raises an error that names the value unless the cloud is kubernetes, gcp or azure and the identity is in ciem.identities or ciem.cloud_effective_permissions (in the account, when one is given).';

-- Each effective permission of the identity with the group the tree files it under. The rows are
-- those of ciem.cloud_effective_permissions, read from each cloud's own relation for the columns
-- that name the group and for the detail only that cloud has. The function is one SELECT, so
-- PostgreSQL inlines it into the queries of the tree functions. A summary then computes no detail,
-- and a group's filter reaches each cloud's relation. It returns no rows for an unknown identity,
-- because the tree functions check the identity first.
CREATE FUNCTION ciem.cloud_permission_entries(p_cloud text, p_identity_id text, p_account_id text DEFAULT NULL)
RETURNS TABLE (
    permission_group text,
    group_key text,
    permission text,
    account_id text,
    scope_type text,
    scope text,
    decision text,
    granted_by jsonb,
    detail jsonb
)
LANGUAGE sql STABLE
AS $$
-- Kubernetes: the API group and resource, core for the group written "", and subresources such as
-- pods/exec under their resource. Non-resource URLs (/healthz) have neither.
SELECT g.permission_group, g.permission_group, e.permission, e.account_id, e.scope_type, e.scope, e.decision,
       e.granted_by,
       jsonb_build_object('verb', e.verb, 'api_group', e.api_group, 'resource', e.resource,
                          'non_resource_url', e.non_resource_url, 'resource_names', to_jsonb(e.resource_names))
  FROM ciem.k8s_effective_permissions e
 CROSS JOIN LATERAL (
        SELECT CASE WHEN e.non_resource_url IS NOT NULL THEN 'non-resource URLs'
                    ELSE coalesce(nullif(e.api_group, ''), 'core') || '/' || split_part(e.resource, '/', 1)
               END AS permission_group
       ) g
 WHERE p_cloud = 'kubernetes'
   AND e.identity_id = p_identity_id
   AND (p_account_id IS NULL OR e.account_id = p_account_id)
UNION ALL
-- Google Cloud: the service of the IAM v1 permission name, storage for storage.buckets.get.
SELECT split_part(e.permission, '.', 1), split_part(e.permission, '.', 1), e.permission, e.account_id, e.scope_type,
       e.scope, e.decision, e.granted_by,
       jsonb_build_object('denied_by', e.denied_by, 'membership_dependent_denies', e.membership_dependent_denies,
                          'unread_deny_policies', to_jsonb(e.unread_deny_policies))
  FROM ciem.gcp_effective_permissions e
 WHERE p_cloud = 'gcp'
   AND e.identity_id = p_identity_id
   AND (p_account_id IS NULL OR e.account_id = p_account_id)
UNION ALL
-- Azure: the resource provider, Microsoft.Compute for Microsoft.Compute/virtualMachines/read, and
-- * for * and */read. Azure compares operations without case, so the key is in lower case.
-- granted_by is one object here, because each row is one assignment. The array gives it the shape
-- of the other clouds.
SELECT split_part(e.permission, '/', 1), lower(split_part(e.permission, '/', 1)), e.permission, e.account_id,
       e.scope_type, e.scope, e.decision, jsonb_build_array(e.granted_by),
       jsonb_build_object('is_data_action', e.is_data_action,
                          'excluded_permissions', to_jsonb(e.excluded_permissions), 'inherited_by', e.inherited_by)
  FROM ciem.azure_effective_permissions e
 WHERE p_cloud = 'azure'
   AND e.identity_id = p_identity_id
   AND (p_account_id IS NULL OR e.account_id = p_account_id);
$$;

COMMENT ON FUNCTION ciem.cloud_permission_entries(text, text, text) IS
    'Effective permissions of one Kubernetes, Google Cloud or Azure identity (in one account, or every account when p_account_id is NULL; no rows for an unknown identity), with permission_group: the Kubernetes API group and resource (core/pods, apps/deployments, non-resource URLs), the Google Cloud service (storage) or the Azure resource provider (Microsoft.Compute). group_key is the group as ciem.cloud_permission_nodes compares it. granted_by is an array of the grants; detail holds what only the cloud has.';

-- npm run bench -- --clouds times ciem.cloud_permission_summary as the Identity page reads it.
CREATE FUNCTION ciem.cloud_permission_summary(p_cloud text, p_identity_id text, p_account_id text DEFAULT NULL)
RETURNS TABLE (
    permission_group text,
    permissions integer,
    allowed integer,
    conditional integer,
    denied integer,
    scopes integer
)
LANGUAGE sql STABLE
AS $$
SELECT ciem.assert_cloud_identity(p_cloud, p_identity_id, p_account_id);

SELECT min(e.permission_group),
       count(DISTINCT e.permission)::integer,
       count(DISTINCT e.permission) FILTER (WHERE e.decision = 'allowed')::integer,
       count(DISTINCT e.permission) FILTER (WHERE e.decision = 'conditional')::integer,
       count(DISTINCT e.permission) FILTER (WHERE e.decision = 'denied')::integer,
       count(DISTINCT (e.account_id, e.scope))::integer
  FROM ciem.cloud_permission_entries(p_cloud, p_identity_id, p_account_id) e
 GROUP BY e.group_key
 ORDER BY e.group_key;
$$;

COMMENT ON FUNCTION ciem.cloud_permission_summary(text, text, text) IS
    'First level of the Identity page''s tree for a Kubernetes, Google Cloud or Azure identity: one row per permission group with the number of distinct permissions, and of those allowed, conditional or denied at some scope (a permission allowed in one project and denied in another counts in both), and the number of scopes. Raises for an unknown identity.';

CREATE FUNCTION ciem.cloud_permission_nodes(p_cloud text, p_identity_id text, p_permission_group text,
                                            p_account_id text DEFAULT NULL)
RETURNS TABLE (
    permission text,
    account_id text,
    scope_type text,
    scope text,
    decision text,
    granted_by jsonb,
    detail jsonb
)
LANGUAGE sql STABLE
AS $$
SELECT ciem.assert_cloud_identity(p_cloud, p_identity_id, p_account_id);

SELECT e.permission, e.account_id, e.scope_type, e.scope, e.decision, e.granted_by, e.detail
  FROM ciem.cloud_permission_entries(p_cloud, p_identity_id, p_account_id) e
 WHERE e.group_key = CASE WHEN p_cloud = 'azure' THEN lower(p_permission_group) ELSE p_permission_group END
 ORDER BY e.permission, e.account_id, e.scope_type, e.scope, e.granted_by::text;
$$;

COMMENT ON FUNCTION ciem.cloud_permission_nodes(text, text, text, text) IS
    'Second level of the Identity page''s tree: the effective permissions of one permission group of a Kubernetes, Google Cloud or Azure identity, each at its account and scope with its decision, the grants behind it and the detail of its cloud. A group the identity has no permission in returns no rows; an unknown identity raises.';
