import React, { useCallback } from 'react';
import { PluginPage } from '@grafana/runtime';
import { LinkButton, LoadingPlaceholder, Stack, Text } from '@grafana/ui';

import { IdentityCounts } from '../components/IdentityCounts/IdentityCounts';
import { QueryErrorAlert } from '../components/QueryErrorAlert/QueryErrorAlert';
import { SchemaStatus } from '../components/SchemaStatus/SchemaStatus';
import { testIds } from '../components/testIds';
import { IDENTITIES_DASHBOARD_UID } from '../constants';
import { useAsync } from '../hooks/useAsync';
import { useDatasourceUid } from '../hooks/useDatasourceUid';
import { fetchCloudIdentityCounts } from '../services/identities';
import { fetchLatestMigration, fetchSourceProblems } from '../services/status';

function Home() {
  const datasourceUid = useDatasourceUid();

  const loadOverview = useCallback(async () => {
    const [counts, migration, sourceProblems] = await Promise.all([
      fetchCloudIdentityCounts(datasourceUid),
      fetchLatestMigration(datasourceUid),
      fetchSourceProblems(datasourceUid),
    ]);

    return { counts, migration, sourceProblems };
  }, [datasourceUid]);

  const overview = useAsync(loadOverview);

  return (
    <PluginPage subTitle="Identities and entitlements of your cloud accounts, from the ciem views in PostgreSQL">
      <div data-testid={testIds.home.container}>
        <Stack direction="column" gap={3}>
          {overview.status === 'loading' && <LoadingPlaceholder text="Loading the overview" />}

          {overview.status === 'failed' && (
            <QueryErrorAlert title="The overview could not be loaded" error={overview.error} />
          )}

          {overview.status === 'done' && (
            <>
              <IdentityCounts counts={overview.value.counts} />
              <SchemaStatus migration={overview.value.migration} sourceProblems={overview.value.sourceProblems} />
            </>
          )}

          <Stack gap={2} alignItems="center">
            <LinkButton href={`/d/${IDENTITIES_DASHBOARD_UID}`} icon="apps" variant="secondary">
              Open the identities dashboard
            </LinkButton>
            <Text color="secondary">Datasource: {datasourceUid}</Text>
          </Stack>
        </Stack>
      </div>
    </PluginPage>
  );
}

export default Home;
