import React, { useCallback, useMemo, useState } from 'react';
import { Alert, LoadingPlaceholder, Stack, Text } from '@grafana/ui';

import { useAsync } from '../../hooks/useAsync';
import type { CloudIdentityScope } from '../../services/cloudIdentityQueries';
import { CLOUD_TREE_NOTES } from '../../services/cloudPermissionLabels';
import { fetchCloudPermissionSummary, type CloudPermissionGroup } from '../../services/cloudPermissions';
import { formatCount } from '../../services/format';
import {
  buildCloudTreeRows,
  filterGroups,
  totalGroupCounts,
  type CloudTreeRow,
} from '../../services/cloudPermissionTree';
import { ROW_HEIGHT, VirtualTree } from '../PermissionTree/VirtualTree';
import { QueryErrorAlert } from '../QueryErrorAlert/QueryErrorAlert';
import { SearchInput } from '../SearchInput/SearchInput';
import { testIds } from '../testIds';
import { estimateGrantsHeight, GrantsPanel, GroupRow, GroupStatusRow, PermissionRow } from './CloudPermissionRows';
import { useCloudPermissionTree, type CloudPermissionTreeControls } from './useCloudPermissionTree';

interface Props {
  datasourceUid: string;
  scope: CloudIdentityScope;
}

/**
 * Shows the effective permissions of a Kubernetes, Google Cloud or Azure identity as a tree of permission group,
 * permission and the grants behind it. The counts per group are fetched first, and a group's permissions when it
 * opens.
 */
export function CloudPermissions({ datasourceUid, scope }: Props) {
  const load = useCallback(() => fetchCloudPermissionSummary(datasourceUid, scope), [datasourceUid, scope]);
  const summary = useAsync(load);

  if (summary.status === 'loading') {
    return <LoadingPlaceholder text="Loading the effective permissions" />;
  }

  if (summary.status === 'failed') {
    return <QueryErrorAlert title="The effective permissions could not be loaded" error={summary.error} />;
  }

  if (summary.value.length === 0) {
    return (
      <Alert severity="info" title="This identity has no permission">
        No role that it holds grants a permission in the data. A role whose definition is not synced adds nothing; see
        the grants above.
      </Alert>
    );
  }

  // The key gives another identity or datasource a fresh tree state.
  const key = [datasourceUid, scope.cloud, scope.accountId, scope.identityId].join(' ');
  return <PermissionBrowser key={key} datasourceUid={datasourceUid} scope={scope} groups={summary.value} />;
}

function PermissionBrowser({ datasourceUid, scope, groups }: Props & { groups: CloudPermissionGroup[] }) {
  const [filter, setFilter] = useState('');
  const { state, ...controls } = useCloudPermissionTree(datasourceUid, scope);

  const visible = useMemo(() => filterGroups(groups, filter), [groups, filter]);
  const rows = useMemo(() => buildCloudTreeRows(visible, state), [visible, state]);
  const totals = totalGroupCounts(groups);

  return (
    <Stack direction="column" gap={1}>
      <Text color="secondary">
        {formatCount(totals.allowed, 'permission')} allowed, {totals.conditional.toLocaleString()} conditional and{' '}
        {totals.denied.toLocaleString()} denied in {formatCount(totals.groups, 'group')}.{' '}
        {CLOUD_TREE_NOTES[scope.cloud]}
      </Text>
      <SearchInput
        data-testid={testIds.identity.groupFilter}
        label="Filter permission groups"
        placeholder="Filter groups by name"
        value={filter}
        onChange={setFilter}
      />
      {visible.length === 0 ? (
        <Text color="secondary">No group has &quot;{filter.trim()}&quot; in its name.</Text>
      ) : (
        <VirtualTree
          rows={rows}
          renderRow={(row) => <CloudTreeRowContent row={row} controls={controls} />}
          estimateRowHeight={estimateRowHeight}
          isMeasured={(row) => row.kind === 'grants'}
        />
      )}
    </Stack>
  );
}

function CloudTreeRowContent({
  row,
  controls,
}: {
  row: CloudTreeRow;
  controls: Omit<CloudPermissionTreeControls, 'state'>;
}) {
  switch (row.kind) {
    case 'group':
      return (
        <GroupRow group={row.group} expanded={row.expanded} onToggle={() => controls.toggleGroup(row.group.group)} />
      );
    case 'group-status':
      return <GroupStatusRow group={row.group} state={row.state} onRetry={controls.retryGroup} />;
    case 'permission':
      return (
        <PermissionRow
          permission={row.permission}
          expanded={row.expanded}
          onToggle={() => controls.togglePermission(row.permissionKey)}
        />
      );
    case 'grants':
      return <GrantsPanel permission={row.permission} />;
  }
}

function estimateRowHeight(row: CloudTreeRow): number {
  if (row.kind === 'grants') {
    return estimateGrantsHeight(row.permission);
  }

  return row.kind === 'group-status' && row.state.status === 'failed' ? 4 * ROW_HEIGHT : ROW_HEIGHT;
}
