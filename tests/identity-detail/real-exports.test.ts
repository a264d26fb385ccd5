// The identity tree functions of migration 0022 on the three real IAM exports. The Identity page
// must show the engine's own decisions, so every check compares the functions with ciem.explain or
// ciem.effective_permissions for the same identity and time.
import { createTestDatabase, type TestDatabase } from '../support/database';
import { iamVulnerableAccount, loadRealExports } from '../support/real-exports';

const account = iamVulnerableAccount;
const user = (name: string) => `arn:aws:iam::${account}:user/${name}`;
const role = (name: string) => `arn:aws:iam::${account}:role/${name}`;
const cloudmapperUser = (name: string) => `arn:aws:iam::012345678901:user/${name}`;

// AdministratorAccess is its only policy: every action of the catalogue is allowed.
const administrator = role('OrganizationAccountAccessRole');

// Allow iam:* and Deny iam:* in one policy (iam-vulnerable fp1): every IAM action is granted and
// explicitly denied.
const allowAndDeny = user('fp1-allow-and-deny-user');

// Allow NotAction [iam:Update*, iam:Create*, iam:Attach*] on "*" (iam-vulnerable fn4).
const notAction = user('fn4-exploitableNotAction-user');

interface DecisionRow {
  action: string;
  service: string;
  access_level: string;
  decision: string;
  granted: boolean;
  resource_patterns: string[];
  denied_resource_patterns: string[];
}

interface SummaryRow {
  service: string;
  service_name: string | null;
  access_level: string;
  allowed: number;
  conditional: number;
  denied: number;
  unused: number;
  service_usage: string | null;
}

// These tests evaluate hundreds of actions or the whole catalogue; about 3 s on an idle 2-core machine, far more when
// other jobs share it.
const ENGINE_TEST_TIMEOUT_MS = 120_000;

let db: TestDatabase;

// One evaluation time for every function in a comparison, as the page passes none and each
// function defaults to now().
let at: Date;

beforeAll(async () => {
  db = await createTestDatabase();
  await loadRealExports(db.client);
  at = new Date();
}, 180_000);

afterAll(async () => {
  await db?.drop();
});

async function summary(identityArn: string): Promise<SummaryRow[]> {
  const result = await db.client.query<SummaryRow>(
    'SELECT * FROM ciem.identity_permission_summary($1, $2) ORDER BY service, access_level',
    [identityArn, at]
  );
  return result.rows;
}

async function serviceActions(
  identityArn: string,
  service: string,
  accessLevel: string | null = null
): Promise<DecisionRow[]> {
  const result = await db.client.query<DecisionRow>('SELECT * FROM ciem.identity_service_actions($1, $2, $3, $4)', [
    identityArn,
    service,
    accessLevel,
    at,
  ]);
  return result.rows;
}

async function explain(identityArn: string, action: string): Promise<Record<string, unknown>> {
  const result = await db.client.query<{ explain: Record<string, unknown> }>(
    "SELECT ciem.explain($1, $2, '*', $3) AS explain",
    [identityArn, action, at]
  );
  return result.rows[0].explain;
}

async function failure(sql: string, params: unknown[]): Promise<{ message: string; hint?: string }> {
  const error = await db.client.query(sql, params).then(
    () => undefined,
    (caught: { message: string; hint?: string }) => caught
  );
  if (error === undefined) {
    throw new Error(`Expected the query to fail: ${sql}`);
  }
  return error;
}

describe('permission summary', () => {
  test(
    'AdministratorAccess allows every catalogue action',
    async () => {
      const rows = await summary(administrator);
      const catalogue = await db.client.query<{ service: string; access_level: string; actions: number }>(
        'SELECT service, access_level, count(*)::integer AS actions FROM ciem.aws_action_access_levels GROUP BY 1, 2 ORDER BY 1, 2'
      );

      expect(rows.map((row) => [row.service, row.access_level, row.allowed])).toEqual(
        catalogue.rows.map((row) => [row.service, row.access_level, row.actions])
      );
      expect(rows.every((row) => row.conditional === 0 && row.denied === 0)).toBe(true);
    },
    ENGINE_TEST_TIMEOUT_MS
  );

  test('names each service', async () => {
    const rows = await summary(administrator);
    const s3 = rows.find((row) => row.service === 's3');

    expect(s3?.service_name).toBe('Amazon S3');
  });

  test('no report leaves usage unknown', async () => {
    const rows = await summary(administrator);

    expect(rows.every((row) => row.unused === 0 && row.service_usage === null)).toBe(true);
  });

  // An explicit Deny overrides any Allow (IAM User Guide, "Policy evaluation logic").
  test('allow and deny of iam:* counts as denied', async () => {
    const rows = await summary(allowAndDeny);
    const iam = rows.filter((row) => row.service === 'iam');

    expect(iam.length).toBe(5);
    expect(iam.every((row) => row.allowed === 0 && row.conditional === 0 && row.denied > 0)).toBe(true);
  });

  // AWS checks no permission for sts:GetCallerIdentity (AWS STS API Reference), so every
  // identity is allowed it, as ciem.effective_permissions reports.
  test('GetCallerIdentity is always allowed', async () => {
    const rows = await summary(allowAndDeny);

    expect(rows.find((row) => row.service === 'sts')).toMatchObject({ access_level: 'Read', allowed: 1 });
  });

  test(
    'counts equal the actions of each node',
    async () => {
      for (const identityArn of [notAction, allowAndDeny]) {
        const rows = await summary(identityArn);
        for (const row of rows.filter((candidate) => ['iam', 's3', 'ec2'].includes(candidate.service))) {
          const actions = await serviceActions(identityArn, row.service, row.access_level);
          const count = (decisions: string[]) => actions.filter((action) => decisions.includes(action.decision)).length;

          expect([
            identityArn,
            row.service,
            row.access_level,
            count(['allowed']),
            count(['conditional']),
            count(['explicit_deny', 'implicit_deny']),
          ]).toEqual([identityArn, row.service, row.access_level, row.allowed, row.conditional, row.denied]);
        }
      }
    },
    ENGINE_TEST_TIMEOUT_MS
  );
});

describe('actions of a node', () => {
  test('filters by access level', async () => {
    const actions = await serviceActions(administrator, 'iam', 'Permissions management');

    expect(actions.length).toBeGreaterThan(10);
    expect(new Set(actions.map((action) => action.access_level))).toEqual(new Set(['Permissions management']));
    expect(actions.map((action) => action.action)).toContain('iam:AttachRolePolicy');
  });

  test('takes the service prefix in any case', async () => {
    const lower = await serviceActions(administrator, 's3', 'List');
    const upper = await serviceActions(administrator, 'S3', 'List');

    expect(upper).toEqual(lower);
  });

  test('are ordered by action', async () => {
    const names = (await serviceActions(administrator, 'ec2')).map((action) => action.action);

    expect(names).toEqual([...names].sort());
  });

  test(
    'agree with ciem.explain',
    async () => {
      const cases: Array<[string, string, string]> = [
        [administrator, 'iam', 'Permissions management'],
        [allowAndDeny, 'iam', 'Write'],
        [notAction, 'iam', 'Write'],
        [notAction, 'iam', 'Permissions management'],
        // AmazonRDSFullAccess allows iam:CreateServiceLinkedRole only under a condition on iam:AWSServiceName.
        [cloudmapperUser('biden'), 'iam', 'Write'],
      ];

      for (const [identityArn, service, accessLevel] of cases) {
        for (const row of await serviceActions(identityArn, service, accessLevel)) {
          const explained = await explain(identityArn, row.action);

          expect([identityArn, row.action, row.decision, row.resource_patterns, row.denied_resource_patterns]).toEqual([
            identityArn,
            row.action,
            explained.decision,
            explained.allowed_resource_patterns,
            explained.denied_resource_patterns,
          ]);
          expect([identityArn, row.action, row.granted]).toEqual([
            identityArn,
            row.action,
            (explained.allowing as unknown[]).length > 0,
          ]);
        }
      }
    },
    ENGINE_TEST_TIMEOUT_MS
  );

  test(
    'agree with ciem.effective_permissions',
    async () => {
      for (const identityArn of [notAction, allowAndDeny, user('privesc-sre-user')]) {
        const tree = await db.client.query<{ action: string; decision: string }>(
          'SELECT action, decision FROM ciem.identity_action_decisions($1, NULL, $2) ORDER BY action',
          [identityArn, at]
        );
        const engine = await db.client.query<{ action: string; decision: string }>(
          `SELECT action, decision FROM ciem.effective_permissions($1, $2)
          WHERE decision IN ('allowed', 'conditional')
             OR EXISTS (SELECT 1 FROM jsonb_array_elements(statements) s
                         WHERE s ->> 'effect' = 'Allow' AND s ->> 'via' IN ('direct', 'group'))
          ORDER BY action`,
          [identityArn, at]
        );

        expect(tree.rows.length).toBeGreaterThan(0);
        expect(tree.rows).toEqual(engine.rows);
      }
    },
    ENGINE_TEST_TIMEOUT_MS
  );

  // fn4's NotAction leaves iam:CreatePolicyVersion out, so no identity policy grants it.
  test('leave out actions no policy grants', async () => {
    const names = (await serviceActions(notAction, 'iam', 'Permissions management')).map((action) => action.action);

    expect(names).not.toContain('iam:CreatePolicyVersion');
    expect(names).toContain('iam:PutUserPolicy');
  });
});

describe('errors', () => {
  test('unknown identity names the ARN', async () => {
    const error = await failure('SELECT * FROM ciem.identity_permission_summary($1)', [user('nobody')]);

    expect(error.message).toBe(`identity ${user('nobody')} not found`);
    expect(error.hint).toMatch(/^Use the ARN of an IAM user or role from ciem\.identities/);
  });

  test('a group has no effective permissions', async () => {
    const group = await db.client.query<{ identity_id: string }>(
      "SELECT identity_id FROM ciem.identities WHERE identity_type = 'group' ORDER BY identity_id LIMIT 1"
    );
    const error = await failure('SELECT * FROM ciem.identity_service_actions($1, $2)', [
      group.rows[0].identity_id,
      's3',
    ]);

    expect(error.message).toBe(`identity ${group.rows[0].identity_id} not found`);
    expect(error.hint).toContain('groups have no effective permissions of their own');
  });

  test('unknown service names the prefix', async () => {
    const error = await failure('SELECT * FROM ciem.identity_service_actions($1, $2)', [
      administrator,
      'nosuchservice',
    ]);

    expect(error.message).toBe('service nosuchservice is not in the AWS action catalogue');
  });

  test('unknown access level names it', async () => {
    const error = await failure('SELECT * FROM ciem.identity_service_actions($1, $2, $3)', [
      administrator,
      's3',
      'Admin',
    ]);

    expect(error.message).toBe('service s3 has no action of access level Admin');
  });
});
