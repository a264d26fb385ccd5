import React, { useMemo } from 'react';
import { css } from '@emotion/css';
import type { GrafanaTheme2, PanelProps } from '@grafana/data';
import { useStyles2 } from '@grafana/ui';

import { PanelMessage } from '../shared/PanelMessage';
import { failedQueryMessage } from '../shared/queryError';
import { MatrixGrid } from './MatrixGrid';
import { MatrixLegend } from './MatrixLegend';
import { readMatrix } from './matrixCells';
import { panelTestIds } from './testIds';

/** Height of the legend line above the grid. */
const LEGEND_HEIGHT = 28;

/** Panel that shows the highest access level of each identity in each service, with unused grants marked. */
export function PermissionMatrixPanel({ data, width, height }: PanelProps) {
  const styles = useStyles2(getStyles);
  const read = useMemo(() => readMatrix(data.series), [data.series]);

  const queryError = failedQueryMessage(data);
  if (queryError !== undefined) {
    return (
      <PanelMessage severity="error" title="The query failed" testId={panelTestIds.failed}>
        {queryError}
      </PanelMessage>
    );
  }

  if (read.kind === 'empty') {
    return (
      <PanelMessage severity="info" title="No access granted" testId={panelTestIds.empty}>
        The query returned no identity with an access level in a service. Check the query&apos;s filters, and that
        openciem refresh ran after the last sync.
      </PanelMessage>
    );
  }

  if (read.kind === 'unreadable') {
    return (
      <PanelMessage
        severity="error"
        title="The permission matrix cannot read the query result"
        testId={panelTestIds.unreadable}
      >
        {read.message}
      </PanelMessage>
    );
  }

  return (
    <div className={styles.container} style={{ width, height }}>
      <div className={styles.legend}>
        <MatrixLegend hasUsage={read.matrix.hasUsage} />
      </div>
      <MatrixGrid matrix={read.matrix} width={width} height={Math.max(height - LEGEND_HEIGHT, 60)} />
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  container: css({ display: 'flex', flexDirection: 'column' }),
  legend: css({ height: LEGEND_HEIGHT, overflow: 'hidden', flexShrink: 0 }),
});
