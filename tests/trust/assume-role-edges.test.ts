import { createTestDatabase, type TestDatabase } from '../support/database';
import {
  allow,
  caseAccountBuilder,
  deny,
  doc,
  ec2Trust,
  loadAccounts,
  managed,
  roleArn,
  userArn,
} from '../engine/fixture';
import {
  allowAssume,
  createOrganization,
  denyAssume,
  orgAccount,
  ownAccount,
  root,
  strangerAccount,
  trust,
} from './fixture';

// Rule: ciem.aws_assume_role_edges has a row when the role's trust policy admits the caller and the
// caller's own policies allow sts:AssumeRole on the role (IAM User Guide, "Cross-account policy
// evaluation logic"). Within one account, a trust policy that names the caller's ARN needs no
// identity policy ("Policy evaluation logic": an implicit deny in identity policies does not
// impact a resource-based policy that grants to the user or role ARN), but the caller's permissions
// boundary must allow sts:AssumeRole ("Update a role trust policy").

const a = ownAccount;
const b = strangerAccount;
const m = orgAccount;
const assumeAll = { assume: doc(allow('sts:AssumeRole')) };
const role = (
  name: string,
  document: ReturnType<typeof trust>,
  inline: Record<string, ReturnType<typeof doc>> = {}
) => ({ name, ageDays: 10, trust: document, inline });
const assumeBoundary = managed('AssumeBoundary', doc(allow('sts:*')));
const s3Boundary = managed('S3Boundary', doc(allow('s3:*')));

const ownAccountBuilder = caseAccountBuilder(a)
  .user({ name: 'no-permissions', ageDays: 10 })
  .user({ name: 'assumer', ageDays: 10, inline: assumeAll })
  .user({ name: 'other-assumer', ageDays: 10, inline: assumeAll })
  .user({ name: 'bounded', ageDays: 10, boundary: s3Boundary })
  .user({ name: 'bounded-allowing', ageDays: 10, boundary: assumeBoundary })
  .user({
    name: 'denied',
    ageDays: 10,
    inline: { p: doc(allow('*'), deny('sts:AssumeRole', roleArn('names-denied', a))) },
  })
  .user({ name: 'listed', ageDays: 10, inline: assumeAll })
  .user({ name: 'listed-bounded', ageDays: 10, inline: assumeAll, boundary: assumeBoundary })
  .user({
    name: 'dev-one',
    ageDays: 10,
    inline: { dev: doc(allow('sts:AssumeRole', `arn:aws:iam::${a}:role/scoped-dev-*`)) },
  })
  .user({
    name: 'dev-two',
    ageDays: 10,
    inline: { dev: doc(allow('sts:AssumeRole', `arn:aws:iam::${a}:role/scoped-dev-*`)) },
  })
  .user({
    name: 'variable',
    ageDays: 10,
    inline: { own: doc(allow('sts:AssumeRole', `arn:aws:iam::${a}:role/\${aws:username}-role`)) },
  })
  .role(role('names-user', trust(allowAssume({ AWS: userArn('no-permissions', a) }))))
  .role(role('names-bounded', trust(allowAssume({ AWS: [userArn('bounded', a), userArn('bounded-allowing', a)] }))))
  .role(role('names-denied', trust(allowAssume({ AWS: userArn('denied', a) }))))
  .role(role('names-role', trust(allowAssume({ AWS: roleArn('bounded-caller', a) }))))
  .role({ ...role('bounded-caller', ec2Trust), boundary: s3Boundary })
  .role(role('account-root', trust(allowAssume({ AWS: root(a) }))))
  .role(
    role('mfa', trust(allowAssume({ AWS: root(a) }, { Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } } })))
  )
  .role(role('deny-user', trust(allowAssume({ AWS: root(a) }), denyAssume({ AWS: userArn('assumer', a) }))))
  .role(
    role(
      'deny-conditional',
      trust(
        allowAssume({ AWS: root(a) }),
        denyAssume('*', { Condition: { NotIpAddress: { 'aws:SourceIp': '10.0.0.0/8' } } })
      )
    )
  )
  .role(
    role(
      'deny-not-principal',
      trust(allowAssume({ AWS: root(a) }), {
        Effect: 'Deny',
        NotPrincipal: { AWS: [userArn('listed', a), userArn('listed-bounded', a), root(a)] },
        Action: 'sts:AssumeRole',
      })
    )
  )
  .role(role('scoped-dev-api', trust(allowAssume({ AWS: root(a) }))))
  .role(role('scoped-prod-api', trust(allowAssume({ AWS: root(a) }))))
  .role(role('variable-role', trust(allowAssume({ AWS: root(a) }))))
  .role(role('public', trust(allowAssume({ AWS: '*' }))))
  .role(role('session-caller', ec2Trust, assumeAll))
  .role(role('session', trust(allowAssume({ AWS: `arn:aws:sts::${a}:assumed-role/session-caller/ci` }))))
  .role(role('self', trust(allowAssume({ AWS: root(a) })), assumeAll))
  .role(role('cross-names-user', trust(allowAssume({ AWS: [userArn('assumer', b), userArn('no-permissions', b)] }))))
  .role(role('cross-root', trust(allowAssume({ AWS: root(b) }))));

const otherAccountBuilder = caseAccountBuilder(b)
  .user({ name: 'assumer', ageDays: 10, inline: assumeAll })
  .user({ name: 'no-permissions', ageDays: 10 });

// A member account under an SCP that allows only S3, where a trust policy names its user.
const memberBuilder = caseAccountBuilder(m)
  .user({ name: 'member', ageDays: 10 })
  .role(role('names-member', trust(allowAssume({ AWS: userArn('member', m) }))));

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
  const sql = (text: string, values: unknown[] = []) => db.client.query(text, values);
  await createOrganization(db.client);
  await sql(
    'CREATE TABLE aws_organizations_account_parents (_cq_id uuid, request_account_id text, id text, parent_id text, type text)'
  );
  await sql(
    'CREATE TABLE aws_organizations_policies (_cq_id uuid, account_id text, content jsonb, arn text, aws_managed boolean, id text, name text, type text)'
  );
  await sql(
    "INSERT INTO aws_organizations_account_parents (request_account_id, id, parent_id, type) VALUES ($1, $2, 'r-root', 'ROOT'), ($1, $1, 'r-root', 'ROOT')",
    [a, m]
  );
  await sql(
    "INSERT INTO aws_organizations_policies (account_id, content, id, name, type) VALUES ($1, $2, 'p-s3', 'p-s3', 'SERVICE_CONTROL_POLICY')",
    [a, JSON.stringify(doc(allow('s3:*')))]
  );
  await loadAccounts(db.client, ownAccountBuilder, otherAccountBuilder, memberBuilder);
  await sql("INSERT INTO ciem.aws_scp_targets (policy_id, target_id) VALUES ('p-s3', 'r-root'), ('p-s3', $1)", [m]);
  await sql('SELECT ciem.refresh()');
}, 120_000);

afterAll(async () => {
  await db.drop();
});

interface Edge {
  caller_arn: string;
  trust_match: string;
  identity_policy_required: boolean;
  identity_decision: string;
  conditional: boolean;
  is_cross_account: boolean;
}

async function callersOf(roleName: string, account = a): Promise<Edge[]> {
  const result = await db.client.query<Edge>(
    `SELECT caller_arn, trust_match, identity_policy_required, identity_decision, conditional, is_cross_account
       FROM ciem.aws_assume_role_edges WHERE role_arn = $1 ORDER BY caller_arn`,
    [roleArn(roleName, account)]
  );
  return result.rows;
}

const names = (edges: Edge[]) => edges.map((edge) => edge.caller_arn.split(':').slice(4).join(':'));

describe('same-account trust that names the caller (Policy evaluation logic)', () => {
  test('user named by ARN needs no identity policy', async () => {
    const edges = await callersOf('names-user');
    expect(names(edges)).toEqual([`${a}:user/no-permissions`]);
    expect(edges[0].identity_policy_required).toBe(false);
    expect(edges[0].identity_decision).toBe('implicit_deny');
    expect(edges[0].conditional).toBe(false);
  });

  test('permissions boundary must allow sts:AssumeRole (Update a role trust policy)', async () => {
    expect(names(await callersOf('names-bounded'))).toEqual([`${a}:user/bounded-allowing`]);
  });

  test('role named by ARN is limited by its boundary', async () => {
    expect(await callersOf('names-role')).toEqual([]);
  });

  test('explicit deny in the caller policy still wins', async () => {
    expect(await callersOf('names-denied')).toEqual([]);
  });

  test('SCP that does not allow sts:AssumeRole blocks it (Service control policies)', async () => {
    expect(await callersOf('names-member', m)).toEqual([]);
  });
});

describe('trust of the account (AWS JSON policy elements: Principal, AWS account principals)', () => {
  test('account trust needs an identity policy', async () => {
    const edges = await callersOf('account-root');
    expect(names(edges)).toEqual([
      `${a}:role/self`,
      `${a}:role/session-caller`,
      `${a}:user/assumer`,
      `${a}:user/denied`,
      `${a}:user/listed`,
      `${a}:user/listed-bounded`,
      `${a}:user/other-assumer`,
    ]);
    expect(edges.every((edge) => edge.identity_policy_required && edge.identity_decision === 'allowed')).toBe(true);
  });

  test('identity policy scoped to other roles does not reach it', async () => {
    expect(names(await callersOf('scoped-dev-api'))).toContain(`${a}:user/dev-one`);
    expect(names(await callersOf('scoped-prod-api'))).not.toContain(`${a}:user/dev-one`);
  });

  test('callers with the same policies are decided alike', async () => {
    const dev = names(await callersOf('scoped-dev-api')).filter((name) => name.includes('dev-'));
    expect(dev).toEqual([`${a}:user/dev-one`, `${a}:user/dev-two`]);
  });

  test('policy variable resolves per caller (IAM User Guide, "Policy variables")', async () => {
    const result = await db.client.query('SELECT role_arn FROM ciem.aws_assume_role_edges WHERE caller_arn = $1', [
      userArn('variable', a),
    ]);
    expect(result.rows.map((row) => row.role_arn)).toEqual([roleArn('variable-role', a)]);
  });

  test('role may assume itself through its account (Update a role trust policy)', async () => {
    expect(names(await callersOf('self'))).toContain(`${a}:role/self`);
  });

  test('trust condition makes the edge conditional', async () => {
    const edges = await callersOf('mfa');
    expect(edges.length).toBeGreaterThan(0);
    expect(edges.every((edge) => edge.conditional)).toBe(true);
  });
});

describe('Deny statements in the trust policy', () => {
  test('Deny of one user removes only that edge', async () => {
    const callers = names(await callersOf('deny-user'));
    expect(callers).not.toContain(`${a}:user/assumer`);
    expect(callers).toContain(`${a}:user/other-assumer`);
  });

  test('conditional Deny makes edges conditional', async () => {
    const edges = await callersOf('deny-conditional');
    expect(edges.length).toBeGreaterThan(0);
    expect(edges.every((edge) => edge.conditional)).toBe(true);
  });

  test('NotPrincipal Deny spares listed callers without a boundary (Permissions boundaries for IAM entities)', async () => {
    expect(names(await callersOf('deny-not-principal'))).toEqual([`${a}:user/listed`]);
  });
});

describe('public, session and cross-account trust', () => {
  test('trust of "*" admits every caller with an identity policy', async () => {
    const callers = names(await callersOf('public'));
    expect(callers).toContain(`${a}:user/assumer`);
    expect(callers).toContain(`${b}:user/assumer`);
    expect(callers).not.toContain(`${a}:user/no-permissions`);
  });

  test('session ARN admits the role that opens the session, conditionally', async () => {
    const edges = await callersOf('session');
    expect(names(edges)).toEqual([`${a}:role/session-caller`]);
    expect(edges[0].trust_match).toBe('role_session');
    expect(edges[0].conditional).toBe(true);
  });

  test('cross-account caller named by ARN still needs an identity policy (Cross-account policy evaluation logic)', async () => {
    const edges = await callersOf('cross-names-user');
    expect(names(edges)).toEqual([`${b}:user/assumer`]);
    expect(edges[0].identity_policy_required).toBe(true);
    expect(edges[0].is_cross_account).toBe(true);
  });

  test('cross-account root trust admits callers allowed by their own account', async () => {
    expect(names(await callersOf('cross-root'))).toEqual([`${b}:user/assumer`]);
  });
});

describe('reading the edges', () => {
  test('evidence points into the trust policy and the caller policies', async () => {
    const result = await db.client.query(
      'SELECT trust_statement_indexes, trust_deny_statement_indexes, permission_statements FROM ciem.aws_assume_role_edges WHERE caller_arn = $1 AND role_arn = $2',
      [userArn('assumer', a), roleArn('deny-conditional', a)]
    );
    expect(result.rows[0].trust_statement_indexes).toEqual([0]);
    expect(result.rows[0].trust_deny_statement_indexes).toEqual([1]);
    expect(result.rows[0].permission_statements).toEqual([
      expect.objectContaining({ policy_name: 'assume', effect: 'Allow', via: 'direct' }),
    ]);
  });

  test('reading by role or by caller gives the rows of a full read', async () => {
    const all = (await db.client.query('SELECT caller_arn, role_arn FROM ciem.aws_assume_role_edges')).rows;
    for (const roleName of ['account-root', 'public', 'names-user', 'cross-root', 'session', 'deny-not-principal']) {
      const expected = all
        .filter((row) => row.role_arn === roleArn(roleName, a))
        .map((row) => row.caller_arn)
        .sort();
      expect((await callersOf(roleName)).map((edge) => edge.caller_arn).sort()).toEqual(expected);
    }
    const byCaller = await db.client.query(
      'SELECT role_arn FROM ciem.aws_assume_role_edges WHERE caller_arn = $1 ORDER BY 1',
      [userArn('assumer', a)]
    );
    const expected = all
      .filter((row) => row.caller_arn === userArn('assumer', a))
      .map((row) => row.role_arn)
      .sort();
    expect(byCaller.rows.map((row) => row.role_arn).sort()).toEqual(expected);
  });
});
