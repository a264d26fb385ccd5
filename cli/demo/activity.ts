import { accessKeyRows, credentialReportRow, lastAccessedRows, lastAccessedTable, type AccessKeySpec, type ServiceAccessSpec } from '../unused/activity-rows';
import type { ActivityRows } from '../unused/write-activity';
import { demoAccounts } from './organisation';

/**
 * Activity of the demo organisation: credential reports, access keys and last accessed
 * reports, dated relative to asOf like the identities. It shows, with unused_days 90 and
 * access_key_rotation_days 90: users who stopped signing in or never did, access keys never used
 * or past their rotation age, roles never assumed, and granted services and tracked actions that
 * were not used.
 */
export function generateDemoActivity(asOf: Date): Record<string, ActivityRows> {
  const ago = (days: number) => new Date(asOf.getTime() - days * 86_400_000);
  const { management, security, production, development } = demoAccounts;
  const activity: Record<string, ActivityRows> = {};

  const user = (accountId: string, name: string, ageDays: number, password: { usedDays?: number } | null, keys: AccessKeySpec[] = []) => {
    const rows = (activity[accountId] ??= {});
    (rows.aws_iam_credential_reports ??= []).push(
      credentialReportRow({
        accountId,
        userName: name,
        createdAt: ago(ageDays),
        password: password ? { changedAt: ago(ageDays), lastUsedAt: password.usedDays === undefined ? undefined : ago(password.usedDays) } : undefined,
        mfaActive: password !== null,
        accessKeys: keys,
      })
    );
    (rows.aws_iam_user_access_keys ??= []).push(...accessKeyRows(accountId, name, keys));
  };

  const report = (owner: 'user' | 'role', accountId: string, name: string, services: ServiceAccessSpec[]) => {
    const rows = (activity[accountId] ??= {});
    const arn = `arn:aws:iam::${accountId}:${owner}/${name}`;
    (rows[lastAccessedTable(owner)] ??= []).push(...lastAccessedRows(owner, accountId, arn, services));
  };

  const key = (id: string, ageDays: number, usedDays?: number, service?: string): AccessKeySpec => ({
    id,
    active: true,
    createdAt: ago(ageDays),
    lastUsedAt: usedDays === undefined ? undefined : ago(usedDays),
    lastUsedService: service,
  });

  // Administrators use a few of the services that AdministratorAccess allows.
  const adminServices = (used: Record<string, number>): ServiceAccessSpec[] => {
    const usedAt = (service: string) => (used[service] === undefined ? null : ago(used[service]));
    const tracked: Record<string, Record<string, Date | null>> = {
      iam: { ListRoles: usedAt('iam'), CreateUser: null, AttachRolePolicy: null },
      s3: { ListAllMyBuckets: usedAt('s3'), CreateBucket: null, PutBucketPolicy: null },
    };
    return ['cloudformation', 'cloudtrail', 'ec2', 'iam', 'kms', 'lambda', 'organizations', 'rds', 's3', 'secretsmanager', 'sts'].map((service) => ({
      service,
      lastAuthenticated: usedAt(service) ?? undefined,
      trackedActions: tracked[service],
    }));
  };

  user(management, 'alice.admin', 880, { usedDays: 2 }, [key('AKIAIOSFODNN7ALICE01', 400, 1, 's3')]);
  user(management, 'bob.finance', 700, { usedDays: 10 });
  user(management, 'ci-legacy', 1500, null, [key('AKIAIOSFODNN7CILEG01', 1400, 500, 'iam')]);
  report('user', management, 'alice.admin', adminServices({ iam: 2, s3: 1, organizations: 5, sts: 2 }));
  report('user', management, 'ci-legacy', [{ service: 'iam', lastAuthenticated: ago(500), trackedActions: { CreatePolicyVersion: ago(500) } }]);

  user(security, 'carol.secops', 600, { usedDays: 5 }, [key('AKIAIOSFODNN7CAROL01', 30, 1, 'cloudtrail')]);
  user(security, 'dave.auditor', 400, {});
  report('role', security, 'IncidentResponder', adminServices({ iam: 200, ec2: 200 }));

  user(production, 'svc-reporting', 1200, null, [
    key('AKIAIOSFODNN7REPORT1', 1100, 1, 's3'),
    { id: 'AKIAIOSFODNN7REPORT2', active: false, createdAt: ago(1150), lastUsedAt: ago(1100), lastUsedService: 's3' },
  ]);
  report('user', production, 'svc-reporting', [{ service: 's3', lastAuthenticated: ago(1) }]);
  report('role', production, 'OrganizationAccountAccessRole', adminServices({ cloudformation: 12, iam: 12, s3: 20, sts: 12 }));
  report('role', production, 'SecurityAudit', [
    { service: 'iam', lastAuthenticated: ago(3), trackedActions: { ListRoles: ago(3), GenerateCredentialReport: ago(3) } },
    { service: 'ec2', lastAuthenticated: ago(3) },
    { service: 's3', lastAuthenticated: ago(150), trackedActions: { ListAllMyBuckets: ago(150), GetBucketPolicy: ago(150) } },
    { service: 'cloudtrail', lastAuthenticated: ago(4) },
  ]);
  report('role', production, 'VendorMonitoring', [
    { service: 'cloudwatch', lastAuthenticated: ago(0) },
    { service: 'tag' },
  ]);
  report('role', production, 'GitHubDeploy', [
    { service: 'cloudformation', lastAuthenticated: ago(1) },
    { service: 'lambda', lastAuthenticated: ago(1), trackedActions: { UpdateFunctionCode: ago(1), GetFunction: ago(1) } },
    { service: 'iam', lastAuthenticated: ago(1), trackedActions: { PassRole: ago(1) } },
    { service: 's3', lastAuthenticated: ago(1) },
  ]);
  report('role', production, 'app-orders-lambda', [
    { service: 'dynamodb', lastAuthenticated: ago(0) },
    { service: 'lambda', lastAuthenticated: ago(0), trackedActions: { InvokeFunction: ago(0), CreateFunction: null } },
    { service: 'iam', trackedActions: { PassRole: null } },
  ]);

  user(development, 'erin.dev', 500, { usedDays: 1 });
  user(development, 'frank.dev', 450, { usedDays: 120 });
  user(development, 'grace.intern', 380, {});
  report('user', development, 'erin.dev', [
    { service: 'ec2', lastAuthenticated: ago(1), trackedActions: { RunInstances: ago(1), TerminateInstances: ago(3) } },
    { service: 'lambda', lastAuthenticated: ago(30) },
    { service: 'logs', lastAuthenticated: ago(1) },
    { service: 's3', lastAuthenticated: ago(2) },
    { service: 'cloudwatch' },
  ]);
  report('role', development, 'dev-ec2-instance', [
    { service: 'ec2', lastAuthenticated: ago(2), trackedActions: { DescribeInstances: ago(2), RunInstances: null, TerminateInstances: null } },
    { service: 'logs', lastAuthenticated: ago(2) },
    { service: 's3', lastAuthenticated: ago(2) },
    { service: 'lambda' },
    { service: 'cloudwatch', lastAuthenticated: ago(200) },
  ]);

  return activity;
}
