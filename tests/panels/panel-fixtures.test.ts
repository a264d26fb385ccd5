// The panels' unit tests (src/panels) read data frames from the fixtures in tests/panels/fixtures. This test runs the
// panels' queries on real PostgreSQL, with the real cloudsplaining and cloudmapper exports and the demo organisation.
// It checks that each fixture is exactly what the query returns in Grafana's response shape, so the unit tests never
// see a field that the SQL does not return. OPENCIEM_UPDATE_PANEL_FIXTURES=1 rewrites the fixtures.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import { Pool } from 'pg';

import { buildPermissionMatrixQuery } from '../../src/panels/permissionmatrix/query';
import { buildTrustGraphQuery } from '../../src/panels/trustgraph/query';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { answerDsQuery } from '../support/grafana-ds-query';
import {
  CLOUDMAPPER_ACCOUNT,
  CLOUDSPLAINING_ACCOUNT,
  DEMO_ACTIVITY_ACCOUNTS,
  loadPanelDataset,
} from '../support/panel-dataset';

// Loading the demo, importing both exports and refreshing took about 10 s in a local run; the limit leaves room for
// slow machines.
const SETUP_TIMEOUT_MS = 300_000;

const fixturesDir = path.join(__dirname, 'fixtures');

const fixtures = [
  {
    file: 'cross-account-trust.json',
    sql: buildTrustGraphQuery([CLOUDSPLAINING_ACCOUNT, CLOUDMAPPER_ACCOUNT]),
  },
  {
    // The three demo accounts with activity, for the unused marks, and cloudmapper's account.
    file: 'service-access.json',
    sql: buildPermissionMatrixQuery([...DEMO_ACTIVITY_ACCOUNTS, CLOUDMAPPER_ACCOUNT]),
  },
];

let database: TestDatabase;
let pool: Pool;

beforeAll(async () => {
  database = await createTestDatabase();
  await loadPanelDataset(database.client);
  pool = new Pool({ connectionString: database.url, max: 2 });
}, SETUP_TIMEOUT_MS);

afterAll(async () => {
  await pool?.end();
  await database?.drop();
});

test.each(fixtures)('fixture $file is the query result', async ({ file, sql }) => {
  const response = await answerDsQuery(pool, { queries: [{ refId: 'A', rawSql: sql, format: 'table' }] });
  expect(response.status).toBe(200);

  const actual = formatFixture(response.body);
  const fixturePath = path.join(fixturesDir, file);
  if (process.env.OPENCIEM_UPDATE_PANEL_FIXTURES === '1') {
    writeFileSync(fixturePath, actual);
  }

  // On a difference, rerun this test with OPENCIEM_UPDATE_PANEL_FIXTURES=1 and review the diff of the fixture.
  expect(readFileSync(fixturePath, 'utf8')).toBe(actual);
});

/** Formats a response body as indented JSON with each array of values on one line, so a diff names the column. */
function formatFixture(body: unknown): string {
  const indented = JSON.stringify(body, null, 1);
  const flattened = indented.replace(
    /\[\n\s*([^[\]{}]*?)\n\s*\]/g,
    (_, inner: string) => `[${inner.replace(/\n\s*/g, ' ')}]`
  );

  return `${flattened}\n`;
}

test('trust fixture has public, external, federated and same-account trust', async () => {
  const body = JSON.parse(readFileSync(path.join(fixturesDir, 'cross-account-trust.json'), 'utf8'));
  const fields: Array<{ name: string }> = body.results.A.frames[0].schema.fields;
  const classifications: string[] =
    body.results.A.frames[0].data.values[fields.findIndex((f) => f.name === 'classification')];

  expect(new Set(classifications)).toEqual(
    new Set(['public', 'external', 'federated_saml', 'same_account', 'service'])
  );
});

test('matrix fixture has unused grants', async () => {
  const body = JSON.parse(readFileSync(path.join(fixturesDir, 'service-access.json'), 'utf8'));
  const fields: Array<{ name: string }> = body.results.A.frames[0].schema.fields;
  const unused: boolean[] = body.results.A.frames[0].data.values[fields.findIndex((f) => f.name === 'unused')];

  expect(unused.filter(Boolean).length).toBeGreaterThan(0);
  expect(unused.filter((value) => !value).length).toBeGreaterThan(0);
});
