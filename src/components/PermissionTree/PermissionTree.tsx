import React from 'react';

import type { PermissionTreeControls } from '../../hooks/usePermissionTree';
import type { AccessLevel } from '../../services/permissionQueries';
import type { TreeRow } from '../../services/permissionTree';
import { ExplanationPanel } from './ExplanationPanel';
import { ActionRow, LevelRow, LevelStatusRow, ServiceRow } from './TreeRows';
import { ROW_HEIGHT, VirtualTree } from './VirtualTree';

interface Props {
  rows: TreeRow[];
  controls: Omit<PermissionTreeControls, 'state'>;
}

/** Shows the AWS tree of service, access level, action and the statements of an action, virtualised. */
export function PermissionTree({ rows, controls }: Props) {
  return (
    <VirtualTree
      rows={rows}
      renderRow={(row) => <TreeRowContent row={row} controls={controls} />}
      estimateRowHeight={estimateRowHeight}
      isMeasured={(row) => row.kind === 'explanation'}
    />
  );
}

function TreeRowContent({ row, controls }: { row: TreeRow; controls: Props['controls'] }) {
  switch (row.kind) {
    case 'service':
      return (
        <ServiceRow
          service={row.service.service}
          serviceName={row.service.serviceName}
          counts={row.service}
          serviceUsage={row.service.serviceUsage}
          serviceLastUsedAt={row.service.serviceLastUsedAt}
          expanded={row.expanded}
          onToggle={() => controls.toggleService(row.service.service)}
        />
      );
    case 'level':
      return (
        <LevelRow
          service={row.service}
          level={row.level}
          expanded={row.expanded}
          onToggle={() => controls.toggleLevel(row.service, row.level.accessLevel as AccessLevel)}
        />
      );
    case 'level-status':
      return (
        <LevelStatusRow
          service={row.service}
          accessLevel={row.accessLevel}
          state={row.state}
          onRetry={controls.retryLevel}
        />
      );
    case 'action':
      return (
        <ActionRow
          action={row.action}
          expanded={row.expanded}
          onToggle={() => controls.toggleAction(row.action.action)}
        />
      );
    case 'explanation':
      return <ExplanationPanel action={row.action} state={row.state} />;
  }
}

/** Returns the height a row is drawn at; explanations are measured once drawn, so theirs is a first estimate. */
export function estimateRowHeight(row: TreeRow): number {
  if (row.kind === 'explanation') {
    const statements =
      row.state.status === 'done' ? row.state.value.allowing.length + row.state.value.denying.length : 1;
    return 48 + 56 * statements;
  }

  if (row.kind === 'level-status' && row.state.status === 'failed') {
    return 4 * ROW_HEIGHT;
  }

  return ROW_HEIGHT;
}
