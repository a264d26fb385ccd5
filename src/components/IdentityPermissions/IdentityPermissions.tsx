import React, { useCallback, useMemo, useState } from 'react';
import { Alert, LoadingPlaceholder, Stack, Text } from '@grafana/ui';

import { useAsync } from '../../hooks/useAsync';
import { usePermissionTree } from '../../hooks/usePermissionTree';
import { fetchPermissionSummary, type PermissionSummaryRow } from '../../services/permissions';
import {
  buildTreeRows,
  filterServices,
  groupByService,
  totalCounts,
  type ServiceSummary,
} from '../../services/permissionTree';
import { PermissionTree } from '../PermissionTree/PermissionTree';
import { QueryErrorAlert } from '../QueryErrorAlert/QueryErrorAlert';
import { SearchInput } from '../SearchInput/SearchInput';
import { testIds } from '../testIds';

interface Props {
  datasourceUid: string;
  identityArn: string;
  identityType: string;
  /** The summary query, when the page started it already. */
  summaryRequest?: Promise<PermissionSummaryRow[]>;
}

/**
 * Shows the effective permissions of an AWS user or role as a tree of service, access level and action. The summary is
 * fetched first; the actions of a level and the statements of an action are fetched when the user opens them.
 */
export function IdentityPermissions({ datasourceUid, identityArn, identityType, summaryRequest }: Props) {
  if (identityType === 'group') {
    return (
      <Alert severity="info" title="Groups have no effective permissions of their own">
        AWS evaluates a group&apos;s policies for each member user, together with the user&apos;s own policies and
        boundary. Open a member user to see what it may do.
      </Alert>
    );
  }

  return <PermissionSummary datasourceUid={datasourceUid} identityArn={identityArn} summaryRequest={summaryRequest} />;
}

function PermissionSummary({ datasourceUid, identityArn, summaryRequest }: Omit<Props, 'identityType'>) {
  const load = useCallback(
    () => summaryRequest ?? fetchPermissionSummary(datasourceUid, identityArn),
    [datasourceUid, identityArn, summaryRequest]
  );
  const summary = useAsync(load);
  const services = useMemo(() => (summary.status === 'done' ? groupByService(summary.value) : []), [summary]);

  if (summary.status === 'loading') {
    return <LoadingPlaceholder text="Evaluating the effective permissions" />;
  }

  if (summary.status === 'failed') {
    return <QueryErrorAlert title="The effective permissions could not be loaded" error={summary.error} />;
  }

  if (services.length === 0) {
    return (
      <Alert severity="info" title="This identity is allowed no action">
        None of its policies allows an action, after its permissions boundary and service control policies.
      </Alert>
    );
  }

  // The key gives another identity or datasource a fresh tree state.
  return (
    <PermissionBrowser
      key={`${datasourceUid} ${identityArn}`}
      datasourceUid={datasourceUid}
      identityArn={identityArn}
      services={services}
    />
  );
}

function PermissionBrowser({
  datasourceUid,
  identityArn,
  services,
}: Omit<Props, 'identityType'> & { services: ServiceSummary[] }) {
  const [filter, setFilter] = useState('');
  const { state, ...controls } = usePermissionTree(datasourceUid, identityArn);

  const visible = useMemo(() => filterServices(services, filter), [services, filter]);
  const rows = useMemo(() => buildTreeRows(visible, state), [visible, state]);
  const totals = totalCounts(services);

  return (
    <Stack direction="column" gap={1}>
      <Text color="secondary">
        {totals.allowed.toLocaleString()} actions allowed and {totals.conditional.toLocaleString()} conditional in{' '}
        {totals.services.toLocaleString()} services; {totals.denied.toLocaleString()} granted but denied;{' '}
        {totals.unused.toLocaleString()} allowed but unused.
      </Text>
      <SearchInput
        data-testid={testIds.identity.serviceFilter}
        label="Filter services"
        placeholder="Filter services by prefix or name"
        value={filter}
        onChange={setFilter}
      />
      {visible.length === 0 ? (
        <Text color="secondary">No service has &quot;{filter.trim()}&quot; in its prefix or name.</Text>
      ) : (
        <PermissionTree rows={rows} controls={controls} />
      )}
    </Stack>
  );
}
