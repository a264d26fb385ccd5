import React, { useCallback, useEffect, useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import type { SelectableValue } from '@grafana/data';
import { PluginPage } from '@grafana/runtime';
import {
  Alert,
  Button,
  Combobox,
  EmptyState,
  InlineField,
  LoadingPlaceholder,
  Pagination,
  RadioButtonGroup,
  Stack,
  Text,
  type ComboboxOption,
} from '@grafana/ui';

import { IdentityTable, type IdentitySort } from '../components/IdentityTable/IdentityTable';
import { QueryErrorAlert } from '../components/QueryErrorAlert/QueryErrorAlert';
import { SearchInput } from '../components/SearchInput/SearchInput';
import { testIds } from '../components/testIds';
import { useAsync } from '../hooks/useAsync';
import { useDatasourceUid } from '../hooks/useDatasourceUid';
import { useDebouncedValue } from '../hooks/useDebouncedValue';
import { fetchAccounts, fetchIdentityPage, type IdentityPage } from '../services/identities';
import { IDENTITY_PAGE_SIZE } from '../services/identityQueries';
import { readIdentityFilters, writeIdentityFilters, type IdentityFilters } from '../services/identityFilters';

/** Pause in typing, in ms, after which the search runs. */
export const SEARCH_DELAY_MS = 300;

const TYPE_OPTIONS: Array<SelectableValue<string>> = [
  { label: 'All', value: '' },
  { label: 'Users', value: 'user' },
  { label: 'Groups', value: 'group' },
  { label: 'Roles', value: 'role' },
];

/** Lists the identities of every account, filtered, sorted and paged by PostgreSQL. The filters live in the URL. */
function Identities() {
  const datasourceUid = useDatasourceUid();
  const [searchParams, setSearchParams] = useSearchParams();
  const filters = readIdentityFilters(searchParams);

  const [search, setSearch] = useState(filters.search);
  const debouncedSearch = useDebouncedValue(search, SEARCH_DELAY_MS);

  const update = useCallback(
    (change: Partial<IdentityFilters>) => {
      setSearchParams((current) => writeIdentityFilters({ ...readIdentityFilters(current), page: 0, ...change }), {
        replace: true,
      });
    },
    [setSearchParams]
  );

  useEffect(() => {
    if (debouncedSearch !== readIdentityFilters(searchParams).search) {
      update({ search: debouncedSearch });
    }
    // Only a new search text moves the URL; the URL moving must not write the old text back.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [debouncedSearch]);

  const { accountId, identityType, sortBy, descending, page } = filters;
  const loadPage = useCallback(
    () =>
      fetchIdentityPage(datasourceUid, { search: filters.search, accountId, identityType, sortBy, descending, page }),
    [datasourceUid, filters.search, accountId, identityType, sortBy, descending, page]
  );
  const identities = useAsync(loadPage);

  // The table stays on screen with the previous page while the next one loads, so it keeps its sort state. React allows
  // this update during render because it depends only on the new result.
  const [previous, setPrevious] = useState<IdentityPage | null>(null);
  if (identities.status === 'done' && identities.value !== previous) {
    setPrevious(identities.value);
  }
  const shown = identities.status === 'done' ? identities.value : previous;

  const onSortChange = useCallback((sort: IdentitySort) => update(sort), [update]);

  return (
    <PluginPage subTitle="Users, groups and roles of every account, with their permission creep score and open findings">
      <div data-testid={testIds.identities.container}>
        <Stack direction="column" gap={2}>
          <Stack gap={2} wrap="wrap" alignItems="center">
            <SearchInput
              data-testid={testIds.identities.search}
              label="Search identities by name or ARN"
              placeholder="Search by name or ARN"
              value={search}
              onChange={setSearch}
            />
            <AccountFilter
              datasourceUid={datasourceUid}
              accountId={accountId}
              onChange={(value) => update({ accountId: value })}
            />
            <InlineField label="Type" data-testid={testIds.identities.typeFilter}>
              <RadioButtonGroup
                options={TYPE_OPTIONS}
                value={identityType ?? ''}
                onChange={(value) =>
                  update({ identityType: value === '' ? null : (value as IdentityFilters['identityType']) })
                }
              />
            </InlineField>
          </Stack>

          {identities.status === 'failed' && (
            <QueryErrorAlert title="The identities could not be loaded" error={identities.error} />
          )}

          {identities.status === 'loading' && shown === null && <LoadingPlaceholder text="Loading identities" />}

          {identities.status !== 'failed' && shown !== null && (
            <IdentityResults
              result={shown}
              filters={filters}
              loading={identities.status === 'loading'}
              onSortChange={onSortChange}
              onPageChange={(next) => update({ page: next })}
            />
          )}
        </Stack>
      </div>
    </PluginPage>
  );
}

interface AccountFilterProps {
  datasourceUid: string;
  accountId: string | null;
  onChange: (accountId: string | null) => void;
}

function AccountFilter({ datasourceUid, accountId, onChange }: AccountFilterProps) {
  const load = useCallback(() => fetchAccounts(datasourceUid), [datasourceUid]);
  const accounts = useAsync(load);

  const options: Array<ComboboxOption<string>> = [{ label: 'All accounts', value: '' }];
  if (accounts.status === 'done') {
    for (const account of accounts.value) {
      const name = account.accountName === null ? '' : ` (${account.accountName})`;
      options.push({
        label: `${account.accountId}${name}`,
        value: account.accountId,
        description: `${account.identities} identities`,
      });
    }
  }

  return (
    <InlineField label="Account" htmlFor="openciem-account-filter">
      <Combobox
        id="openciem-account-filter"
        data-testid={testIds.identities.accountFilter}
        placeholder="All accounts"
        options={options}
        value={accountId ?? ''}
        loading={accounts.status === 'loading'}
        onChange={(selected) => onChange(selected.value === '' ? null : selected.value)}
        width={40}
      />
    </InlineField>
  );
}

interface ResultsProps {
  result: IdentityPage;
  filters: IdentityFilters;
  loading: boolean;
  onSortChange: (sort: IdentitySort) => void;
  onPageChange: (page: number) => void;
}

function IdentityResults({ result, filters, loading, onSortChange, onPageChange }: ResultsProps) {
  // An empty page after the first one carries no total_count, so it says nothing about the other pages.
  if (result.totalCount === 0 && filters.page > 0) {
    return (
      <Alert severity="info" title={`Page ${filters.page + 1} has no identities`}>
        <Stack direction="column" gap={1} alignItems="flex-start">
          Fewer identities match now than when this address was made.
          <Button variant="secondary" onClick={() => onPageChange(0)}>
            Go to the first page
          </Button>
        </Stack>
      </Alert>
    );
  }

  if (result.totalCount === 0) {
    const filtered = filters.search.trim() !== '' || filters.accountId !== null || filters.identityType !== null;

    return filtered ? (
      <EmptyState variant="not-found" message="No identity matches these filters">
        {filters.search.trim() !== '' &&
          `No identity has "${filters.search.trim()}" in its name or ARN with these filters. `}
        Clear a filter to see more identities.
      </EmptyState>
    ) : (
      <EmptyState variant="call-to-action" message="ciem.identities has no rows">
        Check that CloudQuery has synced the IAM tables of your accounts into the database of this datasource.
      </EmptyState>
    );
  }

  const pages = Math.ceil(result.totalCount / IDENTITY_PAGE_SIZE);
  const first = filters.page * IDENTITY_PAGE_SIZE + 1;
  const last = filters.page * IDENTITY_PAGE_SIZE + result.items.length;

  return (
    <Stack direction="column" gap={1}>
      <Text color="secondary">
        Identities {first.toLocaleString()} to {last.toLocaleString()} of {result.totalCount.toLocaleString()}
        {loading && ' (loading)'}
      </Text>
      <IdentityTable
        identities={result.items}
        sort={{ sortBy: filters.sortBy, descending: filters.descending }}
        onSortChange={onSortChange}
      />
      <Pagination
        currentPage={filters.page + 1}
        numberOfPages={pages}
        onNavigate={(page) => onPageChange(page - 1)}
        hideWhenSinglePage
      />
    </Stack>
  );
}

export default Identities;
