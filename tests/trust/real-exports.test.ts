import { importAuthorizationDetails } from '../../cli/import/aws-authz/import';
import { migrate } from '../../cli/migrate/run';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { exportFiles } from '../support/paths';
import { findingsOf, principalsOf } from './fixture';

// Trust policies of real exports: cloudmapper's demo has a role that trusts {"AWS": "*"}, which
// AWS documents as anyone (IAM User Guide, "AWS JSON policy elements: Principal"); iam-vulnerable
// (the cloudsplaining example) has a role that trusts its own account and a chain of roles that
// each trust the previous one by ARN.

const vulnerable = '200611803367';
const role = (name: string) => `arn:aws:iam::${vulnerable}:role/${name}`;
const ssoAdmin = role('aws-reserved/sso.amazonaws.com/AWSReservedSSO_AdministratorAccess_dc6414f7f2ab04fc');

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
  await importAuthorizationDetails(db.client, exportFiles.cloudsplaining, {
    sourceSchema: 'public',
    accountId: vulnerable,
  });
  await importAuthorizationDetails(db.client, exportFiles.cloudmapper, { sourceSchema: 'public' });
  await migrate(db.client, { sourceSchema: 'public' });
}, 180_000);

afterAll(async () => {
  await db.drop();
});

async function edge(caller: string, target: string) {
  const result = await db.client.query(
    'SELECT trust_match, identity_policy_required, conditional FROM ciem.aws_assume_role_edges WHERE caller_arn = $1 AND role_arn = $2',
    [caller, target]
  );
  return result.rows[0] ?? null;
}

test('cloudmapper bad_role trusting {"AWS": "*"} is public', async () => {
  const badRole = 'arn:aws:iam::123456789012:role/bad_role';
  const [row] = await principalsOf(db.client, badRole);
  expect(row.principal_type).toBe('AWS');
  expect(row.trusted_principal).toBe('*');
  expect(row.classification).toBe('public');
  expect((await findingsOf(db.client, badRole)).map((f) => `${f.category}:${f.severity}`)).toEqual([
    'public_trust:critical',
  ]);
});

test('privesc-permissive-role-trust trusts its own account', async () => {
  const [row] = await principalsOf(db.client, role('privesc-permissive-role-trust'));
  expect(row.principal_kind).toBe('account');
  expect(row.classification).toBe('same_account');
  expect(await findingsOf(db.client, role('privesc-permissive-role-trust'))).toEqual([]);
});

test('privesc-permissive-role-trust is reached by principals allowed sts:AssumeRole', async () => {
  const user = `arn:aws:iam::${vulnerable}:user/privesc14-UpdatingAssumeRolePolicy-user`;
  expect(await edge(user, role('privesc-permissive-role-trust'))).toEqual({
    trust_match: 'account',
    identity_policy_required: true,
    conditional: false,
  });
});

test('AssumeRole chain roles trust the previous role of their account', async () => {
  for (const [target, trusted] of [
    ['privesc-AssumeRole-intermediate-role', role('privesc-AssumeRole-starting-role')],
    ['privesc-AssumeRole-ending-role', role('privesc-AssumeRole-intermediate-role')],
  ]) {
    const [row] = await principalsOf(db.client, role(target));
    expect(row.trusted_principal).toBe(trusted);
    expect(row.classification).toBe('same_account');
  }
});

test('AssumeRole chain is two edges that need no identity policy', async () => {
  const direct = { trust_match: 'principal_arn', identity_policy_required: false, conditional: false };
  expect(await edge(role('privesc-AssumeRole-starting-role'), role('privesc-AssumeRole-intermediate-role'))).toEqual(
    direct
  );
  expect(await edge(role('privesc-AssumeRole-intermediate-role'), role('privesc-AssumeRole-ending-role'))).toEqual(
    direct
  );
});

test('AssumeRole starting role trusts one SSO session', async () => {
  const [row] = await principalsOf(db.client, role('privesc-AssumeRole-starting-role'));
  expect(row.principal_kind).toBe('session');
  expect(row.classification).toBe('same_account');
  expect(await edge(ssoAdmin, role('privesc-AssumeRole-starting-role'))).toEqual({
    trust_match: 'role_session',
    identity_policy_required: true,
    conditional: true,
  });
});
