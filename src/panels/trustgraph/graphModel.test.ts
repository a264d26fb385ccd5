import { trustFrames } from '../../test/panelFixtures';
import { layoutTrustGraph, MIN_LAYOUT_WIDTH, type Box } from './graphLayout';
import { buildTrustGraph, shortPrincipalName, shortRoleName } from './graphModel';
import { readTrustStatements, type TrustStatement } from './trustStatements';

function fixtureStatements(): TrustStatement[] {
  const read = readTrustStatements(trustFrames());
  if (read.kind !== 'statements') {
    throw new Error('the trust fixture has no statements');
  }
  return read.statements;
}

describe('buildTrustGraph', () => {
  test('has one role node per role and one edge per principal and role', () => {
    const statements = fixtureStatements();
    const model = buildTrustGraph(statements);

    const roles = model.roleGroups.flatMap((group) => group.nodes.map((node) => node.value));
    const pairs = new Set(statements.map((statement) => `${statement.trustedPrincipal} ${statement.roleArn}`));
    expect(roles.sort()).toEqual([...new Set(statements.map((statement) => statement.roleArn))].sort());
    expect(model.edges).toHaveLength(pairs.size);
  });

  test('puts "*" in the Anyone group with a public edge', () => {
    const model = buildTrustGraph(fixtureStatements());
    const anyone = model.principalGroups.find((group) => group.key === 'anyone');
    const edge = model.edges.find((candidate) => candidate.principalId === 'principal:*');

    expect(anyone?.nodes.map((node) => node.value)).toEqual(['*']);
    expect(edge?.classification).toBe('public');
    expect(edge?.roleId).toBe('role:arn:aws:iam::123456789012:role/bad_role');
  });

  test('groups principals by their account', () => {
    const model = buildTrustGraph(fixtureStatements());
    const external = model.principalGroups.find((group) => group.key === 'account:072528804237');

    expect(external?.label).toBe('Account 072528804237');
    expect(external?.nodes.map((node) => node.label)).toContain('root');
  });

  test('lists classifications from the widest', () => {
    expect(buildTrustGraph(fixtureStatements()).classifications).toEqual([
      'public',
      'external',
      'federated_saml',
      'same_account',
      'service',
    ]);
  });

  test('links IAM roles and users, not services', () => {
    const model = buildTrustGraph(fixtureStatements());
    const services = model.principalGroups.find((group) => group.key === 'services');

    expect(services?.nodes.every((node) => node.identityArn === undefined)).toBe(true);
    expect(model.roleGroups.flatMap((group) => group.nodes).every((node) => node.identityArn === node.value)).toBe(
      true
    );
  });

  test('does not depend on row order', () => {
    const statements = fixtureStatements();
    const reversed = [...statements].reverse();

    expect(layoutTrustGraph(buildTrustGraph(reversed), 1200)).toEqual(
      layoutTrustGraph(buildTrustGraph(statements), 1200)
    );
  });
});

describe('layoutTrustGraph', () => {
  const overlaps = (a: Box, b: Box) =>
    a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

  test('places no two nodes on each other', () => {
    const layout = layoutTrustGraph(buildTrustGraph(fixtureStatements()), 1200);
    const boxes = [...layout.nodes.values()];

    for (let i = 0; i < boxes.length; i++) {
      for (let j = i + 1; j < boxes.length; j++) {
        expect(overlaps(boxes[i], boxes[j])).toBe(false);
      }
    }
  });

  test('keeps every node inside the drawing', () => {
    const layout = layoutTrustGraph(buildTrustGraph(fixtureStatements()), 1200);

    for (const box of layout.nodes.values()) {
      expect(box.x).toBeGreaterThanOrEqual(0);
      expect(box.x + box.width).toBeLessThanOrEqual(layout.width);
      expect(box.y + box.height).toBeLessThanOrEqual(layout.height);
    }
  });

  test('keeps its minimum width in a narrow panel', () => {
    expect(layoutTrustGraph(buildTrustGraph(fixtureStatements()), 300).width).toBe(MIN_LAYOUT_WIDTH);
  });
});

describe('short names', () => {
  test.each([
    ['arn:aws:iam::200611803367:root', 'root'],
    [
      'arn:aws:sts::200611803367:assumed-role/AWSReservedSSO_AdministratorAccess_dc6414f7f2ab04fc/elad@codsec.io',
      'assumed-role/AWSReservedSSO_AdministratorAccess_dc6414f7f2ab04fc/elad@codsec.io',
    ],
    ['ec2.amazonaws.com', 'ec2.amazonaws.com'],
    ['*', '*'],
  ])('principal %s is %s', (principal, expected) => {
    expect(shortPrincipalName(principal)).toBe(expected);
  });

  test('role name keeps its path', () => {
    expect(shortRoleName('arn:aws:iam::1:role/aws-reserved/sso.amazonaws.com/Admin')).toBe(
      'aws-reserved/sso.amazonaws.com/Admin'
    );
  });
});
