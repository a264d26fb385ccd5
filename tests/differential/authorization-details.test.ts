import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { importAuthorizationDetails } from '../../cli/import/aws-authz/import';
import { migrate } from '../../cli/migrate/run';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { exportFiles } from '../support/paths';
import { buildAuthorizationDetails, pathOfPolicyArn, policyRoles, roleNameFor, testAccountId, writeAuthorizationDetails } from './authorization-details';
import { readManagedPolicies, type ManagedPolicy } from './managed-policies';

function managedPolicy(name: string, arn = `arn:aws:iam::aws:policy/${name}`): ManagedPolicy {
  return { name, arn, version: 'v2', document: { Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }] }, source: 'test', arnDerived: false };
}

describe('roleNameFor', () => {
  test('keeps a name of up to 64 characters', () => {
    expect(roleNameFor('ReadOnlyAccess')).toBe('ReadOnlyAccess');
    expect(roleNameFor('x'.repeat(64))).toBe('x'.repeat(64));
  });

  test('cuts longer names and keeps them apart', () => {
    const first = roleNameFor(`${'A'.repeat(70)}One`);
    const second = roleNameFor(`${'A'.repeat(70)}Two`);
    expect(first).toHaveLength(64);
    expect(second).toHaveLength(64);
    expect(first).not.toBe(second);
  });
});

describe('pathOfPolicyArn', () => {
  test('reads the path between policy/ and the name', () => {
    expect(pathOfPolicyArn('arn:aws:iam::aws:policy/ReadOnlyAccess')).toBe('/');
    expect(pathOfPolicyArn('arn:aws:iam::aws:policy/service-role/AWSConfigRole')).toBe('/service-role/');
    expect(pathOfPolicyArn('arn:aws:iam::aws:policy/aws-service-role/a/b/Name')).toBe('/aws-service-role/a/b/');
  });

  test('rejects an ARN of another resource type', () => {
    expect(() => pathOfPolicyArn('arn:aws:iam::aws:role/Name')).toThrow('arn:aws:iam::aws:role/Name is not an IAM policy ARN');
  });
});

describe('policyRoles', () => {
  test('rejects two policies with one ARN', () => {
    expect(() => policyRoles([managedPolicy('One', 'arn:aws:iam::aws:policy/Same'), managedPolicy('Two', 'arn:aws:iam::aws:policy/Same')])).toThrow(
      'policies One and Two have the same ARN arn:aws:iam::aws:policy/Same'
    );
  });
});

describe('buildAuthorizationDetails', () => {
  const details = buildAuthorizationDetails(policyRoles([managedPolicy('First'), managedPolicy('Second', 'arn:aws:iam::aws:policy/service-role/Second')]));

  test('lists each policy with its default version only', () => {
    expect(details.Policies.map((policy) => [policy.PolicyName, policy.Path, policy.DefaultVersionId])).toEqual([
      ['First', '/', 'v2'],
      ['Second', '/service-role/', 'v2'],
    ]);
    expect(details.Policies[0].PolicyVersionList).toEqual([{ Document: managedPolicy('First').document, VersionId: 'v2', IsDefaultVersion: true }]);
  });

  test('gives each policy a role with only that policy', () => {
    expect(details.RoleDetailList.map((role) => [role.Arn, role.AttachedManagedPolicies, role.RolePolicyList])).toEqual([
      [`arn:aws:iam::${testAccountId}:role/First`, [{ PolicyName: 'First', PolicyArn: 'arn:aws:iam::aws:policy/First' }], []],
      [`arn:aws:iam::${testAccountId}:role/Second`, [{ PolicyName: 'Second', PolicyArn: 'arn:aws:iam::aws:policy/service-role/Second' }], []],
    ]);
  });

  test('role ids are IAM unique ids', () => {
    for (const role of details.RoleDetailList) {
      expect(role.RoleId).toMatch(/^AROA[A-Z2-7]{17}$/);
    }
  });
});

describe('readManagedPolicies', () => {
  const policies = readManagedPolicies();

  test('reads the snapshot and the two policies from the export', () => {
    expect(policies).toHaveLength(1643);
    const administrator = policies.find((policy) => policy.name === 'AdministratorAccess');
    expect(administrator?.source).toBe(exportFiles.cloudsplaining);
    expect(administrator?.document.Statement).toEqual([{ Effect: 'Allow', Action: '*', Resource: '*' }]);
    expect(policies.some((policy) => policy.name === 'PowerUserAccess')).toBe(true);
  });

  test('derives the ARN where the snapshot has none', () => {
    const derived = policies.filter((policy) => policy.arnDerived);
    expect(derived).toHaveLength(75);
    expect(derived.every((policy) => policy.arn === `arn:aws:iam::aws:policy/${policy.name}`)).toBe(true);
  });

  test('names and ARNs are unique', () => {
    expect(new Set(policies.map((policy) => policy.name)).size).toBe(policies.length);
    expect(new Set(policies.map((policy) => policy.arn)).size).toBe(policies.length);
  });
});

describe('fixture of every managed policy in PostgreSQL', () => {
  let db: TestDatabase;
  let workDir: string;
  const roles = policyRoles(readManagedPolicies());

  beforeAll(async () => {
    db = await createTestDatabase();
    workDir = mkdtempSync(path.join(os.tmpdir(), 'openciem-fixture-'));
    const file = path.join(workDir, 'authorization-details.json');
    writeAuthorizationDetails(file, buildAuthorizationDetails(roles));
    await importAuthorizationDetails(db.client, file, { sourceSchema: 'public', accountId: testAccountId });
    await migrate(db.client, { sourceSchema: 'public' });
  }, 300_000);

  afterAll(async () => {
    await db?.drop();
    if (workDir) {
      rmSync(workDir, { recursive: true, force: true });
    }
  });

  test('imports one role per policy', async () => {
    const result = await db.client.query<{ identity_id: string }>("SELECT identity_id FROM ciem.identities WHERE identity_type = 'role' ORDER BY identity_id");
    expect(result.rows.map((row) => row.identity_id)).toEqual(roles.map((role) => role.roleArn).sort());
  });

  test('attaches exactly its policy to each role', async () => {
    const result = await db.client.query<{ role_arn: string; policy_arn: string }>('SELECT role_arn, policy_arn FROM public.aws_iam_role_attached_policies');
    const attached = new Map(result.rows.map((row) => [row.role_arn, row.policy_arn]));
    expect(result.rows).toHaveLength(roles.length);
    expect(roles.filter((role) => attached.get(role.roleArn) !== role.policy.arn)).toEqual([]);
  });

  test('stores one default version per policy', async () => {
    const result = await db.client.query<{ versions: number; defaults: number }>(
      'SELECT count(*)::int AS versions, count(*) FILTER (WHERE is_default_version)::int AS defaults FROM public.aws_iam_policy_versions'
    );
    expect(result.rows[0]).toEqual({ versions: roles.length, defaults: roles.length });
  });
});
