import React, { useCallback, useMemo } from 'react';
import { Badge, InteractiveTable, Stack, TextLink, Tooltip, type Column, type FetchDataFunc } from '@grafana/ui';

import { cloudLabel } from '../../services/clouds';
import { formatTime } from '../../services/format';
import type { IdentityListItem } from '../../services/identities';
import { identityAddress } from '../../services/identityAddress';
import type { IdentitySortColumn } from '../../services/identityQueries';
import { severityColor } from '../../services/severity';
import { testIds } from '../testIds';

/** The column and direction the server sorts by. */
export interface IdentitySort {
  sortBy: IdentitySortColumn;
  descending: boolean;
}

interface Props {
  identities: IdentityListItem[];
  sort: IdentitySort;
  onSortChange: (sort: IdentitySort) => void;
}

// InteractiveTable requires columns with a stable identity. Each id is a key of IDENTITY_SORT_COLUMNS, and a sortType
// makes the column sortable; PostgreSQL does the sorting.
const COLUMNS: Array<Column<IdentityListItem>> = [
  {
    id: 'name',
    header: 'Name',
    sortType: 'string',
    cell: ({ row }) => (
      <Stack gap={1} alignItems="center">
        <TextLink href={identityAddress(row.original)} inline={false}>
          {row.original.displayName}
        </TextLink>
        {row.original.isServiceLinked && <Badge text="service-linked" color="blue" />}
      </Stack>
    ),
  },
  { id: 'cloud', header: 'Cloud', sortType: 'string', cell: ({ row }) => cloudLabel(row.original.cloud) },
  {
    id: 'type',
    header: 'Type',
    sortType: 'string',
    cell: ({ row }) => row.original.identityType.replace(/_/g, ' '),
  },
  { id: 'account', header: 'Account', sortType: 'string', cell: ({ row }) => row.original.accountId },
  {
    id: 'creepScore',
    header: 'Creep score',
    sortType: 'number',
    cell: ({ row }) => <CreepScoreCell identity={row.original} />,
  },
  {
    id: 'openFindings',
    header: 'Open findings',
    sortType: 'number',
    cell: ({ row }) => <FindingsCell identity={row.original} />,
  },
  {
    id: 'lastUsed',
    header: 'Last used',
    sortType: 'basic',
    cell: ({ row }) => formatTime(row.original.lastUsedAt, 'No record'),
  },
];

function rowId(identity: IdentityListItem): string {
  return `${identity.cloud}/${identity.accountId}/${identity.identityId}`;
}

/** Shows one page of identities. Sorting a column requests the new order from PostgreSQL. */
export function IdentityTable({ identities, sort, onSortChange }: Props) {
  // The table keeps its own sort state from this first value; later changes come back through fetchData.
  const initialSortBy = useMemo(() => [{ id: sort.sortBy, desc: sort.descending }], [sort.sortBy, sort.descending]);

  const fetchData: FetchDataFunc<IdentityListItem> = useCallback(
    ({ sortBy }) => {
      const [first] = sortBy;
      if (first === undefined) {
        return;
      }

      const next = { sortBy: first.id as IdentitySortColumn, descending: first.desc ?? false };
      if (next.sortBy !== sort.sortBy || next.descending !== sort.descending) {
        onSortChange(next);
      }
    },
    [onSortChange, sort.sortBy, sort.descending]
  );

  return (
    <div data-testid={testIds.identities.table}>
      <InteractiveTable
        columns={COLUMNS}
        data={identities}
        getRowId={rowId}
        fetchData={fetchData}
        initialSortBy={initialSortBy}
        disableSortRemove
      />
    </div>
  );
}

function CreepScoreCell({ identity }: { identity: IdentityListItem }) {
  const creep = identity.creepScore;
  if (creep === null) {
    return <span>Not scored</span>;
  }

  const parts =
    `Unused weight by access level, as points of the score: Permissions management ${creep.permissionsManagement}, ` +
    `Write ${creep.write}, Read ${creep.read}, Tagging ${creep.tagging}, List ${creep.list}`;

  return (
    <Tooltip content={parts}>
      <span>{creep.score}</span>
    </Tooltip>
  );
}

function FindingsCell({ identity }: { identity: IdentityListItem }) {
  if (identity.openFindings === 0 || identity.highestSeverity === null) {
    return <span>0</span>;
  }

  return (
    <Stack gap={1} alignItems="center">
      <span>{identity.openFindings}</span>
      <Badge text={identity.highestSeverity} color={severityColor(identity.highestSeverity)} />
    </Stack>
  );
}
