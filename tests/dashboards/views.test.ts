// The views and functions of migration 0023, which the dashboards read, on the demo organisation, queried as the
// read-only role.
import { readFileSync } from 'node:fs';
import path from 'node:path';

import { demoAccounts } from '../../cli/demo/organisation';
import { repositoryRoot } from '../support/paths';
import { useDashboardDatabase } from './support';

const { management, production, development } = demoAccounts;
const alice = `arn:aws:iam::${management}:user/alice.admin`;
const administrators = `arn:aws:iam::${management}:group/Administrators`;
const erin = `arn:aws:iam::${development}:user/erin.dev`;
const productionAccessRole = `arn:aws:iam::${production}:role/OrganizationAccountAccessRole`;

const database = useDashboardDatabase({ realExports: false });

async function rowsOf<T>(sql: string, values: unknown[] = []): Promise<T[]> {
  return (await database().reader.query(sql, values)).rows as T[];
}

describe('ciem.suggested_policy', () => {
  // Migration 0023 evaluates only the actions of the used services; the function of 0016 evaluated every action and
  // then dropped the others. Both are compared on every demo identity with last accessed information, errors included.
  beforeAll(async () => {
    const migration = readFileSync(path.join(repositoryRoot, 'sql-views', '0016_unused_access.sql'), 'utf8');
    const start = migration.indexOf('CREATE FUNCTION ciem.suggested_policy(');
    const end = migration.indexOf('$$;', start) + '$$;'.length;
    await database().db.client.query('CREATE SCHEMA migration_0016');
    await database().db.client.query(
      migration.slice(start, end).replace('CREATE FUNCTION ciem.', 'CREATE FUNCTION migration_0016.')
    );
    await database().db.client.query('GRANT USAGE ON SCHEMA migration_0016 TO PUBLIC');
  });

  // The function of 0016 takes close to a second for each admin-equivalent identity.
  test('returns what the function of migration 0016 returned', async () => {
    const identities = await rowsOf<{ identity_arn: string }>(
      'SELECT DISTINCT identity_arn FROM ciem.aws_service_last_accessed ORDER BY identity_arn'
    );
    expect(identities.length).toBeGreaterThan(5);

    const outcome = async (schema: string, arn: string) => {
      try {
        return {
          policy: (await rowsOf<{ policy: unknown }>(`SELECT ${schema}.suggested_policy($1) AS policy`, [arn]))[0]
            .policy,
        };
      } catch (error) {
        return { error: (error as Error).message };
      }
    };
    const differences: string[] = [];
    let policies = 0;
    for (const { identity_arn: arn } of identities) {
      const [before, now] = [await outcome('migration_0016', arn), await outcome('ciem', arn)];
      policies += 'policy' in now ? 1 : 0;
      if (JSON.stringify(before) !== JSON.stringify(now)) {
        differences.push(`${arn}: 0016 ${JSON.stringify(before)}, now ${JSON.stringify(now)}`);
      }
    }

    expect(differences).toEqual([]);
    expect(policies).toBeGreaterThan(2);
  }, 120_000);
});

describe('ciem.suggested_policy_or_reason', () => {
  test('returns the policy of a user that used services', async () => {
    const [row] = await rowsOf<{ policy: { Version: string }; reason: string | null }>(
      'SELECT * FROM ciem.suggested_policy_or_reason($1)',
      [alice]
    );

    expect(row.policy.Version).toBe('2012-10-17');
    expect(row.reason).toBeNull();
  });

  test.each([
    [administrators, /is a group; policies are suggested for IAM users and roles\. Ask for each member user instead/],
    [
      'arn:aws:iam::111122223333:user/nobody',
      /identity arn:aws:iam::111122223333:user\/nobody not found\. List the IAM users and roles/,
    ],
  ])('gives the reason for %s', async (arn, reason) => {
    const rows = await rowsOf<{ policy: unknown; reason: string }>(
      'SELECT * FROM ciem.suggested_policy_or_reason($1)',
      [arn]
    );

    expect(rows).toEqual([{ policy: null, reason: expect.stringMatching(reason) }]);
  });
});

describe('ciem.identity_policies', () => {
  test("lists a user's group policies with the group", async () => {
    const rows = await rowsOf(
      'SELECT policy_name, policy_type, via, group_arn FROM ciem.identity_policies WHERE identity_arn = $1 ORDER BY policy_name',
      [alice]
    );

    expect(rows).toEqual([
      { policy_name: 'AdministratorAccess', policy_type: 'aws_managed', via: 'group', group_arn: administrators },
      { policy_name: 'RequireMfa', policy_type: 'inline', via: 'group', group_arn: administrators },
    ]);
  });

  test("lists a group's own policies", async () => {
    const rows = await rowsOf(
      'SELECT policy_name, policy_type, via FROM ciem.identity_policies WHERE identity_arn = $1 ORDER BY policy_name',
      [administrators]
    );

    expect(rows).toEqual([
      { policy_name: 'AdministratorAccess', policy_type: 'aws_managed', via: 'direct' },
      { policy_name: 'RequireMfa', policy_type: 'inline', via: 'direct' },
    ]);
  });

  test('lists a permissions boundary', async () => {
    const rows = await rowsOf(
      'SELECT policy_name, policy_type, via, document_missing FROM ciem.identity_policies WHERE identity_arn = $1 ORDER BY via, policy_name',
      [erin]
    );

    expect(rows).toEqual([
      { policy_name: 'DeveloperBoundary', policy_type: 'customer_managed', via: 'boundary', document_missing: false },
      { policy_name: 'DeveloperAccess', policy_type: 'customer_managed', via: 'group', document_missing: false },
      { policy_name: 'RequireMfa', policy_type: 'inline', via: 'group', document_missing: false },
    ]);
  });
});

test('ciem.group_memberships lists the members of a group', async () => {
  const rows = await rowsOf('SELECT user_arn, user_name, group_name FROM ciem.group_memberships WHERE group_arn = $1', [
    administrators,
  ]);

  expect(rows).toEqual([{ user_arn: alice, user_name: 'alice.admin', group_name: 'Administrators' }]);
});

describe('ciem.identity_trusts', () => {
  test('lists the roles a user can assume', async () => {
    const rows = await rowsOf<{ other_principal: string }>(
      "SELECT other_principal, classification FROM ciem.identity_trusts WHERE identity_arn = $1 AND direction = 'can_assume' ORDER BY 1",
      [alice]
    );

    expect(rows).toContainEqual({ other_principal: productionAccessRole, classification: 'external' });
  });

  test('lists the principals a role trusts', async () => {
    const rows = await rowsOf(
      "SELECT other_principal, other_account_id, effect, grants_access FROM ciem.identity_trusts WHERE identity_arn = $1 AND direction = 'assumable_by'",
      [productionAccessRole]
    );

    expect(rows).toEqual([
      {
        other_principal: `arn:aws:iam::${management}:root`,
        other_account_id: management,
        effect: 'Allow',
        grants_access: true,
      },
    ]);
  });
});

describe('ciem.identity_service_permissions', () => {
  test('grants an administrator every service of the catalogue', async () => {
    const [granted] = await rowsOf<{ services: number }>(
      'SELECT count(*)::integer AS services FROM ciem.identity_service_permissions WHERE identity_arn = $1',
      [alice]
    );
    const [catalogue] = await rowsOf<{ services: number }>(
      'SELECT count(DISTINCT service)::integer AS services FROM ciem.aws_actions'
    );

    expect(granted.services).toBe(catalogue.services);
  });

  test('takes the riskiest granted level as the access level', async () => {
    const rows = await rowsOf(
      'SELECT service FROM ciem.identity_service_permissions WHERE access_level IS DISTINCT FROM access_levels[1] OR cardinality(access_levels) = 0'
    );

    expect(rows).toEqual([]);
  });

  test('marks granted services unused as the service usage does', async () => {
    const rows = await rowsOf(
      `SELECT p.identity_arn, p.service, p.unused, u.usage
         FROM ciem.identity_service_permissions p
         LEFT JOIN ciem.service_usage u ON u.identity_arn = p.identity_arn AND u.service = p.service
        WHERE p.unused IS DISTINCT FROM (CASE WHEN u.usage IN ('unused', 'not_used') THEN true WHEN u.usage = 'used' THEN false END)`
    );
    const [marked] = await rowsOf<{ unused: number }>(
      'SELECT count(*)::integer AS unused FROM ciem.identity_service_permissions WHERE unused'
    );

    expect(rows).toEqual([]);
    expect(marked.unused).toBeGreaterThan(0);
  });
});

describe('ciem.identity_overview', () => {
  test('counts the open findings of an identity by severity', async () => {
    const [overview] = await rowsOf<Record<string, unknown>>(
      'SELECT * FROM ciem.identity_overview WHERE identity_arn = $1',
      [alice]
    );
    const counts = await rowsOf<{ severity: string; count: number }>(
      'SELECT severity, count(*)::integer AS count FROM ciem.findings WHERE identity_arn = $1 AND NOT suppressed GROUP BY severity',
      [alice]
    );
    const expected = Object.fromEntries(
      ['critical', 'high', 'medium', 'low', 'info'].map((severity) => [
        `${severity}_findings`,
        counts.find((row) => row.severity === severity)?.count ?? 0,
      ])
    );

    expect(overview).toMatchObject({
      identity_type: 'user',
      is_admin_equivalent: true,
      activity_status: 'active',
      ...expected,
    });
  });

  test('has one row per identity', async () => {
    const [counts] = await rowsOf<{ overview: number; identities: number }>(
      'SELECT (SELECT count(*)::integer FROM ciem.identity_overview) AS overview, (SELECT count(*)::integer FROM ciem.identities) AS identities'
    );

    expect(counts.overview).toBe(counts.identities);
  });
});

test('ciem.account_overview counts as the findings and compliance results do', async () => {
  const rows = await rowsOf(
    `SELECT a.account_id
       FROM ciem.account_overview(ARRAY(SELECT DISTINCT account_id FROM ciem.identities)) a
      WHERE a.identities <> (SELECT count(*) FROM ciem.identities i WHERE i.account_id = a.account_id)
         OR a.admin_equivalent <> (SELECT count(*) FROM ciem.findings f WHERE f.account_id = a.account_id AND f.category = 'admin_equivalent' AND NOT f.suppressed)
         OR a.escalation_paths <> (SELECT count(*) FROM ciem.findings f WHERE f.account_id = a.account_id AND f.category = 'privilege_escalation' AND NOT f.suppressed)
         OR a.compliance_pass_rate IS DISTINCT FROM (
              SELECT round(100.0 * count(*) FILTER (WHERE r.status = 'pass') / nullif(count(*) FILTER (WHERE r.status IN ('pass', 'fail')), 0), 1)
                FROM ciem.compliance_results r WHERE r.account_id = a.account_id)`
  );
  const [accounts] = await rowsOf<{ count: number }>(
    'SELECT count(*)::integer AS count FROM ciem.account_overview(ARRAY[$1, $2])',
    [management, 'not-an-account']
  );

  expect(rows).toEqual([]);
  expect(accounts.count).toBe(1);
});

describe('ciem.over_privileged_findings', () => {
  test('holds the findings of ciem.findings in its categories, suppressions included', async () => {
    const [suppressed] = await rowsOf<{ finding_id: string }>(
      "SELECT finding_id FROM ciem.findings WHERE category = 'privilege_escalation' ORDER BY finding_id LIMIT 1"
    );
    await database().db.client.query(
      "INSERT INTO ciem.suppressions (finding_id, reason) VALUES ($1, 'accepted for the test')",
      [suppressed.finding_id]
    );
    try {
      const differences = await rowsOf(
        `(SELECT finding_id, severity, suppressed, suppression_reason, last_seen FROM ciem.over_privileged_findings
          EXCEPT SELECT finding_id, severity, suppressed, suppression_reason, last_seen FROM ciem.findings)
         UNION ALL
         (SELECT finding_id, severity, suppressed, suppression_reason, last_seen FROM ciem.findings
           WHERE category IN ('admin_equivalent', 'privilege_escalation', 'data_exfiltration', 'credentials_exposure', 'resource_exposure', 'infrastructure_modification')
          EXCEPT SELECT finding_id, severity, suppressed, suppression_reason, last_seen FROM ciem.over_privileged_findings)`
      );
      const marked = await rowsOf('SELECT suppressed FROM ciem.over_privileged_findings WHERE finding_id = $1', [
        suppressed.finding_id,
      ]);

      expect(differences).toEqual([]);
      expect(marked).toEqual([{ suppressed: true }]);
    } finally {
      await database().db.client.query('DELETE FROM ciem.suppressions WHERE finding_id = $1', [suppressed.finding_id]);
    }
  });

  test('names the granting policies of an admin, not its conditional denies', async () => {
    const rows = await rowsOf(
      'SELECT category, method, granting_policies FROM ciem.over_privileged_findings WHERE identity_arn = $1',
      [alice]
    );

    expect(rows).toEqual([
      {
        category: 'admin_equivalent',
        method: 'every action on every resource',
        granting_policies: ['AdministratorAccess'],
      },
    ]);
  });

  test('names the escalation method and the allowing policies', async () => {
    const instanceRole = `arn:aws:iam::${development}:role/dev-ec2-instance`;
    const rows = await rowsOf<{ method: string; granting_policies: string[] }>(
      "SELECT o.method, o.granting_policies FROM ciem.over_privileged_findings o WHERE o.identity_arn = $1 AND o.category = 'privilege_escalation'",
      [instanceRole]
    );
    const [methods] = await rowsOf<{ methods: string[] }>(
      "SELECT array_agg(r.finding_key ORDER BY r.finding_key) AS methods FROM ciem.finding_records r WHERE r.identity_arn = $1 AND r.category = 'privilege_escalation' AND r.resolved_at IS NULL",
      [instanceRole]
    );

    expect(rows.map((row) => row.method).sort()).toEqual(methods.methods);
    expect(rows.filter((row) => row.granting_policies.join() !== 'DeveloperAccess')).toEqual([]);
  });
});

test('ciem.compliance_trends holds the snapshot of the demo', async () => {
  const [row] = await rowsOf<{ snapshots: number; rows: number }>(
    'SELECT count(DISTINCT "time")::integer AS snapshots, count(*)::integer AS rows FROM ciem.compliance_trends'
  );

  expect(row.snapshots).toBe(1);
  expect(row.rows).toBeGreaterThan(0);
});
