import React, { useMemo } from 'react';
import { css } from '@emotion/css';
import type { GrafanaTheme2, PanelProps } from '@grafana/data';
import { useStyles2 } from '@grafana/ui';

import { PanelMessage } from '../shared/PanelMessage';
import { failedQueryMessage } from '../shared/queryError';
import { buildTrustGraph } from './graphModel';
import { panelTestIds } from './testIds';
import { TrustGraph } from './TrustGraph';
import { TrustLegend } from './TrustLegend';
import { readTrustStatements } from './trustStatements';
import type { TrustGraphOptions } from './types';

/** Panel that draws the rows of ciem.cross_account_trust as a graph of principals, roles and trusts. */
export function TrustGraphPanel({ data, width, height, options }: PanelProps<TrustGraphOptions>) {
  const styles = useStyles2(getStyles);
  const read = useMemo(() => readTrustStatements(data.series), [data.series]);

  const statements = useMemo(() => {
    if (read.kind !== 'statements') {
      return [];
    }
    return options.showServicePrincipals
      ? read.statements
      : read.statements.filter((statement) => statement.classification !== 'service');
  }, [read, options.showServicePrincipals]);

  const model = useMemo(() => buildTrustGraph(statements), [statements]);

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
      <PanelMessage severity="info" title="No trust policy statements" testId={panelTestIds.empty}>
        The query returned no rows. ciem.cross_account_trust has one row per role and trusted principal; check the
        query&apos;s filters and that CloudQuery synced aws_iam_roles.
      </PanelMessage>
    );
  }

  if (read.kind === 'unreadable') {
    return (
      <PanelMessage
        severity="error"
        title="The trust graph cannot read the query result"
        testId={panelTestIds.unreadable}
      >
        {read.message}
      </PanelMessage>
    );
  }

  if (statements.length === 0) {
    return (
      <PanelMessage severity="info" title="Only AWS service principals are trusted" testId={panelTestIds.empty}>
        Turn on the option Show AWS service principals to draw them.
      </PanelMessage>
    );
  }

  return (
    <div className={styles.container} style={{ width, height }}>
      <TrustLegend classifications={model.classifications} hasDenyOnly={model.edges.some((edge) => edge.denyOnly)} />
      {read.skippedRows > 0 && (
        <div className={styles.note} data-testid={panelTestIds.skipped}>
          {read.skippedRows} rows without role_arn, trusted_principal or classification are not drawn.
        </div>
      )}
      <TrustGraph model={model} width={width} />
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  container: css({ display: 'flex', flexDirection: 'column', gap: theme.spacing(0.5), height: '100%' }),
  note: css({
    fontSize: theme.typography.bodySmall.fontSize,
    color: theme.colors.warning.text,
    padding: theme.spacing(0, 1),
  }),
});
