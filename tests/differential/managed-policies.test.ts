import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { createTestDatabase, type TestDatabase } from '../support/database';
import { readActionCatalogue } from './action-catalogue';
import { policyRoles } from './authorization-details';
import { runDifferential } from './differential';
import { formatReport } from './format-report';
import { readManagedPolicies } from './managed-policies';
import { loadPolicyRoles } from './openciem';
import type { DifferentialReport } from './report';
import { describeRun } from './run-description';
import { samplePolicies, type SelectionOptions } from './sampling';

// Policies that exercise the hard rules: NotAction (PowerUserAccess, S3UnlockBucketPolicy), Deny
// over Allow (AWSLakeFormationDataAdmin, AWSDenyAll), NotResource (AmazonElastiCacheFullAccess),
// Deny with NotAction and a condition (S3UnlockBucketPolicy), long wildcard lists (ReadOnlyAccess)
// and Action "*" (AdministratorAccess). The rest once showed a difference in the full run: Deny
// with NotResource on an action without resource types (AmazonSecurityLakePermissionsBoundary),
// patterns that cannot name the action's resource type (AmazonEC2RoleforAWSCodeDeployLimited,
// AWSPartnerCentralSellingResourceSnapshotJobExecutionRolePolicy, AmazonAPIGatewayAdministrator)
// and policy variables in Resource (AWSCodeCommitFullAccess, AWSApplicationMigrationAgentPolicy_v2).
const trickyPolicies = [
  'AWSApplicationMigrationAgentPolicy_v2',
  'AWSCodeCommitFullAccess',
  'AWSDenyAll',
  'AWSLakeFormationDataAdmin',
  'AWSPartnerCentralSellingResourceSnapshotJobExecutionRolePolicy',
  'AdministratorAccess',
  'AmazonAPIGatewayAdministrator',
  'AmazonEC2RoleforAWSCodeDeployLimited',
  'AmazonElastiCacheFullAccess',
  'AmazonSecurityLakePermissionsBoundary',
  'IAMFullAccess',
  'PowerUserAccess',
  'ReadOnlyAccess',
  'S3UnlockBucketPolicy',
];

// A sample that took 110 s for this file on a 2-core machine. npm run differential compares every
// policy and every action it names.
const policyCount = 250;
const seed = 'openciem-differential';
const selection: SelectionOptions = { seed, sampledActions: 100, maxNamedActions: 800, maxComplementActions: 800 };

describe('ciem.effective_permissions against iam-simulate on AWS managed policies', () => {
  let db: TestDatabase;
  let workDir: string;
  let report: DifferentialReport;

  beforeAll(async () => {
    db = await createTestDatabase();
    workDir = mkdtempSync(path.join(os.tmpdir(), 'openciem-differential-'));
    const roles = policyRoles(samplePolicies(readManagedPolicies(), policyCount, seed, trickyPolicies));
    await loadPolicyRoles(db.client, roles, workDir);
    const catalogue = await readActionCatalogue(db.client);
    report = await runDifferential(db.client, roles, catalogue, { selection });
    console.log(formatReport(report, await describeRun(db.client, seed)));
  }, 600_000);

  afterAll(async () => {
    await db?.drop();
    if (workDir) {
      rmSync(workDir, { recursive: true, force: true });
    }
  });

  test('compares the sampled policies', () => {
    expect(report.policies).toHaveLength(policyCount);
    expect(report.policies).toEqual(expect.arrayContaining(trickyPolicies));
  });

  test('sample covers every unconditional decision', () => {
    expect(report.agreements.allowed).toBeGreaterThan(0);
    expect(report.agreements.explicit_deny).toBeGreaterThan(0);
    expect(report.agreements.implicit_deny).toBeGreaterThan(0);
  });

  test('iam-simulate accepts every request', () => {
    expect(report.simulatorErrors).toEqual({});
  });

  test('no unexplained disagreement', () => {
    const lines = report.disagreements.map((entry) => `${entry.policy} ${entry.action}: OpenCIEM ${entry.openciem}, simulator ${entry.simulator} (${entry.issue})`);
    expect(lines).toEqual([]);
  });
});
