// The page tests in src/ run on data frames built from src/test/fixtures/*.json. This file runs the pages' own SQL
// against real PostgreSQL, on the real IAM exports and on the demo organisation, and checks that the committed fixtures
// are still what the server returns. With OPENCIEM_UPDATE_FIXTURES=1 it writes them instead:
//
//   OPENCIEM_UPDATE_FIXTURES=1 npx jest --selectProjects integration --testPathPattern page-fixtures
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import type { Client, FieldDef } from 'pg';

import { loadDemo } from '../../cli/demo/load';
import { migrate } from '../../cli/migrate/run';
import { ClusterBuilder, user } from '../../cli/demo/k8s-builders';
import {
  buildCloudPermissionNodesQuery,
  buildCloudPermissionSummaryQuery,
  buildIdentityGrantsQuery,
  buildIdentityRowsQuery,
  type CloudIdentityScope,
} from '../../src/services/cloudIdentityQueries';
import {
  buildAccountsQuery,
  buildIdentityFacetsQuery,
  buildIdentityFindingsQuery,
  buildIdentityPageQuery,
  buildIdentityQuery,
  FIRST_PAGE,
} from '../../src/services/identityQueries';
import {
  buildExplainQuery,
  buildNodeActionsQuery,
  buildPermissionSummaryQuery,
  type AccessLevel,
} from '../../src/services/permissionQueries';
import { buildLatestMigrationQuery } from '../../src/services/queries';
import { buildLastRefreshQuery, buildLastSnapshotQuery, buildSourceTablesQuery } from '../../src/services/setupQueries';
import type { QueryFixture } from '../../src/test/fixtureTypes';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { repositoryRoot } from '../support/paths';
import { iamVulnerableAccount, loadRealExports } from '../support/real-exports';
import { loadClusters } from '../k8s/fixture';

const fixturesDir = path.join(repositoryRoot, 'src', 'test', 'fixtures');
const updating = process.env.OPENCIEM_UPDATE_FIXTURES === '1';

/** AdministratorAccess is its only policy, so it is allowed every action of the catalogue. */
const administratorArn = `arn:aws:iam::${iamVulnerableAccount}:role/OrganizationAccountAccessRole`;
/** Allow iam:* and Deny iam:* in one policy (iam-vulnerable fp1). */
const allowAndDenyArn = `arn:aws:iam::${iamVulnerableAccount}:user/fp1-allow-and-deny-user`;

// pg type ids of the column types that the pages' queries return.
const TEXT_TYPES = new Set([25, 1043, 19]);
const NUMBER_TYPES = new Set([20, 21, 23, 700, 701, 1700]);
const BOOLEAN_TYPES = new Set([16]);
const TIME_TYPES = new Set([1184, 1114]);

const ISO_TIME = /\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}(:\d{2})?)?/g;

// Tests that create and migrate a database of their own, or evaluate the whole catalogue, take seconds even on an idle
// machine.
const DATABASE_TEST_TIMEOUT_MS = 120_000;

let exportsDb: TestDatabase;
let demoDb: TestDatabase;
let demoArn: string;

beforeAll(async () => {
  exportsDb = await createTestDatabase();
  await loadRealExports(exportsDb.client);

  // Dates relative to now, so that usage and creep scores read the same on any day.
  demoDb = await createTestDatabase();
  await loadDemo(demoDb.client, 'public', new Date());
  const scored = await demoDb.client.query<{ identity_arn: string }>(
    'SELECT identity_arn FROM ciem.creep_scores WHERE score > 0 ORDER BY score DESC, identity_arn LIMIT 1'
  );
  demoArn = scored.rows[0].identity_arn;
}, 300_000);

afterAll(async () => {
  await exportsDb?.drop();
  await demoDb?.drop();
});

function columnType(field: FieldDef): 'string' | 'number' | 'boolean' | 'time' {
  if (TEXT_TYPES.has(field.dataTypeID)) {
    return 'string';
  }
  if (NUMBER_TYPES.has(field.dataTypeID)) {
    return 'number';
  }
  if (BOOLEAN_TYPES.has(field.dataTypeID)) {
    return 'boolean';
  }
  if (TIME_TYPES.has(field.dataTypeID)) {
    return 'time';
  }
  throw new Error(
    `Column ${field.name} has pg type ${field.dataTypeID}, which Grafana may encode differently: cast it in the query.`
  );
}

/** Converts a pg value to what Grafana's data frame holds: numbers for int8 and numeric, epoch ms for times. */
function frameValue(value: unknown, type: string): unknown {
  if (value === null) {
    return null;
  }
  if (type === 'number') {
    return Number(value);
  }
  if (type === 'time') {
    return (value as Date).getTime();
  }
  return value;
}

/** Runs one query and returns its result as a fixture; a query that fails returns PostgreSQL's message and code. */
async function capture(client: Client, sql: string, note: string): Promise<QueryFixture> {
  try {
    const result = await client.query(sql);
    const columns = result.fields.map((field) => ({ name: field.name, type: columnType(field) }));
    const rows = result.rows.map((row) => columns.map((column) => frameValue(row[column.name], column.type)));
    return { note, sql, columns, rows };
  } catch (error) {
    const { message, code } = error as { message: string; code: string };
    return { note, sql, error: { message, code } };
  }
}

/** Replaces what changes from one run to the next: times, durations and the time inside JSON text. */
function stable(fixture: QueryFixture): unknown {
  if (fixture.error !== undefined) {
    return { error: fixture.error };
  }

  const columns = fixture.columns ?? [];
  const rows = (fixture.rows ?? []).map((row) =>
    row.map((value, index) => {
      const { name, type } = columns[index];
      if (type === 'time' || name === 'duration_ms') {
        return value === null ? null : '<time>';
      }
      return typeof value === 'string' ? value.replace(ISO_TIME, '<time>') : value;
    })
  );

  return { columns, rows };
}

/** Writes a fixture as JSON with one row per line, so that a change to a result reads as a change to its rows. */
function formatFixture(fixture: QueryFixture): string {
  const lines = ['{', `  "note": ${JSON.stringify(fixture.note)},`, `  "sql": ${JSON.stringify(fixture.sql)},`];
  if (fixture.error !== undefined) {
    lines.push(`  "error": ${JSON.stringify(fixture.error)}`);
  } else {
    const rows = (fixture.rows ?? []).map((row) => `    ${JSON.stringify(row)}`);
    lines.push(`  "columns": ${JSON.stringify(fixture.columns)},`, '  "rows": [', rows.join(',\n'), '  ]');
  }
  lines.push('}', '');

  return lines.filter((line) => line !== '').join('\n') + '\n';
}

function check(name: string, fixture: QueryFixture): void {
  const file = path.join(fixturesDir, `${name}.json`);
  if (updating) {
    writeFileSync(file, formatFixture(fixture));
    return;
  }

  if (!existsSync(file)) {
    throw new Error(
      `Fixture ${file} is missing: run OPENCIEM_UPDATE_FIXTURES=1 npx jest --selectProjects integration --testPathPattern page-fixtures`
    );
  }
  const committed = JSON.parse(readFileSync(file, 'utf8')) as QueryFixture;

  expect(committed.sql).toBe(fixture.sql);
  expect(stable(committed)).toEqual(stable(fixture));
}

describe('Identities page fixtures', () => {
  const page = FIRST_PAGE;

  test('first page of the demo', async () => {
    check(
      'identities-page-demo',
      await capture(demoDb.client, buildIdentityPageQuery(page), 'Demo organisation, sorted by creep score.')
    );
  });

  test('second page of the exports', async () => {
    const sql = buildIdentityPageQuery({ ...page, sortBy: 'name', descending: false, page: 1 });
    check('identities-page-exports-2', await capture(exportsDb.client, sql, 'Real IAM exports, by name, page 2.'));
  });

  test('search without match', async () => {
    const sql = buildIdentityPageQuery({ ...page, search: 'no-such-identity' });
    check(
      'identities-page-no-match',
      await capture(exportsDb.client, sql, 'Real IAM exports, a search that matches nothing.')
    );
  });

  test(
    'database without CloudQuery tables',
    async () => {
      const unsynced = await createTestDatabase();
      try {
        await migrate(unsynced.client, { sourceSchema: 'public' });
        check(
          'identities-page-unsynced',
          await capture(unsynced.client, buildIdentityPageQuery(page), 'Migrated, but CloudQuery has synced nothing.')
        );
        check(
          'accounts-unsynced',
          await capture(unsynced.client, buildAccountsQuery(), 'Migrated, but CloudQuery has synced nothing.')
        );
        check(
          'setup-source-tables-unsynced',
          await capture(unsynced.client, buildSourceTablesQuery(), 'Migrated, but CloudQuery has synced nothing.')
        );
      } finally {
        await unsynced.drop();
      }
    },
    DATABASE_TEST_TIMEOUT_MS
  );

  test('accounts of the demo', async () => {
    check('accounts-demo', await capture(demoDb.client, buildAccountsQuery(), 'Accounts of the demo organisation.'));
  });

  test('clouds and types of the demo', async () => {
    check(
      'identity-facets-demo',
      await capture(demoDb.client, buildIdentityFacetsQuery(), 'Identities of the demo per cloud and type.')
    );
  });

  test('Google Cloud identities of the demo', async () => {
    const sql = buildIdentityPageQuery({ ...page, cloud: 'gcp' });
    check('identities-page-demo-gcp', await capture(demoDb.client, sql, 'Demo organisation, cloud gcp.'));
  });
});

/** Checks the fixtures identity-<name> and findings-<name>: the summary and findings queries of one identity. */
async function checkIdentity(client: Client, name: string, arn: string): Promise<void> {
  check(`identity-${name}`, await capture(client, buildIdentityQuery(arn), arn));
  check(`findings-${name}`, await capture(client, buildIdentityFindingsQuery(arn), arn));
}

/**
 * Checks the fixtures of one identity's tree: permission-summary-<name>, node-actions-<node> for one service and level,
 * and explain-<node>-first for the first action of that node, which the page draws without scrolling.
 */
async function checkTree(client: Client, name: string, arn: string, node: string, service: string, level: AccessLevel) {
  check(`permission-summary-${name}`, await capture(client, buildPermissionSummaryQuery(arn), arn));

  const actions = await capture(client, buildNodeActionsQuery(arn, service, level), arn);
  check(`node-actions-${node}`, actions);

  const first = String(actions.rows?.[0][0]);
  check(`explain-${node}-first`, await capture(client, buildExplainQuery(arn, first), arn));
}

describe('Identity page fixtures', () => {
  test(
    'administrator',
    async () => {
      await checkIdentity(exportsDb.client, 'administrator', administratorArn);
      await checkTree(
        exportsDb.client,
        'administrator',
        administratorArn,
        'administrator-s3-permissions',
        's3',
        'Permissions management'
      );
    },
    DATABASE_TEST_TIMEOUT_MS
  );

  test('unknown identity', async () => {
    const arn = `arn:aws:iam::${iamVulnerableAccount}:user/no-such-user`;
    await checkIdentity(exportsDb.client, 'unknown', arn);
    check('permission-summary-unknown', await capture(exportsDb.client, buildPermissionSummaryQuery(arn), arn));
  });

  test('denied permissions', async () => {
    await checkIdentity(exportsDb.client, 'allow-and-deny', allowAndDenyArn);
    await checkTree(exportsDb.client, 'allow-and-deny', allowAndDenyArn, 'allow-and-deny-iam-write', 'iam', 'Write');
  });

  test('group identity', async () => {
    const group = await exportsDb.client.query<{ identity_id: string }>(
      "SELECT identity_id FROM ciem.identities WHERE identity_type = 'group' ORDER BY identity_id LIMIT 1"
    );
    await checkIdentity(exportsDb.client, 'group', group.rows[0].identity_id);
  });

  test('unused permissions of the demo', async () => {
    await checkIdentity(demoDb.client, 'demo-unused', demoArn);
    check(
      'permission-summary-demo-unused',
      await capture(demoDb.client, buildPermissionSummaryQuery(demoArn), demoArn)
    );

    const unused = await demoDb.client.query<{ service: string; access_level: AccessLevel }>(
      'SELECT service, access_level FROM ciem.identity_permission_summary($1) WHERE unused > 0 ORDER BY service, access_level LIMIT 1',
      [demoArn]
    );
    const { service, access_level: accessLevel } = unused.rows[0];
    check(
      'node-actions-demo-unused',
      await capture(demoDb.client, buildNodeActionsQuery(demoArn, service, accessLevel), demoArn)
    );
  });
});

/**
 * Checks the fixtures of a Kubernetes, Google Cloud or Azure identity of the demo: cloud-identity-<name> (its rows of
 * ciem.identities), cloud-findings-<name>, cloud-grants-<name>, cloud-summary-<name> and cloud-nodes-<name> for one
 * permission group.
 */
async function checkCloudIdentity(name: string, scope: CloudIdentityScope, group: string): Promise<void> {
  const note = `${scope.cloud} ${scope.identityId}`;
  const within = { cloud: scope.cloud, accountId: scope.accountId };

  check(
    `cloud-identity-${name}`,
    await capture(demoDb.client, buildIdentityRowsQuery(scope.identityId, scope.cloud), note)
  );
  check(
    `cloud-findings-${name}`,
    await capture(demoDb.client, buildIdentityFindingsQuery(scope.identityId, within), note)
  );
  check(`cloud-grants-${name}`, await capture(demoDb.client, buildIdentityGrantsQuery(scope), note));
  check(`cloud-summary-${name}`, await capture(demoDb.client, buildCloudPermissionSummaryQuery(scope), note));
  check(`cloud-nodes-${name}`, await capture(demoDb.client, buildCloudPermissionNodesQuery(scope, group), note));
}

describe('Identity page fixtures of other clouds', () => {
  test('Google Cloud service account bound in two projects', async () => {
    const identityId = 'serviceAccount:ci-runner@acme-sandbox.iam.gserviceaccount.com';
    await checkCloudIdentity('gcp-ci-runner', { cloud: 'gcp', identityId, accountId: null }, 'storage');
  });

  test('Azure principal with Contributor', async () => {
    const identityId = '1d0a5b1e-7c1f-4f0e-9a51-0a11ce000004';
    await checkCloudIdentity('azure-contributor', { cloud: 'azure', identityId, accountId: null }, '*');
  });

  test('Kubernetes user', async () => {
    const scope: CloudIdentityScope = {
      cloud: 'kubernetes',
      identityId: 'User:alice@acme.example',
      accountId: 'acme-prod',
    };
    await checkCloudIdentity('kubernetes-alice', scope, 'core/secrets');
  });

  test('Kubernetes id of an ?arn= address, looked up in every cloud', async () => {
    const sql = buildIdentityRowsQuery('User:alice@acme.example', null);
    check('cloud-identity-any-kubernetes-alice', await capture(demoDb.client, sql, 'User:alice@acme.example'));
  });

  test('unknown identity', async () => {
    const scope: CloudIdentityScope = { cloud: 'gcp', identityId: 'user:nobody@example.com', accountId: null };
    const rows = buildIdentityRowsQuery(scope.identityId, scope.cloud);
    check('cloud-identity-unknown', await capture(demoDb.client, rows, 'No such member.'));
    check(
      'cloud-summary-unknown',
      await capture(demoDb.client, buildCloudPermissionSummaryQuery(scope), 'No such member.')
    );
  });

  test(
    'one Kubernetes user in two clusters',
    async () => {
      const clusters = await createTestDatabase();
      try {
        const bound = (context: string) => ({
          context,
          builder: new ClusterBuilder().clusterRoleBinding('alice-view', 'view', [user('alice')]),
        });
        await loadClusters(clusters.client, [bound('prod'), bound('staging')]);
        const sql = buildIdentityRowsQuery('User:alice', 'kubernetes');
        check(
          'cloud-identity-kubernetes-two-clusters',
          await capture(clusters.client, sql, 'User:alice in prod and staging.')
        );
      } finally {
        await clusters.drop();
      }
    },
    DATABASE_TEST_TIMEOUT_MS
  );
});

describe('Configuration page fixtures', () => {
  test('setup of the exports', async () => {
    check(
      'setup-source-tables-exports',
      await capture(exportsDb.client, buildSourceTablesQuery(), 'Real IAM exports: no activity tables.')
    );
    check('setup-migration-exports', await capture(exportsDb.client, buildLatestMigrationQuery(), 'Real IAM exports.'));
    check('setup-refresh-exports', await capture(exportsDb.client, buildLastRefreshQuery(), 'Real IAM exports.'));
    check(
      'setup-snapshot-exports',
      await capture(exportsDb.client, buildLastSnapshotQuery(), 'Real IAM exports: migrate takes no snapshot.')
    );
  });

  test(
    'setup of an empty database',
    async () => {
      const empty = await createTestDatabase();
      try {
        check(
          'setup-migration-empty',
          await capture(empty.client, buildLatestMigrationQuery(), 'A database that was never migrated.')
        );
        check(
          'setup-source-tables-empty',
          await capture(empty.client, buildSourceTablesQuery(), 'A database that was never migrated.')
        );
      } finally {
        await empty.drop();
      }
    },
    DATABASE_TEST_TIMEOUT_MS
  );
});
