import { importAuthorizationDetails } from '../../cli/import/aws-authz/import';
import { migrate } from '../../cli/migrate/run';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { exportFiles } from '../support/paths';

// Ground truth: the cloudsplaining example export is a real account running BishopFox's
// iam-vulnerable, whose principals are labelled: privesc* and fn1-fn4 users, and every role that
// carries a privesc* or fn* policy, can escalate (fn: other tools' false negatives); fp1-fp5
// principals (other tools' false positives) cannot. A role named privesc-* without a policy, such
// as privesc-permissive-role-trust, exists to test trust policies and grants nothing itself.
const account = '200611803367';

// The role chain's start user and first two roles carry no permissions in this export (the
// chain is incomplete there); tests/trust covers role chains on a handmade fixture instead.
const incompleteChain = ['privesc-AssumeRole-start-user', 'privesc-AssumeRole-starting-role', 'privesc-AssumeRole-intermediate-role'];

interface Labelled {
  arn: string;
  name: string;
  label: 'escalates' | 'cannot';
  flagged: boolean;
}

let db: TestDatabase;
let principals: Labelled[];

beforeAll(async () => {
  db = await createTestDatabase();
  await importAuthorizationDetails(db.client, exportFiles.cloudsplaining, { sourceSchema: 'public', accountId: account });
  await migrate(db.client, { sourceSchema: 'public' });

  const result = await db.client.query<Labelled>(
    `WITH labels AS (
         SELECT p.principal_arn AS arn, p.principal_name AS name,
                CASE WHEN bool_or(p.principal_name ~ '^fp[1-5]' OR pp.policy_key ~ '/fp[1-5]') THEN 'cannot'
                     WHEN bool_or((p.principal_type = 'user' AND p.principal_name ~ '^(privesc|fn[1-4])')
                                  OR pp.policy_key ~ '/(privesc|fn[1-4])') THEN 'escalates'
                END AS label
           FROM ciem.aws_principals p
           LEFT JOIN ciem.aws_principal_policies pp ON pp.principal_arn = p.principal_arn AND pp.via IN ('direct', 'group')
          WHERE p.account_id = $1
          GROUP BY p.principal_arn, p.principal_name
     )
     SELECT l.arn, l.name, l.label,
            EXISTS (SELECT 1 FROM ciem.findings f
                     WHERE f.identity_arn = l.arn AND f.category IN ('admin_equivalent', 'privilege_escalation')) AS flagged
       FROM labels l
      WHERE l.label IS NOT NULL AND l.name <> ALL ($2)
      ORDER BY l.name`,
    [account, incompleteChain]
  );
  principals = result.rows;

  const positives = principals.filter((p) => p.label === 'escalates');
  const negatives = principals.filter((p) => p.label === 'cannot');
  console.log(
    `iam-vulnerable: recall ${positives.filter((p) => p.flagged).length}/${positives.length}, ` +
      `false alarms ${negatives.filter((p) => p.flagged).length}/${negatives.length}`
  );
}, 180_000);

afterAll(async () => {
  await db.drop();
});

test('labels cover every path', () => {
  expect(principals.filter((p) => p.label === 'escalates').length).toBeGreaterThanOrEqual(70);
  expect(principals.filter((p) => p.label === 'cannot').length).toBe(10);
});

test('every escalating principal is found', () => {
  expect(principals.filter((p) => p.label === 'escalates' && !p.flagged).map((p) => p.name)).toEqual([]);
});

test('no false alarms on fp1-fp5', () => {
  expect(principals.filter((p) => p.label === 'cannot' && p.flagged).map((p) => p.name)).toEqual([]);
});

// fn4: Allow NotAction [iam:Update*, iam:Create*, iam:Attach*] on "*".
test('fn4 escalates through PutUserPolicy', async () => {
  const findings = await db.client.query(
    `SELECT category, evidence ->> 'method' AS method FROM ciem.findings WHERE identity_arn = $1`,
    [`arn:aws:iam::${account}:user/fn4-exploitableNotAction-user`]
  );
  expect(findings.rows.map((r) => r.category)).not.toContain('admin_equivalent');
  expect(findings.rows.map((r) => r.method)).toContain('privesc-063');
});

test('statement-level category decisions agree with the engine', async () => {
  const rows = await db.client.query<{ principal_arn: string; action: string; decision: string; explained: string }>(
    `SELECT d.principal_arn, d.action, d.decision, ciem.explain(d.principal_arn, d.action) ->> 'decision' AS explained
       FROM ciem.aws_principal_risk_decisions d
      WHERE d.decided_by = 'statements'`
  );
  expect(rows.rows.length).toBeGreaterThan(100);
  expect(rows.rows.filter((row) => row.decision !== row.explained)).toEqual([]);
}, 60_000);
