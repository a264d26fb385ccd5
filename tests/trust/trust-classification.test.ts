import { createTestDatabase, type TestDatabase } from '../support/database';
import { caseAccountBuilder, loadAccounts, roleArn } from '../engine/fixture';
import {
  allowAssume,
  createOrganization,
  denyAssume,
  onlyGrant,
  orgAccount,
  organizationId,
  ownAccount,
  principalsOf,
  root,
  strangerAccount,
  trust,
  vendorAccount,
} from './fixture';

// Rule: every principal of every role trust policy is one row of ciem.cross_account_trust,
// classified by where it sits. Principal forms follow IAM User Guide, "AWS JSON policy elements:
// Principal"; NotPrincipal follows "AWS JSON policy elements: NotPrincipal"; Deny wins over Allow
// ("Policy evaluation logic").

const role = (name: string, ...statements: Parameters<typeof trust>) => ({
  name,
  ageDays: 10,
  trust: trust(...statements),
});
const arn = (name: string) => roleArn(name, ownAccount);

const account = caseAccountBuilder(ownAccount)
  .role(role('bare-account-id', allowAssume({ AWS: strangerAccount })))
  .role(role('account-root', allowAssume({ AWS: root(strangerAccount) })))
  .role(role('principal-arn', allowAssume({ AWS: `arn:aws:iam::${strangerAccount}:role/deployer` })))
  .role(role('principal-list', allowAssume({ AWS: [root(ownAccount), root(orgAccount), root(vendorAccount)] })))
  .role(role('string-star', allowAssume('*')))
  .role(role('aws-star', allowAssume({ AWS: '*' })))
  .role(role('deleted-principal', allowAssume({ AWS: 'AROA3XFRBF23VEXAMPLE1' })))
  .role(role('service', allowAssume({ Service: 'lambda.amazonaws.com' })))
  .role(
    role(
      'saml',
      allowAssume({ Federated: `arn:aws:iam::${ownAccount}:saml-provider/Okta` }, {}, 'sts:AssumeRoleWithSAML')
    )
  )
  .role(
    role(
      'oidc',
      allowAssume(
        { Federated: `arn:aws:iam::${ownAccount}:oidc-provider/token.actions.githubusercontent.com` },
        {},
        'sts:AssumeRoleWithWebIdentity'
      )
    )
  )
  .role(role('session', allowAssume({ AWS: `arn:aws:sts::${strangerAccount}:assumed-role/deployer/ci` })))
  .role(
    role(
      'star-org-id',
      allowAssume({ AWS: '*' }, { Condition: { StringEquals: { 'aws:PrincipalOrgID': organizationId } } })
    )
  )
  .role(
    role(
      'star-other-org',
      allowAssume({ AWS: '*' }, { Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-someoneelse' } } })
    )
  )
  .role(
    role(
      'star-org-key-case',
      allowAssume({ AWS: '*' }, { Condition: { StringEquals: { 'AWS:principalorgid': organizationId } } })
    )
  )
  .role(
    role(
      'star-principal-account',
      allowAssume({ AWS: '*' }, { Condition: { StringEquals: { 'aws:PrincipalAccount': ownAccount } } })
    )
  )
  .role(
    role(
      'star-principal-arn',
      allowAssume(
        { AWS: '*' },
        { Condition: { ArnLike: { 'aws:PrincipalArn': `arn:aws:iam::${strangerAccount}:role/*` } } }
      )
    )
  )
  .role(
    role(
      'star-two-accounts',
      allowAssume(
        { AWS: '*' },
        { Condition: { StringEquals: { 'aws:PrincipalAccount': [ownAccount, strangerAccount] } } }
      )
    )
  )
  .role(
    role('star-external-id', allowAssume({ AWS: '*' }, { Condition: { StringEquals: { 'sts:ExternalId': 'abc' } } }))
  )
  .role(
    role(
      'star-if-exists',
      allowAssume({ AWS: '*' }, { Condition: { StringEqualsIfExists: { 'aws:PrincipalOrgID': organizationId } } })
    )
  )
  .role(
    role(
      'star-for-all-values',
      allowAssume(
        { AWS: '*' },
        { Condition: { 'ForAllValues:StringEquals': { 'aws:PrincipalOrgID': organizationId } } }
      )
    )
  )
  .role(
    role(
      'star-like-everything',
      allowAssume({ AWS: '*' }, { Condition: { StringLike: { 'aws:PrincipalOrgID': '*' } } })
    )
  )
  .role(
    role(
      'star-deny-outside-org',
      allowAssume({ AWS: '*' }),
      denyAssume('*', { Condition: { StringNotEquals: { 'aws:PrincipalOrgID': organizationId } } })
    )
  )
  .role(
    role(
      'star-deny-either',
      allowAssume({ AWS: '*' }),
      denyAssume('*', {
        Condition: { StringNotEquals: { 'aws:PrincipalOrgID': organizationId, 'aws:SourceIp': '10.0.0.0/8' } },
      })
    )
  )
  .role(
    role(
      'star-deny-mixed',
      allowAssume({ AWS: '*' }),
      denyAssume('*', {
        Condition: {
          StringNotEquals: { 'aws:PrincipalOrgID': organizationId },
          Bool: { 'aws:SecureTransport': 'false' },
        },
      })
    )
  )
  .role(
    role('star-deny-not-principal', allowAssume({ AWS: '*' }), {
      Effect: 'Deny',
      NotPrincipal: { AWS: root(orgAccount) },
      Action: 'sts:AssumeRole',
    })
  )
  .role(
    role('not-principal-allow', {
      Effect: 'Allow',
      NotPrincipal: { AWS: root(strangerAccount) },
      Action: 'sts:AssumeRole',
    })
  )
  .role(role('deny-everyone', allowAssume({ AWS: root(strangerAccount) }), denyAssume({ AWS: '*' })))
  .role(
    role(
      'deny-account',
      allowAssume({ AWS: [root(strangerAccount), root(orgAccount)] }),
      denyAssume({ AWS: strangerAccount })
    )
  )
  .role(
    role(
      'deny-conditional',
      allowAssume({ AWS: root(strangerAccount) }),
      denyAssume('*', { Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'false' } } })
    )
  )
  .role(role('deny-other-action', allowAssume({ AWS: root(strangerAccount) }), denyAssume('*', {}, 'sts:TagSession')))
  .role(role('tag-session-only', allowAssume({ AWS: root(strangerAccount) }, {}, 'sts:TagSession')))
  .role(
    role(
      'expired',
      allowAssume(
        { AWS: root(strangerAccount) },
        { Condition: { DateLessThan: { 'aws:CurrentTime': '2020-01-01T00:00:00Z' } } }
      )
    )
  )
  .role(
    role(
      'vendor-external-id',
      allowAssume({ AWS: root(vendorAccount) }, { Condition: { StringEquals: { 'sts:ExternalId': 'x-1' } } })
    )
  )
  // The Statement element may be a single object (IAM User Guide, "Statement" element).
  .role({
    name: 'statement-object',
    ageDays: 10,
    trust: { Version: '2012-10-17', Statement: allowAssume({ AWS: root(orgAccount) }) as never },
  });

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
  await createOrganization(db.client);
  await loadAccounts(db.client, account);
  await db.client.query("INSERT INTO ciem.trusted_accounts (account_id, name, source) VALUES ($1, 'Vendor', 'test')", [
    vendorAccount,
  ]);
  await db.client.query('SELECT ciem.refresh()');
}, 120_000);

afterAll(async () => {
  await db.drop();
});

describe('principal forms (AWS JSON policy elements: Principal)', () => {
  test('bare account id means the account root', async () => {
    const row = await onlyGrant(db.client, arn('bare-account-id'));
    expect(row.principal_kind).toBe('account');
    expect(row.trusted_account_id).toBe(strangerAccount);
    expect(row.classification).toBe('external');
  });

  test('account root ARN names the account', async () => {
    const row = await onlyGrant(db.client, arn('account-root'));
    expect(row.principal_kind).toBe('account');
    expect(row.trusted_account_id).toBe(strangerAccount);
  });

  test('principal ARN gives its account', async () => {
    const row = await onlyGrant(db.client, arn('principal-arn'));
    expect(row.principal_kind).toBe('iam_principal');
    expect(row.trusted_account_id).toBe(strangerAccount);
    expect(row.classification).toBe('external');
  });

  test('assumed-role session ARN gives its account', async () => {
    const row = await onlyGrant(db.client, arn('session'));
    expect(row.principal_kind).toBe('session');
    expect(row.trusted_account_id).toBe(strangerAccount);
  });

  test('principal list gives one row per entry', async () => {
    const rows = await principalsOf(db.client, arn('principal-list'));
    const classes = Object.fromEntries(rows.map((row) => [row.trusted_account_id, row.classification]));
    expect(classes).toEqual({
      [ownAccount]: 'same_account',
      [orgAccount]: 'same_organization',
      [vendorAccount]: 'trusted_third_party',
    });
  });

  test('Principal "*" and {"AWS": "*"} are both public', async () => {
    for (const name of ['string-star', 'aws-star']) {
      const row = await onlyGrant(db.client, arn(name));
      expect(row.classification).toBe('public');
      expect(row.narrowed_by).toEqual([]);
    }
  });

  test('string Principal "*" keeps its own principal type', async () => {
    expect((await onlyGrant(db.client, arn('string-star'))).principal_type).toBe('*');
    expect((await onlyGrant(db.client, arn('aws-star'))).principal_type).toBe('AWS');
  });

  test('unique id of a deleted role is no account', async () => {
    const row = await onlyGrant(db.client, arn('deleted-principal'));
    expect(row.principal_kind).toBe('unique_id');
    expect(row.classification).toBe('deleted_principal');
    expect(row.trusted_account_id).toBeNull();
  });

  test('service, SAML and OIDC principals', async () => {
    expect((await onlyGrant(db.client, arn('service'))).classification).toBe('service');
    expect((await onlyGrant(db.client, arn('saml'))).classification).toBe('federated_saml');
    expect((await onlyGrant(db.client, arn('oidc'))).classification).toBe('federated_oidc');
  });

  test('Statement as a single object', async () => {
    expect((await onlyGrant(db.client, arn('statement-object'))).classification).toBe('same_organization');
  });
});

describe('"*" narrowed by a condition (AWS global condition context keys)', () => {
  test('aws:PrincipalOrgID of the own organisation is same_organization', async () => {
    const row = await onlyGrant(db.client, arn('star-org-id'));
    expect(row.classification).toBe('same_organization');
    expect(row.narrowed_by).toEqual(['aws:PrincipalOrgID']);
  });

  test('aws:PrincipalOrgID of another organisation is external', async () => {
    expect((await onlyGrant(db.client, arn('star-other-org'))).classification).toBe('external');
  });

  test('condition key names are case-insensitive', async () => {
    const row = await onlyGrant(db.client, arn('star-org-key-case'));
    expect(row.classification).toBe('same_organization');
    expect(row.narrowed_by).toEqual(['aws:PrincipalOrgID']);
  });

  test('aws:PrincipalAccount names the trusted account', async () => {
    const row = await onlyGrant(db.client, arn('star-principal-account'));
    expect(row.classification).toBe('same_account');
    expect(row.trusted_account_id).toBe(ownAccount);
  });

  test('aws:PrincipalArn gives the account of the ARN', async () => {
    const row = await onlyGrant(db.client, arn('star-principal-arn'));
    expect(row.classification).toBe('external');
    expect(row.trusted_account_id).toBe(strangerAccount);
  });

  test('several values take the widest class', async () => {
    const row = await onlyGrant(db.client, arn('star-two-accounts'));
    expect(row.classification).toBe('external');
    expect(row.trusted_account_id).toBeNull();
  });

  test('sts:ExternalId narrows but stays public', async () => {
    const row = await onlyGrant(db.client, arn('star-external-id'));
    expect(row.classification).toBe('public');
    expect(row.narrowed_by).toEqual(['sts:ExternalId']);
  });

  test('IfExists does not narrow: a request without the key passes', async () => {
    const row = await onlyGrant(db.client, arn('star-if-exists'));
    expect(row.classification).toBe('public');
    expect(row.narrowed_by).toEqual([]);
  });

  test('ForAllValues does not narrow: it is true without the key', async () => {
    expect((await onlyGrant(db.client, arn('star-for-all-values'))).classification).toBe('public');
  });

  test('StringLike "*" does not narrow', async () => {
    expect((await onlyGrant(db.client, arn('star-like-everything'))).classification).toBe('public');
  });

  test('Deny with StringNotEquals aws:PrincipalOrgID narrows the Allow', async () => {
    const row = await onlyGrant(db.client, arn('star-deny-outside-org'));
    expect(row.classification).toBe('same_organization');
    expect(row.narrowed_by).toEqual(['aws:PrincipalOrgID']);
    expect(row.conditionally_denied_by).toEqual([1]);
    expect(row.grants_access).toBe(true);
  });

  test('Deny whose Not- entries are ORed admits the widest', async () => {
    expect((await onlyGrant(db.client, arn('star-deny-either'))).classification).toBe('public');
  });

  test('Deny with another condition entry does not narrow', async () => {
    const row = await onlyGrant(db.client, arn('star-deny-mixed'));
    expect(row.classification).toBe('public');
    expect(row.narrowed_by).toEqual([]);
  });

  test('Deny with NotPrincipal leaves only the listed principals', async () => {
    const row = await onlyGrant(db.client, arn('star-deny-not-principal'));
    expect(row.classification).toBe('same_organization');
    expect(row.narrowed_by).toEqual(['NotPrincipal']);
    expect(row.grants_access).toBe(true);
  });
});

describe('NotPrincipal and Deny statements', () => {
  test('Allow with NotPrincipal grants everyone else: public', async () => {
    const rows = await principalsOf(db.client, arn('not-principal-allow'));
    expect(rows).toHaveLength(1);
    expect(rows[0].is_not_principal).toBe(true);
    expect(rows[0].classification).toBe('public');
  });

  test('Deny of "*" takes the grant back and is reported', async () => {
    const rows = await principalsOf(db.client, arn('deny-everyone'));
    expect(rows.map((row) => [row.effect, row.grants_access, row.denied_by])).toEqual([
      ['Allow', false, [1]],
      ['Deny', false, []],
    ]);
  });

  test('Deny of one account keeps the others', async () => {
    const rows = (await principalsOf(db.client, arn('deny-account'))).filter((row) => row.effect === 'Allow');
    const granted = Object.fromEntries(rows.map((row) => [row.trusted_account_id, row.grants_access]));
    expect(granted).toEqual({ [strangerAccount]: false, [orgAccount]: true });
  });

  test('conditional Deny is recorded, not applied', async () => {
    const row = await onlyGrant(db.client, arn('deny-conditional'));
    expect(row.grants_access).toBe(true);
    expect(row.conditionally_denied_by).toEqual([1]);
    expect(row.narrowed_by).toEqual([]);
  });

  test('Deny of another action leaves AssumeRole', async () => {
    const row = await onlyGrant(db.client, arn('deny-other-action'));
    expect(row.grants_access).toBe(true);
    expect(row.denied_by).toEqual([]);
  });
});

describe('grants_access', () => {
  test('sts:TagSession alone does not assume the role', async () => {
    expect((await onlyGrant(db.client, arn('tag-session-only'))).grants_access).toBe(false);
  });

  test('condition false now (aws:CurrentTime) grants nothing', async () => {
    expect((await onlyGrant(db.client, arn('expired'))).grants_access).toBe(false);
  });

  test('listed third party with sts:ExternalId', async () => {
    const row = await onlyGrant(db.client, arn('vendor-external-id'));
    expect(row.classification).toBe('trusted_third_party');
    expect(row.narrowed_by).toEqual(['sts:ExternalId']);
  });
});

test('cross_account_trust names the trusted account', async () => {
  const result = await db.client.query(
    'SELECT role_arn, trusted_account_id, trusted_account_name, classification FROM ciem.cross_account_trust WHERE role_arn = $1 ORDER BY trusted_account_id',
    [arn('principal-list')]
  );
  expect(result.rows.map((row) => row.trusted_account_name)).toEqual(['trust-own', 'trust-sibling', 'Vendor']);
});
