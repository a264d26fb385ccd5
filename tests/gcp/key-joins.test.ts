import { readFileSync } from 'node:fs';
import path from 'node:path';

import type { Row } from '../../cli/import/aws-authz/parse';
import { gcpRowId } from '../../cli/import/gcp/write';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { repositoryRoot } from '../support/paths';
import { loadGcp, serviceAccount, serviceAccountKey } from './fixture';

// Migration 0032 joins service-account keys to their accounts with equality joins instead of one
// join on an OR. These tests hold ciem.gcp_service_account_keys and CIS 1.4
// (ciem.gcp_cis_user_managed_keys) to the output of migration 0026 on keys that each way of
// matching finds: both conditions, only (project_id, unique_id), only _cq_parent_id, both
// conditions naming two different accounts, and neither.

const project = 'kj-project';
const other = 'kj-other';

const matchedBoth = serviceAccount(project, 'both');
const matchedByUniqueId = serviceAccount(project, 'by-unique-id');
const matchedByParent = serviceAccount(project, 'by-parent');
const parentOfSplit = serviceAccount(other, 'split-parent');
const uniqueIdOfSplit = serviceAccount(project, 'split-unique');
const withoutKeys = serviceAccount(project, 'no-keys');
const systemKeysOnly = serviceAccount(other, 'system-only');
const mixedCase: Row = {
  ...serviceAccount(other, 'mixed'),
  email: `Mixed@${other}.iam.gserviceaccount.com`,
};

const keys: Row[] = [
  serviceAccountKey(matchedBoth, { id: 'k-both-1', ageDays: 200 }),
  serviceAccountKey(matchedBoth, { id: 'k-both-2', ageDays: 10 }),
  serviceAccountKey(matchedBoth, { id: 'k-both-system', ageDays: 3, type: 'SYSTEM_MANAGED' }),
  { ...serviceAccountKey(matchedByUniqueId, { id: 'k-unique', ageDays: 40 }), _cq_parent_id: null },
  { ...serviceAccountKey(matchedByParent, { id: 'k-parent', ageDays: 120 }), service_account_unique_id: '999' },
  // The unique id names one account and the parent id another, so the key belongs to both.
  {
    ...serviceAccountKey(uniqueIdOfSplit, { id: 'k-split', ageDays: 500 }),
    _cq_parent_id: gcpRowId('gcp_iam_service_accounts', parentOfSplit),
  },
  serviceAccountKey(systemKeysOnly, { id: 'k-system', ageDays: 5, type: 'SYSTEM_MANAGED' }),
  serviceAccountKey(mixedCase, { id: 'k-mixed', ageDays: 95 }),
  {
    ...serviceAccountKey(withoutKeys, { id: 'k-orphan', ageDays: 30 }),
    service_account_unique_id: '998',
    _cq_parent_id: null,
  },
];

let db: TestDatabase;

/** Returns a view of migration 0026 as it was, renamed with the suffix _0026. */
function viewOf0026(name: string, renames: string[] = []): string {
  const sql = readFileSync(path.join(repositoryRoot, 'sql-views', '0026_gcp.sql'), 'utf8');
  const start = sql.indexOf(`CREATE VIEW ciem.${name} AS`);
  const end = sql.indexOf(';\n', start);
  if (start < 0 || end < 0) {
    throw new Error(`view ciem.${name} not found in 0026_gcp.sql`);
  }
  let statement = sql.slice(start, end + 1).replace(`ciem.${name} AS`, `ciem.${name}_0026 AS`);
  for (const renamed of renames) {
    statement = statement.replaceAll(`ciem.${renamed} `, `ciem.${renamed}_0026 `);
  }
  return statement;
}

/** Counts the rows of one query that the other lacks, both ways. */
async function differences(left: string, right: string): Promise<number> {
  const result = await db.client.query<{ n: number }>(
    `SELECT (SELECT count(*) FROM (${left} EXCEPT ALL ${right}) a)::int
          + (SELECT count(*) FROM (${right} EXCEPT ALL ${left}) b)::int AS n`
  );
  return result.rows[0].n;
}

beforeAll(async () => {
  db = await createTestDatabase();
  await loadGcp(db.client, {
    gcp_iam_service_accounts: [
      matchedBoth,
      matchedByUniqueId,
      matchedByParent,
      parentOfSplit,
      uniqueIdOfSplit,
      withoutKeys,
      systemKeysOnly,
      mixedCase,
    ],
    gcp_iam_service_account_keys: keys,
  });
  await db.client.query(viewOf0026('gcp_service_account_keys'));
  await db.client.query(viewOf0026('gcp_cis_user_managed_keys', ['gcp_service_account_keys']));
});

afterAll(async () => {
  await db?.drop();
});

test('keys view equals migration 0026', async () => {
  expect(
    await differences('SELECT * FROM ciem.gcp_service_account_keys', 'SELECT * FROM ciem.gcp_service_account_keys_0026')
  ).toBe(0);
});

test('keys view finds each way of matching', async () => {
  const result = await db.client.query<{ key_id: string; service_account_email: string }>(
    'SELECT key_id, service_account_email FROM ciem.gcp_service_account_keys ORDER BY key_id, service_account_email'
  );
  expect(result.rows.map((row) => `${row.key_id} ${row.service_account_email}`)).toEqual([
    `k-both-1 ${matchedBoth.email}`,
    `k-both-2 ${matchedBoth.email}`,
    `k-both-system ${matchedBoth.email}`,
    `k-mixed ${mixedCase.email}`,
    `k-parent ${matchedByParent.email}`,
    `k-split ${parentOfSplit.email}`,
    `k-split ${uniqueIdOfSplit.email}`,
    `k-system ${systemKeysOnly.email}`,
    `k-unique ${matchedByUniqueId.email}`,
  ]);
});

test('CIS 1.4 equals migration 0026', async () => {
  expect(
    await differences(
      'SELECT * FROM ciem.gcp_cis_user_managed_keys',
      'SELECT * FROM ciem.gcp_cis_user_managed_keys_0026'
    )
  ).toBe(0);
});

test('CIS 1.4 judges every account', async () => {
  const result = await db.client.query<{ resource: string; status: string }>(
    'SELECT resource, status FROM ciem.gcp_cis_user_managed_keys ORDER BY resource'
  );
  const status = Object.fromEntries(result.rows.map((row) => [row.resource, row.status]));
  expect(result.rows).toHaveLength(8);
  expect(status[`serviceAccount:${matchedBoth.email}`]).toBe('fail');
  expect(status[`serviceAccount:${mixedCase.email}`]).toBe('fail');
  expect(status[`serviceAccount:${withoutKeys.email}`]).toBe('pass');
  expect(status[`serviceAccount:${systemKeysOnly.email}`]).toBe('pass');
});
