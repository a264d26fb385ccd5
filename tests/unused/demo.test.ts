import { generateDemoActivity } from '../../cli/demo/activity';
import { loadDemo } from '../../cli/demo/load';
import { defaultAsOf, demoAccounts } from '../../cli/demo/organisation';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { rows } from './fixture';

// The demo organisation is dated relative to the day it is loaded, so its unused identities,
// stale keys and unused services are the same whenever it runs.

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
  await loadDemo(db.client, 'public', new Date());
  await db.client.query('SELECT ciem.refresh()');
}, 180_000);

afterAll(async () => {
  await db?.drop();
});

const arn = (account: string, resource: string) => `arn:aws:iam::${account}:${resource}`;

/** Returns the titles of the demo's AWS findings of one category; the other clouds' demos have their own tests. */
async function findings(category: string): Promise<string[]> {
  const found = await rows<{ identity_arn: string; title: string }>(
    db.client,
    "SELECT identity_arn, title FROM ciem.findings WHERE category = $1 AND cloud = 'aws' ORDER BY identity_arn, title",
    [category]
  );
  return found.map((row) => row.title).sort();
}

describe('demo activity', () => {
  test('is deterministic for one reference date', () => {
    expect(JSON.stringify(generateDemoActivity(defaultAsOf))).toBe(JSON.stringify(generateDemoActivity(defaultAsOf)));
  });

  test('shows unused identities', async () => {
    expect(await findings('unused_identity')).toEqual([
      'Role DataScientist was never used',
      'Role IncidentResponder has not been used for 200 days',
      'Role PublicReadRole was never used',
      'User ci-legacy has not been used for 500 days',
      'User dave.auditor was never used',
      'User frank.dev has not been used for 120 days',
      'User grace.intern was never used',
    ]);
  });

  test('shows stale and unused access keys', async () => {
    const titles = await findings('unused_credential');
    expect(titles).toContain('Access key AKIAIOSFODNN7CILEG01 of ci-legacy has not been used for 500 days');
    expect(titles).toContain('Access key AKIAIOSFODNN7CILEG01 of ci-legacy is 1400 days old');
    expect(titles).toContain('Access key AKIAIOSFODNN7ALICE01 of alice.admin is 400 days old');
    expect(titles).toContain('Access key AKIAIOSFODNN7REPORT1 of svc-reporting is 1100 days old');
    expect(titles).toContain('Console password of dave.auditor was never used');
    expect(titles.some((title) => title.includes('AKIAIOSFODNN7CAROL01'))).toBe(false);
  });

  test('shows unused services and tracked actions', async () => {
    const titles = await findings('unused_permission');
    expect(titles).toContain('Role OrganizationAccountAccessRole has 7 granted services it has not used for 90 days');
    expect(titles).toContain('Role app-orders-lambda has 1 granted tracked actions it has not used for 90 days');
  });

  test('scores permission creep', async () => {
    const scores = await rows<{ identity_arn: string; score: number }>(db.client, 'SELECT identity_arn, score FROM ciem.creep_scores ORDER BY score DESC');
    expect(scores.length).toBeGreaterThan(5);
    const vendor = scores.find((row) => row.identity_arn === arn(demoAccounts.production, 'role/VendorMonitoring'));
    expect(vendor?.score).toBeGreaterThan(0);
  });
});
