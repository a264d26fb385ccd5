import React from 'react';
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { Badge, InteractiveTable, useStyles2, type Column } from '@grafana/ui';

import { formatTime } from '../../services/format';
import type { Finding } from '../../services/identityDetail';
import { severityColor } from '../../services/severity';

interface Props {
  findings: Finding[];
}

const COLUMNS: Array<Column<Finding>> = [
  {
    id: 'severity',
    header: 'Severity',
    cell: ({ row }) => <Badge text={row.original.severity} color={severityColor(row.original.severity)} />,
  },
  { id: 'category', header: 'Category' },
  { id: 'title', header: 'Finding' },
  { id: 'firstSeen', header: 'First seen', cell: ({ row }) => formatTime(row.original.firstSeen, 'Unknown') },
  {
    id: 'suppressed',
    header: 'Suppressed',
    cell: ({ row }) => (row.original.suppressed ? `Yes: ${row.original.suppressionReason ?? 'no reason given'}` : 'No'),
  },
];

/** Shows the findings of one identity; expanding a finding shows the rule's evidence. */
export function FindingsTable({ findings }: Props) {
  return (
    <InteractiveTable
      columns={COLUMNS}
      data={findings}
      getRowId={(finding) => finding.findingId}
      renderExpandedRow={(finding) => <Evidence finding={finding} />}
    />
  );
}

function Evidence({ finding }: { finding: Finding }) {
  const styles = useStyles2(getStyles);

  return (
    <pre className={styles.evidence}>
      {finding.evidence === null ? 'No evidence' : formatEvidence(finding.evidence)}
    </pre>
  );
}

function formatEvidence(evidence: string): string {
  try {
    return JSON.stringify(JSON.parse(evidence), null, 2);
  } catch {
    return evidence;
  }
}

const getStyles = (theme: GrafanaTheme2) => ({
  evidence: css({
    margin: theme.spacing(1, 2),
    maxHeight: theme.spacing(40),
    overflow: 'auto',
  }),
});
