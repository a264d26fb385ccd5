import React from 'react';
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { Badge, InteractiveTable, Stack, useStyles2, type Column } from '@grafana/ui';

import type { Identity } from '../../services/identities';
import { formatTime } from '../../services/format';

interface Props {
  identities: Identity[];
}

// InteractiveTable requires columns with a stable identity.
const COLUMNS: Array<Column<Identity>> = [
  {
    id: 'displayName',
    header: 'Name',
    sortType: 'string',
    cell: ({ row }) => (
      <Stack gap={1} alignItems="center">
        <span>{row.original.displayName}</span>
        {row.original.isServiceLinked && <Badge text="service-linked" color="blue" />}
      </Stack>
    ),
  },
  { id: 'identityType', header: 'Type', sortType: 'string' },
  { id: 'accountId', header: 'Account', sortType: 'string' },
  { id: 'identityId', header: 'ARN', sortType: 'string' },
  {
    id: 'lastUsedAt',
    header: 'Last used',
    sortType: 'basic',
    cell: ({ row }) => formatTime(row.original.lastUsedAt, 'No record'),
  },
];

function rowId(identity: Identity): string {
  return `${identity.cloud}/${identity.accountId}/${identity.identityId}`;
}

/** Shows identities in a table. Expanding a row shows the attributes that do not fit in a column. */
export function IdentityTable({ identities }: Props) {
  return (
    <InteractiveTable
      columns={COLUMNS}
      data={identities}
      getRowId={rowId}
      pageSize={50}
      renderExpandedRow={(identity) => <IdentityDetails identity={identity} />}
    />
  );
}

function IdentityDetails({ identity }: { identity: Identity }) {
  const styles = useStyles2(getStyles);

  return (
    <dl className={styles.details}>
      <dt>Cloud</dt>
      <dd>{identity.cloud}</dd>
      <dt>Path</dt>
      <dd>{identity.path ?? 'None'}</dd>
      <dt>Created</dt>
      <dd>{formatTime(identity.createdAt, 'Unknown')}</dd>
      <dt>Permissions boundary</dt>
      <dd>{identity.permissionsBoundaryArn ?? 'None'}</dd>
    </dl>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  details: css({
    display: 'grid',
    gridTemplateColumns: 'max-content auto',
    columnGap: theme.spacing(2),
    rowGap: theme.spacing(0.5),
    margin: theme.spacing(1, 2),
    dt: {
      color: theme.colors.text.secondary,
    },
    dd: {
      margin: 0,
      wordBreak: 'break-all',
    },
  }),
});
