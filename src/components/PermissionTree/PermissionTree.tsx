import React, { useCallback, useRef } from 'react';
import { css } from '@emotion/css';
import { useVirtualizer } from '@tanstack/react-virtual';
import type { GrafanaTheme2 } from '@grafana/data';
import { useStyles2 } from '@grafana/ui';

import type { PermissionTreeControls } from '../../hooks/usePermissionTree';
import type { AccessLevel } from '../../services/permissionQueries';
import type { TreeRow } from '../../services/permissionTree';
import { testIds } from '../testIds';
import { ExplanationPanel } from './ExplanationPanel';
import { ActionRow, LevelRow, LevelStatusRow, ServiceRow } from './TreeRows';

/** Height in px of a service, level or action row. */
export const ROW_HEIGHT = 36;

// Rows drawn beyond each edge of the viewport, so that fast scrolling shows no blank rows.
const OVERSCAN_ROWS = 10;

interface Props {
  rows: TreeRow[];
  controls: Omit<PermissionTreeControls, 'state'>;
}

/**
 * Shows the rows of the permission tree in a virtualised list: only the rows in and near the viewport are in the DOM, so
 * an identity with 22,000 allowed actions scrolls like one with twenty.
 */
export function PermissionTree({ rows, controls }: Props) {
  const styles = useStyles2(getStyles);
  const viewport = useRef<HTMLDivElement>(null);

  // A new function whenever the rows change, which makes the virtualiser measure the rows again.
  const rowKey = useCallback((index: number) => rows[index].key, [rows]);

  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => viewport.current,
    estimateSize: (index) => estimateRowHeight(rows[index]),
    getItemKey: rowKey,
    overscan: OVERSCAN_ROWS,
  });

  return (
    <div
      ref={viewport}
      className={styles.viewport}
      role="tree"
      aria-label="Effective permissions"
      data-testid={testIds.identity.tree}
    >
      <div className={styles.canvas} style={{ height: virtualizer.getTotalSize() }}>
        {virtualizer.getVirtualItems().map((item) => {
          const row = rows[item.index];
          const measured = row.kind === 'explanation';

          return (
            <div
              key={item.key}
              ref={measured ? virtualizer.measureElement : undefined}
              data-index={item.index}
              data-row-key={row.key}
              role="treeitem"
              aria-level={row.depth}
              aria-expanded={'expanded' in row ? row.expanded : undefined}
              className={styles.item}
              style={{ transform: `translateY(${item.start}px)`, height: measured ? undefined : item.size }}
            >
              <TreeRowContent row={row} controls={controls} />
            </div>
          );
        })}
      </div>
    </div>
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

const getStyles = (theme: GrafanaTheme2) => ({
  viewport: css({
    height: 'min(70vh, 720px)',
    overflowY: 'auto',
    border: `1px solid ${theme.colors.border.weak}`,
    borderRadius: theme.shape.radius.default,
  }),
  canvas: css({
    position: 'relative',
    width: '100%',
  }),
  item: css({
    position: 'absolute',
    top: 0,
    left: 0,
    width: '100%',
  }),
});
