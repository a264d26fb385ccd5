import React from 'react';
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { useStyles2, useTheme2 } from '@grafana/ui';

import { classificationColor, classificationStyle } from './classifications';
import type { TrustEdge } from './graphModel';
import type { TrustStatement } from './trustStatements';

interface Props {
  edge: TrustEdge;
}

/** Renders the trust policy statements behind one edge: who is trusted by which role, and on what terms. */
export function StatementTooltip({ edge }: Props) {
  const styles = useStyles2(getStyles);
  const theme = useTheme2();
  const [first] = edge.statements;

  return (
    <div className={styles.tooltip} data-testid="openciem-trustgraph-tooltip">
      <div className={styles.heading}>
        <span
          className={styles.swatch}
          style={{ background: classificationColor(theme, edge.classification) }}
          aria-hidden="true"
        />
        {classificationStyle(edge.classification).label}
      </div>
      <dl className={styles.pairs}>
        <dt>Principal</dt>
        <dd>{first.trustedPrincipal}</dd>
        <dt>Role</dt>
        <dd>{first.roleArn}</dd>
      </dl>
      {edge.statements.map((statement, index) => (
        <StatementDetails key={index} statement={statement} />
      ))}
    </div>
  );
}

function StatementDetails({ statement }: { statement: TrustStatement }) {
  const styles = useStyles2(getStyles);
  const position = statement.statementIndex === undefined ? '' : ` ${statement.statementIndex}`;

  return (
    <section className={styles.statement}>
      <div className={styles.statementTitle}>
        Statement{position}
        {statement.sid ? ` (Sid ${statement.sid})` : ' (no Sid)'}
      </div>
      <dl className={styles.pairs}>
        <dt>Effect</dt>
        <dd>{statement.effect ?? 'not in the query result'}</dd>
        <dt>Actions</dt>
        <dd>{statement.actions.length > 0 ? statement.actions.join(', ') : 'not in the query result'}</dd>
        <dt>Condition</dt>
        <dd>
          {statement.condition === undefined ? (
            'none'
          ) : (
            <pre className={styles.condition}>{JSON.stringify(statement.condition, null, 2)}</pre>
          )}
        </dd>
        <dt>Narrowed by</dt>
        <dd>{statement.narrowedBy.length > 0 ? statement.narrowedBy.join(', ') : 'no condition key narrows it'}</dd>
      </dl>
    </section>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  tooltip: css({
    maxWidth: 520,
    display: 'flex',
    flexDirection: 'column',
    gap: theme.spacing(1),
    fontSize: theme.typography.bodySmall.fontSize,
  }),
  heading: css({
    display: 'flex',
    alignItems: 'center',
    gap: theme.spacing(1),
    fontWeight: theme.typography.fontWeightMedium,
  }),
  swatch: css({ width: 12, height: 12, borderRadius: 2, flexShrink: 0 }),
  statement: css({ borderTop: `1px solid ${theme.colors.border.weak}`, paddingTop: theme.spacing(1) }),
  statementTitle: css({ fontWeight: theme.typography.fontWeightMedium, marginBottom: theme.spacing(0.5) }),
  pairs: css({
    display: 'grid',
    gridTemplateColumns: 'max-content 1fr',
    columnGap: theme.spacing(1.5),
    rowGap: theme.spacing(0.25),
    margin: 0,
    dt: { color: theme.colors.text.secondary, fontWeight: 'normal' },
    dd: { margin: 0, wordBreak: 'break-all' },
  }),
  condition: css({
    margin: 0,
    padding: theme.spacing(0.5),
    maxHeight: 160,
    overflow: 'auto',
    fontFamily: theme.typography.fontFamilyMonospace,
    fontSize: theme.typography.bodySmall.fontSize,
    background: theme.colors.background.canvas,
    whiteSpace: 'pre-wrap',
  }),
});
