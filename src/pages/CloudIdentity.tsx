import React, { useCallback, useMemo } from 'react';
import { PluginPage } from '@grafana/runtime';
import { EmptyState, LoadingPlaceholder, Stack, Text, TextLink } from '@grafana/ui';

import { CloudIdentitySummary } from '../components/CloudIdentitySummary/CloudIdentitySummary';
import { CloudPermissions } from '../components/CloudPermissions/CloudPermissions';
import { FindingsSection } from '../components/FindingsTable/FindingsSection';
import { IdentityGrants } from '../components/IdentityGrants/IdentityGrants';
import { QueryErrorAlert } from '../components/QueryErrorAlert/QueryErrorAlert';
import { testIds } from '../components/testIds';
import { PLUGIN_BASE_URL, ROUTES } from '../constants';
import { useAsync } from '../hooks/useAsync';
import { useDatasourceUid } from '../hooks/useDatasourceUid';
import type { CloudIdentityScope } from '../services/cloudIdentityQueries';
import { fetchIdentityGrants } from '../services/cloudPermissions';
import { accountLabel, cloudLabel, identityIsPerAccount } from '../services/clouds';
import type { Identity } from '../services/identities';
import { identityAddress, resolveIdentity, type IdentityKey } from '../services/identityAddress';
import { fetchIdentityFindings, fetchIdentityRows } from '../services/identityDetail';

const IDENTITIES_URL = `${PLUGIN_BASE_URL}/${ROUTES.Identities}`;

interface Props {
  identityKey: IdentityKey;
  /** Renders the page of an AWS identity, for an ?arn= address whose id turns out to be an ARN of ciem.identities. */
  renderAws: (identityArn: string) => React.ReactElement;
}

/**
 * Shows a Kubernetes, Google Cloud or Azure identity: its attributes, findings, grants and effective permissions. The
 * identity's rows come first, because a Kubernetes id needs its cluster and the address may not name one.
 */
export function CloudIdentityContent({ identityKey, renderAws }: Props) {
  const datasourceUid = useDatasourceUid();
  const { cloud, identityId } = identityKey;
  const load = useCallback(
    () => fetchIdentityRows(datasourceUid, identityId, cloud),
    [datasourceUid, identityId, cloud]
  );
  const rows = useAsync(load);
  const resolved = useMemo(
    () => (rows.status === 'done' ? resolveIdentity(identityKey, rows.value) : null),
    [identityKey, rows]
  );

  if (resolved?.status === 'found' && resolved.identity.cloud === 'aws') {
    return renderAws(resolved.identity.identityId);
  }

  const name = resolved?.status === 'found' ? resolved.identity.displayName : identityId;

  return (
    <PluginPage pageNav={{ text: name, parentItem: { text: 'Identities', url: IDENTITIES_URL } }}>
      <div data-testid={testIds.identity.container}>
        {rows.status === 'loading' && <LoadingPlaceholder text="Loading the identity" />}

        {rows.status === 'failed' && <QueryErrorAlert title="The identity could not be loaded" error={rows.error} />}

        {resolved?.status === 'not-found' && <NotFound identityKey={identityKey} />}

        {resolved?.status === 'ambiguous' && <Candidates identityId={identityId} candidates={resolved.candidates} />}

        {resolved?.status === 'found' && (
          <IdentityDetails
            datasourceUid={datasourceUid}
            identity={resolved.identity}
            otherAccounts={resolved.otherAccounts}
          />
        )}
      </div>
    </PluginPage>
  );
}

function NotFound({ identityKey }: { identityKey: IdentityKey }) {
  const where = [
    identityKey.cloud === null ? null : cloudLabel(identityKey.cloud),
    identityKey.accountId === null ? null : `in ${identityKey.accountId}`,
  ]
    .filter((part) => part !== null)
    .join(' ');

  return (
    <EmptyState
      variant="not-found"
      message={`No identity has the id ${identityKey.identityId}${where && ` (${where})`}`}
    >
      Check the address, or find the identity on the <TextLink href={IDENTITIES_URL}>Identities</TextLink> page. An
      identity removed from its cloud leaves ciem.identities after the next sync and openciem refresh.
    </EmptyState>
  );
}

/** Lists the identities that share an id, such as User:alice of two Kubernetes clusters, to open one of them. */
function Candidates({ identityId, candidates }: { identityId: string; candidates: Identity[] }) {
  return (
    <Stack direction="column" gap={1}>
      <Text element="h3">{identityId} names several identities</Text>
      <Text color="secondary">The address names no account. Choose one:</Text>
      <ul>
        {candidates.map((candidate) => (
          <li key={`${candidate.cloud} ${candidate.accountId}`}>
            <TextLink href={identityAddress(candidate)} inline={false}>
              {`${cloudLabel(candidate.cloud)} ${accountLabel(candidate.cloud, candidate.accountId).toLowerCase()} ${candidate.accountId}`}
            </TextLink>
          </li>
        ))}
      </ul>
    </Stack>
  );
}

interface DetailsProps {
  datasourceUid: string;
  identity: Identity;
  otherAccounts: string[];
}

function IdentityDetails({ datasourceUid, identity, otherAccounts }: DetailsProps) {
  const scope = useMemo<CloudIdentityScope>(
    () => ({
      cloud: identity.cloud,
      identityId: identity.identityId,
      accountId: identityIsPerAccount(identity.cloud) ? identity.accountId : null,
    }),
    [identity]
  );
  const load = useCallback(async () => {
    const [findings, grants] = await Promise.all([
      fetchIdentityFindings(datasourceUid, scope.identityId, { cloud: scope.cloud, accountId: scope.accountId }),
      fetchIdentityGrants(datasourceUid, scope),
    ]);

    return { findings, grants };
  }, [datasourceUid, scope]);
  const loaded = useAsync(load);

  return (
    <Stack direction="column" gap={3}>
      <CloudIdentitySummary identity={identity} otherAccounts={otherAccounts} />

      {loaded.status === 'loading' && <LoadingPlaceholder text="Loading the findings and grants" />}

      {loaded.status === 'failed' && (
        <QueryErrorAlert title="The findings and grants could not be loaded" error={loaded.error} />
      )}

      {loaded.status === 'done' && (
        <>
          <FindingsSection findings={loaded.value.findings} />

          <section>
            <Text element="h3">Grants</Text>
            {loaded.value.grants.length === 0 ? (
              <Text color="secondary">No role binding or assignment names this identity.</Text>
            ) : (
              <IdentityGrants grants={loaded.value.grants} />
            )}
          </section>
        </>
      )}

      <section data-testid={testIds.identity.permissions}>
        <Text element="h3">Effective permissions</Text>
        <CloudPermissions datasourceUid={datasourceUid} scope={scope} />
      </section>
    </Stack>
  );
}
