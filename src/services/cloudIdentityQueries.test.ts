import { HOSTILE_TEXTS, splitLiterals } from '../test/sqlLiterals';
import {
  buildCloudPermissionNodesQuery,
  buildCloudPermissionSummaryQuery,
  buildIdentityGrantsQuery,
  buildIdentityRowsQuery,
  type CloudIdentityScope,
} from './cloudIdentityQueries';

const CLUSTER_USER: CloudIdentityScope = { cloud: 'kubernetes', identityId: 'User:alice', accountId: 'prod' };
const MEMBER: CloudIdentityScope = { cloud: 'gcp', identityId: 'user:alice@example.com', accountId: null };

describe('cloud identity queries', () => {
  test('summary passes NULL for every account', () => {
    expect(buildCloudPermissionSummaryQuery(MEMBER)).toContain(
      "FROM ciem.cloud_permission_summary('gcp', 'user:alice@example.com', NULL)"
    );
  });

  test('nodes pass the group before the cluster', () => {
    expect(buildCloudPermissionNodesQuery(CLUSTER_USER, 'core/pods')).toContain(
      "FROM ciem.cloud_permission_nodes('kubernetes', 'User:alice', 'core/pods', 'prod')"
    );
  });

  test('grants of a member in every account', () => {
    expect(buildIdentityGrantsQuery(MEMBER)).toContain(
      "WHERE cloud = 'gcp' AND identity_id = 'user:alice@example.com'\n"
    );
  });

  test('grants of a Kubernetes user in its cluster', () => {
    expect(splitLiterals(buildIdentityGrantsQuery(CLUSTER_USER)).literals).toEqual([
      'kubernetes',
      'User:alice',
      'prod',
    ]);
  });

  test('rows of an id in every cloud', () => {
    expect(buildIdentityRowsQuery('User:alice', null)).toContain("WHERE identity_id = 'User:alice'\nORDER BY");
  });

  test.each(HOSTILE_TEXTS)('keep a hostile id, account and group inside literals: %j', (text) => {
    const hostile: CloudIdentityScope = { cloud: 'kubernetes', identityId: text, accountId: text };
    const builders = [
      (scope: CloudIdentityScope) => buildIdentityRowsQuery(scope.identityId, 'kubernetes'),
      buildIdentityGrantsQuery,
      buildCloudPermissionSummaryQuery,
      (scope: CloudIdentityScope) => buildCloudPermissionNodesQuery(scope, scope.identityId),
    ];

    for (const build of builders) {
      const benign = splitLiterals(build(CLUSTER_USER));
      const quoted = splitLiterals(build(hostile));

      expect(quoted.skeleton).toBe(benign.skeleton);
      expect(quoted.literals.filter((literal) => literal !== 'kubernetes').every((literal) => literal === text)).toBe(
        true
      );
    }
  });
});
