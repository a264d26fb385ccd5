import { AccountBuilder } from './account-builder';
import { trustPolicy } from './iam-builders';
import { administratorAccess, billingRead, customerPolicies, reportsRead, requireMfa, selfServiceCredentials } from './policies';

export interface DemoAccount {
  accountId: string;
  name: string;
  /** The account's IAM data in the shape `aws iam get-account-authorization-details` prints. */
  authorizationDetails: Record<string, unknown>;
}

/**
 * Account ids are the example ids of AWS's documentation, so they can never be a real account.
 * The vendor account is outside the organisation.
 */
export const demoAccounts = {
  management: '111122223333',
  security: '444455556666',
  production: '777788889999',
  development: '123456789012',
  vendor: '210987654321',
} as const;

/** The default reference date, so that tests see the same ages and last-used dates every run. */
export const defaultAsOf = new Date('2026-11-01T00:00:00Z');

/**
 * Builds the demo organisation: four accounts with users, groups, roles, customer-managed
 * policies and trust between them, deterministic for a given reference date. Dates are relative
 * to asOf so that "unused for 90 days" stays meaningful whenever the demo runs.
 */
export function generateDemoOrganisation(asOf: Date = defaultAsOf): DemoAccount[] {
  const { management, security, production, development, vendor } = demoAccounts;
  const root = (account: string) => ({ AWS: `arn:aws:iam::${account}:root` });
  const accounts: AccountBuilder[] = [];

  const mgmt = customerPolicies(management);
  accounts.push(
    new AccountBuilder(management, 'acme-management', asOf)
      .group({ name: 'Administrators', ageDays: 900, managed: [administratorAccess], inline: { RequireMfa: requireMfa } })
      .group({ name: 'Billing', ageDays: 900, inline: { BillingRead: billingRead } })
      .user({ name: 'alice.admin', ageDays: 880, groups: ['Administrators'], tags: { team: 'platform' } })
      .user({ name: 'bob.finance', ageDays: 700, groups: ['Billing'], inline: { SelfService: selfServiceCredentials }, tags: { team: 'finance' } })
      .user({ name: 'ci-legacy', ageDays: 1500, managed: [mgmt.legacyPolicyEditor], tags: { owner: 'unknown' } })
      .role({
        name: 'AWSServiceRoleForOrganizations',
        path: '/aws-service-role/organizations.amazonaws.com/',
        ageDays: 900,
        trust: trustPolicy({ Service: 'organizations.amazonaws.com' }),
        lastUsedDays: 1,
      })
  );

  const sec = customerPolicies(security);
  accounts.push(
    new AccountBuilder(security, 'acme-security', asOf)
      .group({ name: 'SecurityAuditors', ageDays: 800, managed: [sec.readOnlyAudit] })
      .user({ name: 'carol.secops', ageDays: 600, groups: ['SecurityAuditors'], inline: { SelfService: selfServiceCredentials } })
      .user({ name: 'dave.auditor', ageDays: 400, groups: ['SecurityAuditors'] })
      .role({
        name: 'IncidentResponder',
        ageDays: 500,
        trust: trustPolicy(root(security), { Bool: { 'aws:MultiFactorAuthPresent': 'true' } }),
        managed: [administratorAccess],
        lastUsedDays: 200,
      })
  );

  const prod = customerPolicies(production);
  accounts.push(
    new AccountBuilder(production, 'acme-production', asOf)
      .user({ name: 'svc-reporting', ageDays: 1200, inline: { ReportsRead: reportsRead }, tags: { owner: 'data-team' } })
      .role({ name: 'OrganizationAccountAccessRole', ageDays: 900, trust: trustPolicy(root(management)), managed: [administratorAccess], lastUsedDays: 12 })
      .role({
        name: 'SecurityAudit',
        ageDays: 800,
        trust: trustPolicy({ AWS: `arn:aws:iam::${security}:role/IncidentResponder` }),
        managed: [prod.readOnlyAudit],
        lastUsedDays: 3,
      })
      .role({
        name: 'VendorMonitoring',
        ageDays: 300,
        trust: trustPolicy(root(vendor), { StringEquals: { 'sts:ExternalId': 'acme-7f3c' } }),
        managed: [prod.vendorMonitoring],
        lastUsedDays: 0,
      })
      .role({
        name: 'GitHubDeploy',
        ageDays: 250,
        trust: {
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Principal: { Federated: `arn:aws:iam::${production}:oidc-provider/token.actions.githubusercontent.com` },
              Action: 'sts:AssumeRoleWithWebIdentity',
              Condition: {
                StringEquals: { 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com' },
                StringLike: { 'token.actions.githubusercontent.com:sub': 'repo:acme/orders:ref:refs/heads/main' },
              },
            },
          ],
        },
        managed: [prod.ciDeploy],
        lastUsedDays: 1,
      })
      .role({ name: 'PublicReadRole', ageDays: 150, trust: trustPolicy({ AWS: '*' }), inline: { ReportsRead: reportsRead } })
      .role({ name: 'app-orders-lambda', ageDays: 420, trust: trustPolicy({ Service: 'lambda.amazonaws.com' }), managed: [prod.ordersData], lastUsedDays: 0 })
      .role({
        name: 'AWSServiceRoleForECS',
        path: '/aws-service-role/ecs.amazonaws.com/',
        ageDays: 700,
        trust: trustPolicy({ Service: 'ecs.amazonaws.com' }),
        lastUsedDays: 0,
      })
  );

  const dev = customerPolicies(development);
  accounts.push(
    new AccountBuilder(development, 'acme-development', asOf)
      .group({ name: 'Developers', ageDays: 700, managed: [dev.developerAccess], inline: { RequireMfa: requireMfa } })
      .user({ name: 'erin.dev', ageDays: 500, groups: ['Developers'], boundary: dev.developerBoundary, tags: { team: 'orders' } })
      .user({ name: 'frank.dev', ageDays: 450, groups: ['Developers'], boundary: dev.developerBoundary, tags: { team: 'payments' } })
      .user({ name: 'grace.intern', ageDays: 380, groups: ['Developers'], tags: { team: 'orders' } })
      .role({ name: 'OrganizationAccountAccessRole', ageDays: 900, trust: trustPolicy(root(management)), managed: [administratorAccess], lastUsedDays: 40 })
      .role({ name: 'dev-ec2-instance', ageDays: 300, trust: trustPolicy({ Service: 'ec2.amazonaws.com' }), managed: [dev.developerAccess], instanceProfile: true, lastUsedDays: 2 })
      .role({ name: 'DataScientist', ageDays: 200, trust: trustPolicy(root(development)), inline: { ReportsRead: reportsRead } })
  );

  return accounts.map((builder) => ({ accountId: builder.accountId, name: builder.name, authorizationDetails: builder.build() }));
}
