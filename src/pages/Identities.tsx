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
import { accountLabel, CLOUD_LABELS, cloudLabel, CLOUDS, isCloud, type Cloud } from '../services/clouds';
import {
  fetchAccounts,
  fetchIdentityFacets,
  fetchIdentityPage,
  type IdentityFacet,
  type IdentityPage,
} from '../services/identities';
import { IDENTITY_PAGE_SIZE, IDENTITY_TYPES, type IdentityType } from '../services/identityQueries';
import { readIdentityFilters, writeIdentityFilters, type IdentityFilters } from '../services/identityFilters';

/** Pause in typing, in ms, after which the search runs. */
export const SEARCH_DELAY_MS = 300;

/** Plural names of the identity types, as the type filter offers them. */
const TYPE_LABELS: Record<IdentityType, string> = {
  user: 'Users',
  group: 'Groups',
  role: 'Roles',
  service_account: 'Service accounts',
  service_principal: 'Service principals',
  managed_identity: 'Managed identities',
  domain: 'Domains',
  public: 'Public',
  unknown: 'Unknown',
};

/**
 * Lists the identities of every cloud and account, filtered, sorted and paged by PostgreSQL. The filters live in the
 * URL.
 */
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

  const { cloud, accountId, identityType, sortBy, descending, page } = filters;
  const loadPage = useCallback(
    () =>
      fetchIdentityPage(datasourceUid, {
        search: filters.search,
        cloud,
        accountId,
        identityType,
        sortBy,
        descending,
        page,
      }),
    [datasourceUid, filters.search, cloud, accountId, identityType, sortBy, descending, page]
  );
  const loadFacets = useCallback(() => fetchIdentityFacets(datasourceUid), [datasourceUid]);
  const facets = useAsync(loadFacets);
  const facetList = facets.status === 'done' ? facets.value : [];
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
    <PluginPage subTitle="Identities of every cloud and account, with their AWS permission creep score and open findings">
      <div data-testid={testIds.identities.container}>
        <Stack direction="column" gap={2}>
          <Stack gap={2} wrap="wrap" alignItems="center">
            <SearchInput
              data-testid={testIds.identities.search}
              label="Search identities by name or id"
              placeholder="Search by name, ARN or id"
              value={search}
              onChange={setSearch}
            />
            <InlineField label="Cloud" data-testid={testIds.identities.cloudFilter}>
              <RadioButtonGroup
                options={cloudOptions(facetList, cloud)}
                value={cloud ?? ''}
                onChange={(value) => update({ cloud: value === '' ? null : (value as Cloud), accountId: null })}
              />
            </InlineField>
            <AccountFilter
              datasourceUid={datasourceUid}
              cloud={cloud}
              accountId={accountId}
              onChange={(account) => update(account ?? { accountId: null })}
            />
            <TypeFilter
              facets={facetList}
              cloud={cloud}
              identityType={identityType}
              onChange={(value) => update({ identityType: value })}
            />
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

/** Offers All and the clouds that have identities, in a fixed order; a cloud of the URL stays selectable. */
function cloudOptions(facets: IdentityFacet[], selected: Cloud | null): Array<SelectableValue<string>> {
  const present = new Set(facets.map((facet) => facet.cloud));
  const clouds = CLOUDS.filter((cloud) => present.has(cloud) || cloud === selected);

  return [{ label: 'All', value: '' }, ...clouds.map((cloud) => ({ label: CLOUD_LABELS[cloud], value: cloud }))];
}

interface AccountFilterProps {
  datasourceUid: string;
  cloud: Cloud | null;
  accountId: string | null;
  /** Called with the cloud and account chosen, or null for every account. */
  onChange: (account: { cloud: Cloud; accountId: string } | null) => void;
}

// An account id can repeat across clouds (a Google Cloud project and a Kubernetes context both named acme-prod), so
// each option's value names the cloud too: the cloud, a space, then the account id.
function accountValue(cloud: string, accountId: string): string {
  return `${cloud} ${accountId}`;
}

function AccountFilter({ datasourceUid, cloud, accountId, onChange }: AccountFilterProps) {
  const load = useCallback(() => fetchAccounts(datasourceUid), [datasourceUid]);
  const accounts = useAsync(load);
  const listed = accounts.status === 'done' ? accounts.value.filter((a) => cloud === null || a.cloud === cloud) : [];

  const options: Array<ComboboxOption<string>> = [{ label: 'All accounts', value: '' }];
  for (const account of listed) {
    const name = account.accountName === null ? '' : ` (${account.accountName})`;
    const kind = accountLabel(account.cloud, account.accountId).toLowerCase();
    options.push({
      label: `${account.accountId}${name}`,
      value: accountValue(account.cloud, account.accountId),
      description: `${cloudLabel(account.cloud)} ${kind}, ${account.identities} identities`,
    });
  }

  const selected = listed.find((account) => account.accountId === accountId);

  return (
    <InlineField label="Account" htmlFor="openciem-account-filter">
      <Combobox
        id="openciem-account-filter"
        data-testid={testIds.identities.accountFilter}
        placeholder="All accounts"
        options={options}
        value={selected === undefined ? (accountId ?? '') : accountValue(selected.cloud, selected.accountId)}
        loading={accounts.status === 'loading'}
        onChange={(option) => {
          const account = listed.find((item) => accountValue(item.cloud, item.accountId) === option.value);
          const chosenCloud = account?.cloud;
          onChange(
            account === undefined || !isCloud(chosenCloud) ? null : { cloud: chosenCloud, accountId: account.accountId }
          );
        }}
        width={40}
      />
    </InlineField>
  );
}

interface TypeFilterProps {
  facets: IdentityFacet[];
  cloud: Cloud | null;
  identityType: IdentityType | null;
  onChange: (identityType: IdentityType | null) => void;
}

/** Offers the identity types that the chosen cloud has, with their number of identities. */
function TypeFilter({ facets, cloud, identityType, onChange }: TypeFilterProps) {
  const counts = new Map<string, number>();
  for (const facet of facets) {
    if (cloud === null || facet.cloud === cloud) {
      counts.set(facet.identityType, (counts.get(facet.identityType) ?? 0) + facet.identities);
    }
  }

  const options: Array<ComboboxOption<string>> = [{ label: 'All types', value: '' }];
  for (const type of IDENTITY_TYPES) {
    const identities = counts.get(type);
    if (identities !== undefined || type === identityType) {
      options.push({ label: TYPE_LABELS[type], value: type, description: `${identities ?? 0} identities` });
    }
  }

  return (
    <InlineField label="Type" htmlFor="openciem-type-filter">
      <Combobox
        id="openciem-type-filter"
        data-testid={testIds.identities.typeFilter}
        placeholder="All types"
        options={options}
        value={identityType ?? ''}
        onChange={(option) => onChange(IDENTITY_TYPES.find((type) => type === option.value) ?? null)}
        width={28}
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
    const filtered =
      filters.search.trim() !== '' ||
      filters.cloud !== null ||
      filters.accountId !== null ||
      filters.identityType !== null;

    return filtered ? (
      <EmptyState variant="not-found" message="No identity matches these filters">
        {filters.search.trim() !== '' &&
          `No identity has "${filters.search.trim()}" in its name or id with these filters. `}
        Clear a filter to see more identities.
      </EmptyState>
    ) : (
      <EmptyState variant="call-to-action" message="ciem.identities has no rows">
        Check that CloudQuery has synced the IAM or RBAC tables of your clouds into the database of this datasource, and
        that openciem refresh has run.
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
