import {
  cloudOfFindingSource,
  cloudOfRelation,
  cloudOfStep,
  refreshSecondsByCloud,
  searchFragment,
} from './cloud-measures';

describe('cloudOfRelation', () => {
  test.each([
    ['k8s_effective_permissions', 'kubernetes'],
    ['ciem.gcp_target_grants', 'gcp'],
    ['azure_effective_permissions', 'azure'],
    ['aws_principals', 'aws'],
    ['finding_records', 'shared'],
  ])('%s belongs to %s', (name, cloud) => {
    expect(cloudOfRelation(name)).toBe(cloud);
  });
});

describe('cloudOfStep', () => {
  test('counts unprefixed steps as AWS', () => {
    expect(cloudOfStep('refresh_principal_risk_decisions')).toBe('aws');
  });

  test('counts refresh_findings as shared', () => {
    expect(cloudOfStep('refresh_findings')).toBe('shared');
  });
});

describe('cloudOfFindingSource', () => {
  test.each([
    ['cis_gcp_v3_iam', 'gcp'],
    ['cis_kubernetes_v1_9_rbac', 'kubernetes'],
    ['cis_azure_v5_identity', 'azure'],
    ['cis_aws_v3_iam', 'aws'],
    ['k8s_trust', 'kubernetes'],
    ['public_trust', 'aws'],
  ])('%s belongs to %s', (name, cloud) => {
    expect(cloudOfFindingSource(name)).toBe(cloud);
  });
});

describe('refreshSecondsByCloud', () => {
  test('adds up the steps of each cloud', () => {
    const totals = refreshSecondsByCloud([
      { position: 10, name: 'aws_policy_statements', seconds: 1 },
      { position: 130, name: 'refresh_principal_risk_decisions', seconds: 2 },
      { position: 600, name: 'k8s_role_rules', seconds: 0.5 },
      { position: 1000, name: 'refresh_findings', seconds: 3 },
    ]);
    expect(totals).toEqual({ aws: 3, kubernetes: 0.5, shared: 3 });
  });
});

describe('searchFragment', () => {
  test.each([
    ['arn:aws:iam::999900000001:role/service-role/payments-lambda-000012', 'bda-000012'],
    ['ServiceAccount:payments-000/svc-00012', 'svc-00012'],
    ['user:payments.user00000012@bench-gcp.example', 'er00000012'],
    ['0b1e2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d', '0f1a2b3c4d'],
  ])('of %s is %s', (identity, fragment) => {
    expect(searchFragment(identity)).toBe(fragment);
  });
});
