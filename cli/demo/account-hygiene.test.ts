import { generateAccountHygiene } from './account-hygiene';
import { defaultAsOf, demoAccounts } from './organisation';

describe('generateAccountHygiene', () => {
  test('is deterministic for one reference date', () => {
    expect(JSON.stringify(generateAccountHygiene(defaultAsOf))).toBe(
      JSON.stringify(generateAccountHygiene(defaultAsOf))
    );
  });

  test('certificate expiry moves with the reference date', () => {
    const later = new Date(defaultAsOf.getTime() + 10 * 86_400_000);
    const expiry = (asOf: Date) =>
      new Date(String(generateAccountHygiene(asOf).aws_iam_server_certificates![0].expiration)).getTime();
    expect(expiry(later) - expiry(defaultAsOf)).toBe(10 * 86_400_000);
  });

  test('covers every account of the organisation', () => {
    const hygiene = generateAccountHygiene(defaultAsOf);
    const { management, security, production, development } = demoAccounts;
    for (const table of ['aws_iam_password_policies', 'aws_iam_accounts'] as const) {
      expect(hygiene[table]!.map((row) => row.account_id)).toEqual([management, security, production, development]);
    }
  });
});
