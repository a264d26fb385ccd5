import React from 'react';
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { Badge, LoadingPlaceholder, Text, useStyles2 } from '@grafana/ui';

import { describeStatementId, describeStatementSource } from '../../services/permissionLabels';
import type { Explanation, ExplainedStatement } from '../../services/permissions';
import type { LoadState } from '../../services/loadState';
import { QueryErrorAlert } from '../QueryErrorAlert/QueryErrorAlert';
import { testIds } from '../testIds';

interface Props {
  action: string;
  state: LoadState<Explanation>;
}

/** Shows the statements that allow or deny one action, as ciem.explain groups them. */
export function ExplanationPanel({ action, state }: Props) {
  const styles = useStyles2(getDetailPanelStyles);

  if (state.status === 'loading') {
    return <LoadingPlaceholder text={`Loading the statements for ${action}`} />;
  }

  if (state.status === 'failed') {
    return <QueryErrorAlert title={`The statements for ${action} could not be loaded`} error={state.error} />;
  }

  const explanation = state.value;
  const groups: Array<[string, ExplainedStatement[]]> = [
    ['Allowed by', explanation.allowing],
    ['Denied by', explanation.denying],
    ['Permissions boundary allows it through', explanation.boundaryAllowing],
    ['Service control policies allow it through', explanation.scpAllowing],
  ];

  return (
    <div className={styles.panel} data-testid={testIds.identity.explanation(action)}>
      {groups
        .filter(([, statements]) => statements.length > 0)
        .map(([title, statements]) => (
          <section key={title} className={styles.group}>
            <Text element="h6" variant="bodySmall" weight="medium">
              {title}
            </Text>
            <ul className={styles.list}>
              {statements.map((statement) => (
                <StatementItem key={statementKey(statement)} statement={statement} />
              ))}
            </ul>
          </section>
        ))}
      {explanation.allowing.length === 0 && explanation.denying.length === 0 && (
        <Text color="secondary">No statement names {action}: AWS performs it without checking permissions.</Text>
      )}
    </div>
  );
}

function StatementItem({ statement }: { statement: ExplainedStatement }) {
  const styles = useStyles2(getDetailPanelStyles);
  const resources =
    statement.notResource !== null
      ? `NotResource ${statement.notResource.join(', ')}`
      : (statement.resource ?? []).join(', ');

  return (
    <li className={styles.statement}>
      <Badge text={statement.effect} color={statement.effect === 'Deny' ? 'red' : 'green'} />{' '}
      <span>
        {describeStatementSource(statement)}, {describeStatementId(statement)}
      </span>
      <div className={styles.detail}>Resource: {resources}</div>
      {statement.condition !== null && (
        <div className={styles.detail}>
          Condition{statement.conditionState === 'unknown' ? ' (decided per request)' : ''}:{' '}
          <code>{statement.condition}</code>
        </div>
      )}
    </li>
  );
}

function statementKey(statement: ExplainedStatement): string {
  return [statement.via, statement.viaArn, statement.policyArn, statement.policyName, statement.statementIndex].join(
    '|'
  );
}

/** Styles of a panel that opens under a tree row: its sections, lists and secondary detail lines. */
export const getDetailPanelStyles = (theme: GrafanaTheme2) => ({
  panel: css({
    padding: theme.spacing(1, 2, 1, 10),
    background: theme.colors.background.secondary,
    borderRadius: theme.shape.radius.default,
  }),
  group: css({
    marginBottom: theme.spacing(1),
  }),
  list: css({
    listStyle: 'none',
    margin: 0,
    padding: 0,
  }),
  statement: css({
    padding: theme.spacing(0.5, 0),
  }),
  detail: css({
    color: theme.colors.text.secondary,
    fontSize: theme.typography.bodySmall.fontSize,
    marginLeft: theme.spacing(1),
    wordBreak: 'break-all',
  }),
});
