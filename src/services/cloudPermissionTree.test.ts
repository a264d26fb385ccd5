import { fixtureRows } from '../test/fixtures';
import { toCloudPermission, toCloudPermissionGroup } from './cloudPermissions';
import {
  buildCloudTreeRows,
  EMPTY_CLOUD_TREE_STATE,
  filterGroups,
  permissionKey,
  totalGroupCounts,
  type CloudTreeState,
} from './cloudPermissionTree';

const groups = fixtureRows('cloud-summary-kubernetes-alice').map(toCloudPermissionGroup);
const secrets = fixtureRows('cloud-nodes-kubernetes-alice').map((row) => toCloudPermission('kubernetes', row));

function state(change: Partial<CloudTreeState>): CloudTreeState {
  return { ...EMPTY_CLOUD_TREE_STATE, ...change };
}

describe('buildCloudTreeRows', () => {
  test('shows one row per group while all are closed', () => {
    const rows = buildCloudTreeRows(groups, EMPTY_CLOUD_TREE_STATE);

    expect(rows.map((row) => row.kind)).toEqual(groups.map(() => 'group'));
  });

  test('shows a loading row under a group that is opening', () => {
    const rows = buildCloudTreeRows(groups, state({ expandedGroups: new Set(['core/secrets']) }));
    const index = rows.findIndex((row) => row.key === 'group:core/secrets');

    expect(rows[index + 1]).toMatchObject({ kind: 'group-status', state: { status: 'loading' } });
  });

  test('shows the loaded permissions and the grants of an open one', () => {
    const rows = buildCloudTreeRows(
      groups,
      state({
        expandedGroups: new Set(['core/secrets']),
        groupPermissions: new Map([['core/secrets', { status: 'done', value: secrets }]]),
        expandedPermissions: new Set([permissionKey('core/secrets', 1)]),
      })
    );
    const permissions = rows.filter((row) => row.kind === 'permission');
    const grants = rows.filter((row) => row.kind === 'grants');

    expect(permissions).toHaveLength(secrets.length);
    expect(grants).toEqual([{ kind: 'grants', key: 'grants:core/secrets#1', depth: 3, permission: secrets[1] }]);
    expect(new Set(rows.map((row) => row.key)).size).toBe(rows.length);
  });

  test('says when a group lost its permissions', () => {
    const rows = buildCloudTreeRows(
      groups,
      state({
        expandedGroups: new Set(['core/secrets']),
        groupPermissions: new Map([['core/secrets', { status: 'done', value: [] }]]),
      })
    );

    expect(rows.filter((row) => row.kind === 'group-status')).toHaveLength(1);
  });
});

describe('group counts and filter', () => {
  test('add up the groups', () => {
    const totals = totalGroupCounts(groups);

    expect(totals.groups).toBe(groups.length);
    expect(totals.allowed).toBe(groups.reduce((sum, group) => sum + group.allowed, 0));
    expect(totals.denied).toBe(0);
  });

  test('keep groups by part of their name in any case', () => {
    expect(filterGroups(groups, ' SECRETS ').map((group) => group.group)).toEqual(['core/secrets']);
    expect(filterGroups(groups, '')).toBe(groups);
  });
});
