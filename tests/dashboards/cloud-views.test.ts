// The functions and views of migration 0030, which let the dashboards filter by cloud, on the demo organisation
// (AWS, Kubernetes, Google Cloud and Azure), queried as the read-only role.
import { cpSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { migrate } from '../../cli/migrate/run';
import { createTestDatabase } from '../support/database';
import { repositoryRoot } from '../support/paths';
import { readDashboardFiles } from './grafana/dashboard-model';
import { useDashboardDatabase } from './support';

const database = useDashboardDatabase({ realExports: false });

async function rowsOf<T>(sql: string, values: unknown[] = []): Promise<T[]> {
  return (await database().reader.query(sql, values)).rows as T[];
}

describe('ciem.cloud_name and ciem.account_kind', () => {
  test.each([
    ['aws', '111122223333', 'AWS', 'AWS account'],
    ['kubernetes', 'acme-prod', 'Kubernetes', 'Kubernetes cluster'],
    ['gcp', 'acme-prod', 'Google Cloud', 'Google Cloud project'],
    ['gcp', 'folders/500600700800', 'Google Cloud', 'Google Cloud folder'],
    ['gcp', 'organizations/100200300400', 'Google Cloud', 'Google Cloud organization'],
    ['azure', '3f2504e0-4f89-41d3-9a0c-0305e82c3301', 'Azure', 'Azure subscription'],
  ])('name %s account %s', async (cloud, account, name, kind) => {
    const [row] = await rowsOf('SELECT ciem.cloud_name($1) AS name, ciem.account_kind($1, $2) AS kind', [
      cloud,
      account,
    ]);

    expect(row).toEqual({ name, kind });
  });
});

describe('ciem.cloud_account_overview', () => {
  const everything = `ciem.cloud_account_overview(ARRAY(SELECT DISTINCT cloud FROM ciem.identities),
                                                     ARRAY(SELECT DISTINCT account_id FROM ciem.identities))`;

  test('has one row per cloud and account with identities', async () => {
    const rows = await rowsOf<{ cloud: string; account_id: string }>(
      `SELECT cloud, account_id FROM ${everything} ORDER BY 1, 2`
    );
    const expected = await rowsOf('SELECT DISTINCT cloud, account_id FROM ciem.identities ORDER BY 1, 2');

    expect(rows).toEqual(expected);
    // The demo's Kubernetes context and one of its Google Cloud projects are both acme-prod.
    expect(rows.filter((row) => row.account_id === 'acme-prod').map((row) => row.cloud)).toEqual(['gcp', 'kubernetes']);
  });

  test('counts as the identities, findings and compliance results do', async () => {
    const rows = await rowsOf(
      `SELECT a.cloud, a.account_id
         FROM ${everything} a
        WHERE a.identities <> (SELECT count(*) FROM ciem.identities i WHERE i.cloud = a.cloud AND i.account_id = a.account_id)
           OR a.service_identities <> (SELECT count(*) FROM ciem.identities i WHERE i.cloud = a.cloud AND i.account_id = a.account_id
                                          AND i.identity_type IN ('service_account', 'service_principal', 'managed_identity'))
           OR a.admin_equivalent <> (SELECT count(*) FROM ciem.findings f WHERE f.cloud = a.cloud AND f.account_id = a.account_id
                                        AND f.category = 'admin_equivalent' AND NOT f.suppressed)
           OR a.open_findings <> (SELECT count(*) FROM ciem.findings f WHERE f.cloud = a.cloud AND f.account_id = a.account_id
                                     AND NOT f.suppressed)
           OR a.compliance_pass_rate IS DISTINCT FROM (
                SELECT round(100.0 * count(*) FILTER (WHERE r.status = 'pass') / nullif(count(*) FILTER (WHERE r.status IN ('pass', 'fail')), 0), 1)
                  FROM ciem.compliance_results r JOIN ciem.compliance_benchmarks b ON b.benchmark = r.benchmark
                 WHERE b.cloud = a.cloud AND r.account_id = a.account_id)`
    );
    const [totals] = await rowsOf<{ findings: number; clouds: number }>(
      `SELECT sum(open_findings)::integer AS findings, count(DISTINCT cloud)::integer AS clouds FROM ${everything}`
    );

    expect(rows).toEqual([]);
    expect(totals.clouds).toBe(4);
    expect(totals.findings).toBeGreaterThan(0);
  });

  test('reads only the given clouds', async () => {
    const rows = await rowsOf(
      "SELECT cloud, account_id, identities FROM ciem.cloud_account_overview(ARRAY['kubernetes'], ARRAY['acme-prod'])"
    );
    const [identities] = await rowsOf<{ count: number }>(
      "SELECT count(*)::integer AS count FROM ciem.identities WHERE cloud = 'kubernetes' AND account_id = 'acme-prod'"
    );

    expect(rows).toEqual([{ cloud: 'kubernetes', account_id: 'acme-prod', identities: identities.count }]);
  });
});

describe('ciem.over_privileged_findings of other clouds', () => {
  test('names a granting role for every finding of Kubernetes, Google Cloud and Azure', async () => {
    const rows = await rowsOf<{ cloud: string; count: number }>(
      "SELECT cloud, count(*)::integer AS count FROM ciem.over_privileged_findings WHERE cloud <> 'aws' AND cardinality(granting_policies) = 0 GROUP BY cloud"
    );
    const [findings] = await rowsOf<{ count: number }>(
      "SELECT count(*)::integer AS count FROM ciem.over_privileged_findings WHERE cloud <> 'aws'"
    );

    expect(rows).toEqual([]);
    expect(findings.count).toBeGreaterThan(0);
  });

  test('takes the Kubernetes escalation method and its role from the evidence', async () => {
    const rows = await rowsOf<{
      method: string;
      evidence_method: string;
      granting_policies: string[];
      roles: string[];
    }>(
      `SELECT o.method, o.evidence ->> 'method' AS evidence_method, o.granting_policies,
              ARRAY(SELECT DISTINCT g ->> 'role' FROM jsonb_array_elements(o.evidence -> 'permissions') p,
                                                     jsonb_array_elements(p -> 'granted_by') g ORDER BY 1) AS roles
         FROM ciem.over_privileged_findings o
        WHERE o.cloud = 'kubernetes' AND o.category = 'privilege_escalation' AND o.evidence ? 'method'`
    );

    expect(rows.length).toBeGreaterThan(0);
    expect(rows.filter((row) => row.method !== row.evidence_method)).toEqual([]);
    expect(rows.filter((row) => row.granting_policies.join() !== row.roles.join())).toEqual([]);
  });

  test('lists the Google Cloud permissions that reach service accounts', async () => {
    const rows = await rowsOf<{ method: string }>(
      "SELECT DISTINCT method FROM ciem.over_privileged_findings WHERE cloud = 'gcp' AND category = 'privilege_escalation' ORDER BY 1"
    );

    expect(rows.map((row) => row.method)).toContain('iam.serviceAccounts.actAs');
    expect(rows.every((row) => /^iam\.serviceAccount/.test(row.method))).toBe(true);
  });

  test('names the Azure role and the classic administrator role', async () => {
    const rows = await rowsOf<{ role: string }>(
      "SELECT DISTINCT unnest(granting_policies) AS role FROM ciem.over_privileged_findings WHERE cloud = 'azure' ORDER BY 1"
    );

    expect(rows.map((row) => row.role)).toEqual(
      expect.arrayContaining(['CoAdministrator', 'Owner', 'ServiceAdministrator'])
    );
  });

  test('calls an admin-equivalent identity of any cloud allowed everything', async () => {
    const rows = await rowsOf<{ cloud: string; method: string }>(
      "SELECT DISTINCT cloud, method FROM ciem.over_privileged_findings WHERE category = 'admin_equivalent' ORDER BY 1"
    );

    expect(rows).toEqual(
      ['aws', 'azure', 'gcp', 'kubernetes'].map((cloud) => ({ cloud, method: 'every action on every resource' }))
    );
  });
});

describe('ciem.cloud_trust_class_rank', () => {
  const classificationVariable = readDashboardFiles()
    .find(({ file }) => file === 'trust.json')
    ?.dashboard.templating?.list?.find((variable) => variable.name === 'classification');
  const offered = String(classificationVariable?.query ?? '').split(',');

  test('ranks and offers every trust class of the demo', async () => {
    const rows = await rowsOf<{ classification: string; rank: number | null }>(
      `SELECT c.classification, ciem.cloud_trust_class_rank(c.classification) AS rank
         FROM (SELECT classification FROM ciem.cross_account_trust
               UNION SELECT classification FROM ciem.cross_boundary_trust) c
        ORDER BY 1`
    );

    // Classes of AWS (service), Kubernetes (all_authenticated, other_namespace) and Google Cloud (google_managed).
    expect(rows.map((row) => row.classification)).toEqual(
      expect.arrayContaining(['all_authenticated', 'external', 'google_managed', 'other_namespace', 'service'])
    );
    expect(rows.filter((row) => row.rank === null)).toEqual([]);
    expect(rows.map((row) => row.classification).filter((classification) => !offered.includes(classification))).toEqual(
      []
    );
  });

  test('ranks every offered class, the public last', async () => {
    const rows = await rowsOf<{ classification: string; rank: number | null }>(
      'SELECT c AS classification, ciem.cloud_trust_class_rank(c) AS rank FROM unnest($1::text[]) c ORDER BY 2 DESC',
      [offered]
    );

    expect(rows.filter((row) => row.rank === null)).toEqual([]);
    expect(rows[0].classification).toBe('public');
    expect(new Set(rows.map((row) => row.rank)).size).toBe(offered.length);
  });
});

describe('ciem.compliance_trends', () => {
  test('records each benchmark apart, as the results count', async () => {
    const differences = await rowsOf(
      `WITH latest AS (SELECT max("time") AS "time" FROM ciem.compliance_trends),
            trend AS (SELECT t.benchmark, t.cloud, t.account_id, t.control_id, t.pass_count, t.fail_count, t.unknown_count
                        FROM ciem.compliance_trends t JOIN latest l ON l."time" = t."time"),
            now AS (SELECT r.benchmark, b.cloud, r.account_id, r.control_id,
                           count(*) FILTER (WHERE r.status = 'pass')::integer AS pass_count,
                           count(*) FILTER (WHERE r.status = 'fail')::integer AS fail_count,
                           count(*) FILTER (WHERE r.status NOT IN ('pass', 'fail'))::integer AS unknown_count
                      FROM ciem.compliance_results r JOIN ciem.compliance_benchmarks b ON b.benchmark = r.benchmark
                     GROUP BY r.benchmark, b.cloud, r.account_id, r.control_id)
       (SELECT * FROM trend EXCEPT SELECT * FROM now) UNION ALL (SELECT * FROM now EXCEPT SELECT * FROM trend)`
    );
    const clouds = await rowsOf<{ cloud: string }>('SELECT DISTINCT cloud FROM ciem.compliance_trends ORDER BY 1');

    expect(differences).toEqual([]);
    expect(clouds.map((row) => row.cloud)).toEqual(['aws', 'azure', 'gcp', 'kubernetes']);
  });
});

describe('migration 0030 on snapshots taken before it', () => {
  // Rows as ciem.take_snapshot() of migration 0018 wrote them: per account and control, without the benchmark.
  const oldRows: Array<[string, string, string]> = [
    ['111122223333', '1.1', 'CIS AWS Foundations Benchmark'],
    ['111122223333', '1.20', 'CIS AWS Foundations Benchmark'],
    ['acme-prod', '1.1', 'CIS Google Cloud Platform Foundation Benchmark'],
    ['acme-prod', '5.1.1', 'CIS Kubernetes Benchmark'],
    ['3f2504e0-4f89-41d3-9a0c-0305e82c3301', '5.1.1', 'CIS Microsoft Azure Foundations Benchmark'],
    ['3f2504e0-4f89-41d3-9a0c-0305e82c3301', '5.3.3', 'CIS Microsoft Azure Foundations Benchmark'],
    ['111122223333', 'retired-control', 'CIS AWS Foundations Benchmark'],
  ];

  test('gives each row the benchmark of its control and account', async () => {
    const db = await createTestDatabase();
    const dir = mkdtempSync(path.join(os.tmpdir(), 'openciem-migrations-'));
    try {
      // The runner applies migrations in order only, so 0030 and every later one wait for the second run.
      cpSync(path.join(repositoryRoot, 'sql-views'), dir, { recursive: true });
      for (const file of readdirSync(dir).filter((name) => name >= '0030_')) {
        rmSync(path.join(dir, file));
      }
      await migrate(db.client, { sourceSchema: 'public', migrationsDir: dir });
      const [snapshot] = (
        await db.client.query<{ snapshot_id: string }>(
          'INSERT INTO ciem.snapshots (finding_count) VALUES (0) RETURNING snapshot_id'
        )
      ).rows;
      for (const [account, control] of oldRows) {
        await db.client.query(
          'INSERT INTO ciem.snapshot_compliance (snapshot_id, account_id, control_id, pass_count, fail_count, unknown_count) VALUES ($1, $2, $3, 1, 0, 0)',
          [snapshot.snapshot_id, account, control]
        );
      }

      cpSync(path.join(repositoryRoot, 'sql-views'), dir, { recursive: true });
      await migrate(db.client, { sourceSchema: 'public', migrationsDir: dir });
      const rows = await db.client.query<{ account_id: string; control_id: string; benchmark: string }>(
        'SELECT account_id, control_id, benchmark FROM ciem.snapshot_compliance'
      );

      expect(rows.rows.map((row) => [row.account_id, row.control_id, row.benchmark]).sort()).toEqual(
        [...oldRows].sort()
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
      await db.drop();
    }
  }, 120_000);
});
