import { cpSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { writeAzureDemo } from '../../cli/demo/azure-demo';
import { writeGcpDemo } from '../../cli/demo/gcp-demo';
import { writeKubernetesDemo } from '../../cli/demo/k8s-demo';
import { loadDemo } from '../../cli/demo/load';
import { migrate } from '../../cli/migrate/run';
import { defaultAsOf } from '../../cli/demo/organisation';
import { createAzureViewsOf0027, createViewOfMigration, rowCount, rowDifferences } from '../compliance/stored-results';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { repositoryRoot } from '../support/paths';

// Migrations 0033 and 0034 store, at ciem.refresh(), relations that migrations 0025 to 0027
// defined as views: the parsed Azure role assignments and role definitions, the Kubernetes,
// Google Cloud and Azure compliance results, and the Azure assignments the findings read. On the demo organisation of every cloud, each stored
// relation must hold the rows its original view gives, and still after source rows change and
// a second refresh.

let db: TestDatabase;
const original: Record<string, string> = {};

/** Returns each stored relation of 0033 and 0034 with the original view it replaces. */
function pairs(): Array<[string, string]> {
  return [
    ['ciem.azure_role_assignments', original.azure_role_assignments],
    ['ciem.azure_role_definitions', original.azure_role_definitions],
    ['ciem.k8s_compliance_results', original.k8s_compliance_results],
    ['ciem.gcp_compliance_results', original.gcp_compliance_results],
    ['ciem.azure_compliance_results', original.azure_compliance_results],
    ['ciem.azure_grant_findings_base', original.azure_grant_findings_base],
  ];
}

/** Returns a digest of every row of a relation, to tell whether a refresh changed it. */
async function digestOf(relation: string): Promise<string> {
  const result = await db.client.query<{ digest: string }>(
    `SELECT md5(coalesce(string_agg(r::text, '|' ORDER BY r::text), '')) AS digest FROM ${relation} r`
  );
  return result.rows[0].digest;
}

async function expectStoredEqualsOriginal(): Promise<void> {
  for (const [stored, view] of pairs()) {
    expect({ stored, rows: await rowCount(db.client, stored) }).toEqual({
      stored,
      rows: await rowCount(db.client, view),
    });
    expect({ stored, differences: await rowDifferences(db.client, stored, view) }).toEqual({ stored, differences: 0 });
  }
}

beforeAll(async () => {
  db = await createTestDatabase();
  await loadDemo(db.client, 'public', defaultAsOf);
  Object.assign(original, await createAzureViewsOf0027(db.client));
  original.k8s_compliance_results = await createViewOfMigration(
    db.client,
    '0025_kubernetes.sql',
    'k8s_compliance_results'
  );
  original.gcp_compliance_results = await createViewOfMigration(db.client, '0026_gcp.sql', 'gcp_compliance_results');
  original.azure_grant_findings_base = await createViewOfMigration(
    db.client,
    '0027_azure.sql',
    'azure_grant_findings_base'
  );
}, 240_000);

afterAll(async () => {
  await db?.drop();
});

test('stored relations have demo rows', async () => {
  for (const [stored] of pairs()) {
    expect({ stored, empty: (await rowCount(db.client, stored)) === 0 }).toEqual({ stored, empty: false });
  }
});

test('stored relations equal original views', async () => {
  await expectStoredEqualsOriginal();
});

test('stored compliance equals evaluation', async () => {
  for (const cloud of ['k8s', 'gcp', 'azure']) {
    expect(
      await rowDifferences(db.client, `ciem.${cloud}_compliance_results`, `ciem.${cloud}_compliance_evaluation`)
    ).toBe(0);
  }
});

test('compliance_results reads only stored relations', async () => {
  const result = await db.client.query<{ relation: string; relkind: string }>(
    `SELECT DISTINCT c.oid::regclass::text AS relation, c.relkind::text AS relkind
       FROM pg_rewrite w
       JOIN pg_depend d ON d.objid = w.oid AND d.classid = 'pg_rewrite'::regclass
       JOIN pg_class c ON c.oid = d.refobjid
      WHERE w.ev_class = 'ciem.compliance_results'::regclass AND c.oid <> w.ev_class
      ORDER BY 1`
  );
  expect(result.rows).toEqual([
    { relation: 'ciem.aws_compliance_results', relkind: 'm' },
    { relation: 'ciem.azure_compliance_results', relkind: 'r' },
    { relation: 'ciem.gcp_compliance_results', relkind: 'r' },
    { relation: 'ciem.k8s_compliance_results', relkind: 'r' },
  ]);
});

test('second refresh follows changed rows', async () => {
  const before: Record<string, string> = {};
  for (const [stored] of pairs()) {
    before[stored] = await digestOf(stored);
  }

  // Azure: one assignment gone, one moved to another principal, every custom role gone.
  await db.client.query(
    `DELETE FROM public.azure_authorization_role_assignments
      WHERE id = (SELECT min(id) FROM public.azure_authorization_role_assignments)`
  );
  await db.client.query(
    `UPDATE public.azure_authorization_role_assignments
        SET properties = properties || '{"principalId": "0a0a0a0a-0000-4000-8000-000000000033"}'::jsonb
      WHERE id = (SELECT max(id) FROM public.azure_authorization_role_assignments)`
  );
  await db.client.query(
    `DELETE FROM public.azure_authorization_role_definitions WHERE properties ->> 'type' = 'CustomRole'`
  );
  // Kubernetes: the bindings to cluster-admin gone. Google Cloud: every service-account key gone.
  await db.client.query(
    `DELETE FROM public.k8s_rbac_cluster_role_bindings WHERE role_ref ->> 'name' = 'cluster-admin'`
  );
  await db.client.query('DELETE FROM public.gcp_iam_service_account_keys');

  await db.client.query('SELECT ciem.refresh()');

  for (const [stored] of pairs()) {
    expect({ stored, changed: (await digestOf(stored)) !== before[stored] }).toEqual({ stored, changed: true });
  }
  await expectStoredEqualsOriginal();
  const moved = await db.client.query(
    `SELECT count(*)::int AS n FROM ciem.identities WHERE cloud = 'azure' AND identity_id = '0a0a0a0a-0000-4000-8000-000000000033'`
  );
  expect(moved.rows[0].n).toBeGreaterThan(0);
}, 240_000);

test('upgrade from 0032 keeps every row', async () => {
  // A database migrated and refreshed before 0033, then migrated again with it.
  const upgraded = await createTestDatabase();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'openciem-migrations-'));
  try {
    await writeKubernetesDemo(upgraded.client, 'public');
    await writeAzureDemo(upgraded.client, 'public', defaultAsOf);
    await writeGcpDemo(upgraded.client, 'public', defaultAsOf);
    // The runner applies migrations in order only, so 0033 and every later one wait for the second run.
    cpSync(path.join(repositoryRoot, 'sql-views'), dir, { recursive: true });
    for (const file of readdirSync(dir).filter((name) => name >= '0033_')) {
      rmSync(path.join(dir, file));
    }
    await migrate(upgraded.client, { sourceSchema: 'public', migrationsDir: dir });
    const digest = (relation: string) =>
      upgraded.client
        .query<{ digest: string }>(
          `SELECT count(*)::int || ':' || md5(coalesce(string_agg(r::text, '|' ORDER BY r::text), '')) AS digest FROM ${relation} r`
        )
        .then((result) => result.rows[0].digest);
    const relations = [
      'ciem.compliance_results',
      'ciem.identity_grants',
      'ciem.azure_effective_permissions',
      'ciem.azure_grant_findings_base',
    ];
    const before: Record<string, string> = {};
    for (const relation of relations) {
      before[relation] = await digest(relation);
      expect({ relation, empty: before[relation].startsWith('0:') }).toEqual({ relation, empty: false });
    }

    await migrate(upgraded.client, { sourceSchema: 'public' });

    for (const relation of relations) {
      expect({ relation, digest: await digest(relation) }).toEqual({ relation, digest: before[relation] });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await upgraded.drop();
  }
}, 240_000);
