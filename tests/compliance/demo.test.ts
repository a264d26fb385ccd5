import { loadDemo } from '../../cli/demo/load';
import { demoAccounts } from '../../cli/demo/organisation';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { statusesOf } from './fixture';

// The CIS controls end to end on the demo organisation, loaded as `openciem demo` loads it.
// The credential report comes from another part of the demo, so the controls read from it
// (1.7, 1.10 to 1.14) are only checked for not passing without data.

const { management, security, production, development } = demoAccounts;
const root = (account: string) => `arn:aws:iam::${account}:root`;
const region = (account: string, name: string) => `arn:aws:access-analyzer:${name}:${account}:analyzer/*`;

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
  await loadDemo(db.client, 'public', new Date());
}, 180_000);

afterAll(async () => {
  await db.drop();
});

test('root controls pass and fail per account', async () => {
  expect(await statusesOf(db.client, '1.4', production)).toEqual({ [root(production)]: 'fail' });
  expect(await statusesOf(db.client, '1.4', management)).toEqual({ [root(management)]: 'pass' });
  expect(await statusesOf(db.client, '1.5', development)).toEqual({ [root(development)]: 'fail' });
  expect(await statusesOf(db.client, '1.6', management)).toEqual({ [root(management)]: 'pass' });
  expect(await statusesOf(db.client, '1.6', security)).toEqual({ [root(security)]: 'fail' });
});

test('password policy controls', async () => {
  expect(await statusesOf(db.client, '1.8', management)).toEqual({ [management]: 'pass' });
  expect(await statusesOf(db.client, '1.8', production)).toEqual({ [production]: 'fail' });
  expect(await statusesOf(db.client, '1.9', security)).toEqual({ [security]: 'pass' });
  expect(await statusesOf(db.client, '1.9', development)).toEqual({ [development]: 'fail' });
});

test('policy controls on the demo identities', async () => {
  expect(await statusesOf(db.client, '1.15', management)).toEqual({
    [`arn:aws:iam::${management}:user/alice.admin`]: 'pass',
    [`arn:aws:iam::${management}:user/bob.finance`]: 'fail',
    [`arn:aws:iam::${management}:user/ci-legacy`]: 'fail',
  });
  const admin = await statusesOf(db.client, '1.16', production);
  expect(admin['arn:aws:iam::aws:policy/AdministratorAccess']).toBe('fail');
  expect(admin[`arn:aws:iam::${production}:policy/CiDeploy`]).toBe('pass');
  expect(await statusesOf(db.client, '1.22', development)).toEqual({ [development]: 'pass' });
});

test('certificates and analyzers', async () => {
  const certificates = await statusesOf(db.client, '1.19', production);
  expect(certificates[`arn:aws:iam::${production}:server-certificate/legacy-portal.acme.example`]).toBe('fail');
  expect(certificates[`arn:aws:iam::${production}:server-certificate/orders.acme.example`]).toBe('pass');
  expect(await statusesOf(db.client, '1.19', management)).toEqual({ [management]: 'pass' });
  expect(await statusesOf(db.client, '1.20', management)).toEqual({
    [region(management, 'eu-west-1')]: 'pass',
    [region(management, 'us-east-1')]: 'pass',
  });
  expect(await statusesOf(db.client, '1.20', development)).toEqual({
    [region(development, 'eu-west-1')]: 'pass',
    [region(development, 'us-east-1')]: 'fail',
  });
});

test('security contact is unknown without its table', async () => {
  for (const account of [management, security, production, development]) {
    expect(await statusesOf(db.client, '1.2', account)).toEqual({ [account]: 'unknown' });
  }
});

test('no account passes without its credential report', async () => {
  const rows = await db.client.query(
    `SELECT DISTINCT r.account_id
       FROM ciem.compliance_results r
       JOIN ciem.compliance_account_data d USING (account_id)
      WHERE r.benchmark = 'CIS AWS Foundations Benchmark'
        AND r.control_id IN ('1.7', '1.10', '1.11', '1.12', '1.13', '1.14')
        AND NOT d.has_credential_report AND r.status <> 'unknown'`
  );
  expect(rows.rows).toEqual([]);
});

test('summary shows passing and failing accounts', async () => {
  const rows = await db.client.query(
    "SELECT account_id, count(*) FILTER (WHERE state = 'pass')::int AS passing, count(*) FILTER (WHERE state = 'fail')::int AS failing FROM ciem.compliance_summary WHERE benchmark = 'CIS AWS Foundations Benchmark' GROUP BY account_id ORDER BY account_id"
  );
  expect(rows.rows.map((row) => row.account_id)).toEqual([management, development, security, production]);
  rows.rows.forEach((row) => {
    expect(row.passing).toBeGreaterThan(0);
    expect(row.failing).toBeGreaterThan(0);
  });
});

test('failed controls become compliance findings', async () => {
  const rows = await db.client.query(
    "SELECT identity_arn, severity FROM ciem.findings WHERE category = 'compliance' AND account_id = $1 AND evidence ->> 'control_id' = '1.4'",
    [production]
  );
  expect(rows.rows).toEqual([{ identity_arn: root(production), severity: 'critical' }]);
});
