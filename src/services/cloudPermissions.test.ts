import { fixtureRows } from '../test/fixtures';
import { describeCloudScope, describeGrant, describeGrantedBy } from './cloudPermissionLabels';
import { toCloudPermission, toCloudPermissionGroup, toIdentityGrant } from './cloudPermissions';

// The fixtures are the demo's real results (tests/plugin/page-fixtures.test.ts).
const gcp = fixtureRows('cloud-nodes-gcp-ci-runner').map((row) => toCloudPermission('gcp', row));
const azure = fixtureRows('cloud-nodes-azure-contributor').map((row) => toCloudPermission('azure', row));
const kubernetes = fixtureRows('cloud-nodes-kubernetes-alice').map((row) => toCloudPermission('kubernetes', row));

describe('Google Cloud permissions', () => {
  const denied = gcp.find((permission) => permission.decision === 'denied');

  test('keep one row per project', () => {
    expect(new Set(gcp.map((permission) => permission.accountId))).toEqual(new Set(['acme-prod', 'acme-sandbox']));
  });

  test('name the role and binding', () => {
    expect(gcp[0].grants[0]).toMatchObject({
      role: 'roles/editor',
      grantId: expect.stringMatching(/#bindings\[\d+\]$/),
    });
  });

  test('list the deny rule of a denied permission', () => {
    expect(denied?.permission).toBe('storage.buckets.delete');
    expect(denied?.facts.map((fact) => fact.label)).toEqual([
      'Denied by',
      'Deny rules that depend on group membership',
    ]);
    expect(denied?.facts[0].values[0]).toMatch(/protect-production#rules\[0\] \(on projects\/acme-prod\)$/);
  });

  test('list no facts for a plain grant', () => {
    expect(gcp.filter((permission) => permission.decision === 'allowed').every((p) => p.facts.length === 0)).toBe(true);
  });
});

describe('Azure permissions', () => {
  test('name the role of the assignment', () => {
    expect(azure[0].grants).toHaveLength(1);
    expect(azure[0].grants[0].role).toBe('Contributor');
    expect(azure[0].grants[0].grantId).toMatch(/\/providers\/Microsoft.Authorization\/roleAssignments\//);
  });

  test('list the NotActions that the role removes', () => {
    const except = azure[0].facts.find((fact) => fact.label === 'Except (NotActions of the role)');

    expect(except?.values).toContain('Microsoft.Authorization/*/Write');
  });

  test('do not repeat the subscription in the scope', () => {
    expect(describeCloudScope(azure[0])).toBe(`subscription ${azure[0].scope}`);
  });
});

describe('Kubernetes permissions', () => {
  test('name the binding and the aggregated roles', () => {
    const [grant] = kubernetes[0].grants;

    expect(grant).toMatchObject({
      role: 'ClusterRole:admin',
      grantId: 'RoleBinding:payments/alice-admin',
      via: 'direct',
    });
    expect(describeGrant(grant)).toBe(
      'RoleBinding:payments/alice-admin; rules aggregated from system:aggregate-to-edit'
    );
  });

  test('add the cluster to a namespace scope', () => {
    expect(describeCloudScope(kubernetes[0])).toBe('namespace payments, in acme-prod');
  });

  test('say through which group a grant came', () => {
    const grant = { ...kubernetes[0].grants[0], via: 'group', subject: 'Group:system:authenticated' };

    expect(describeGrant(grant)).toMatch(/^RoleBinding:payments\/alice-admin; through Group:system:authenticated;/);
  });
});

describe('reading rows', () => {
  const [row] = fixtureRows('cloud-nodes-gcp-ci-runner');

  test('rejects an unknown decision', () => {
    expect(() => toCloudPermission('gcp', { ...row, decision: 'maybe' })).toThrow(
      'The decision maybe is none of allowed, conditional, denied. Run openciem migrate.'
    );
  });

  test('rejects granted_by that is not an array', () => {
    expect(() => toCloudPermission('gcp', { ...row, granted_by: '{"role": "roles/editor"}' })).toThrow(
      'Column granted_by should contain a JSON array of grants.'
    );
  });

  test('rejects detail that is not JSON', () => {
    expect(() => toCloudPermission('gcp', { ...row, detail: 'denied' })).toThrow(
      'Column detail should contain JSON but contains denied.'
    );
  });

  test('reads the summary and the grants', () => {
    const groups = fixtureRows('cloud-summary-gcp-ci-runner').map(toCloudPermissionGroup);
    const grants = fixtureRows('cloud-grants-gcp-ci-runner').map(toIdentityGrant);

    expect(groups.find((group) => group.group === 'storage')).toMatchObject({ permissions: 3, denied: 1 });
    expect(grants.map((grant) => grant.scope)).toEqual(['projects/acme-prod', 'projects/acme-sandbox']);
  });

  test('names the first role and how many more', () => {
    const grant = gcp[0].grants[0];

    expect(describeGrantedBy([grant])).toBe('by roles/editor');
    expect(describeGrantedBy([grant, grant, grant])).toBe('by roles/editor and 2 more');
    expect(describeGrantedBy([])).toBe('no grant recorded');
  });
});
