import React, { useCallback, useState } from 'react';
import { PluginPage } from '@grafana/runtime';
import { Alert, EmptyState, Icon, Input, LoadingPlaceholder, Stack } from '@grafana/ui';

import { IdentityTable } from '../components/IdentityTable/IdentityTable';
import { QueryErrorAlert } from '../components/QueryErrorAlert/QueryErrorAlert';
import { testIds } from '../components/testIds';
import { useAsync } from '../hooks/useAsync';
import { useDatasourceUid } from '../hooks/useDatasourceUid';
import { useDebouncedValue } from '../hooks/useDebouncedValue';
import { fetchIdentities, type IdentityList } from '../services/identities';
import { IDENTITY_LIST_LIMIT } from '../services/queries';

/** Pause in typing, in ms, after which the search runs. */
export const SEARCH_DELAY_MS = 300;

function Identities() {
  const datasourceUid = useDatasourceUid();
  const [search, setSearch] = useState('');
  const debouncedSearch = useDebouncedValue(search, SEARCH_DELAY_MS);

  const loadIdentities = useCallback(
    () => fetchIdentities(datasourceUid, debouncedSearch),
    [datasourceUid, debouncedSearch]
  );
  const identities = useAsync(loadIdentities);

  return (
    <PluginPage subTitle="Users, groups and roles of your cloud accounts">
      <div data-testid={testIds.identities.container}>
        <Stack direction="column" gap={2}>
          <Input
            data-testid={testIds.identities.search}
            aria-label="Search identities by name or ARN"
            placeholder="Search by name or ARN"
            prefix={<Icon name="search" />}
            value={search}
            onChange={(event) => setSearch(event.currentTarget.value)}
            width={60}
          />

          {identities.status === 'loading' && <LoadingPlaceholder text="Loading identities" />}

          {identities.status === 'failed' && (
            <QueryErrorAlert title="The identities could not be loaded" error={identities.error} />
          )}

          {identities.status === 'done' && <IdentityResults list={identities.value} search={debouncedSearch} />}
        </Stack>
      </div>
    </PluginPage>
  );
}

function IdentityResults({ list, search }: { list: IdentityList; search: string }) {
  if (list.identities.length === 0) {
    return search.trim() === '' ? (
      <EmptyState variant="call-to-action" message="ciem.identities has no rows">
        Check that CloudQuery has synced the IAM tables of your accounts into the database of this datasource.
      </EmptyState>
    ) : (
      <EmptyState variant="not-found" message={`No identity has "${search.trim()}" in its name or ARN`} />
    );
  }

  return (
    <>
      {list.truncated && (
        <Alert severity="info" title={`Showing the first ${IDENTITY_LIST_LIMIT} identities`}>
          Refine the search to see the others.
        </Alert>
      )}
      <IdentityTable identities={list.identities} />
    </>
  );
}

export default Identities;
