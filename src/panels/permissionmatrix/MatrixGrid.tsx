import React, { useState, type MouseEvent, type UIEvent } from 'react';
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { locationService } from '@grafana/runtime';
import { Portal, useStyles2, useTheme2, VizTooltipContainer } from '@grafana/ui';

import { hasIdentityPage, identityPageHref, identityPagePath } from '../shared/identityLink';
import { levelColor } from './accessLevels';
import { CellTooltip } from './CellTooltip';
import { CELL_HEIGHT, CELL_WIDTH } from './cellSize';
import { cellKey, type Matrix, type MatrixCell } from './matrixCells';
import { matrixTestIds } from './testIds';
import { unusedPattern } from './unusedPattern';

interface Props {
  matrix: Matrix;
  width: number;
  /** Height of the grid, header row included. */
  height: number;
}

const HEADER_HEIGHT = 96;
const MAX_LABEL_WIDTH = 360;
/** Rows and columns drawn beyond the visible ones, so that fast scrolling shows no blank strip. */
const OVERSCAN = 4;

interface HoveredCell {
  cell: MatrixCell;
  x: number;
  y: number;
}

/**
 * Renders the identity × service grid. Cells have a fixed size, so a matrix with many services scrolls sideways
 * instead of shrinking its columns. Only the rows and columns in view are drawn, which keeps thousands of cells fast.
 */
export function MatrixGrid({ matrix, width, height }: Props) {
  const styles = useStyles2(getStyles);
  const theme = useTheme2();
  const [scroll, setScroll] = useState({ left: 0, top: 0 });
  const [hovered, setHovered] = useState<HoveredCell | undefined>(undefined);

  const labelWidth = Math.min(MAX_LABEL_WIDTH, Math.floor(width * 0.4));
  const bodyWidth = Math.max(width - labelWidth, CELL_WIDTH);
  const bodyHeight = Math.max(height - HEADER_HEIGHT, CELL_HEIGHT);

  const rows = visibleRange(scroll.top, bodyHeight, CELL_HEIGHT, matrix.identities.length);
  const columns = visibleRange(scroll.left, bodyWidth, CELL_WIDTH, matrix.services.length);

  const onScroll = (event: UIEvent<HTMLDivElement>) =>
    setScroll({ left: event.currentTarget.scrollLeft, top: event.currentTarget.scrollTop });

  // One handler for all cells: each cell carries its row and column, so hovering needs no handler per cell.
  const onMouseOver = (event: MouseEvent<HTMLDivElement>) => {
    const target = (event.target as HTMLElement).closest<HTMLElement>('[data-cell-row]');
    const cell = target ? cellAt(matrix, Number(target.dataset.cellRow), Number(target.dataset.cellColumn)) : undefined;
    setHovered(cell ? { cell, x: event.clientX, y: event.clientY } : undefined);
  };

  return (
    <div
      className={styles.grid}
      style={{ width, height, gridTemplateColumns: `${labelWidth}px 1fr`, gridTemplateRows: `${HEADER_HEIGHT}px 1fr` }}
      data-testid={matrixTestIds.grid}
    >
      <div className={styles.corner}>
        {matrix.identities.length} identities × {matrix.services.length} services
      </div>

      <div className={styles.clip} aria-hidden="true">
        <div style={{ transform: `translateX(${-scroll.left}px)`, position: 'relative', height: HEADER_HEIGHT }}>
          {columns.map((column) => (
            <div
              key={column}
              className={styles.columnLabel}
              style={{ left: column * CELL_WIDTH, width: CELL_WIDTH, height: HEADER_HEIGHT }}
              title={matrix.services[column]}
            >
              <span className={styles.verticalText}>{matrix.services[column]}</span>
            </div>
          ))}
        </div>
      </div>

      <div className={styles.clip}>
        <div style={{ transform: `translateY(${-scroll.top}px)`, position: 'relative' }}>
          {rows.map((row) => (
            <IdentityLabel key={row} identity={matrix.identities[row]} top={row * CELL_HEIGHT} />
          ))}
        </div>
      </div>

      <div
        className={styles.body}
        onScroll={onScroll}
        onMouseOver={onMouseOver}
        onMouseLeave={() => setHovered(undefined)}
        data-testid={matrixTestIds.body}
      >
        <div
          style={{
            position: 'relative',
            width: matrix.services.length * CELL_WIDTH,
            height: matrix.identities.length * CELL_HEIGHT,
          }}
        >
          {rows.flatMap((row) =>
            columns.map((column) => {
              const cell = cellAt(matrix, row, column);
              if (!cell) {
                return null;
              }

              const color = levelColor(theme, cell.level);
              return (
                <div
                  key={`${row}:${column}`}
                  className={styles.cell}
                  data-cell-row={row}
                  data-cell-column={column}
                  data-testid={matrixTestIds.cell(cell.identity, cell.service)}
                  data-unused={cell.unused ? 'true' : undefined}
                  aria-label={`${cell.identity}, ${cell.service}: ${cell.level}${cell.unused ? ', unused' : ''}`}
                  style={{
                    left: column * CELL_WIDTH,
                    top: row * CELL_HEIGHT,
                    background: cell.unused ? `${unusedPattern(theme)}, ${color}` : color,
                  }}
                />
              );
            })
          )}
        </div>
      </div>

      {hovered && (
        <Portal>
          <VizTooltipContainer position={{ x: hovered.x, y: hovered.y }} offset={{ x: 12, y: 12 }}>
            <CellTooltip cell={hovered.cell} />
          </VizTooltipContainer>
        </Portal>
      )}
    </div>
  );
}

function IdentityLabel({ identity, top }: { identity: string; top: number }) {
  const styles = useStyles2(getStyles);
  const parts = identity.split(':');
  const isArn = identity.startsWith('arn:') && parts.length >= 6;
  const style = { top, height: CELL_HEIGHT };

  // The same role name can exist in several accounts, so the account follows the name.
  const text = isArn ? (
    <>
      {parts.slice(5).join(':')} <span className={styles.account}>{parts[4]}</span>
    </>
  ) : (
    identity
  );

  if (!hasIdentityPage(identity)) {
    return (
      <div className={styles.rowLabel} style={style} title={identity}>
        {text}
      </div>
    );
  }

  const open = (event: MouseEvent) => {
    // A plain click stays in Grafana's single-page app; modified clicks keep the browser's behaviour (new tab).
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) {
      return;
    }
    event.preventDefault();
    locationService.push(identityPagePath(identity));
  };

  return (
    <a className={styles.rowLabel} style={style} title={identity} href={identityPageHref(identity)} onClick={open}>
      {text}
    </a>
  );
}

function cellAt(matrix: Matrix, row: number, column: number): MatrixCell | undefined {
  const identity = matrix.identities[row];
  const service = matrix.services[column];

  return identity === undefined || service === undefined ? undefined : matrix.cells.get(cellKey(identity, service));
}

/** Returns the indexes of the items of size `size` that a viewport of `extent` scrolled to `offset` shows. */
export function visibleRange(offset: number, extent: number, size: number, count: number): number[] {
  const first = Math.max(0, Math.floor(offset / size) - OVERSCAN);
  const last = Math.min(count - 1, Math.ceil((offset + extent) / size) + OVERSCAN);

  return Array.from({ length: Math.max(0, last - first + 1) }, (_, index) => first + index);
}

const getStyles = (theme: GrafanaTheme2) => ({
  grid: css({ display: 'grid', overflow: 'hidden' }),
  corner: css({
    display: 'flex',
    alignItems: 'flex-end',
    padding: theme.spacing(0.5, 1),
    fontSize: theme.typography.bodySmall.fontSize,
    color: theme.colors.text.secondary,
    borderBottom: `1px solid ${theme.colors.border.weak}`,
  }),
  clip: css({ overflow: 'hidden', position: 'relative', borderBottom: `1px solid ${theme.colors.border.weak}` }),
  columnLabel: css({
    position: 'absolute',
    bottom: 0,
    display: 'flex',
    alignItems: 'flex-end',
    justifyContent: 'center',
    paddingBottom: theme.spacing(0.5),
    overflow: 'hidden',
    fontSize: theme.typography.bodySmall.fontSize,
    color: theme.colors.text.secondary,
  }),
  verticalText: css({
    writingMode: 'vertical-rl',
    transform: 'rotate(180deg)',
    whiteSpace: 'nowrap',
    overflow: 'hidden',
    textOverflow: 'ellipsis',
    maxHeight: HEADER_HEIGHT - 8,
  }),
  rowLabel: css({
    position: 'absolute',
    left: 0,
    right: 0,
    display: 'block',
    padding: theme.spacing(0, 1),
    lineHeight: `${CELL_HEIGHT}px`,
    whiteSpace: 'nowrap',
    overflow: 'hidden',
    textOverflow: 'ellipsis',
    fontSize: theme.typography.bodySmall.fontSize,
    color: theme.colors.text.primary,
    'a&:hover': { color: theme.colors.text.link, textDecoration: 'underline' },
  }),
  account: css({ color: theme.colors.text.secondary }),
  body: css({ overflow: 'auto', position: 'relative' }),
  cell: css({
    position: 'absolute',
    width: CELL_WIDTH - 2,
    height: CELL_HEIGHT - 2,
    margin: 1,
    borderRadius: 2,
  }),
});
