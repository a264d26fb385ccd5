-- Service control policies. CloudQuery's open AWS tables hold SCP documents and the
-- organisation tree, but not where each SCP is attached (no ListTargetsForPolicy call), so the
-- attachments live in ciem.aws_scp_targets, which users fill (for example from
-- `aws organizations list-targets-for-policy`).

CREATE TABLE ciem.aws_scp_targets (
    policy_id text NOT NULL,
    target_id text NOT NULL,
    PRIMARY KEY (policy_id, target_id)
);

COMMENT ON TABLE ciem.aws_scp_targets IS
    'One row per SCP attachment: policy_id (p-...) attached to target_id, an organisation root (r-...), OU (ou-...) or account id. Users fill it; SCPs are evaluated only for accounts under a root that has at least one row here.';

-- One row per node between an account and its organisation root: the account itself (depth 0),
-- each OU above it, and the root. AWS requires every one of these levels to allow an action
-- (IAM User Guide, "Policy evaluation logic": SCPs).
CREATE VIEW ciem.aws_account_org_path AS
WITH RECURSIVE parents AS (
    SELECT id, parent_id FROM ciem.stg_aws_organizations_account_parents
    UNION
    SELECT id, parent_id FROM ciem.stg_aws_organizations_organizational_unit_parents
),
path (account_id, node_id, depth) AS (
    SELECT a.id, a.id, 0 FROM ciem.stg_aws_organizations_accounts a
    UNION ALL
    SELECT path.account_id, parents.parent_id, path.depth + 1
      FROM path
      JOIN parents ON parents.id = path.node_id
     WHERE path.depth < 20
)
SELECT DISTINCT account_id, node_id, depth FROM path;

COMMENT ON VIEW ciem.aws_account_org_path IS
    'One row per organisation node on the path from an account (depth 0) through its OUs to the root.';

-- Accounts whose requests SCPs filter: members of an organisation whose root has SCP
-- attachments in ciem.aws_scp_targets. The management account is never restricted by SCPs (AWS
-- Organizations User Guide, "Service control policies").
CREATE VIEW ciem.aws_scp_governed_accounts AS
SELECT p.account_id, count(*)::integer AS level_count
  FROM ciem.aws_account_org_path p
 WHERE EXISTS (
        SELECT 1
          FROM ciem.aws_account_org_path root
          JOIN ciem.aws_scp_targets t ON t.target_id = root.node_id
         WHERE root.account_id = p.account_id
           AND root.node_id LIKE 'r-%')
   AND NOT EXISTS (SELECT 1 FROM ciem.stg_aws_organizations o WHERE o.master_account_id = p.account_id)
 GROUP BY p.account_id;

COMMENT ON VIEW ciem.aws_scp_governed_accounts IS
    'One row per account that SCPs restrict, with the number of organisation levels (account, OUs, root) that must each allow an action.';
