import { fixtureRows } from '../test/fixtures';
import { toActionDecision, type PermissionSummaryRow } from './permissions';
import {
  buildTreeRows,
  EMPTY_TREE_STATE,
  filterServices,
  groupByService,
  levelKey,
  totalCounts,
  type TreeState,
} from './permissionTree';

function summaryRows(name: string): PermissionSummaryRow[] {
  return fixtureRows(name).map((row) => ({
    service: String(row.service),
    serviceName: row.service_name === null ? null : String(row.service_name),
    accessLevel: String(row.access_level),
    allowed: Number(row.allowed),
    conditional: Number(row.conditional),
    denied: Number(row.denied),
    unused: Number(row.unused),
    serviceUsage: row.service_usage === null ? null : String(row.service_usage),
    serviceLastUsedAt: row.service_last_used_at === null ? null : Number(row.service_last_used_at),
  }));
}

const administrator = groupByService(summaryRows('permission-summary-administrator'));
const s3Actions = fixtureRows('node-actions-administrator-s3-permissions').map(toActionDecision);

describe('groupByService', () => {
  test('keeps one node per service', () => {
    const services = new Set(fixtureRows('permission-summary-administrator').map((row) => row.service));

    expect(administrator.map((service) => service.service)).toEqual([...services].sort());
  });

  test('orders levels riskiest first', () => {
    const iam = administrator.find((service) => service.service === 'iam');

    expect(iam?.levels.map((level) => level.accessLevel)).toEqual([
      'Permissions management',
      'Write',
      'Read',
      'Tagging',
      'List',
    ]);
  });

  test('adds up the counts', () => {
    const totals = totalCounts(administrator);
    const allowed = fixtureRows('permission-summary-administrator').reduce((sum, row) => sum + Number(row.allowed), 0);

    expect(totals.allowed).toBe(allowed);
    expect(totals.services).toBe(administrator.length);
  });
});

describe('filterServices', () => {
  test('matches prefix or name', () => {
    expect(filterServices(administrator, 'S3').map((service) => service.service)).toContain('s3');
    expect(filterServices(administrator, 'amazon s3').map((service) => service.service)).toContain('s3');
    expect(filterServices(administrator, 'amazon s3').map((service) => service.service)).not.toContain('ec2');
    expect(filterServices(administrator, '  ')).toBe(administrator);
  });
});

describe('buildTreeRows', () => {
  const s3Key = levelKey('s3', 'Permissions management');
  const s3Only = filterServices(administrator, 's3').filter((service) => service.service === 's3');

  test('shows closed services only', () => {
    const rows = buildTreeRows(administrator, EMPTY_TREE_STATE);

    expect(rows).toHaveLength(administrator.length);
    expect(rows.every((row) => row.kind === 'service' && !row.expanded)).toBe(true);
  });

  test('opens a service to its levels', () => {
    const state: TreeState = { ...EMPTY_TREE_STATE, expandedServices: new Set(['s3']) };

    const rows = buildTreeRows(s3Only, state);

    expect(rows.map((row) => row.key)).toEqual([
      'service:s3',
      ...s3Only[0].levels.map((level) => `level:s3/${level.accessLevel}`),
    ]);
  });

  test('shows loading for an opened level', () => {
    const state: TreeState = {
      ...EMPTY_TREE_STATE,
      expandedServices: new Set(['s3']),
      expandedLevels: new Set([s3Key]),
    };

    const rows = buildTreeRows(s3Only, state);

    expect(rows.find((row) => row.kind === 'level-status')).toMatchObject({ state: { status: 'loading' } });
  });

  test('lists loaded actions and an opened explanation', () => {
    const explained = s3Actions[0].action;
    const state: TreeState = {
      ...EMPTY_TREE_STATE,
      expandedServices: new Set(['s3']),
      expandedLevels: new Set([s3Key]),
      levelActions: new Map([[s3Key, { status: 'done', value: s3Actions }]]),
      expandedActions: new Set([explained]),
    };

    const rows = buildTreeRows(s3Only, state);
    const actions = rows.filter((row) => row.kind === 'action');
    const explanationIndex = rows.findIndex((row) => row.kind === 'explanation');

    expect(actions).toHaveLength(s3Actions.length);
    expect(rows[explanationIndex - 1]).toMatchObject({ kind: 'action', expanded: true });
    expect(rows[explanationIndex]).toMatchObject({ action: explained, depth: 4, state: { status: 'loading' } });
  });

  test('reports a failed level', () => {
    const error = new Error('timeout');
    const state: TreeState = {
      ...EMPTY_TREE_STATE,
      expandedServices: new Set(['s3']),
      expandedLevels: new Set([s3Key]),
      levelActions: new Map([[s3Key, { status: 'failed', error }]]),
    };

    expect(buildTreeRows(s3Only, state).find((row) => row.kind === 'level-status')).toMatchObject({
      state: { status: 'failed', error },
    });
  });
});
