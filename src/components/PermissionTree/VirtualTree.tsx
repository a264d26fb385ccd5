import React, { useCallback, useRef, type ReactNode } from 'react';
import { css } from '@emotion/css';
import { useVirtualizer } from '@tanstack/react-virtual';
import type { GrafanaTheme2 } from '@grafana/data';
import { useStyles2 } from '@grafana/ui';

import { testIds } from '../testIds';

/** Height in px of a row that is not measured: a service, group, level, action or permission. */
export const ROW_HEIGHT = 36;

// Rows drawn beyond each edge of the viewport, so that fast scrolling shows no blank rows.
const OVERSCAN_ROWS = 10;

/** The fields the tree reads from a row: a stable key, its depth for aria-level, and whether it is open. */
export interface VirtualTreeRow {
  key: string;
  depth: number;
  expanded?: boolean;
}

interface Props<Row extends VirtualTreeRow> {
  rows: Row[];
  renderRow: (row: Row) => ReactNode;
  /** The height a row is drawn at; a measured row's is a first estimate. */
  estimateRowHeight: (row: Row) => number;
  /** Rows whose height depends on their content, measured once drawn. */
  isMeasured: (row: Row) => boolean;
}

/**
 * Shows tree rows in a virtualised list: only the rows in and near the viewport are in the DOM, so an identity with
 * 22,000 allowed actions scrolls like one with twenty.
 */
export function VirtualTree<Row extends VirtualTreeRow>({
  rows,
  renderRow,
  estimateRowHeight,
  isMeasured,
}: Props<Row>) {
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
      // A short tree takes only the height of its rows, plus the border.
      style={{ height: `min(${virtualizer.getTotalSize() + 2}px, 70vh, 720px)` }}
      role="tree"
      aria-label="Effective permissions"
      data-testid={testIds.identity.tree}
    >
      <div className={styles.canvas} style={{ height: virtualizer.getTotalSize() }}>
        {virtualizer.getVirtualItems().map((item) => {
          const row = rows[item.index];
          const measured = isMeasured(row);

          return (
            <div
              key={item.key}
              ref={measured ? virtualizer.measureElement : undefined}
              data-index={item.index}
              data-row-key={row.key}
              role="treeitem"
              aria-level={row.depth}
              aria-expanded={row.expanded}
              className={styles.item}
              style={{ transform: `translateY(${item.start}px)`, height: measured ? undefined : item.size }}
            >
              {renderRow(row)}
            </div>
          );
        })}
      </div>
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  viewport: css({
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
