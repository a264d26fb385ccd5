import { policyDocument, trustPolicy } from '../../cli/demo/iam-builders';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { account, builder, loadCase, resultsOf, statusesOf } from './fixture';

// The catalogue, the unknown state, the findings and the summary, on an account whose only
// hygiene table is the account summary: every other optional table is absent, as when a
// CloudQuery sync leaves it out.

const onlyIam = account(51);

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
  await loadCase(
    db.client,
    [
      builder(onlyIam)
        .user({
          name: 'direct',
          ageDays: 10,
          inline: { Own: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }] } },
        })
        .user({ name: 'grouped', ageDays: 10 })
        .role({
          name: 'app',
          ageDays: 10,
          trust: trustPolicy({ Service: 'ec2.amazonaws.com' }),
          managed: [
            {
              name: 'AppRead',
              owner: onlyIam,
              versions: [policyDocument({ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' })],
            },
          ],
        }),
    ],
    { aws_iam_accounts: [{ account_id: onlyIam, account_mfa_enabled: true, account_access_keys_present: false }] }
  );
}, 180_000);

afterAll(async () => {
  await db.drop();
});

describe('compliance_controls catalogue', () => {
  test('lists all 22 controls of section 1', async () => {
    const rows = await db.client.query("SELECT control_id FROM ciem.compliance_controls WHERE benchmark = 'CIS AWS Foundations Benchmark' ORDER BY position");
    expect(rows.rows.map((row) => row.control_id)).toEqual(Array.from({ length: 22 }, (_, index) => `1.${index + 1}`));
  });

  test('names the undecidable controls with a reason', async () => {
    const rows = await db.client.query(
      "SELECT control_id, why_not FROM ciem.compliance_controls WHERE benchmark = 'CIS AWS Foundations Benchmark' AND NOT decidable ORDER BY position"
    );
    expect(rows.rows.map((row) => row.control_id)).toEqual(['1.1', '1.3', '1.18', '1.21']);
    rows.rows.forEach((row) => expect(row.why_not.length).toBeGreaterThan(40));
  });

  test('every decidable control judges the account', async () => {
    const rows = await db.client.query(
      `SELECT c.control_id FROM ciem.compliance_controls c
        WHERE c.benchmark = 'CIS AWS Foundations Benchmark' AND c.decidable AND NOT EXISTS (SELECT 1 FROM ciem.compliance_results r WHERE r.control_id = c.control_id AND r.account_id = $1)`,
      [onlyIam]
    );
    expect(rows.rows).toEqual([]);
  });
});

describe('absent tables', () => {
  test('make hygiene controls unknown', async () => {
    const rows = await db.client.query(
      "SELECT control_id FROM ciem.compliance_results WHERE account_id = $1 AND status = 'unknown' ORDER BY control_id",
      [onlyIam]
    );
    expect(rows.rows.map((row) => row.control_id)).toEqual([
      '1.10',
      '1.11',
      '1.12',
      '1.13',
      '1.14',
      '1.19',
      '1.2',
      '1.20',
      '1.6',
      '1.7',
      '1.8',
      '1.9',
    ]);
  });

  test('unknown evidence names the missing table', async () => {
    const [row] = await resultsOf(db.client, '1.19', onlyIam);
    expect(row.evidence).toEqual({ missing: 'table aws_iam_server_certificates is not synced' });
  });

  test('root MFA known without the virtual device table is unknown', async () => {
    expect(await statusesOf(db.client, '1.5', onlyIam)).toEqual({ [`arn:aws:iam::${onlyIam}:root`]: 'pass' });
    const [row] = await resultsOf(db.client, '1.6', onlyIam);
    expect(row.status).toBe('unknown');
    expect(row.evidence.missing).toBe('table aws_iam_virtual_mfa_devices is not synced');
  });
});

describe('compliance findings', () => {
  test('one finding per failed control and resource', async () => {
    const rows = await db.client.query(
      "SELECT identity_arn, identity_type, severity, title, evidence FROM ciem.findings WHERE category = 'compliance' AND account_id = $1 ORDER BY identity_arn",
      [onlyIam]
    );
    expect(rows.rows).toEqual([
      {
        identity_arn: onlyIam,
        identity_type: 'account',
        severity: 'low',
        title: 'CIS AWS 3.0.0 1.17 failed: Ensure a support role has been created to manage incidents with AWS Support',
        evidence: expect.objectContaining({ control_id: '1.17', roles: [] }),
      },
      {
        identity_arn: `arn:aws:iam::${onlyIam}:user/direct`,
        identity_type: 'user',
        severity: 'low',
        title: 'CIS AWS 3.0.0 1.15 failed: Ensure IAM Users Receive Permissions Only Through Groups',
        evidence: expect.objectContaining({ control_id: '1.15', inline_policies: ['Own'] }),
      },
    ]);
  });

  test('keep their id across refreshes', async () => {
    const before = await db.client.query(
      "SELECT finding_id FROM ciem.findings WHERE category = 'compliance' ORDER BY finding_id"
    );
    await db.client.query('SELECT ciem.refresh()');
    const after = await db.client.query(
      "SELECT finding_id FROM ciem.findings WHERE category = 'compliance' ORDER BY finding_id"
    );
    expect(after.rows).toEqual(before.rows);
  });
});

describe('compliance_summary', () => {
  test('gives a state for every control', async () => {
    const rows = await db.client.query(
      'SELECT control_id, state FROM ciem.compliance_summary WHERE account_id = $1 ORDER BY position',
      [onlyIam]
    );
    expect(Object.fromEntries(rows.rows.map((row) => [row.control_id, row.state]))).toEqual({
      '1.1': 'manual',
      '1.2': 'unknown',
      '1.3': 'manual',
      '1.4': 'pass',
      '1.5': 'pass',
      '1.6': 'unknown',
      '1.7': 'unknown',
      '1.8': 'unknown',
      '1.9': 'unknown',
      '1.10': 'unknown',
      '1.11': 'unknown',
      '1.12': 'unknown',
      '1.13': 'unknown',
      '1.14': 'unknown',
      '1.15': 'fail',
      '1.16': 'pass',
      '1.17': 'fail',
      '1.18': 'manual',
      '1.19': 'unknown',
      '1.20': 'unknown',
      '1.21': 'manual',
      '1.22': 'pass',
    });
  });

  test('pass rate counts decided results only', async () => {
    const rows = await db.client.query(
      "SELECT pass_count, fail_count, unknown_count, pass_rate::float AS pass_rate FROM ciem.compliance_summary WHERE account_id = $1 AND control_id IN ('1.15', '1.19') ORDER BY position",
      [onlyIam]
    );
    expect(rows.rows).toEqual([
      { pass_count: 1, fail_count: 1, unknown_count: 0, pass_rate: 50 },
      { pass_count: 0, fail_count: 0, unknown_count: 1, pass_rate: null },
    ]);
  });
});
