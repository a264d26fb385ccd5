import React from 'react';
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { useStyles2 } from '@grafana/ui';

import type { MatrixCell } from './matrixCells';

interface Props {
  cell: MatrixCell;
}

/** Names the identity, the service and the highest access level of one cell, and whether the grant is used. */
export function CellTooltip({ cell }: Props) {
  const styles = useStyles2(getStyles);

  return (
    <dl className={styles.pairs} data-testid="openciem-permissionmatrix-tooltip">
      <dt>Identity</dt>
      <dd>{cell.identity}</dd>
      <dt>Service</dt>
      <dd>{cell.service}</dd>
      <dt>Highest access level</dt>
      <dd>{cell.level}</dd>
      <dt>Usage</dt>
      <dd>{usageText(cell.unused)}</dd>
    </dl>
  );
}

function usageText(unused: boolean | undefined): string {
  if (unused === undefined) {
    return 'not in the query result';
  }

  return unused ? 'not used in the tracking window' : 'used, or not reported by AWS';
}

const getStyles = (theme: GrafanaTheme2) => ({
  pairs: css({
    display: 'grid',
    gridTemplateColumns: 'max-content 1fr',
    columnGap: theme.spacing(1.5),
    rowGap: theme.spacing(0.25),
    margin: 0,
    maxWidth: 480,
    fontSize: theme.typography.bodySmall.fontSize,
    dt: { color: theme.colors.text.secondary, fontWeight: 'normal' },
    dd: { margin: 0, wordBreak: 'break-all' },
  }),
});
