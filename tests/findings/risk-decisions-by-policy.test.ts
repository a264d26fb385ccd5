import { readFileSync } from 'node:fs';
import path from 'node:path';

import { importAuthorizationDetails } from '../../cli/import/aws-authz/import';
import { allow, caseAccountBuilder, deny, doc, ec2Trust, loadAccounts, managed, roleArn, userArn } from '../engine/fixture';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { exportFiles, repositoryRoot } from '../support/paths';

// Migration 0024 rewrote how the risk decisions, escalation paths and risk-category findings are
// computed, for speed. These tests hold it to the output of migration 0021 on real exports and on
// principals built for the paths it added: boundaries, Denies of every kind, NotResource, policy
// variables. They also check every decision 0024 takes from statements against the engine.

const noMfa = { Condition: { BoolIfExists: { 'aws:MultiFactorAuthPresent': 'false' } } };
const inRegion = { Condition: { StringEquals: { 'aws:RequestedRegion': 'eu-west-1' } } };

const fixture = caseAccountBuilder()
  // A boundary takes the escalation actions it does not name away (IAM User Guide, "Permissions
  // boundaries for IAM entities": the effective permissions are the intersection).
  .role({
    name: 'bounded-escalator',
    ageDays: 10,
    trust: ec2Trust,
    inline: { p: doc(allow(['iam:*', 'lambda:*', 's3:*'])) },
    boundary: managed('IamPartBoundary', doc(allow(['iam:CreatePolicyVersion', 'iam:AttachRolePolicy', 's3:GetObject']))),
  })
  // A boundary whose Allow has a condition the data cannot decide leaves the grant conditional.
  .role({
    name: 'region-bounded',
    ageDays: 10,
    trust: ec2Trust,
    inline: { p: doc(allow(['iam:PutUserPolicy', 'iam:CreateAccessKey', 'ec2:RunInstances'])) },
    boundary: managed('RegionOnlyBoundary', doc(allow('*', '*', inRegion))),
  })
  // A Deny on some resources leaves the action allowed elsewhere, with those patterns denied.
  .user({
    name: 'pass-role-but-admin',
    ageDays: 10,
    inline: {
      p: doc(
        allow(['iam:PassRole', 'lambda:CreateFunction', 'lambda:InvokeFunction', 's3:GetObject']),
        deny('iam:PassRole', 'arn:aws:iam::100000000001:role/admin*')
      ),
    },
  })
  // A Deny whose condition is undecided makes every allowed action it names conditional.
  .user({
    name: 'mfa-denied',
    ageDays: 10,
    inline: { p: doc(allow(['iam:AttachUserPolicy', 'iam:CreateAccessKey', 's3:PutBucketPolicy']), deny('iam:*', '*', noMfa)) },
  })
  // A Deny on every resource takes the action away.
  .user({
    name: 'key-denied',
    ageDays: 10,
    inline: { p: doc(allow(['iam:CreateAccessKey', 'iam:UpdateLoginProfile', 'secretsmanager:GetSecretValue']), deny('iam:CreateAccessKey')) },
  })
  // Allow NotResource reaches every resource it does not exclude.
  .user({
    name: 'not-resource',
    ageDays: 10,
    inline: { p: doc(allow(['iam:PutRolePolicy', 's3:GetObject'], undefined, { Resource: undefined, NotResource: 'arn:aws:s3:::private/*' })) },
  })
  // Deny NotResource denies every resource but the ones it names.
  .user({
    name: 'deny-not-resource',
    ageDays: 10,
    inline: {
      p: doc(
        allow(['iam:PutRolePolicy', 'iam:UpdateAssumeRolePolicy', 'kms:PutKeyPolicy']),
        deny('iam:PutRolePolicy', undefined, { Resource: undefined, NotResource: 'arn:aws:iam::100000000001:role/sandbox-*' })
      ),
    },
  })
  // A policy variable resolves per principal, so the engine decides this one.
  .user({
    name: 'own-keys',
    ageDays: 10,
    inline: { p: doc(allow(['iam:CreateAccessKey', 'iam:CreateLoginProfile'], 'arn:aws:iam::100000000001:user/${aws:username}'), allow('iam:CreatePolicyVersion')) },
  });

let db: TestDatabase;

/** Returns a migration's CREATE FUNCTION, renamed, so the test can run the old code beside the new. */
function migrationFunction(file: string, name: string, renamed: string): string {
  const sql = readFileSync(path.join(repositoryRoot, 'sql-views', file), 'utf8');
  const start = sql.indexOf(`CREATE FUNCTION ciem.${name}()`);
  const end = sql.indexOf('$fn$;', start);
  if (start < 0 || end < 0) {
    throw new Error(`function ciem.${name} not found in ${file}`);
  }
  return sql.slice(start, end + '$fn$;'.length).replace(`ciem.${name}()`, `ciem.${renamed}()`);
}

/** Returns the SELECT of a view that a migration replaced. */
function migrationView(file: string, name: string): string {
  const sql = readFileSync(path.join(repositoryRoot, 'sql-views', file), 'utf8');
  const marker = `CREATE OR REPLACE VIEW ciem.${name} AS`;
  const start = sql.indexOf(marker);
  const end = sql.indexOf(';\n', start);
  if (start < 0) {
    throw new Error(`view ciem.${name} not found in ${file}`);
  }
  return sql.slice(start + marker.length, end);
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
  await importAuthorizationDetails(db.client, exportFiles.cloudsplaining, { sourceSchema: 'public', accountId: '200611803367' });
  await importAuthorizationDetails(db.client, exportFiles.cloudmapper, { sourceSchema: 'public', accountId: '123456789012' });
  await loadAccounts(db.client, fixture);

  await db.client.query(migrationFunction('0021_faster_findings_refresh.sql', 'refresh_principal_risk_decisions', 'risk_decisions_0021'));
  await db.client.query(migrationFunction('0021_faster_findings_refresh.sql', 'refresh_privilege_escalation_paths', 'escalation_paths_0021'));
  await db.client.query(`CREATE VIEW ciem.risk_findings_0021 AS ${migrationView('0021_faster_findings_refresh.sql', 'aws_risk_findings')}`);

  // The 0024 output, then the 0021 output computed from the same decisions.
  await db.client.query('CREATE TABLE decisions_0024 AS SELECT * FROM ciem.aws_principal_risk_decisions');
  await db.client.query('CREATE TABLE paths_0024 AS SELECT * FROM ciem.aws_privilege_escalation_paths');
  await db.client.query('CREATE TABLE risk_findings_0024 AS SELECT * FROM ciem.aws_risk_findings');
  await db.client.query('CREATE TABLE risk_findings_0021 AS SELECT * FROM ciem.risk_findings_0021');
  await db.client.query('SELECT ciem.escalation_paths_0021()');
  await db.client.query('CREATE TABLE paths_0021 AS SELECT * FROM ciem.aws_privilege_escalation_paths');
  await db.client.query('SELECT ciem.risk_decisions_0021()');
  await db.client.query('CREATE TABLE decisions_0021 AS SELECT * FROM ciem.aws_principal_risk_decisions');
}, 300_000);

afterAll(async () => {
  await db.drop();
});

const decisionColumns =
  'principal_arn, write_count, action, decision, resource_patterns, denied_resource_patterns, statements, detailed, covers_every_resource';

test('the risk decisions equal those of migration 0021', async () => {
  const count = await db.client.query<{ n: number }>('SELECT count(*)::int AS n FROM decisions_0024');
  expect(count.rows[0].n).toBeGreaterThan(1000);
  expect(await differences(`SELECT ${decisionColumns} FROM decisions_0024`, `SELECT ${decisionColumns} FROM decisions_0021`)).toBe(0);
});

test('the escalation paths equal those of migration 0021', async () => {
  const count = await db.client.query<{ n: number }>('SELECT count(*)::int AS n FROM paths_0024');
  expect(count.rows[0].n).toBeGreaterThan(50);
  expect(await differences('SELECT * FROM paths_0024', 'SELECT * FROM paths_0021')).toBe(0);
});

test('the stored risk-category findings equal the view of migration 0021', async () => {
  const count = await db.client.query<{ n: number }>('SELECT count(*)::int AS n FROM risk_findings_0024');
  expect(count.rows[0].n).toBeGreaterThan(50);
  expect(await differences('SELECT * FROM risk_findings_0024', 'SELECT * FROM risk_findings_0021')).toBe(0);
});

// Decisions taken from statements must be the engine's, resource patterns and statements
// included, because the escalation paths and the findings' evidence read them.
test('escalation decisions from statements equal the engine', async () => {
  const fromStatements = `SELECT principal_arn, action, decision, resource_patterns, denied_resource_patterns, statements
                            FROM decisions_0024 WHERE decided_by = 'statements' AND detailed`;
  const fromEngine = `SELECT e.principal_arn, e.action, e.decision, e.resource_patterns, e.denied_resource_patterns, e.statements
                        FROM ciem.evaluate_pairs(ARRAY(SELECT principal_arn || ' ' || action
                                                         FROM decisions_0024 WHERE decided_by = 'statements' AND detailed), true) e`;
  expect(await differences(fromStatements, fromEngine)).toBe(0);
}, 60_000);

test('category decisions from statements agree with the engine', async () => {
  const fromStatements = `SELECT principal_arn, action, decision, resource_patterns
                            FROM decisions_0024 WHERE decided_by = 'statements' AND NOT detailed AND resource_patterns IS NOT NULL`;
  const fromEngine = `SELECT e.principal_arn, e.action, e.decision, e.resource_patterns
                        FROM ciem.evaluate_pairs(ARRAY(SELECT principal_arn || ' ' || action FROM decisions_0024
                                                        WHERE decided_by = 'statements' AND NOT detailed AND resource_patterns IS NOT NULL), false) e`;
  expect(await differences(fromStatements, fromEngine)).toBe(0);
}, 60_000);

test('the fixture reaches every path of the statement evaluation', async () => {
  const decided = async (arn: string) => {
    const result = await db.client.query<{ action: string; decision: string; decided_by: string; denied: string[] | null }>(
      `SELECT action, decision, decided_by, denied_resource_patterns AS denied
         FROM decisions_0024 WHERE principal_arn = $1 ORDER BY action`,
      [arn]
    );
    return result.rows;
  };

  // Boundary: the escalation actions outside it are gone, the ones inside stay.
  const bounded = await decided(roleArn('bounded-escalator'));
  expect(bounded.map((row) => row.action)).toEqual(expect.arrayContaining(['iam:AttachRolePolicy', 'iam:CreatePolicyVersion', 's3:GetObject']));
  expect(bounded.map((row) => row.action)).not.toContain('iam:PassRole');
  expect(bounded.every((row) => row.decided_by === 'statements')).toBe(true);

  const regional = await decided(roleArn('region-bounded'));
  expect(regional.find((row) => row.action === 'iam:PutUserPolicy')?.decision).toBe('conditional');

  const passRole = (await decided(userArn('pass-role-but-admin'))).find((row) => row.action === 'iam:PassRole');
  expect(passRole).toMatchObject({ decision: 'allowed', decided_by: 'statements', denied: ['arn:aws:iam::100000000001:role/admin*'] });

  const mfa = await decided(userArn('mfa-denied'));
  expect(mfa.find((row) => row.action === 'iam:AttachUserPolicy')?.decision).toBe('conditional');
  expect(mfa.find((row) => row.action === 's3:PutBucketPolicy')?.decision).toBe('allowed');

  const keyDenied = await decided(userArn('key-denied'));
  expect(keyDenied.map((row) => row.action)).not.toContain('iam:CreateAccessKey');
  expect(keyDenied.map((row) => row.action)).toContain('iam:UpdateLoginProfile');

  expect((await decided(userArn('not-resource'))).map((row) => row.action)).toContain('iam:PutRolePolicy');
  // The Deny NotResource leaves the roles it names, so the action stays allowed on them.
  const denyNotResource = (await decided(userArn('deny-not-resource'))).find((row) => row.action === 'iam:PutRolePolicy');
  expect(denyNotResource).toMatchObject({ decision: 'allowed', decided_by: 'statements' });

  const ownKeys = await decided(userArn('own-keys'));
  expect(ownKeys.length).toBeGreaterThan(0);
  expect(ownKeys.every((row) => row.decided_by === 'engine')).toBe(true);
});
