import { trustPolicy } from '../../cli/demo/iam-builders';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { caseAccountBuilder, loadAccounts, roleArn } from '../engine/fixture';
import {
  allowAssume,
  createOrganization,
  denyAssume,
  findingsOf,
  orgAccount,
  ownAccount,
  root,
  strangerAccount,
  trust,
  vendorAccount,
} from './fixture';

// Rule: trust policies that let anyone, an external account, any OIDC subject or an unnarrowed
// AWS service assume a role become public_trust or cross_account_trust findings, with the
// severities documented in docs/trust.md.

const github = `arn:aws:iam::${ownAccount}:oidc-provider/token.actions.githubusercontent.com`;
const eks = `arn:aws:iam::${ownAccount}:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B7`;
const webIdentity = 'sts:AssumeRoleWithWebIdentity';
const githubTrust = (condition?: Record<string, unknown>) =>
  trust(allowAssume({ Federated: github }, condition ? { Condition: condition } : {}, webIdentity));

const role = (name: string, document: ReturnType<typeof trust>, extra: Record<string, unknown> = {}) => ({
  name,
  ageDays: 10,
  trust: document,
  ...extra,
});
const arn = (name: string) => roleArn(name, ownAccount);

const account = caseAccountBuilder(ownAccount)
  .role(role('public', trust(allowAssume({ AWS: '*' }))))
  .role(
    role(
      'public-external-id',
      trust(allowAssume({ AWS: '*' }, { Condition: { StringEquals: { 'sts:ExternalId': 'abc' } } }))
    )
  )
  .role(
    role(
      'public-in-org',
      trust(allowAssume({ AWS: '*' }, { Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-trust00001' } } }))
    )
  )
  .role(role('public-denied', trust(allowAssume({ AWS: '*' }), denyAssume('*'))))
  .role(role('external', trust(allowAssume({ AWS: root(strangerAccount) }))))
  .role(
    role(
      'external-external-id',
      trust(allowAssume({ AWS: root(strangerAccount) }, { Condition: { StringEquals: { 'sts:ExternalId': 'abc' } } }))
    )
  )
  .role(role('vendor', trust(allowAssume({ AWS: root(vendorAccount) }))))
  .role(
    role(
      'vendor-external-id',
      trust(allowAssume({ AWS: root(vendorAccount) }, { Condition: { StringEquals: { 'sts:ExternalId': 'abc' } } }))
    )
  )
  .role(role('organization', trust(allowAssume({ AWS: root(orgAccount) }))))
  .role(role('same-account', trust(allowAssume({ AWS: root(ownAccount) }))))
  .role(role('deleted', trust(allowAssume({ AWS: 'AROA3XFRBF23VEXAMPLE1' }))))
  .role(
    role(
      'github-no-sub',
      githubTrust({ StringEquals: { 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com' } })
    )
  )
  .role(role('github-any-repo', githubTrust({ StringLike: { 'token.actions.githubusercontent.com:sub': 'repo:*' } })))
  .role(role('github-everything', githubTrust({ StringLike: { 'token.actions.githubusercontent.com:sub': '*' } })))
  .role(
    role(
      'github-org-prefix',
      githubTrust({ StringLike: { 'token.actions.githubusercontent.com:sub': 'repo:acme*:*' } })
    )
  )
  .role(
    role(
      'github-org-wildcard',
      githubTrust({ StringLike: { 'token.actions.githubusercontent.com:sub': 'repo:*/deploy:*' } })
    )
  )
  .role(
    role(
      'github-pinned',
      githubTrust({ StringLike: { 'token.actions.githubusercontent.com:sub': 'repo:acme/deploy:*' } })
    )
  )
  .role(role('github-equals-star', githubTrust({ StringEquals: { 'token.actions.githubusercontent.com:sub': '*' } })))
  .role(
    role(
      'github-if-exists',
      githubTrust({ StringLikeIfExists: { 'token.actions.githubusercontent.com:sub': 'repo:acme/deploy:*' } })
    )
  )
  .role(
    role(
      'github-any-value',
      githubTrust({
        'ForAnyValue:StringLike': { 'token.actions.githubusercontent.com:sub': ['repo:acme/a:*', 'repo:*'] },
      })
    )
  )
  .role(role('eks-no-sub', trust(allowAssume({ Federated: eks }, {}, webIdentity))))
  .role(
    role(
      'eks-sub',
      trust(
        allowAssume(
          { Federated: eks },
          {
            Condition: {
              StringEquals: {
                'oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B7:sub': 'system:serviceaccount:app:api',
              },
            },
          },
          webIdentity
        )
      )
    )
  )
  .role(
    role(
      'cognito-no-aud',
      trust(
        allowAssume(
          { Federated: 'cognito-identity.amazonaws.com' },
          { Condition: { 'ForAnyValue:StringLike': { 'cognito-identity.amazonaws.com:amr': 'authenticated' } } },
          webIdentity
        )
      )
    )
  )
  .role(
    role(
      'cognito-aud',
      trust(
        allowAssume(
          { Federated: 'cognito-identity.amazonaws.com' },
          {
            Condition: {
              StringEquals: { 'cognito-identity.amazonaws.com:aud': 'eu-west-1:0a1b2c3d-0000-0000-0000-000000000000' },
            },
          },
          webIdentity
        )
      )
    )
  )
  .role(role('personalize', trustPolicy({ Service: 'personalize.amazonaws.com' })))
  .role(
    role(
      'personalize-source',
      trustPolicy({ Service: 'personalize.amazonaws.com' }, { StringEquals: { 'aws:SourceAccount': ownAccount } })
    )
  )
  .role(role('lambda', trustPolicy({ Service: 'lambda.amazonaws.com' })))
  .role(
    role('AWSServiceRoleForPublicThing', trust(allowAssume({ AWS: '*' })), {
      path: '/aws-service-role/thing.amazonaws.com/',
    })
  )
  .role(
    role(
      'two-statements',
      trust(
        allowAssume({ AWS: root(strangerAccount) }, { Condition: { StringEquals: { 'sts:ExternalId': 'abc' } } }),
        allowAssume({ AWS: root(strangerAccount) })
      )
    )
  );

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

const severities = async (name: string) =>
  (await findingsOf(db.client, arn(name))).map((f) => `${f.category}:${f.severity}`);

test('both rules are registered finding sources', async () => {
  const result = await db.client.query(
    "SELECT source_name FROM ciem.finding_sources WHERE source_name IN ('public_trust', 'cross_account_trust') ORDER BY 1"
  );
  expect(result.rows.map((row) => row.source_name)).toEqual(['cross_account_trust', 'public_trust']);
});

describe('public_trust', () => {
  test('trust of anyone without a condition is critical', async () => {
    const [finding] = await findingsOf(db.client, arn('public'));
    expect(`${finding.category}:${finding.severity}`).toBe('public_trust:critical');
    expect(finding.identity_type).toBe('role');
    expect(finding.title).toBe('Role public can be assumed by any AWS principal');
  });

  test('anyone narrowed only by sts:ExternalId is high', async () => {
    const [finding] = await findingsOf(db.client, arn('public-external-id'));
    expect(`${finding.category}:${finding.severity}`).toBe('public_trust:high');
    expect(finding.title).toContain('narrowed only by sts:ExternalId');
  });

  test('"*" narrowed to the organisation is no finding', async () => {
    expect(await severities('public-in-org')).toEqual([]);
  });

  test('"*" taken back by a Deny is no finding', async () => {
    expect(await severities('public-denied')).toEqual([]);
  });

  test('service-linked role is lowered to info', async () => {
    const result = await db.client.query(
      "SELECT severity FROM ciem.findings WHERE identity_arn LIKE '%AWSServiceRoleForPublicThing'"
    );
    expect(result.rows.map((row) => row.severity)).toEqual(['info']);
  });
});

describe('cross_account_trust (IAM User Guide, "The confused deputy problem")', () => {
  test('external account without sts:ExternalId is high', async () => {
    const [finding] = await findingsOf(db.client, arn('external'));
    expect(`${finding.category}:${finding.severity}`).toBe('cross_account_trust:high');
    expect(finding.title).toBe(
      `Role external can be assumed from external account ${strangerAccount} without sts:ExternalId`
    );
  });

  test('external account with sts:ExternalId is low', async () => {
    expect(await severities('external-external-id')).toEqual(['cross_account_trust:low']);
  });

  test('listed third party without sts:ExternalId is medium', async () => {
    const [finding] = await findingsOf(db.client, arn('vendor'));
    expect(`${finding.category}:${finding.severity}`).toBe('cross_account_trust:medium');
    expect(finding.title).toContain('(Vendor)');
  });

  test('listed third party with sts:ExternalId is no finding', async () => {
    expect(await severities('vendor-external-id')).toEqual([]);
  });

  test('organisation, same account and deleted principals are no findings', async () => {
    for (const name of ['organization', 'same-account', 'deleted']) {
      expect(await severities(name)).toEqual([]);
    }
  });

  test('one finding per principal at the highest severity of its statements', async () => {
    const findings = await findingsOf(db.client, arn('two-statements'));
    expect(findings.map((f) => `${f.category}:${f.severity}`)).toEqual(['cross_account_trust:high']);
    expect((findings[0].evidence.statements as unknown[]).length).toBe(2);
  });
});

// GitHub Docs, "Configuring OpenID Connect in Amazon Web Services": the trust policy should pin
// token.actions.githubusercontent.com:sub; AWS STS API Reference, AssumeRoleWithWebIdentity: roles
// for Cognito identity pools must check cognito-identity.amazonaws.com:aud.
describe('OIDC subject conditions', () => {
  test('GitHub without a sub condition is public and critical', async () => {
    const [finding] = await findingsOf(db.client, arn('github-no-sub'));
    expect(`${finding.category}:${finding.severity}`).toBe('public_trust:critical');
    expect(finding.title).toBe(
      'Role github-no-sub trusts token.actions.githubusercontent.com without a token.actions.githubusercontent.com:sub condition'
    );
  });

  test('StringLike repo:* and * admit any repository', async () => {
    expect(await severities('github-any-repo')).toEqual(['public_trust:critical']);
    expect(await severities('github-everything')).toEqual(['public_trust:critical']);
  });

  test('wildcard in the organisation admits other organisations', async () => {
    expect(await severities('github-org-prefix')).toEqual(['public_trust:critical']);
    expect(await severities('github-org-wildcard')).toEqual(['public_trust:critical']);
  });

  test('one broad value among several admits any repository', async () => {
    expect(await severities('github-any-value')).toEqual(['public_trust:critical']);
  });

  test('sub pinned to one repository is no finding', async () => {
    expect(await severities('github-pinned')).toEqual([]);
  });

  test('StringEquals "*" never matches, so it admits nobody', async () => {
    expect(await severities('github-equals-star')).toEqual([]);
  });

  test('IfExists sub condition does not pin the subject', async () => {
    expect(await severities('github-if-exists')).toEqual(['public_trust:critical']);
  });

  test('tenant issuer without sub is medium cross-account trust', async () => {
    expect(await severities('eks-no-sub')).toEqual(['cross_account_trust:medium']);
    expect(await severities('eks-sub')).toEqual([]);
  });

  test('Cognito identity pool needs an aud condition', async () => {
    expect(await severities('cognito-no-aud')).toEqual(['public_trust:critical']);
    expect(await severities('cognito-aud')).toEqual([]);
  });
});

describe('service principals (cross-service confused deputy prevention)', () => {
  test('listed service without aws:SourceAccount is low', async () => {
    const [finding] = await findingsOf(db.client, arn('personalize'));
    expect(`${finding.category}:${finding.severity}`).toBe('cross_account_trust:low');
    expect(finding.evidence.statements).toEqual([
      expect.objectContaining({ documentation: expect.stringContaining('Personalize') }),
    ]);
  });

  test('listed service with aws:SourceAccount is no finding', async () => {
    expect(await severities('personalize-source')).toEqual([]);
  });

  test('service guarded by iam:PassRole is no finding', async () => {
    expect(await severities('lambda')).toEqual([]);
  });
});
