import React, { useCallback, useMemo } from 'react';
import { useSearchParams } from 'react-router-dom';
import { PluginPage } from '@grafana/runtime';
import { EmptyState, LoadingPlaceholder, Stack, Text, TextLink } from '@grafana/ui';

import { FindingsSection } from '../components/FindingsTable/FindingsSection';
import { IdentityPermissions } from '../components/IdentityPermissions/IdentityPermissions';
import { IdentitySummary } from '../components/IdentitySummary/IdentitySummary';
import { QueryErrorAlert } from '../components/QueryErrorAlert/QueryErrorAlert';
import { testIds } from '../components/testIds';
import { PLUGIN_BASE_URL, ROUTES } from '../constants';
import { useAsync } from '../hooks/useAsync';
import { useDatasourceUid } from '../hooks/useDatasourceUid';
import { readIdentityKey } from '../services/identityAddress';
import { fetchIdentity, fetchIdentityFindings } from '../services/identityDetail';
import { fetchPermissionSummary, type PermissionSummaryRow } from '../services/permissions';
import { CloudIdentityContent } from './CloudIdentity';

const IDENTITIES_URL = `${PLUGIN_BASE_URL}/${ROUTES.Identities}`;

/**
 * Shows the identity that the address names: an AWS identity by ?arn=, another cloud's by ?cloud=&account=&id=. The page
 * lists its attributes, findings and effective permissions.
 */
function Identity() {
  const [searchParams] = useSearchParams();
  const identityKey = useMemo(() => readIdentityKey(searchParams), [searchParams]);

  if (identityKey === null) {
    return (
      <PluginPage>
        <div data-testid={testIds.identity.container}>
          <EmptyState variant="call-to-action" message="No identity was chosen">
            This page shows one identity, named by the arn parameter of its address for AWS, or by cloud, account and id
            for the other clouds. Pick one on the <TextLink href={IDENTITIES_URL}>Identities</TextLink> page.
          </EmptyState>
        </div>
      </PluginPage>
    );
  }

  if (identityKey.cloud === 'aws') {
    return <IdentityContent identityArn={identityKey.identityId} />;
  }

  return (
    <CloudIdentityContent
      identityKey={identityKey}
      renderAws={(identityArn) => <IdentityContent identityArn={identityArn} />}
    />
  );
}

/** Matches the ARN of an IAM user or role, the identities that have effective permissions. */
const PRINCIPAL_ARN = /^arn:aws[\w-]*:iam::\d{12}:(user|role)\//;

/**
 * Starts the permission summary together with the identity, rather than after it, because it is the slowest query of
 * the page. The error is kept for the tree, which reports it; the page itself does not wait for it.
 */
function prefetchSummary(datasourceUid: string, identityArn: string): Promise<PermissionSummaryRow[]> | undefined {
  if (!PRINCIPAL_ARN.test(identityArn)) {
    return undefined;
  }
  const request = fetchPermissionSummary(datasourceUid, identityArn);
  request.catch(() => undefined);
  return request;
}

function IdentityContent({ identityArn }: { identityArn: string }) {
  const datasourceUid = useDatasourceUid();
  const summaryRequest = useMemo(() => prefetchSummary(datasourceUid, identityArn), [datasourceUid, identityArn]);
  const load = useCallback(async () => {
    const [identity, findings] = await Promise.all([
      fetchIdentity(datasourceUid, identityArn),
      fetchIdentityFindings(datasourceUid, identityArn),
    ]);

    return { identity, findings };
  }, [datasourceUid, identityArn]);
  const loaded = useAsync(load);
  const name =
    loaded.status === 'done' && loaded.value.identity !== null ? loaded.value.identity.displayName : identityArn;

  return (
    <PluginPage pageNav={{ text: name, parentItem: { text: 'Identities', url: IDENTITIES_URL } }}>
      <div data-testid={testIds.identity.container}>
        {loaded.status === 'loading' && <LoadingPlaceholder text="Loading the identity" />}

        {loaded.status === 'failed' && (
          <QueryErrorAlert title="The identity could not be loaded" error={loaded.error} />
        )}

        {loaded.status === 'done' && loaded.value.identity === null && (
          <EmptyState variant="not-found" message={`No identity has the ARN ${identityArn}`}>
            Check the address, or find the identity on the <TextLink href={IDENTITIES_URL}>Identities</TextLink> page.
            An identity deleted in AWS leaves ciem.identities after the next CloudQuery sync.
          </EmptyState>
        )}

        {loaded.status === 'done' && loaded.value.identity !== null && (
          <Stack direction="column" gap={3}>
            <IdentitySummary identity={loaded.value.identity} />

            <FindingsSection findings={loaded.value.findings} />

            <section data-testid={testIds.identity.permissions}>
              <Text element="h3">Effective permissions</Text>
              <IdentityPermissions
                datasourceUid={datasourceUid}
                identityArn={identityArn}
                identityType={loaded.value.identity.identityType}
                summaryRequest={summaryRequest}
              />
            </section>
          </Stack>
        )}
      </div>
    </PluginPage>
  );
}

export default Identity;
