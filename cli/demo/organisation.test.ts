import { parseAuthorizationDetails } from '../import/aws-authz/parse';
import { defaultAsOf, demoAccounts, generateDemoOrganisation } from './organisation';

describe('generateDemoOrganisation', () => {
  test('is deterministic for one reference date', () => {
    expect(JSON.stringify(generateDemoOrganisation(defaultAsOf))).toBe(JSON.stringify(generateDemoOrganisation(defaultAsOf)));
  });

  test('dates move with the reference date', () => {
    const later = new Date(defaultAsOf.getTime() + 10 * 86_400_000);
    const first = generateDemoOrganisation(defaultAsOf)[0].authorizationDetails as { UserDetailList: Array<{ CreateDate: string }> };
    const second = generateDemoOrganisation(later)[0].authorizationDetails as { UserDetailList: Array<{ CreateDate: string }> };
    expect(new Date(second.UserDetailList[0].CreateDate).getTime() - new Date(first.UserDetailList[0].CreateDate).getTime()).toBe(10 * 86_400_000);
  });

  test('every account is a valid export of its own account', () => {
    for (const account of generateDemoOrganisation()) {
      const parsed = parseAuthorizationDetails(account.authorizationDetails);
      expect(parsed.accountId).toBe(account.accountId);
      expect(parsed.warnings).toEqual([]);
    }
  });

  test('trusts cross accounts and the vendor outside the organisation', () => {
    const production = generateDemoOrganisation().find((account) => account.accountId === demoAccounts.production)!;
    const trusts = JSON.stringify((production.authorizationDetails as { RoleDetailList: unknown[] }).RoleDetailList);
    expect(trusts).toContain(`arn:aws:iam::${demoAccounts.management}:root`);
    expect(trusts).toContain(`arn:aws:iam::${demoAccounts.vendor}:root`);
    expect(trusts).toContain('"AWS":"*"');
  });

  test('lists every attached policy with a default version', () => {
    for (const account of generateDemoOrganisation()) {
      const details = account.authorizationDetails as {
        Policies: Array<{ Arn: string; PolicyVersionList: Array<{ IsDefaultVersion: boolean }> }>;
        RoleDetailList: Array<{ AttachedManagedPolicies: Array<{ PolicyArn: string }> }>;
      };
      const listed = new Set(details.Policies.map((policy) => policy.Arn));
      details.RoleDetailList.flatMap((role) => role.AttachedManagedPolicies).forEach((policy) => expect(listed).toContain(policy.PolicyArn));
      details.Policies.forEach((policy) => expect(policy.PolicyVersionList.filter((version) => version.IsDefaultVersion)).toHaveLength(1));
    }
  });
});
