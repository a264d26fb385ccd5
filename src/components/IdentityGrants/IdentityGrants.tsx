import React from 'react';
import { Badge, InteractiveTable, Stack, Text, type Column } from '@grafana/ui';

import type { IdentityGrant } from '../../services/cloudPermissions';
import { testIds } from '../testIds';

interface Props {
  grants: IdentityGrant[];
}

const COLUMNS: Array<Column<IdentityGrant>> = [
  {
    id: 'role',
    header: 'Role',
    cell: ({ row }) => (
      <Stack direction="column" gap={0}>
        <span>{row.original.roleName ?? row.original.roleId}</span>
        {row.original.roleName !== null && row.original.roleName !== row.original.roleId && (
          <Text variant="bodySmall" color="secondary">
            {row.original.roleId}
          </Text>
        )}
      </Stack>
    ),
  },
  {
    id: 'scope',
    header: 'Scope',
    cell: ({ row }) => `${row.original.scopeType.replace(/_/g, ' ')} ${row.original.scope}`,
  },
  { id: 'via', header: 'Via' },
  {
    id: 'condition',
    header: 'Condition',
    cell: ({ row }) =>
      row.original.condition === null ? (
        'None'
      ) : (
        <Stack gap={1} alignItems="center">
          <Badge text="Conditional" color="orange" />
          <code>{row.original.condition}</code>
        </Stack>
      ),
  },
  { id: 'grantId', header: 'Binding or assignment' },
];

/** Shows the roles an identity holds, each at its scope, with the condition and the binding behind it. */
export function IdentityGrants({ grants }: Props) {
  return (
    <div data-testid={testIds.identity.grantsTable}>
      <InteractiveTable
        columns={COLUMNS}
        data={grants}
        getRowId={(grant) => `${grant.accountId} ${grant.grantId} ${grant.roleId} ${grant.scope}`}
      />
    </div>
  );
}
